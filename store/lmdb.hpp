#pragma once
// A thin RAII layer over LMDB: the environment, read and write transactions, cursors.
//
// Rules this layer enforces or relies on (see store/README.md):
// - One Env per data directory per process, opened with MDB_NOTLS: a read transaction is not tied
//   to a thread, because coroutines move between the threads of the io_context.
// - ReadTxn is short-lived and synchronous: never alive across a co_await. Values returned are
//   views into the memory map, valid until the transaction ends; copy what must outlive it.
//       auto n = env.read([&](const ReadTxn& tx) { return tx.get(dbi, key).has_value(); });
// - WriteTxn exists only on the writer thread (store/writer.hpp), or in a process that has no
//   writer thread (tests, offline tools) — LMDB itself serialises writers across processes.
// - The map grows when full: the writer takes the resize lock exclusively; every ReadTxn holds it
//   shared for its short life, so mdb_env_set_mapsize never runs under an open transaction of
//   this process (LMDB's requirement).
// - Errors: LMDB failures throw StoreException. MDB_MAP_FULL is Errc::Temporary ("map full");
//   MDB_PANIC / MDB_CORRUPTED are Errc::Corrupted and logged; NOTFOUND is std::nullopt/false.

#include "store/error.hpp"

#include <lmdb.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace govmail::store {

// Throws StoreException for an LMDB return code other than MDB_SUCCESS.
void check_lmdb(int rc, const char* operation);

class ReadTxn;
class WriteTxn;

class Env {
public:
    struct Options {
        std::filesystem::path path;               // directory holding data.mdb and lock.mdb
        std::uint64_t map_size = 1ULL << 30;      // initial map size in bytes
        std::uint64_t max_map_size = 1ULL << 40;  // growth stops here; then writes fail
        unsigned max_readers = 1022;
        unsigned max_dbs = 64;
    };

    // Opens (creating the directory and files when absent). Throws StoreException.
    static std::unique_ptr<Env> open(const Options& options);

    ~Env();
    Env(const Env&) = delete;
    Env& operator=(const Env&) = delete;

    MDB_env* handle() const { return env_; }

    const std::filesystem::path& path() const { return options_.path; }

    // Opens (creating) a named database. Call during start-up, before the writer thread runs or
    // from it: LMDB forbids opening the same DBI from two transactions at once.
    MDB_dbi database(const std::string& name, unsigned flags = 0);

    // Runs `fn(const ReadTxn&)` in a read-only transaction and returns its result.
    template <typename Fn>
    auto read(Fn&& fn) const;

    ReadTxn begin_read() const;

    // A top-level write transaction. Only for the writer thread or single-writer tools.
    WriteTxn begin_write();

    std::uint64_t map_size() const;

    // Doubles the map size (up to max_map_size). False when already at the maximum.
    bool grow_map();

    // A consistent copy of the environment, compacted, into `destination` (a directory that must
    // exist and be empty). Safe while writers run (mdb_env_copy2 with MDB_CP_COMPACT).
    void copy_compacted(const std::filesystem::path& destination) const;

    // Size of data.mdb on disk, in bytes.
    std::uint64_t file_size() const;

    // Where the space of the environment goes, for benchmarks and monitoring.
    struct Space {
        std::uint64_t page_size = 0;
        std::uint64_t file_size = 0;   // data.mdb on disk (never shrinks)
        std::uint64_t high_water = 0;  // bytes up to the highest page ever used
        std::uint64_t used = 0;        // pages of every database's B-tree, in bytes
        std::uint64_t free = 0;        // pages on the free list (reused before the file grows)
    };

    // Counts pages in the databases opened with database(). Reads the whole free list: cheap,
    // but not for every request.
    Space space() const;

private:
    friend class ReadTxn;

    explicit Env(const Options& options);

    MDB_env* env_ = nullptr;
    Options options_;
    mutable std::mutex databases_mutex_;
    std::map<std::string, MDB_dbi, std::less<>> databases_;
    mutable std::shared_mutex resize_mutex_;
};

class Cursor;

// Operations common to read and write transactions.
class TxnBase {
public:
    MDB_txn* handle() const { return txn_; }

    std::optional<std::string_view> get(MDB_dbi dbi, std::string_view key) const;

    Cursor cursor(MDB_dbi dbi) const;

protected:
    TxnBase() = default;

    explicit TxnBase(MDB_txn* txn)
        : txn_(txn) {}

    MDB_txn* txn_ = nullptr;
};

class ReadTxn : public TxnBase {
public:
    ReadTxn(ReadTxn&& other) noexcept;
    ReadTxn& operator=(ReadTxn&&) = delete;
    ReadTxn(const ReadTxn&) = delete;
    ~ReadTxn();

private:
    friend class Env;
    explicit ReadTxn(const Env& env);

    std::shared_lock<std::shared_mutex> resize_lock_;
};

class WriteTxn : public TxnBase {
public:
    WriteTxn(WriteTxn&& other) noexcept;
    WriteTxn& operator=(WriteTxn&&) = delete;
    WriteTxn(const WriteTxn&) = delete;
    ~WriteTxn();  // aborts unless committed

    // A nested transaction: its changes join this one on commit(), vanish on abort.
    WriteTxn child();

    void put(MDB_dbi dbi, std::string_view key, std::string_view value, unsigned flags = 0);

    // Inserts only when absent; false when the key exists (MDB_NOOVERWRITE).
    bool insert(MDB_dbi dbi, std::string_view key, std::string_view value);

    // Reserves `size` bytes for the value and returns where to write them (MDB_RESERVE): large
    // values are written once, straight into the map. `flags` may add MDB_APPEND when the key is
    // known to be the largest in the database (fails with an exception otherwise).
    char* reserve(MDB_dbi dbi, std::string_view key, std::size_t size, unsigned flags = 0);

    // False when the key was absent.
    bool erase(MDB_dbi dbi, std::string_view key);

    void commit();
    void abort();

private:
    friend class Env;
    WriteTxn(MDB_env* env, MDB_txn* parent);
};

// A cursor over one database. Positioning calls return false past the end.
class Cursor {
public:
    Cursor(MDB_txn* txn, MDB_dbi dbi);
    Cursor(Cursor&& other) noexcept;
    Cursor& operator=(Cursor&&) = delete;
    Cursor(const Cursor&) = delete;
    ~Cursor();

    bool first();
    bool last();
    bool next();
    bool prev();
    // The first key >= `key`.
    bool seek(std::string_view key);
    // Exactly `key`.
    bool find(std::string_view key);

    std::string_view key() const { return {static_cast<const char*>(key_.mv_data), key_.mv_size}; }

    std::string_view value() const {
        return {static_cast<const char*>(value_.mv_data), value_.mv_size};
    }

    // Deletes the current record (write transactions only); next() then moves to the record
    // that followed it (LMDB keeps the position of a deleted record).
    void erase();

private:
    bool move(MDB_cursor_op op);

    MDB_cursor* cursor_ = nullptr;
    MDB_val key_{};
    MDB_val value_{};
};

template <typename Fn>
auto Env::read(Fn&& fn) const {
    ReadTxn txn = begin_read();
    return fn(static_cast<const ReadTxn&>(txn));
}

}  // namespace govmail::store
