#include "smtp/queue/queue_db.hpp"

#include "store/codec.hpp"
#include "store/error.hpp"

namespace govmail::smtp::queue {
namespace {

constexpr const char* kMessages = "queue.messages";
constexpr const char* kSchedule = "queue.schedule";

store::Key message_key(std::uint64_t id) {
    store::Key key;
    key.u64(id);
    return key;
}

// Times before 1970 do not occur; negative values would sort after every real time.
store::Key schedule_key(Millis at, std::uint64_t id) {
    store::Key key;
    key.u64(static_cast<std::uint64_t>(std::max<Millis>(at, 0))).u64(id);
    return key;
}

}  // namespace

QueueDb QueueDb::open(store::Env& env) {
    QueueDb db;
    db.messages = env.database(kMessages);
    db.schedule = env.database(kSchedule);
    return db;
}

void QueueDb::insert(
    store::StoreWriter& w, const QueuedMessage& message, const store::PreparedMessage& blob
) const {
    if (!w.txn().insert(messages, message_key(message.id), encode(message))) {
        throw store::StoreException(store::Errc::Exists, "queue id taken");
    }
    w.txn().put(schedule, schedule_key(message.next_attempt, message.id), {});
    w.put_blob(blob);
}

void QueueDb::update(store::WriteTxn& txn, const QueuedMessage& message) const {
    auto stored = get(txn, message.id);
    if (!stored) {
        throw store::StoreException(store::Errc::NotFound, "queued message gone");
    }
    txn.erase(schedule, schedule_key(stored->next_attempt, message.id));
    txn.put(messages, message_key(message.id), encode(message));
    txn.put(schedule, schedule_key(message.next_attempt, message.id), {});
}

bool QueueDb::remove(store::StoreWriter& w, std::uint64_t id) const {
    auto stored = get(w.txn(), id);
    if (!stored) {
        return false;
    }
    w.txn().erase(schedule, schedule_key(stored->next_attempt, id));
    w.txn().erase(messages, message_key(id));
    w.unref_blob(stored->blob);
    return true;
}

std::optional<QueuedMessage> QueueDb::get(const store::TxnBase& txn, std::uint64_t id) const {
    auto value = txn.get(messages, message_key(id));
    if (!value) {
        return std::nullopt;
    }
    return decode(id, *value);
}

std::vector<std::uint64_t> QueueDb::due(
    const store::TxnBase& txn,
    Millis now,
    std::size_t limit,
    const std::unordered_set<std::uint64_t>& busy
) const {
    std::vector<std::uint64_t> ids;
    store::Cursor cursor = txn.cursor(schedule);
    for (bool more = cursor.first(); more && ids.size() < limit; more = cursor.next()) {
        std::string_view key = cursor.key();
        if (key.size() != 16) {
            throw store::StoreException(store::Errc::Corrupted, "queue schedule: bad key");
        }
        if (static_cast<Millis>(store::read_u64(key, 0)) > now) {
            break;
        }
        std::uint64_t id = store::read_u64(key, 8);
        if (!busy.contains(id)) {
            ids.push_back(id);
        }
    }
    return ids;
}

std::optional<Millis> QueueDb::earliest(
    const store::TxnBase& txn, const std::unordered_set<std::uint64_t>& busy
) const {
    store::Cursor cursor = txn.cursor(schedule);
    for (bool more = cursor.first(); more; more = cursor.next()) {
        std::string_view key = cursor.key();
        if (key.size() != 16) {
            throw store::StoreException(store::Errc::Corrupted, "queue schedule: bad key");
        }
        if (!busy.contains(store::read_u64(key, 8))) {
            return static_cast<Millis>(store::read_u64(key, 0));
        }
    }
    return std::nullopt;
}

void QueueDb::for_each(
    const store::TxnBase& txn, const std::function<void(const QueuedMessage&)>& fn
) const {
    store::Cursor cursor = txn.cursor(messages);
    for (bool more = cursor.first(); more; more = cursor.next()) {
        std::string_view key = cursor.key();
        if (key.size() != 8) {
            throw store::StoreException(store::Errc::Corrupted, "queue message: bad key");
        }
        fn(decode(store::read_u64(key, 0), cursor.value()));
    }
}

std::uint64_t QueueDb::size(const store::TxnBase& txn) const {
    MDB_stat stat{};
    store::check_lmdb(mdb_stat(txn.handle(), messages, &stat), "mdb_stat");
    return stat.ms_entries;
}

store::BlobReferenceSource QueueDb::blob_references() {
    return {
        .name = "outbound queue",
        .enumerate =
            [](const store::ReadTxn& txn,
               const std::function<void(const store::BlobHash&)>& reference) {
                // Opened inside the snapshot: govmailctl check does not open the queue's
                // databases itself, and a store that never queued anything has none.
                MDB_dbi dbi = 0;
                int rc = mdb_dbi_open(txn.handle(), kMessages, 0, &dbi);
                if (rc == MDB_NOTFOUND) {
                    return;
                }
                store::check_lmdb(rc, "mdb_dbi_open queue.messages");
                store::Cursor cursor = txn.cursor(dbi);
                for (bool more = cursor.first(); more; more = cursor.next()) {
                    reference(decode(store::read_u64(cursor.key(), 0), cursor.value()).blob);
                }
            },
    };
}

}  // namespace govmail::smtp::queue
