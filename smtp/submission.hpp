#pragma once
// Submitting mail for an authenticated account without going through the SMTP server: what the
// webmail uses to send (DESIGN.md: protocols never include each other; the webmail reaches the
// delivery pipeline through this header only). The same rules as SMTP submission apply, in the
// same code: the sender and the From header must be the account's (own address, alias, or a
// unit address it is a clerk of), group send policies, the external sending limit, automatic
// forwarding out of government, the size and recipient limits; local recipients are delivered
// and remote ones queued in one durable commit before submit() returns.
//
//     SubmitResult sent = co_await submission.submit({
//         .account = session.account_id,
//         .recipients = {"hunglv.stttt@example.gov.vn", "an@other-agency.gov.vn"},
//         .message = composed,                       // RFC 5322, CRLF line ends
//         .client_address = request.peer_address,
//     });
//     if (sent.status == SubmitStatus::Accepted) show("sent, id " + sent.id);
//     else show(sent.reason);                        // public text, Vietnamese-friendly English
//     for (auto& r : sent.refused) mark(r.address, r.reason);
//
// All or nothing: if the sender or any recipient is refused, nothing is sent and `refused`
// names the recipients. Once Accepted, govmail owns the message: recipients whose mailbox is
// full get it when there is room (the outbound queue retries), remote ones are sent by the
// queue, and failures come back to the sender as delivery status notifications.
//
// Thread-safety: submit() may be called from any thread and many coroutines at once; it resumes
// on the caller's executor.

#include "core/net/asio.hpp"
#include "smtp/services.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace govmail::smtp {

struct SubmitRequest {
    std::uint64_t account = 0;            // the authenticated account (directory id)
    std::string sender;                   // envelope sender; empty: the account's primary address
    std::vector<std::string> recipients;  // "local@domain"
    std::string message;                  // the message as composed
    std::string client_address;           // the user's IP address, for the Received field
    // Sent by a forwarding rule rather than typed by a person: refused to non-government
    // domains unless [policy] allow_external_auto_forward (smtp/README.md, "Automatic
    // forwarding").
    bool automatic_forward = false;
};

enum class SubmitStatus : std::uint8_t {
    Accepted,           // stored and queued durably; `id` names it
    SenderRefused,      // the envelope sender is not the account's, or the account is locked
    RecipientRefused,   // see `refused`
    FromNotOwned,       // the From header is not the account's
    Refused,            // a policy refused the message (automatic forwarding, ...)
    TooBig,             // over [smtp] max_message_size
    TooManyRecipients,  // over [smtp] max_recipients
    TemporaryFailure,   // nothing was stored; try again later
};

struct RefusedRecipient {
    std::string address;
    RecipientResult result = RecipientResult::Unknown;
    std::string reason;  // public text
};

struct SubmitResult {
    SubmitStatus status = SubmitStatus::TemporaryFailure;
    std::string id;      // the message id (as in the Received field) when Accepted
    std::string reason;  // public text when not Accepted
    std::vector<RefusedRecipient> refused;
};

class Submission {
public:
    virtual ~Submission() = default;
    virtual net::asio::awaitable<SubmitResult> submit(SubmitRequest request) = 0;
};

}  // namespace govmail::smtp
