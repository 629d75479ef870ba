#pragma once
// Writing the mail store: every operation IMAP, SMTP and the tools need, inside one write.
//
// A StoreWriter wraps the WriteScope of one writer operation (store/writer.hpp: one child
// transaction of a group commit). Several calls on it commit together or not at all, which is
// how the SMTP pipeline delivers to local mailboxes and queues the remote copies of a message in
// one durable commit:
//
//     auto done = co_await store.write([&](StoreWriter& w) {
//         auto results = w.deliver(msg, local_targets, now);     // per-target outcomes
//         BlobHash held = w.put_blob(msg);                         // the queue's reference
//         queue::insert(w.scope(), held, remote_recipients);      // another module's records
//         return results;
//     });
//
// Rules:
// - Methods throw StoreException on failure; the writer turns it into the operation's error
//   code and rolls back everything the operation did (only deliver() reports per-target
//   failures instead, so that one full mailbox does not stop a circular).
// - Every method keeps the invariants govmailctl check verifies: mailbox counts (messages,
//   unseen, recent, deleted, size), UIDNEXT above every UID, HIGHESTMODSEQ at least every
//   MODSEQ, account usage equal to the sum of its message sizes, blob reference counts equal to
//   the references held.
// - Each mailbox a method changes is noted on the scope with its new HIGHESTMODSEQ and published
//   on the ChangeFeed after the commit (IDLE, webmail).
// - One MODSEQ per mailbox per call: all messages a call changes in a mailbox get the same new
//   MODSEQ (RFC 7162 3.1: every STORE gets a different, greater mod-sequence; messages changed
//   by one command may share it).
// - Mailboxes are addressed by id for message operations (the id a session SELECTed) and by
//   account and name for mailbox operations (CREATE, RENAME, DELETE, SUBSCRIBE).
//
// Errors (Errc): NotFound (account, mailbox), Exists (mailbox name taken), NoPermission (delete
// or special handling of INBOX), InUse (delete of a mailbox with children), Invalid (bad name or
// keyword), TooBig (more than kMaxKeywords keywords in a mailbox, UIDs exhausted), OverQuota.

#include "store/blobs.hpp"
#include "store/reader.hpp"
#include "store/schema.hpp"
#include "store/types.hpp"
#include "store/writer.hpp"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace govmail::store {

// The default mailboxes of a new account (RFC 6154 special-use).
struct DefaultMailbox {
    std::string_view name;
    SpecialUse special_use;
};

inline constexpr DefaultMailbox kDefaultMailboxes[] = {
    {"INBOX", SpecialUse::None},
    {"Sent", SpecialUse::Sent},
    {"Drafts", SpecialUse::Drafts},
    {"Trash", SpecialUse::Trash},
    {"Junk", SpecialUse::Junk},
    {"Archive", SpecialUse::Archive},
};

struct ProvisionResult {
    bool account_created = false;
    std::size_t mailboxes_created = 0;
};

// A new message in a mailbox: APPENDUID (RFC 4315) needs uidvalidity and uid.
struct Appended {
    MailboxId mailbox = 0;
    Uid uidvalidity = 0;
    Uid uid = 0;
    ModSeq modseq = 0;
};

// One recipient mailbox of a delivery, with the flags and keywords the message gets there
// (e.g. \Seen for the sender's copy in Sent).
struct DeliveryTarget {
    MailboxId mailbox = 0;
    SystemFlags flags = 0;
    std::vector<std::string> keywords;
};

struct AppendOptions {
    SystemFlags flags = 0;
    std::vector<std::string> keywords;
    std::optional<UnixTime> internal_date;  // default: now
};

// STORE FLAGS / +FLAGS / -FLAGS (RFC 3501 6.4.6).
enum class FlagMode { Replace, Add, Remove };

struct FlagUpdate {
    FlagMode mode = FlagMode::Add;
    SystemFlags flags = 0;
    std::vector<std::string> keywords;
    // CONDSTORE UNCHANGEDSINCE (RFC 7162 3.1.3): messages whose MODSEQ is greater are left alone
    // and reported in FlagResult::modified.
    std::optional<ModSeq> unchanged_since;
};

