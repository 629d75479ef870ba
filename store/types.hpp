#pragma once
// Identifiers, flags and records of the mail store: the vocabulary shared by the read API
// (store/reader.hpp), the write API (store/operations.hpp) and the facade (store/store.hpp).
//
// Numbering rules (store/README.md has the schema):
// - AccountId comes from the directory; the store only keeps storage per account.
// - MailboxId is assigned by the store from a counter and never reused, so a deleted and
//   recreated mailbox is a different mailbox with a new UIDVALIDITY.
// - Uid: RFC 3501 2.3.1.1 / RFC 9051 2.3.1.1: 32-bit, strictly ascending inside a mailbox, never
//   reused for the life of its UIDVALIDITY (also not after expunging the highest UID or a
//   restart: UIDNEXT is stored and only grows).
// - ModSeq: RFC 7162 3.1: per mailbox, grows with every change of a message's flags, with every
//   new message and every expunge. All messages changed by one operation share its MODSEQ.
//
//     MessageRecord m = *reader.message(inbox, 42);
//     bool unread = (m.flags & kSeen) == 0;

#include <array>
#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::store {

using AccountId = std::uint64_t;
using MailboxId = std::uint64_t;
using Uid = std::uint32_t;
using ModSeq = std::uint64_t;
using UnixTime = std::chrono::sys_seconds;

inline constexpr Uid kMaxUid = UINT32_MAX;

// IMAP system flags (RFC 3501 2.3.2) as bits. \Recent is not a stored flag: a message is recent
// while its UID is >= the mailbox's first_recent_uid (see StoreWriter::claim_recent).
using SystemFlags = std::uint8_t;
inline constexpr SystemFlags kSeen = 1U << 0;
inline constexpr SystemFlags kAnswered = 1U << 1;
inline constexpr SystemFlags kFlagged = 1U << 2;
inline constexpr SystemFlags kDeleted = 1U << 3;
inline constexpr SystemFlags kDraft = 1U << 4;
inline constexpr SystemFlags kAllSystemFlags = kSeen | kAnswered | kFlagged | kDeleted | kDraft;

// Keywords ($Forwarded, $Junk, user keywords) are named in the mailbox's keyword table; a message
// holds one bit per table entry. A mailbox holds at most kMaxKeywords distinct keywords: a write
// that would add more fails with Errc::TooBig (IMAP: NO, and PERMANENTFLAGS without \*).
using KeywordBits = std::uint64_t;
inline constexpr std::size_t kMaxKeywords = 64;

// RFC 6154 special-use attributes. One per mailbox.
enum class SpecialUse : std::uint8_t { None, All, Archive, Drafts, Flagged, Junk, Sent, Trash };

// "\\Sent" for SpecialUse::Sent; "" for None.
std::string_view special_use_attribute(SpecialUse use);

// The inverse, case-insensitive ("\\sent" -> Sent); std::nullopt for an unknown attribute.
std::optional<SpecialUse> parse_special_use(std::string_view attribute);

// The SHA-256 of a message's bytes: the key of its blob.
struct BlobHash {
    std::array<std::uint8_t, 32> bytes{};

    std::string_view view() const {
        return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
    }

    std::string hex() const;

    // 64 hex digits; std::nullopt otherwise.
    static std::optional<BlobHash> from_hex(std::string_view hex);

    // The 32 raw bytes of a key or record; std::nullopt when `raw` is not 32 bytes long.
    static std::optional<BlobHash> from_bytes(std::string_view raw);

    auto operator<=>(const BlobHash&) const = default;
};

BlobHash sha256(std::string_view data);

// An inclusive UID range; {1, kMaxUid} is IMAP's "1:*".
struct UidRange {
    Uid first = 1;
    Uid last = kMaxUid;
};

// A message in a mailbox.
struct MessageRecord {
    Uid uid = 0;
    ModSeq modseq = 0;
    SystemFlags flags = 0;
    KeywordBits keywords = 0;
    UnixTime internal_date{};  // RFC 3501 2.3.3
    std::uint64_t size = 0;    // RFC822.SIZE: bytes of the blob
    BlobHash blob;
};

// The flag state of a message: what SELECT, FETCH FLAGS and CONDSTORE need.
struct MessageState {
    Uid uid = 0;
    SystemFlags flags = 0;
    KeywordBits keywords = 0;
    ModSeq modseq = 0;

    bool operator==(const MessageState&) const = default;
};

// A mailbox with its counters, all exact after every committed write (govmailctl check verifies).
struct MailboxRecord {
    MailboxId id = 0;
    AccountId account = 0;
    std::string name;  // UTF-8, "/"-separated, INBOX spelt "INBOX"
    SpecialUse special_use = SpecialUse::None;
    Uid uidvalidity = 0;
    Uid uidnext = 1;
    // Messages with uid >= first_recent_uid are \Recent (RFC 3501 2.3.2).
    Uid first_recent_uid = 1;
    ModSeq highest_modseq = 1;
    std::uint32_t messages = 0;
    std::uint32_t unseen = 0;           // without \Seen
    std::uint32_t recent = 0;           // uid >= first_recent_uid
    std::uint32_t deleted = 0;          // with \Deleted
    std::uint64_t size = 0;             // sum of message sizes (RFC 8438 STATUS SIZE)
    std::vector<std::string> keywords;  // bit i of MessageRecord::keywords names keywords[i]

    // The names of the keyword bits set in `bits`, in table order.
    std::vector<std::string> keyword_names(KeywordBits bits) const;
};

// Storage of one account: the quota and the logical size used (the sum of the sizes of its
// message records: a message held twice counts twice, whatever the blob store shares).
struct AccountStorage {
    AccountId account = 0;
    std::uint64_t quota = 0;  // bytes; 0 = unlimited
    std::uint64_t used_bytes = 0;
    std::uint64_t messages = 0;
};

}  // namespace govmail::store
