#include "store/operations.hpp"

#include "store/detail/blob_store.hpp"
#include "store/detail/records.hpp"
#include "store/detail/uid_ranges.hpp"
#include "store/names.hpp"

#include <algorithm>
#include <map>

namespace govmail::store {

using detail::account_key;
using detail::adjust_blob_references;
using detail::decode_u64;
using detail::encode_account;
using detail::encode_mailbox;
using detail::encode_message;
using detail::encode_u64;
using detail::mailbox_key;
using detail::message_key;
using detail::modseq_key;
using detail::name_key;

namespace {

UnixTime now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Adds or removes one from a counter; a counter that would go below zero means the stored
// counts were already wrong.
void count(std::uint32_t& counter, bool applies, int sign) {
    if (!applies) {
        return;
    }
    if (sign < 0 && counter == 0) {
        throw StoreException(Errc::Corrupted, "mailbox counter below zero");
    }
    counter = sign > 0 ? counter + 1 : counter - 1;
}

void count_message(MailboxRecord& m, const MessageRecord& message, int sign) {
    count(m.messages, true, sign);
    count(m.unseen, (message.flags & kSeen) == 0, sign);
    count(m.deleted, (message.flags & kDeleted) != 0, sign);
    count(m.recent, message.uid >= m.first_recent_uid, sign);
    if (sign < 0 && m.size < message.size) {
        throw StoreException(Errc::Corrupted, "mailbox size below zero");
    }
    m.size = sign > 0 ? m.size + message.size : m.size - message.size;
}

void release_usage(AccountStorage& account, std::uint64_t bytes, std::uint64_t messages) {
    if (account.used_bytes < bytes || account.messages < messages) {
        throw StoreException(Errc::Corrupted, "account usage below zero");
    }
    account.used_bytes -= bytes;
    account.messages -= messages;
}

bool fits_quota(const AccountStorage& account, std::uint64_t bytes) {
    return account.quota == 0 ||
           (account.used_bytes <= account.quota && bytes <= account.quota - account.used_bytes);
}

[[noreturn]] void over_quota(AccountId account) {
    throw StoreException(
        Errc::OverQuota, "account " + std::to_string(account) + " is over its quota"
    );
}

// Deletes every record of `dbi` whose key starts with `prefix`.
void erase_prefix(WriteTxn& txn, MDB_dbi dbi, std::string_view prefix) {
    Cursor cursor = txn.cursor(dbi);
    for (bool ok = cursor.seek(prefix); ok && cursor.key().starts_with(prefix);
         ok = cursor.next()) {
        cursor.erase();
    }
}

// Names (and their mailbox ids) of `account` starting with `prefix`.
std::vector<std::pair<std::string, MailboxId>> names_with_prefix(
    const TxnBase& txn, MDB_dbi dbi, AccountId account, std::string_view prefix
) {
    std::vector<std::pair<std::string, MailboxId>> found;
    Key start = name_key(account, prefix);
    std::size_t skip = account_key(account).size();
    Cursor cursor = txn.cursor(dbi);
    for (bool ok = cursor.seek(start); ok && cursor.key().starts_with(start.view());
         ok = cursor.next()) {
        found.emplace_back(
            std::string(cursor.key().substr(skip)),
            cursor.value().empty() ? 0 : decode_u64(cursor.value())
        );
    }
    return found;
}

Errc errc_of(const boost::system::error_code& ec) {
    return ec.category() == store_category() ? static_cast<Errc>(ec.value()) : Errc::Temporary;
}

}  // namespace

// ---- record plumbing ---------------------------------------------------------------------------

MailboxRecord StoreWriter::load_mailbox(MailboxId mailbox) const {
    auto record = reader().mailbox(mailbox);
    if (!record) {
        throw StoreException(Errc::NotFound, "mailbox " + std::to_string(mailbox) + " not found");
    }
    return std::move(*record);
}

AccountStorage StoreWriter::load_account(AccountId account) const {
    auto record = reader().account(account);
    if (!record) {
        throw StoreException(Errc::NotFound, "account " + std::to_string(account) + " not found");
    }
    return *record;
}

void StoreWriter::save_mailbox(const MailboxRecord& mailbox) {
    txn().put(schema_.mailboxes, mailbox_key(mailbox.id), encode_mailbox(mailbox));
}

void StoreWriter::save_account(const AccountStorage& account) {
    txn().put(schema_.accounts, account_key(account.account), encode_account(account));
}

void StoreWriter::publish(const MailboxRecord& mailbox) {
    scope_.changed({mailbox.account, mailbox.id, mailbox.highest_modseq});
}

Uid StoreWriter::next_uidvalidity() {
    // RFC 3501 2.3.1.1: UIDVALIDITY must grow whenever a name is reused for a new mailbox. A
    // counter guarantees it inside one environment; starting from the clock keeps it growing even
    // when an old backup is restored and mailboxes are created again.
    std::uint64_t stored = decode_u64(*txn().get(schema_.meta, detail::kMetaNextUidvalidity));
    auto clock = static_cast<std::uint64_t>(now().time_since_epoch().count());
    std::uint64_t value = std::max({stored, clock, std::uint64_t{1}});
    if (value >= kMaxUid) {
        throw StoreException(Errc::TooBig, "UIDVALIDITY values exhausted");
    }
    txn().put(schema_.meta, detail::kMetaNextUidvalidity, encode_u64(value + 1));
    return static_cast<Uid>(value);
}

MailboxId StoreWriter::new_mailbox(
    AccountId account, const std::string& name, SpecialUse special_use
) {
    MailboxId id = decode_u64(*txn().get(schema_.meta, detail::kMetaNextMailboxId));
    txn().put(schema_.meta, detail::kMetaNextMailboxId, encode_u64(id + 1));
    MailboxRecord m;
    m.id = id;
    m.account = account;
    m.name = name;
    m.special_use = special_use;
    m.uidvalidity = next_uidvalidity();
    if (!txn().insert(schema_.mailbox_names, name_key(account, name), encode_u64(id))) {
        throw StoreException(Errc::Exists, "mailbox \"" + name + "\" already exists");
    }
    save_mailbox(m);
    publish(m);
    return id;
}

KeywordBits StoreWriter::keyword_bits(
    MailboxRecord& mailbox, std::span<const std::string> keywords, bool add
) {
    auto find = [&](std::string_view keyword) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < mailbox.keywords.size(); ++i) {
            if (same_keyword(mailbox.keywords[i], keyword)) {
                return i;
            }
        }
        return std::nullopt;
    };
    std::vector<std::string> missing;
    for (const std::string& keyword : keywords) {
        if (!valid_keyword(keyword)) {
            throw StoreException(Errc::Invalid, "invalid keyword \"" + keyword + "\"");
        }
        bool listed = std::ranges::any_of(missing, [&](const std::string& m) {
            return same_keyword(m, keyword);
        });
        if (add && !find(keyword) && !listed) {
            missing.push_back(keyword);
        }
    }
    if (mailbox.keywords.size() + missing.size() > kMaxKeywords) {
        throw StoreException(
            Errc::TooBig,
            "mailbox \"" + mailbox.name + "\" cannot hold more than " +
                std::to_string(kMaxKeywords) + " keywords"
        );
    }
    mailbox.keywords.insert(mailbox.keywords.end(), missing.begin(), missing.end());
    KeywordBits bits = 0;
    for (const std::string& keyword : keywords) {
        if (auto index = find(keyword)) {
            bits |= KeywordBits{1} << *index;
        }
    }
    return bits;
}