struct FlagResult {
    std::vector<MessageState> changed;  // messages whose flags changed, with their new MODSEQ
    std::vector<Uid> modified;          // failed the UNCHANGEDSINCE test (MODIFIED response code)
    bool keywords_added = false;        // the mailbox's keyword table grew (send FLAGS again)
    ModSeq highest_modseq = 0;
};

struct UidMapping {
    Uid source = 0;
    Uid target = 0;
};

// COPYUID (RFC 4315): the target's UIDVALIDITY and the source -> target UID pairs.
struct CopyResult {
    Uid target_uidvalidity = 0;
    std::vector<UidMapping> uids;
    ModSeq target_modseq = 0;
};

struct MoveResult {
    CopyResult copied;
    ModSeq source_modseq = 0;  // the MODSEQ of the source's expunges (VANISHED for QRESYNC)
};

struct ExpungeResult {
    std::vector<Uid> expunged;  // ascending
    ModSeq highest_modseq = 0;
};

// Store-wide settings the operations need.
struct StoreSettings {
    std::uint32_t chunk_size = kDefaultChunkSize;
};

class StoreWriter {
public:
    StoreWriter(WriteScope& scope, const Schema& schema, const StoreSettings& settings)
        : scope_(scope)
        , schema_(schema)
        , settings_(settings) {}

    WriteScope& scope() { return scope_; }

    WriteTxn& txn() { return scope_.txn(); }

    // Reads through this operation's transaction (sees its own writes).
    StoreReader reader() const { return StoreReader(scope_.txn(), schema_); }

    // ---- accounts ------------------------------------------------------------------------------

    // Creates the account's storage record (quota in bytes, 0 = unlimited) when absent, and every
    // default mailbox (kDefaultMailboxes) it lacks, subscribed. Idempotent: an existing account
    // keeps its quota and mail.
    ProvisionResult provision_account(AccountId account, std::uint64_t quota);

    // NotFound when the account is not provisioned.
    void set_quota(AccountId account, std::uint64_t quota);

    // Deletes the account's mailboxes, messages, subscriptions and storage record, releasing the
    // blobs. Returns the number of messages removed. NotFound when not provisioned.
    std::uint64_t remove_account(AccountId account);

    // ---- mailboxes -----------------------------------------------------------------------------

    // CREATE (RFC 3501 6.3.3): creates `name` with a new UIDVALIDITY, and any missing superior
    // names ("a/b/c" also creates "a" and "a/b"). A trailing "/" is ignored. Exists when the
    // name is taken.
    MailboxId create_mailbox(
        AccountId account, std::string_view name, SpecialUse special_use = SpecialUse::None
    );

    // RENAME (RFC 3501 6.3.5): inferior names follow ("a/x" becomes "b/x"), subscriptions follow
    // too, missing superiors of the new name are created. UIDVALIDITY and UIDs are kept.
    // Renaming INBOX moves all its messages to a new mailbox `to` and leaves INBOX empty with
    // its children in place. Exists when `to` (or a renamed child) exists; Invalid when `to` is
    // `from` or inside it.
    void rename_mailbox(AccountId account, std::string_view from, std::string_view to);

    // DELETE (RFC 3501 6.3.4): removes the mailbox and its messages. INBOX: NoPermission. A
    // mailbox with inferior names: InUse (govmail keeps no \Noselect placeholders, so every
    // name in a hierarchy stays selectable; delete the children first). Subscriptions stay.
    void delete_mailbox(AccountId account, std::string_view name);

    // SUBSCRIBE / UNSUBSCRIBE (RFC 3501 6.3.6, 6.3.7): `name` need not exist. They return false
    // when nothing changed (already subscribed / was not subscribed).
    bool subscribe(AccountId account, std::string_view name);
    bool unsubscribe(AccountId account, std::string_view name);

    // ---- messages ------------------------------------------------------------------------------

