#include "store/schema.hpp"

#include "core/log.hpp"
#include "store/detail/records.hpp"

#include <algorithm>

namespace govmail::store {
namespace {

// Version 1 is the first schema. A change of layout raises kSchemaVersion and appends here the
// step that rewrites version N data as N + 1.
std::span<const Migration> builtin_migrations() {
    return {};
}

bool needs_setup(const TxnBase& txn, const Schema& schema, std::uint32_t version) {
    return schema.stored_version(txn) != version ||
           !txn.get(schema.meta, detail::kMetaNextMailboxId) ||
           !txn.get(schema.meta, detail::kMetaNextUidvalidity) ||
           !txn.get(schema.meta, detail::kMetaNextBlobId);
}

}  // namespace

Schema Schema::open(Env& env) {
    return open(env, kSchemaVersion, builtin_migrations());
}

Schema Schema::open(Env& env, std::uint32_t version, std::span<const Migration> migrations) {
    Schema s;
    s.meta = env.database("meta");
    s.accounts = env.database("accounts");
    s.mailboxes = env.database("mailboxes");
    s.mailbox_names = env.database("mailbox_names");
    s.subscriptions = env.database("subscriptions");
    s.messages = env.database("messages");
    s.modseq_index = env.database("modseq_index");
    s.expunged = env.database("expunged");
    s.blob_info = env.database("blob_info");
    s.blob_chunks = env.database("blob_chunks");
    s.blob_meta = env.database("blob_meta");

    // Tools (govmailctl) open a live environment: write only when something needs doing.
    if (!env.read([&](const ReadTxn& tx) { return needs_setup(tx, s, version); })) {
        return s;
    }
    WriteTxn txn = env.begin_write();
    std::uint32_t stored = s.stored_version(txn);
    if (stored > version) {
        throw StoreException(
            Errc::NewerSchema,
            env.path().string() + " holds data of store schema version " + std::to_string(stored) +
                "; this govmail understands version " + std::to_string(version) +
                " at most: run a newer govmail, or restore a backup made by this version"
        );
    }
    if (stored == 0) {
        txn.put(s.meta, detail::kMetaSchema, detail::encode_u64(version));
        stored = version;
    }
    while (stored < version) {
        auto step = std::ranges::find(migrations, stored, &Migration::from);
        if (step == migrations.end()) {
            throw StoreException(
                Errc::Invalid, "no migration from store schema version " + std::to_string(stored)
            );
        }
        log::info("store.migrating", {{"from", stored}, {"to", stored + 1}});
        step->run(txn, s);
        ++stored;
        txn.put(s.meta, detail::kMetaSchema, detail::encode_u64(stored));
    }
    if (!txn.get(s.meta, detail::kMetaNextMailboxId)) {
        txn.put(s.meta, detail::kMetaNextMailboxId, detail::encode_u64(1));
    }
    if (!txn.get(s.meta, detail::kMetaNextUidvalidity)) {
        txn.put(s.meta, detail::kMetaNextUidvalidity, detail::encode_u64(1));
    }
    if (!txn.get(s.meta, detail::kMetaNextBlobId)) {
        txn.put(s.meta, detail::kMetaNextBlobId, detail::encode_u64(1));
    }
    txn.commit();
    return s;
}

std::uint32_t Schema::stored_version(const TxnBase& txn) const {
    auto value = txn.get(meta, detail::kMetaSchema);
    if (!value) {
        return 0;
    }
    std::uint64_t version = detail::decode_u64(*value);
    if (version > UINT32_MAX) {
        throw StoreException(Errc::Corrupted, "schema version out of range");
    }
    return static_cast<std::uint32_t>(version);
}

}  // namespace govmail::store