void StoreWriter::insert_message(MailboxRecord& mailbox, MessageRecord& message) {
    // UIDs are 32-bit; UIDNEXT must stay representable (RFC 3501 2.3.1.1).
    if (mailbox.uidnext >= kMaxUid) {
        throw StoreException(Errc::TooBig, "mailbox \"" + mailbox.name + "\" has no UIDs left");
    }
    message.uid = mailbox.uidnext++;
    txn().put(schema_.messages, message_key(mailbox.id, message.uid), encode_message(message));
    txn().put(schema_.modseq_index, modseq_key(mailbox.id, message.modseq, message.uid), {});
    count_message(mailbox, message, +1);
}

void StoreWriter::remove_message(
    MailboxRecord& mailbox, const MessageRecord& message, ModSeq modseq
) {
    txn().erase(schema_.messages, message_key(mailbox.id, message.uid));
    txn().erase(schema_.modseq_index, modseq_key(mailbox.id, message.modseq, message.uid));
    txn().put(schema_.expunged, modseq_key(mailbox.id, modseq, message.uid), {});
    count_message(mailbox, message, -1);
}

std::vector<MessageRecord> StoreWriter::collect(MailboxId mailbox, std::span<const UidRange> uids)
    const {
    return reader().messages(mailbox, uids);
}