    // Delivers one message to many mailboxes, possibly of many accounts: one blob (stored once,
    // referenced by every record), one record per target. Each target gets its own outcome, in
    // order: an account over its quota gets Errc::OverQuota, a missing mailbox NotFound, and the
    // others are delivered. Throws only for errors of the whole write (e.g. Corrupted).
    [[nodiscard]] std::vector<StoreResult<Appended>> deliver(
        const PreparedMessage& message,
        std::span<const DeliveryTarget> targets,
        UnixTime internal_date
    );

    // APPEND (RFC 3501 6.3.11) into one mailbox. OverQuota when it does not fit.
    Appended append(
        MailboxId mailbox, const PreparedMessage& message, const AppendOptions& options
    );

    // STORE flags on the messages in `uids` (absent UIDs are skipped). A message whose flags do
    // not change keeps its MODSEQ. Invalid for a malformed keyword, TooBig when the keyword
    // table is full.
    FlagResult store_flags(
        MailboxId mailbox, std::span<const UidRange> uids, const FlagUpdate& update
    );

    // COPY (RFC 3501 6.4.7, RFC 4315 COPYUID): the copies reference the same blobs and keep
    // flags, keywords and internal date; they are \Recent in the target. OverQuota when the
    // target account cannot hold them all (nothing is copied then).
    CopyResult copy(MailboxId from, std::span<const UidRange> uids, MailboxId to);

    // MOVE (RFC 6851): copy then expunge from the source, atomically; the source gets expunge
    // tombstones. Within one account the quota is not checked (usage does not change).
    MoveResult move(MailboxId from, std::span<const UidRange> uids, MailboxId to);

    // EXPUNGE (all \Deleted messages) or UID EXPUNGE (RFC 4315: the \Deleted messages in `uids`).
    // Leaves tombstones for QRESYNC; releases blobs (freed at zero references).
    ExpungeResult expunge(MailboxId mailbox, std::optional<std::span<const UidRange>> uids = {});

    // The first SELECT of a session (not EXAMINE) claims \Recent (RFC 3501 2.3.2): returns the
    // UIDs that are recent for this session, and no other session will see them as recent.
    // nullopt when there was nothing to claim (nothing is written then). Not published on the
    // change feed: HIGHESTMODSEQ does not change, and only this session's view of \Recent does.
    [[nodiscard]] std::optional<UidRange> claim_recent(MailboxId mailbox);

    // ---- blobs held by other modules -----------------------------------------------------------

    // Stores the message's blob if new and takes one reference for the caller (e.g. a queued
    // outbound message), released with unref_blob. The holder must be listed for govmailctl
    // check (CheckOptions::external_references), or its references count as faults.
    BlobHash put_blob(const PreparedMessage& message);
    void ref_blob(const BlobHash& hash);    // NotFound when absent
    void unref_blob(const BlobHash& hash);  // frees the blob at zero

private:
    MailboxRecord load_mailbox(MailboxId mailbox) const;
    AccountStorage load_account(AccountId account) const;
    void save_mailbox(const MailboxRecord& mailbox);
    void save_account(const AccountStorage& account);
    void publish(const MailboxRecord& mailbox);

    Uid next_uidvalidity();
    MailboxId new_mailbox(AccountId account, const std::string& name, SpecialUse special_use);
    KeywordBits keyword_bits(
        MailboxRecord& mailbox, std::span<const std::string> keywords, bool add
    );
    void insert_message(MailboxRecord& mailbox, MessageRecord& message);
    void remove_message(MailboxRecord& mailbox, const MessageRecord& message, ModSeq modseq);
    void drop_mailbox(MailboxRecord& mailbox, AccountStorage& account);
    std::vector<MessageRecord> collect(MailboxId mailbox, std::span<const UidRange> uids) const;
    CopyResult copy_records(
        const MailboxRecord& source,
        const std::vector<MessageRecord>& records,
        MailboxRecord& target,
        bool check_quota
    );
    std::vector<Uid> expunge_records(
        MailboxRecord& mailbox, const std::vector<MessageRecord>& records
    );

    WriteScope& scope_;
    const Schema& schema_;
    const StoreSettings& settings_;
};

}  // namespace govmail::store
