#pragma once
// The outbound queue's records: one QueuedMessage per accepted message that still owes work,
// with its recipients inside it. Stored in LMDB by smtp/queue/queue_db.hpp; encoded here.
//
// A queued message refers to one blob of the mail store (store::BlobHash) and holds one
// reference to it, so that a circular delivered to 5,000 local mailboxes and queued for 40
// remote recipients is still one blob. That blob is the message as local mailboxes store it:
// our Return-Path field (RFC 5321 4.4, added at final delivery only), then our Received field,
// then the message as received. `skip` is the length of the Return-Path field: what goes out by
// SMTP starts after it, since a relay must not add Return-Path.
//
//     QueuedMessage m{.id = id, .blob = prepared.hash(), .skip = 32, ...};
//     m.recipients.push_back({.address = "an@other-agency.gov.vn"});
//     std::string value = encode(m);                  // the queue.messages value
//     QueuedMessage back = decode(id, value);          // throws StoreException(Corrupted)
//
// Recipient states:
//   Pending    to be attempted (again) at next_attempt: by SMTP, or `local` ones into their
//              mailbox (a mailbox that was over quota when the message arrived)
//   Failed     permanently failed (refused, expired): a delivery status notification is owed
//              to the sender (RFC 3464) unless NOTIFY says otherwise; then the recipient goes
//   Delivered  delivered, kept only while a success notification (NOTIFY=SUCCESS) is owed
// A message without recipients is removed, with its blob reference.

#include "smtp/command.hpp"
#include "store/types.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::smtp::queue {

// Unix time in milliseconds (queue times survive restarts: wall clock, not steady clock).
using Millis = std::int64_t;

Millis now_millis();

enum class RecipientState : std::uint8_t { Pending, Failed, Delivered };

std::string_view to_string(RecipientState state);

struct QueuedRecipient {
    std::string address;  // the forward-path, "an@other-agency.gov.vn"
    // Hosted here: retried into the mailbox behind `address` rather than sent by SMTP.
    bool local = false;
    RecipientState state = RecipientState::Pending;
    Notify notify;               // RFC 3461 NOTIFY as received
    std::optional<Orcpt> orcpt;  // RFC 3461 ORCPT as received (xtext)
    // The last outcome: RFC 3463 status ("4.4.1"), the diagnostic for the DSN ("smtp; 450 4.2.1
    // mailbox busy") and the server that gave it ("mx.other-agency.gov.vn"); empty before the
    // first attempt.
    std::string status;
    std::string diagnostic;
    std::string remote_mta;
    bool delay_notified = false;  // a delay notice went out for this recipient
    // Delivered to a server that does not offer DSN: a success notice says "relayed".
    bool relayed = false;
};

struct QueuedMessage {
    std::uint64_t id = 0;  // also the message id in Received and the 250 reply (format_id)
    store::BlobHash blob;
    std::uint32_t skip = 0;  // octets at the start of the blob that are not sent (Return-Path)
    std::uint64_t size = 0;  // octets sent: the blob's size minus skip
    std::string sender;      // the reverse-path's mailbox; empty for <> (never a DSN for it)
    BodyType body = BodyType::SevenBit;
    bool smtputf8 = false;
    Ret ret = Ret::Unspecified;
    std::string envid;  // RFC 3461 ENVID as received (xtext)
    Millis created = 0;
    Millis next_attempt = 0;
    std::uint32_t attempts = 0;  // attempts made so far (the backoff grows with them)
    std::vector<QueuedRecipient> recipients;

    // Recipients in `state`.
    std::size_t count(RecipientState state) const;
};

// The queue.messages value (format version 1).
std::string encode(const QueuedMessage& message);

// Reads encode()'s output; throws store::StoreException(Corrupted) on a damaged value.
QueuedMessage decode(std::uint64_t id, std::string_view value);

// Ids are printed as 16 upper-case hex digits ("3F2A9C81B7D04E15").
std::string format_id(std::uint64_t id);
std::optional<std::uint64_t> parse_id(std::string_view text);

// A fresh random id (never 0).
std::uint64_t new_id();

}  // namespace govmail::smtp::queue