void StoreWriter::drop_mailbox(MailboxRecord& mailbox, AccountStorage& account) {
    std::map<BlobHash, std::int64_t> releases;
    UidRange all;
    std::uint64_t bytes = 0;
    std::uint64_t messages = 0;
    for (const MessageRecord& m : collect(mailbox.id, std::span(&all, 1))) {
        --releases[m.blob];
        bytes += m.size;
        ++messages;
    }
    release_usage(account, bytes, messages);
    Key prefix = mailbox_key(mailbox.id);
    erase_prefix(txn(), schema_.messages, prefix);
    erase_prefix(txn(), schema_.modseq_index, prefix);
    erase_prefix(txn(), schema_.expunged, prefix);
    txn().erase(schema_.mailbox_names, name_key(mailbox.account, mailbox.name));
    txn().erase(schema_.mailboxes, prefix);
    for (const auto& [hash, delta] : releases) {
        adjust_blob_references(txn(), schema_, hash, delta);
    }
    // Sessions that have it selected learn that it is gone.
    ++mailbox.highest_modseq;
    publish(mailbox);
}

// ---- accounts ----------------------------------------------------------------------------------

ProvisionResult StoreWriter::provision_account(AccountId account, std::uint64_t quota) {
    ProvisionResult result;
    if (!reader().account(account)) {
        save_account(AccountStorage{.account = account, .quota = quota});
        result.account_created = true;
    }
    for (const DefaultMailbox& mailbox : kDefaultMailboxes) {
        if (!reader().find_mailbox(account, mailbox.name)) {
            new_mailbox(account, std::string(mailbox.name), mailbox.special_use);
            subscribe(account, mailbox.name);
            ++result.mailboxes_created;
        }
    }
    return result;
}

void StoreWriter::set_quota(AccountId account, std::uint64_t quota) {
    AccountStorage storage = load_account(account);
    storage.quota = quota;
    save_account(storage);
}

std::uint64_t StoreWriter::remove_account(AccountId account) {
    AccountStorage storage = load_account(account);
    std::uint64_t removed = storage.messages;
    for (const auto& [name, id] : names_with_prefix(txn(), schema_.mailbox_names, account, "")) {
        MailboxRecord mailbox = load_mailbox(id);
        drop_mailbox(mailbox, storage);
    }
    erase_prefix(txn(), schema_.subscriptions, account_key(account));
    txn().erase(schema_.accounts, account_key(account));
    return removed;
}

// ---- mailboxes ---------------------------------------------------------------------------------

MailboxId StoreWriter::create_mailbox(
    AccountId account, std::string_view name, SpecialUse special_use
) {
    load_account(account);
    // RFC 3501 6.3.3: a trailing delimiter declares the intent to create children; the name
    // itself is created the same way.
    if (name.size() > 1 && name.back() == kHierarchyDelimiter) {
        name.remove_suffix(1);
    }
    std::string normalized = require_mailbox_name(name);
    if (reader().find_mailbox(account, normalized)) {
        throw StoreException(Errc::Exists, "mailbox \"" + normalized + "\" already exists");
    }
    // RFC 3501 6.3.3: create the superior names the new one needs.
    for (std::size_t slash = normalized.find(kHierarchyDelimiter); slash != std::string::npos;
         slash = normalized.find(kHierarchyDelimiter, slash + 1)) {
        std::string superior = normalized.substr(0, slash);
        if (!reader().find_mailbox(account, superior)) {
            new_mailbox(account, superior, SpecialUse::None);
        }
    }
    return new_mailbox(account, normalized, special_use);
}

