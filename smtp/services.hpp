#pragma once
// What an SMTP session asks of the rest of govmail: the only way the session core reaches the
// world. The daemon implements it with the directory, the delivery pipeline and the store; tests
// use a fake (tests/smtp/fake_services.hpp).
//
// Each check returns a precise answer that the session maps to one reply (smtp/errors.cpp):
//
//     authenticate   Ok | Invalid | Disabled | TemporaryFailure            AUTH
//     check_sender   Ok | NotOwned | Refused | RateLimited | ...           MAIL FROM
//     check_recipient Ok | Unknown | RelayDenied | Refused | MailboxFull   RCPT TO
//     deliver        per-recipient Accepted | MailboxFull | ... and a      end of DATA / BDAT LAST
//                    message-level verdict (the From header check)
//
// The implementation decides, the session enforces: what is local, who owns which address
// (an account, its aliases, the unit addresses its owner is a clerk of), group send policies,
// per-account rate limits and locking, quotas. The session enforces what needs no knowledge of
// the world: command order, TLS and AUTH before MAIL on submission, SIZE, recipient count, loops.
//
// Calls are made from the connection's strand, one at a time per session, and from many
// sessions at once on the server's threads: implementations are thread-safe. They may suspend
// (directory lookups, the store's group commit) and must resume on the caller's executor, as
// asio::use_awaitable does. Parameters are by value (coroutine parameters must own what they
// use). An exception escaping a call is logged and answered 451 4.3.0: expected failures are
// answers, not exceptions. Reasons are shown to the client: never internals.

#include "core/events.hpp"
#include "core/net/asio.hpp"
#include "smtp/address.hpp"
#include "smtp/command.hpp"

#include <any>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace govmail::smtp {

namespace asio = net::asio;

// The listener a session serves; decides what a client must do before MAIL.
enum class Mode : std::uint8_t {
    Mx,           // "smtp": mail from other servers; no AUTH; recipients must be local
    Submission,   // "submission": STARTTLS, then AUTH, then mail (RFC 6409)
    Submissions,  // "submissions": the same over implicit TLS (RFC 8314)
};

// An authenticated user.
struct Account {
    std::uint64_t id = 0;  // the directory's account id, as in events::ActivityEvent
    std::string login;     // the identity authenticated, e.g. "an.nv@tinh.gov.vn" (logs, Received)
};

// What the session knows about its client, passed with every call.
struct Client {
    std::uint64_t connection = 0;  // the connection id used in the logs ("conn=17")
    Mode mode = Mode::Mx;
    std::string address;             // the peer's IP address, "203.0.113.9" or "2001:db8::5"
    std::string helo;                // the EHLO/HELO argument as sent; empty before it
    bool esmtp = false;              // EHLO (true) or HELO
    std::string tls;                 // "TLSv1.3 TLS_AES_256_GCM_SHA384", empty without TLS
    std::optional<Account> account;  // set by a successful AUTH
};

enum class AuthResult : std::uint8_t {
    Ok,                // `account` is the user
    Invalid,           // unknown user or wrong password, one answer for both: 535 5.7.8
    Disabled,          // right password, account disabled or locked: 525 5.7.13 (RFC 5248)
    TemporaryFailure,  // the directory cannot answer now: 454 4.7.0
};

struct AuthAnswer {
    AuthResult result = AuthResult::Invalid;
    Account account;
};

enum class SenderResult : std::uint8_t {
    Ok,
    NotOwned,          // submission: not the user's address, alias or clerk unit address: 553 5.7.1
    Refused,           // another policy refuses this sender: 550 5.7.1
    RateLimited,       // the account sends too fast: 450 4.7.1
    AccountDisabled,   // the account was locked since it authenticated: 550 5.7.13
    TemporaryFailure,  // cannot decide now: 451 4.4.3
};

struct SenderAnswer {
    SenderResult result = SenderResult::Ok;
    std::string reason;  // public text replacing the default one; may be empty
};

enum class RecipientResult : std::uint8_t {
    Ok,                // `target` says what the address resolved to
    Unknown,           // a hosted domain without this account, alias or group: 550 5.1.1
    RelayDenied,       // not a hosted domain and this client may not relay: 554 5.7.1
    Refused,           // a policy: group send policy, forwarding out of government: 550 5.7.1
    Disabled,          // the mailbox exists but is disabled: 550 5.2.1
    MailboxFull,       // over quota: 452 4.2.2
    RateLimited,       // the account sends too fast: 450 4.7.1
    TemporaryFailure,  // cannot decide now: 451 4.4.3
};

