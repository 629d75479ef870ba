#include "store/reader.hpp"

#include "store/detail/blob_store.hpp"
#include "store/detail/records.hpp"
#include "store/detail/uid_ranges.hpp"
#include "store/names.hpp"

#include <algorithm>
#include <set>

namespace govmail::store {

using detail::account_key;
using detail::decode_account;
using detail::decode_mailbox;
using detail::decode_message;
using detail::decode_u64;
using detail::find_blob;
using detail::for_each_message;
using detail::mailbox_key;
using detail::message_key;
using detail::modseq_key;
using detail::modseq_key_uid;
using detail::name_key;
using detail::read_message_info;

std::optional<AccountStorage> StoreReader::account(AccountId account) const {
    auto value = txn_.get(schema_.accounts, account_key(account));
    if (!value) {
        return std::nullopt;
    }
    return decode_account(account, *value);
}

std::optional<MailboxRecord> StoreReader::mailbox(MailboxId mailbox) const {
    auto value = txn_.get(schema_.mailboxes, mailbox_key(mailbox));
    if (!value) {
        return std::nullopt;
    }
    return decode_mailbox(mailbox, *value);
}

std::optional<MailboxId> StoreReader::find_mailbox(AccountId account, std::string_view name) const {
    auto normalized = normalize_mailbox_name(name);
    if (!normalized) {
        return std::nullopt;
    }
    auto value = txn_.get(schema_.mailbox_names, name_key(account, *normalized));
    if (!value) {
        return std::nullopt;
    }
    return decode_u64(*value);
}

std::optional<MailboxId> StoreReader::find_special_use(AccountId account, SpecialUse use) const {
    for (const MailboxListEntry& entry : list_mailboxes(account)) {
        if (entry.special_use == use) {
            return entry.id;
        }
    }
    return std::nullopt;
}

std::vector<MailboxListEntry> StoreReader::list_mailboxes(AccountId account) const {
    Key prefix = account_key(account);
    std::vector<MailboxListEntry> entries;
    Cursor cursor = txn_.cursor(schema_.mailbox_names);
    for (bool ok = cursor.seek(prefix); ok && cursor.key().starts_with(prefix.view());
         ok = cursor.next()) {
        MailboxListEntry entry;
        entry.name = std::string(cursor.key().substr(prefix.size()));
        entry.id = decode_u64(cursor.value());
        entries.push_back(std::move(entry));
    }
    std::set<std::string, std::less<>> parents;
    for (const MailboxListEntry& entry : entries) {
        parents.emplace(parent_mailbox_name(entry.name));
    }
    std::vector<std::string> subscribed = subscriptions(account);
    for (MailboxListEntry& entry : entries) {
        entry.has_children = parents.contains(entry.name);
        entry.subscribed = std::ranges::binary_search(subscribed, entry.name);
        if (auto record = mailbox(entry.id)) {
            entry.special_use = record->special_use;
        }
    }
    return entries;
}

std::vector<std::string> StoreReader::subscriptions(AccountId account) const {
    Key prefix = account_key(account);
    std::vector<std::string> names;
    Cursor cursor = txn_.cursor(schema_.subscriptions);
    for (bool ok = cursor.seek(prefix); ok && cursor.key().starts_with(prefix.view());
         ok = cursor.next()) {
        names.emplace_back(cursor.key().substr(prefix.size()));
    }
    return names;
}

std::optional<MessageRecord> StoreReader::message(MailboxId mailbox, Uid uid) const {
    auto value = txn_.get(schema_.messages, message_key(mailbox, uid));
    if (!value) {
        return std::nullopt;
    }
    return decode_message(uid, *value);
}

std::vector<MessageRecord> StoreReader::messages(MailboxId mailbox, std::span<const UidRange> uids)
    const {
    std::vector<MessageRecord> records;
    for_each_message(txn_, schema_, mailbox, uids, [&](Uid uid, std::string_view value) {
        records.push_back(decode_message(uid, value));
    });
    return records;
}

std::vector<MessageState> StoreReader::snapshot(MailboxId mailbox) const {
    std::vector<MessageState> states;
    UidRange all;
    for_each_message(txn_, schema_, mailbox, std::span(&all, 1), [&](Uid uid, std::string_view v) {
        MessageRecord m = decode_message(uid, v);
        states.push_back({m.uid, m.flags, m.keywords, m.modseq});
    });
    return states;
}

Changes StoreReader::changes_since(MailboxId mailbox, ModSeq since) const {
    Changes changes;
    auto record = this->mailbox(mailbox);
    if (!record) {
        return changes;
    }
    changes.highest_modseq = record->highest_modseq;
    if (since >= record->highest_modseq) {
        return changes;
    }
    Key prefix = mailbox_key(mailbox);
    Key start = modseq_key(mailbox, since + 1, 0);
    Cursor index = txn_.cursor(schema_.modseq_index);
    for (bool ok = index.seek(start); ok && index.key().starts_with(prefix.view());
         ok = index.next()) {
        Uid uid = modseq_key_uid(index.key());
        auto m = message(mailbox, uid);
        if (!m) {
            throw StoreException(
                Errc::Corrupted,
                "modseq index names missing message " + std::to_string(mailbox) + "/" +
                    std::to_string(uid)
            );
        }
        changes.changed.push_back({m->uid, m->flags, m->keywords, m->modseq});
    }
    std::ranges::sort(changes.changed, {}, &MessageState::uid);
    Cursor tombstones = txn_.cursor(schema_.expunged);
    for (bool ok = tombstones.seek(start); ok && tombstones.key().starts_with(prefix.view());
         ok = tombstones.next()) {
        changes.vanished.push_back(modseq_key_uid(tombstones.key()));
    }
    std::ranges::sort(changes.vanished);
    return changes;
}

std::optional<BlobInfo> StoreReader::blob_info(const BlobHash& hash) const {
    return find_blob(txn_, schema_, hash);
}

std::optional<BlobView> StoreReader::blob(const BlobHash& hash) const {
    auto info = find_blob(txn_, schema_, hash);
    if (!info) {
        return std::nullopt;
    }
    return BlobView(txn_, schema_.blob_chunks, *info);
}

std::optional<MessageInfoBytes> StoreReader::message_info(const BlobHash& hash) const {
    auto info = find_blob(txn_, schema_, hash);
    if (!info) {
        return std::nullopt;
    }
    return read_message_info(txn_, schema_, *info);
}

}  // namespace govmail::store