void StoreWriter::rename_mailbox(AccountId account, std::string_view from, std::string_view to) {
    std::string source = require_mailbox_name(from);
    std::string target = require_mailbox_name(to);
    auto source_id = reader().find_mailbox(account, source);
    if (!source_id) {
        throw StoreException(Errc::NotFound, "mailbox \"" + source + "\" not found");
    }
    if (reader().find_mailbox(account, target)) {
        throw StoreException(Errc::Exists, "mailbox \"" + target + "\" already exists");
    }
    std::string source_prefix = source + kHierarchyDelimiter;
    if (target.starts_with(source_prefix)) {
        throw StoreException(Errc::Invalid, "cannot rename a mailbox into itself");
    }

    if (source == kInbox) {
        // RFC 3501 6.3.5: renaming INBOX moves its messages to a new mailbox with the new name
        // and leaves INBOX empty; INBOX's inferior names are not affected.
        MailboxRecord inbox = load_mailbox(*source_id);
        MailboxRecord renamed = load_mailbox(create_mailbox(account, target));
        UidRange all;
        auto records = collect(inbox.id, std::span(&all, 1));
        copy_records(inbox, records, renamed, false);
        expunge_records(inbox, records);
        save_mailbox(renamed);
        save_mailbox(inbox);
        publish(renamed);
        publish(inbox);
        return;
    }

    auto renames = names_with_prefix(txn(), schema_.mailbox_names, account, source_prefix);
    renames.emplace_back(source, *source_id);
    std::vector<std::pair<std::string, MailboxId>> targets;
    for (const auto& [name, id] : renames) {
        std::string renamed = require_mailbox_name(target + name.substr(source.size()));
        if (reader().find_mailbox(account, renamed)) {
            throw StoreException(Errc::Exists, "mailbox \"" + renamed + "\" already exists");
        }
        targets.emplace_back(std::move(renamed), id);
    }
    for (const auto& [name, id] : renames) {
        txn().erase(schema_.mailbox_names, name_key(account, name));
    }
    // The superiors of the new name (RFC 3501 6.3.5), none of which is being renamed: a name
    // inside `source` cannot be a superior of `target`, which is not inside `source`.
    for (std::size_t slash = target.find(kHierarchyDelimiter); slash != std::string::npos;
         slash = target.find(kHierarchyDelimiter, slash + 1)) {
        std::string superior = target.substr(0, slash);
        if (!reader().find_mailbox(account, superior)) {
            new_mailbox(account, superior, SpecialUse::None);
        }
    }
    for (const auto& [name, id] : targets) {
        MailboxRecord mailbox = load_mailbox(id);
        mailbox.name = name;
        txn().put(schema_.mailbox_names, name_key(account, name), encode_u64(id));
        save_mailbox(mailbox);
        publish(mailbox);
    }
    // Subscriptions follow the mailboxes, so that a client showing subscribed folders only does
    // not lose the renamed ones.
    auto subscribed = names_with_prefix(txn(), schema_.subscriptions, account, source_prefix);
    if (txn().get(schema_.subscriptions, name_key(account, source))) {
        subscribed.emplace_back(source, 0);
    }
    for (const auto& [name, unused] : subscribed) {
        txn().erase(schema_.subscriptions, name_key(account, name));
    }
    for (const auto& [name, unused] : subscribed) {
        std::string renamed = target + name.substr(source.size());
        if (normalize_mailbox_name(renamed)) {
            txn().put(schema_.subscriptions, name_key(account, renamed), {});
        }
    }
}

