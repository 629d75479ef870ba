#pragma once
// Reading the mail store: everything IMAP, webmail and the tools ask of it, over one transaction.
//
// A StoreReader is a view of one snapshot: every call made through it sees the same committed
// state. It lives inside a synchronous block and never across a co_await (store/README.md):
//
//     auto status = store.read([&](const StoreReader& r) { return r.mailbox(id); });
//     // StoreResult<std::optional<MailboxRecord>>
//
// Views it returns (BlobView pieces, MessageInfoBytes) point into the memory map and die with the
// transaction: copy what must outlive the block. Absent objects are std::nullopt; a record that
// fails to decode throws StoreException(Errc::Corrupted), which MailStore::read() turns into an
// error result. The same reader works inside a write operation (StoreWriter::reader()), where it
// also sees the operation's own uncommitted writes.

#include "store/blobs.hpp"
#include "store/lmdb.hpp"
#include "store/schema.hpp"
#include "store/types.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace govmail::store {

// One line of LIST (RFC 3501 6.3.8, RFC 5258 LIST-EXTENDED, RFC 6154).
struct MailboxListEntry {
    MailboxId id = 0;
    std::string name;
    SpecialUse special_use = SpecialUse::None;
    bool has_children = false;  // \HasChildren / \HasNoChildren (RFC 3348)
    bool subscribed = false;    // \Subscribed (RFC 5258)
};

// What changed in a mailbox after a MODSEQ: for CONDSTORE FETCH CHANGEDSINCE (RFC 7162 3.1.4)
// and QRESYNC SELECT / UID FETCH VANISHED (RFC 7162 3.2.5, 3.2.6).
struct Changes {
    std::vector<MessageState> changed;  // messages whose MODSEQ > the given one, in UID order
    std::vector<Uid> vanished;          // UIDs expunged after the given MODSEQ, ascending
    ModSeq highest_modseq = 0;
};

class StoreReader {
public:
    StoreReader(const TxnBase& txn, const Schema& schema)
        : txn_(txn)
        , schema_(schema) {}

    const TxnBase& txn() const { return txn_; }

    const Schema& schema() const { return schema_; }

    // Storage and quota of an account (RFC 9208 GETQUOTAROOT); nullopt when not provisioned.
    std::optional<AccountStorage> account(AccountId account) const;

    // A mailbox with its counters: STATUS, SELECT's untagged data (UIDVALIDITY, UIDNEXT,
    // HIGHESTMODSEQ, EXISTS, RECENT), the keyword table for FLAGS.
    std::optional<MailboxRecord> mailbox(MailboxId mailbox) const;

    // The mailbox of `account` called `name` (any case of INBOX); nullopt when absent or when
    // `name` is not a valid mailbox name.
    std::optional<MailboxId> find_mailbox(AccountId account, std::string_view name) const;

    // The mailbox of `account` with this special-use attribute (the first one by name).
    std::optional<MailboxId> find_special_use(AccountId account, SpecialUse use) const;

    // Every mailbox of the account, ordered by UTF-8 name.
    std::vector<MailboxListEntry> list_mailboxes(AccountId account) const;

    // The subscribed names (LSUB, LIST (SUBSCRIBED)), including names of mailboxes that do not
    // exist (RFC 3501 6.3.6), ordered by name.
    std::vector<std::string> subscriptions(AccountId account) const;

    std::optional<MessageRecord> message(MailboxId mailbox, Uid uid) const;

    // The records in the given UID ranges (in any order, overlapping allowed), in UID order.
    std::vector<MessageRecord> messages(MailboxId mailbox, std::span<const UidRange> uids) const;

    // UIDs, flags and MODSEQs of every message in UID order: what SELECT needs to build its
    // sequence-number map.
    std::vector<MessageState> snapshot(MailboxId mailbox) const;

    // Messages changed and UIDs expunged after `since`. Uses modseq_index and the expunge
    // tombstones: no scan of unchanged messages.
    Changes changes_since(MailboxId mailbox, ModSeq since) const;

    std::optional<BlobInfo> blob_info(const BlobHash& hash) const;

    // The message's bytes; nullopt when no such blob.
    std::optional<BlobView> blob(const BlobHash& hash) const;

    // The serialized mime::MessageInfo stored with the blob (deserialize with mime/); nullopt when
    // no such blob.
    std::optional<MessageInfoBytes> message_info(const BlobHash& hash) const;

private:
    const TxnBase& txn_;
    const Schema& schema_;
};

}  // namespace govmail::store
