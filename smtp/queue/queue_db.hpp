#pragma once
// The outbound queue's LMDB databases, in the mail store's environment, and the operations on
// them. Every change runs inside a store write (store::StoreWriter), so that queueing commits
// together with local deliveries, and a DSN with the removal of the recipients it reports:
//
//   queue.messages   id (u64) -> QueuedMessage (smtp/queue/record.hpp)
//   queue.schedule   next attempt (u64 ms) + id -> ""     the runner's agenda, in time order
//
//     QueueDb db = QueueDb::open(store.env());          // at start-up, before writes run
//     co_await store.write([&](store::StoreWriter& w) {
//         w.deliver(prepared, local_targets, now);        // local copies...
//         db.insert(w, message, prepared);                 // ...and the queued ones, one commit
//     });
//     auto due = store.read([&](const store::StoreReader& r) { return db.due(r.txn(), now, 10); });
//
// Each queued message holds one reference to its blob (StoreWriter::put_blob), released by
// remove(); blob_references() lets `govmailctl check` count them (store/check.hpp).
//
// Thread-safety: QueueDb holds database handles only; reads may run anywhere, writes run on
// the store's writer thread (inside StoreWriter operations) or in a tool's own write.

#include "smtp/queue/record.hpp"
#include "store/check.hpp"
#include "store/lmdb.hpp"
#include "store/operations.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_set>
#include <vector>

namespace govmail::smtp::queue {

class QueueDb {
public:
    // Opens (creating) the databases. Call at start-up before the writer runs operations on
    // them (store::Env::database).
    static QueueDb open(store::Env& env);

    // Stores `message` (a new id) and takes a reference to its blob, storing `blob` if it is not
    // in the store yet. `message.blob` must be blob.hash(). Throws StoreException(Exists) when the
    // id is taken.
    void insert(
        store::StoreWriter& w, const QueuedMessage& message, const store::PreparedMessage& blob
    ) const;

    // Replaces the stored record of `message.id` (rescheduled as message.next_attempt).
    // NotFound when it is gone.
    void update(store::WriteTxn& txn, const QueuedMessage& message) const;

    // Deletes the record and its schedule entry and releases the blob. False when absent.
    bool remove(store::StoreWriter& w, std::uint64_t id) const;

    std::optional<QueuedMessage> get(const store::TxnBase& txn, std::uint64_t id) const;

    // Ids whose next attempt is at or before `now`, earliest first, at most `limit`, skipping
    // those in `busy`.
    std::vector<std::uint64_t> due(
        const store::TxnBase& txn,
        Millis now,
        std::size_t limit,
        const std::unordered_set<std::uint64_t>& busy = {}
    ) const;

    // The earliest next attempt of any message not in `busy`; nullopt when there is none.
    std::optional<Millis> earliest(
        const store::TxnBase& txn, const std::unordered_set<std::uint64_t>& busy = {}
    ) const;

    // Every queued message, in id order.
    void for_each(const store::TxnBase& txn, const std::function<void(const QueuedMessage&)>& fn)
        const;

    std::uint64_t size(const store::TxnBase& txn) const;

    // The queue's blob references for store::check_store (one per queued message). Works on an
    // environment where the queue's databases were never created (no references then).
    static store::BlobReferenceSource blob_references();

    MDB_dbi messages = 0;
    MDB_dbi schedule = 0;
};

}  // namespace govmail::smtp::queue