void StoreWriter::delete_mailbox(AccountId account, std::string_view name) {
    std::string normalized = require_mailbox_name(name);
    if (normalized == kInbox) {
        throw StoreException(Errc::NoPermission, "INBOX cannot be deleted");
    }
    auto id = reader().find_mailbox(account, normalized);
    if (!id) {
        throw StoreException(Errc::NotFound, "mailbox \"" + normalized + "\" not found");
    }
    std::string children = normalized + kHierarchyDelimiter;
    if (!names_with_prefix(txn(), schema_.mailbox_names, account, children).empty()) {
        throw StoreException(
            Errc::InUse, "mailbox \"" + normalized + "\" has children: delete them first"
        );
    }
    MailboxRecord mailbox = load_mailbox(*id);
    AccountStorage storage = load_account(account);
    drop_mailbox(mailbox, storage);
    save_account(storage);
}

bool StoreWriter::subscribe(AccountId account, std::string_view name) {
    std::string normalized = require_mailbox_name(name);
    load_account(account);
    return txn().insert(schema_.subscriptions, name_key(account, normalized), {});
}

bool StoreWriter::unsubscribe(AccountId account, std::string_view name) {
    std::string normalized = require_mailbox_name(name);
    return txn().erase(schema_.subscriptions, name_key(account, normalized));
}

// ---- messages ----------------------------------------------------------------------------------

std::vector<StoreResult<Appended>> StoreWriter::deliver(
    const PreparedMessage& message, std::span<const DeliveryTarget> targets, UnixTime internal_date
) {
    // A circular reaches thousands of mailboxes: each mailbox and account record is read and
    // written once per delivery, whatever the number of targets in it.
    std::map<MailboxId, std::optional<MailboxRecord>> mailboxes;
    std::map<AccountId, AccountStorage> accounts;
    std::vector<MailboxId> bumped;
    std::vector<StoreResult<Appended>> results;
    results.reserve(targets.size());
    std::uint64_t references = 0;

    for (const DeliveryTarget& target : targets) {
        auto [slot, loaded] = mailboxes.try_emplace(target.mailbox);
        if (loaded) {
            slot->second = reader().mailbox(target.mailbox);
        }
        if (!slot->second) {
            results.emplace_back(make_error_code(Errc::NotFound));
            continue;
        }
        MailboxRecord& mailbox = *slot->second;
        auto account = accounts.find(mailbox.account);
        if (account == accounts.end()) {
            auto storage = reader().account(mailbox.account);
            if (!storage) {
                results.emplace_back(make_error_code(Errc::NotFound));
                continue;
            }
            account = accounts.emplace(mailbox.account, *storage).first;
        }
        // Quota is checked here, at delivery, per account: the caller answers with a temporary
        // failure for this recipient (never a silent drop) and the others still get the message.
        if (!fits_quota(account->second, message.size())) {
            results.emplace_back(make_error_code(Errc::OverQuota));
            continue;
        }
        try {
            KeywordBits keywords = keyword_bits(mailbox, target.keywords, true);
            if (std::ranges::find(bumped, mailbox.id) == bumped.end()) {
                ++mailbox.highest_modseq;
                bumped.push_back(mailbox.id);
            }
            MessageRecord record;
            record.modseq = mailbox.highest_modseq;
            record.flags = target.flags & kAllSystemFlags;
            record.keywords = keywords;
            record.internal_date = internal_date;
            record.size = message.size();
            record.blob = message.hash();
            insert_message(mailbox, record);
            account->second.used_bytes += record.size;
            ++account->second.messages;
            ++references;
            results.emplace_back(Appended{
                mailbox.id, mailbox.uidvalidity, record.uid, record.modseq});
        } catch (const MapFull&) {
            throw;
        } catch (const StoreException& e) {
            if (e.code() == Errc::Corrupted) {
                throw;
            }
            results.emplace_back(make_error_code(e.code()));
        }
    }
    if (references > 0) {
        detail::put_blob(txn(), schema_, message, references, settings_.chunk_size);
    }
    for (MailboxId id : bumped) {
        save_mailbox(*mailboxes[id]);
        publish(*mailboxes[id]);
    }
    for (const auto& [id, storage] : accounts) {
        save_account(storage);
    }
    return results;
}