struct RecipientAnswer {
    RecipientResult result = RecipientResult::Unknown;
    // Ok: the resolved recipient (account, alias, group, remote address, ...), handed back
    // unchanged in Envelope::recipients; the session never looks inside.
    std::any target;
    // Ok: the recipient is the authenticated account itself; not counted as a send.
    bool own_account = false;
    std::string reason;  // public text replacing the default one; may be empty
};

// One accepted RCPT.
struct Recipient {
    Mailbox address;    // the forward-path, canonical form (Mailbox::to_string())
    RcptParams params;  // NOTIFY and ORCPT (RFC 3461)
    std::any target;    // RecipientAnswer::target
};

// Everything deliver() needs besides the message.
struct Envelope {
    Client client;  // HELO name, peer address, TLS, account: the material of the Received field
    // The Received "with" keyword, RFC 3848 and RFC 6531 4.3: SMTP (HELO), ESMTP, ESMTPS,
    // ESMTPSA, UTF8SMTP, UTF8SMTPS, UTF8SMTPSA.
    std::string protocol;
    ReversePath sender;
    MailParams params;                  // SIZE, BODY, SMTPUTF8, AUTH=, RET, ENVID
    std::vector<Recipient> recipients;  // in RCPT order, at least one
};

enum class MessageResult : std::uint8_t {
    Ok,                // see DeliveryAnswer::recipients
    FromNotOwned,      // submission: the From header is not the user's: 550 5.7.1; nothing stored
    Refused,           // a content policy refuses the message: 550 5.7.1; nothing stored
    TemporaryFailure,  // nothing stored, try again: 451 4.3.0
};

enum class Outcome : std::uint8_t {
    Accepted,          // stored durably, or queued durably for a remote host
    MailboxFull,       // over quota (temporary)
    TemporaryFailure,  // could not store for this recipient now
    Failed,            // permanent failure for this recipient (e.g. mailbox removed since RCPT)
};

struct DeliveryAnswer {
    MessageResult result = MessageResult::Ok;
    std::vector<Outcome> recipients;  // one per Envelope::recipients, in the same order
    std::string id;                   // the message's id, quoted in the 250 reply and the logs
    std::string reason;               // public text replacing the default one; may be empty
};

class Services {
public:
    virtual ~Services() = default;

    // AUTH PLAIN / LOGIN, after TLS. `user` is the authentication identity as typed.
    virtual asio::awaitable<AuthAnswer> authenticate(
        Client client, std::string user, std::string password
    ) = 0;

    // MAIL FROM. On submission `client.account` is set; on MX it is empty.
    virtual asio::awaitable<SenderAnswer> check_sender(Client client, ReversePath sender) = 0;

    // RCPT TO. `recipient.is_postmaster()` for "<Postmaster>" (RFC 5321 4.1.1.3). Relaying is
    // for authenticated clients only: without `client.account`, a recipient outside the hosted
    // domains is RelayDenied.
    virtual asio::awaitable<RecipientAnswer> check_recipient(
        Client client, ReversePath sender, Mailbox recipient
    ) = 0;

    // The end of DATA or BDAT LAST: the message exactly as received (DATA dot-unstuffed), at
    // most [smtp] max_message_size octets, nothing added: the implementation adds the Received
    // and Return-Path fields from `envelope`.
    //
    // It returns once everything it accepted is durably committed: the session sends 250 only
    // then. The single SMTP reply follows RFC 5321 3.3 (one reply for all recipients):
    //   - some recipient Accepted: 250. The implementation owns the message for every recipient
    //     from then on: within the same commit it must have queued a retry or a delivery status
    //     notification (RFC 3464, honouring NOTIFY and RET) for each recipient not Accepted;
    //   - none Accepted and some temporary: 452 4.2.2 when every temporary one is MailboxFull,
    //     else 451 4.3.0; the client retries them all, and nothing may have been stored;
    //   - all Failed: 554 5.0.0; nothing may have been stored.
    virtual asio::awaitable<DeliveryAnswer> deliver(Envelope envelope, std::string message) = 0;

    // Where the session reports logins and sends (core/events.hpp).
    virtual events::ActivitySink& activity() = 0;
};

}  // namespace govmail::smtp