Appended StoreWriter::append(
    MailboxId mailbox, const PreparedMessage& message, const AppendOptions& options
) {
    DeliveryTarget target{mailbox, options.flags, options.keywords};
    auto results = deliver(message, std::span(&target, 1), options.internal_date.value_or(now()));
    if (!results.front()) {
        const auto& error = results.front().error();
        throw StoreException(
            errc_of(error), "append to mailbox " + std::to_string(mailbox) + ": " + error.message()
        );
    }
    return *results.front();
}

FlagResult StoreWriter::store_flags(
    MailboxId mailbox_id, std::span<const UidRange> uids, const FlagUpdate& update
) {
    MailboxRecord mailbox = load_mailbox(mailbox_id);
    std::size_t known_keywords = mailbox.keywords.size();
    KeywordBits keywords = keyword_bits(mailbox, update.keywords, update.mode != FlagMode::Remove);
    SystemFlags flags = update.flags & kAllSystemFlags;
    ModSeq modseq = mailbox.highest_modseq + 1;

    FlagResult result;
    result.keywords_added = mailbox.keywords.size() != known_keywords;
    for (MessageRecord& record : collect(mailbox_id, uids)) {
        // RFC 7162 3.1.3: a message modified after UNCHANGEDSINCE is not touched and is reported.
        if (update.unchanged_since && record.modseq > *update.unchanged_since) {
            result.modified.push_back(record.uid);
            continue;
        }
        SystemFlags new_flags = record.flags;
        KeywordBits new_keywords = record.keywords;
        switch (update.mode) {
            case FlagMode::Replace:
                new_flags = flags;
                new_keywords = keywords;
                break;
            case FlagMode::Add:
                new_flags |= flags;
                new_keywords |= keywords;
                break;
            case FlagMode::Remove:
                new_flags &= static_cast<SystemFlags>(~flags);
                new_keywords &= ~keywords;
                break;
        }
        if (new_flags == record.flags && new_keywords == record.keywords) {
            continue;  // unchanged: the MODSEQ stays (RFC 7162 3.1)
        }
        count_message(mailbox, record, -1);
        txn().erase(schema_.modseq_index, modseq_key(mailbox_id, record.modseq, record.uid));
        record.flags = new_flags;
        record.keywords = new_keywords;
        record.modseq = modseq;
        count_message(mailbox, record, +1);
        txn().put(schema_.messages, message_key(mailbox_id, record.uid), encode_message(record));
        txn().put(schema_.modseq_index, modseq_key(mailbox_id, modseq, record.uid), {});
        result.changed.push_back({record.uid, record.flags, record.keywords, record.modseq});
    }
    if (!result.changed.empty()) {
        mailbox.highest_modseq = modseq;
    }
    if (!result.changed.empty() || result.keywords_added) {
        save_mailbox(mailbox);
    }
    if (!result.changed.empty()) {
        publish(mailbox);
    }
    result.highest_modseq = mailbox.highest_modseq;
    return result;
}

CopyResult StoreWriter::copy_records(
    const MailboxRecord& source,
    const std::vector<MessageRecord>& records,
    MailboxRecord& target,
    bool check_quota
) {
    CopyResult result;
    result.target_uidvalidity = target.uidvalidity;
    result.target_modseq = target.highest_modseq;
    if (records.empty()) {
        return result;
    }
    AccountStorage account = load_account(target.account);
    std::uint64_t bytes = 0;
    for (const MessageRecord& record : records) {
        bytes += record.size;
    }
    if (check_quota && !fits_quota(account, bytes)) {
        over_quota(target.account);
    }
    // Keyword names of the source, resolved before the target's table may grow (source and
    // target may be the same mailbox).
    std::vector<std::vector<std::string>> names;
    names.reserve(records.size());
    for (const MessageRecord& record : records) {
        names.push_back(source.keyword_names(record.keywords));
    }
    ++target.highest_modseq;
    std::map<BlobHash, std::int64_t> references;
    for (std::size_t i = 0; i < records.size(); ++i) {
        MessageRecord copy = records[i];
        copy.keywords = keyword_bits(target, names[i], true);
        copy.modseq = target.highest_modseq;
        insert_message(target, copy);
        ++references[copy.blob];
        result.uids.push_back({records[i].uid, copy.uid});
    }
    for (const auto& [hash, delta] : references) {
        adjust_blob_references(txn(), schema_, hash, delta);
    }
    account.used_bytes += bytes;
    account.messages += records.size();
    save_account(account);
    result.target_modseq = target.highest_modseq;
    return result;
}

std::vector<Uid> StoreWriter::expunge_records(
    MailboxRecord& mailbox, const std::vector<MessageRecord>& records
) {
    std::vector<Uid> expunged;
    if (records.empty()) {
        return expunged;
    }
    AccountStorage account = load_account(mailbox.account);
    ++mailbox.highest_modseq;
    std::map<BlobHash, std::int64_t> releases;
    std::uint64_t bytes = 0;
    for (const MessageRecord& record : records) {
        remove_message(mailbox, record, mailbox.highest_modseq);
        --releases[record.blob];
        bytes += record.size;
        expunged.push_back(record.uid);
    }
    release_usage(account, bytes, records.size());
    save_account(account);
    for (const auto& [hash, delta] : releases) {
        adjust_blob_references(txn(), schema_, hash, delta);
    }
    return expunged;
}

CopyResult StoreWriter::copy(MailboxId from, std::span<const UidRange> uids, MailboxId to) {
    MailboxRecord source = load_mailbox(from);
    MailboxRecord target_record = from == to ? MailboxRecord{} : load_mailbox(to);
    MailboxRecord& target = from == to ? source : target_record;
    CopyResult result = copy_records(source, collect(from, uids), target, true);
    if (!result.uids.empty()) {
        save_mailbox(target);
        publish(target);
    }
    return result;
}

MoveResult StoreWriter::move(MailboxId from, std::span<const UidRange> uids, MailboxId to) {
    MailboxRecord source = load_mailbox(from);
    MailboxRecord target_record = from == to ? MailboxRecord{} : load_mailbox(to);
    MailboxRecord& target = from == to ? source : target_record;
    auto records = collect(from, uids);
    MoveResult result;
    result.copied = copy_records(source, records, target, source.account != target.account);
    expunge_records(source, records);
    result.source_modseq = source.highest_modseq;
    if (!records.empty()) {
        save_mailbox(source);
        publish(source);
        if (from != to) {
            save_mailbox(target);
            publish(target);
        }
    }
    return result;
}

ExpungeResult StoreWriter::expunge(
    MailboxId mailbox_id, std::optional<std::span<const UidRange>> uids
) {
    MailboxRecord mailbox = load_mailbox(mailbox_id);
    UidRange all;
    std::vector<MessageRecord> records = collect(mailbox_id, uids.value_or(std::span(&all, 1)));
    std::erase_if(records, [](const MessageRecord& r) { return (r.flags & kDeleted) == 0; });
    ExpungeResult result;
    result.expunged = expunge_records(mailbox, records);
    if (!result.expunged.empty()) {
        save_mailbox(mailbox);
        publish(mailbox);
    }
    result.highest_modseq = mailbox.highest_modseq;
    return result;
}

std::optional<UidRange> StoreWriter::claim_recent(MailboxId mailbox_id) {
    MailboxRecord mailbox = load_mailbox(mailbox_id);
    if (mailbox.first_recent_uid >= mailbox.uidnext) {
        return std::nullopt;
    }
    UidRange claimed{mailbox.first_recent_uid, mailbox.uidnext - 1};
    mailbox.first_recent_uid = mailbox.uidnext;
    mailbox.recent = 0;
    save_mailbox(mailbox);
    return claimed;
}

// ---- blobs held by other modules ---------------------------------------------------------------

BlobHash StoreWriter::put_blob(const PreparedMessage& message) {
    detail::put_blob(txn(), schema_, message, 1, settings_.chunk_size);
    return message.hash();
}

void StoreWriter::ref_blob(const BlobHash& hash) {
    adjust_blob_references(txn(), schema_, hash, +1);
}

void StoreWriter::unref_blob(const BlobHash& hash) {
    adjust_blob_references(txn(), schema_, hash, -1);
}

}  // namespace govmail::store
