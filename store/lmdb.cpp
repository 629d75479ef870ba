#include "store/lmdb.hpp"

#include "core/log.hpp"

#include <cstring>
#include <sys/stat.h>
#include <vector>

namespace govmail::store {
namespace {

MDB_val to_val(std::string_view bytes) {
    return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};
}

}  // namespace

void check_lmdb(int rc, const char* operation) {
    if (rc == MDB_SUCCESS) {
        return;
    }
    std::string detail = std::string(operation) + ": " + mdb_strerror(rc);
    switch (rc) {
        case MDB_MAP_FULL:
            throw MapFull(detail);
        case MDB_PANIC:
        case MDB_CORRUPTED:
        case MDB_PAGE_NOTFOUND:
        case MDB_INVALID:
            log::error("store.corrupted", {{"operation", operation}, {"error", mdb_strerror(rc)}});
            throw StoreException(Errc::Corrupted, detail);
        case MDB_BAD_VALSIZE:
            throw StoreException(Errc::TooBig, detail);
        default:
            throw StoreException(Errc::Temporary, detail);
    }
}

Env::Env(const Options& options)
    : options_(options) {}

std::unique_ptr<Env> Env::open(const Options& options) {
    std::error_code ec;
    std::filesystem::create_directories(options.path, ec);
    if (ec) {
        throw StoreException(
            Errc::Temporary, "cannot create " + options.path.string() + ": " + ec.message()
        );
    }
    std::unique_ptr<Env> env(new Env(options));
    check_lmdb(mdb_env_create(&env->env_), "mdb_env_create");
    check_lmdb(mdb_env_set_maxreaders(env->env_, options.max_readers), "mdb_env_set_maxreaders");
    check_lmdb(mdb_env_set_maxdbs(env->env_, options.max_dbs), "mdb_env_set_maxdbs");
    // An existing environment may already be bigger (it grew before): keep the larger size.
    std::uint64_t map_size = options.map_size;
    std::uint64_t existing = 0;
    if (auto size = std::filesystem::file_size(options.path / "data.mdb", ec); !ec) {
        existing = size;
    }
    while (map_size < existing) {
        map_size *= 2;
    }
    check_lmdb(mdb_env_set_mapsize(env->env_, map_size), "mdb_env_set_mapsize");
    // MDB_NOTLS: read transactions are not bound to threads (coroutines hop threads).
    // MDB_NORDAHEAD: the working set is random access; readahead wastes page cache.
    // No MDB_NOSYNC / MDB_NOMETASYNC: every commit is durable before it returns.
    check_lmdb(
        mdb_env_open(env->env_, options.path.c_str(), MDB_NOTLS | MDB_NORDAHEAD, 0600),
        "mdb_env_open"
    );
    int stale = 0;
    mdb_reader_check(env->env_, &stale);  // clears reader slots of crashed processes
    return env;
}

Env::~Env() {
    if (env_ != nullptr) {
        mdb_env_close(env_);
    }
}

MDB_dbi Env::database(const std::string& name, unsigned flags) {
    std::lock_guard lock(databases_mutex_);
    if (auto found = databases_.find(name); found != databases_.end()) {
        return found->second;
    }
    WriteTxn txn = begin_write();
    MDB_dbi dbi = 0;
    check_lmdb(mdb_dbi_open(txn.handle(), name.c_str(), flags | MDB_CREATE, &dbi), "mdb_dbi_open");
    txn.commit();
    databases_.emplace(name, dbi);
    return dbi;
}

ReadTxn Env::begin_read() const {
    return ReadTxn(*this);
}

WriteTxn Env::begin_write() {
    return WriteTxn(env_, nullptr);
}

std::uint64_t Env::map_size() const {
    MDB_envinfo info{};
    mdb_env_info(env_, &info);
    return info.me_mapsize;
}

bool Env::grow_map() {
    std::unique_lock lock(resize_mutex_);
    std::uint64_t current = map_size();
    if (current >= options_.max_map_size) {
        return false;
    }
    std::uint64_t grown = std::min(current * 2, options_.max_map_size);
    check_lmdb(mdb_env_set_mapsize(env_, grown), "mdb_env_set_mapsize");
    log::info("store.map_grown", {{"from", current}, {"to", grown}});
    return true;
}

void Env::copy_compacted(const std::filesystem::path& destination) const {
    check_lmdb(mdb_env_copy2(env_, destination.c_str(), MDB_CP_COMPACT), "mdb_env_copy2");
}

std::uint64_t Env::file_size() const {
    std::error_code ec;
    auto size = std::filesystem::file_size(options_.path / "data.mdb", ec);
    return ec ? 0 : size;
}

Env::Space Env::space() const {
    Space space;
    space.file_size = file_size();
    MDB_envinfo info{};
    mdb_env_info(env_, &info);
    MDB_stat env_stat{};
    mdb_env_stat(env_, &env_stat);
    space.page_size = env_stat.ms_psize;
    space.high_water = (info.me_last_pgno + 1) * space.page_size;
    std::vector<MDB_dbi> dbis = {0, 1};  // LMDB's free list and main database
    {
        std::lock_guard lock(databases_mutex_);
        for (const auto& [name, dbi] : databases_) {
            dbis.push_back(dbi);
        }
    }
    read([&](const ReadTxn& txn) {
        for (MDB_dbi dbi : dbis) {
            MDB_stat stat{};
            check_lmdb(mdb_stat(txn.handle(), dbi, &stat), "mdb_stat");
            space.used += (stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages) *
                          space.page_size;
        }
        // Each free-list record is an ID list whose first word is its length.
        Cursor cursor = txn.cursor(0);
        for (bool ok = cursor.first(); ok; ok = cursor.next()) {
            std::size_t count = 0;  // an MDB_ID (midl.h)
            if (cursor.value().size() >= sizeof count) {
                std::memcpy(&count, cursor.value().data(), sizeof count);
            }
            space.free += count * space.page_size;
        }
    });
    return space;
}

std::optional<std::string_view> TxnBase::get(MDB_dbi dbi, std::string_view key) const {
    MDB_val k = to_val(key);
    MDB_val v{};
    int rc = mdb_get(txn_, dbi, &k, &v);
    if (rc == MDB_NOTFOUND) {
        return std::nullopt;
    }
    check_lmdb(rc, "mdb_get");
    return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

Cursor TxnBase::cursor(MDB_dbi dbi) const {
    return Cursor(txn_, dbi);
}

ReadTxn::ReadTxn(const Env& env)
    : resize_lock_(env.resize_mutex_) {
    int rc = mdb_txn_begin(env.env_, nullptr, MDB_RDONLY, &txn_);
    if (rc == MDB_MAP_RESIZED) {
        // Another process grew the map: adopt its size. No transaction of ours may be open, so
        // trade the shared lock for the exclusive one while doing it.
        resize_lock_.unlock();
        {
            std::unique_lock exclusive(env.resize_mutex_);
            check_lmdb(mdb_env_set_mapsize(env.env_, 0), "mdb_env_set_mapsize");
        }
        resize_lock_.lock();
        rc = mdb_txn_begin(env.env_, nullptr, MDB_RDONLY, &txn_);
    }
    check_lmdb(rc, "mdb_txn_begin(read)");
}

ReadTxn::ReadTxn(ReadTxn&& other) noexcept
    : TxnBase(other.txn_)
    , resize_lock_(std::move(other.resize_lock_)) {
    other.txn_ = nullptr;
}

ReadTxn::~ReadTxn() {
    if (txn_ != nullptr) {
        mdb_txn_abort(txn_);
    }
}

WriteTxn::WriteTxn(MDB_env* env, MDB_txn* parent) {
    int rc = mdb_txn_begin(env, parent, 0, &txn_);
    if (rc == MDB_MAP_RESIZED && parent == nullptr) {
        check_lmdb(mdb_env_set_mapsize(env, 0), "mdb_env_set_mapsize");
        rc = mdb_txn_begin(env, parent, 0, &txn_);
    }
    check_lmdb(rc, "mdb_txn_begin(write)");
}

WriteTxn::WriteTxn(WriteTxn&& other) noexcept
    : TxnBase(other.txn_) {
    other.txn_ = nullptr;
}

WriteTxn::~WriteTxn() {
    abort();
}

WriteTxn WriteTxn::child() {
    return WriteTxn(mdb_txn_env(txn_), txn_);
}

void WriteTxn::put(MDB_dbi dbi, std::string_view key, std::string_view value, unsigned flags) {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    check_lmdb(mdb_put(txn_, dbi, &k, &v, flags), "mdb_put");
}

bool WriteTxn::insert(MDB_dbi dbi, std::string_view key, std::string_view value) {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    int rc = mdb_put(txn_, dbi, &k, &v, MDB_NOOVERWRITE);
    if (rc == MDB_KEYEXIST) {
        return false;
    }
    check_lmdb(rc, "mdb_put");
    return true;
}

char* WriteTxn::reserve(MDB_dbi dbi, std::string_view key, std::size_t size, unsigned flags) {
    MDB_val k = to_val(key);
    MDB_val v{size, nullptr};
    check_lmdb(mdb_put(txn_, dbi, &k, &v, flags | MDB_RESERVE), "mdb_put(reserve)");
    return static_cast<char*>(v.mv_data);
}

bool WriteTxn::erase(MDB_dbi dbi, std::string_view key) {
    MDB_val k = to_val(key);
    int rc = mdb_del(txn_, dbi, &k, nullptr);
    if (rc == MDB_NOTFOUND) {
        return false;
    }
    check_lmdb(rc, "mdb_del");
    return true;
}

void WriteTxn::commit() {
    // LMDB frees the transaction even when the commit fails: forget it first.
    MDB_txn* txn = txn_;
    txn_ = nullptr;
    check_lmdb(mdb_txn_commit(txn), "mdb_txn_commit");
}

void WriteTxn::abort() {
    if (txn_ != nullptr) {
        mdb_txn_abort(txn_);
        txn_ = nullptr;
    }
}

Cursor::Cursor(MDB_txn* txn, MDB_dbi dbi) {
    check_lmdb(mdb_cursor_open(txn, dbi, &cursor_), "mdb_cursor_open");
}

Cursor::Cursor(Cursor&& other) noexcept
    : cursor_(other.cursor_)
    , key_(other.key_)
    , value_(other.value_) {
    other.cursor_ = nullptr;
}

Cursor::~Cursor() {
    if (cursor_ != nullptr) {
        mdb_cursor_close(cursor_);
    }
}

bool Cursor::move(MDB_cursor_op op) {
    int rc = mdb_cursor_get(cursor_, &key_, &value_, op);
    if (rc == MDB_NOTFOUND) {
        return false;
    }
    check_lmdb(rc, "mdb_cursor_get");
    return true;
}

bool Cursor::first() {
    return move(MDB_FIRST);
}

bool Cursor::last() {
    return move(MDB_LAST);
}

bool Cursor::next() {
    return move(MDB_NEXT);
}

bool Cursor::prev() {
    return move(MDB_PREV);
}

bool Cursor::seek(std::string_view key) {
    key_ = to_val(key);
    return move(MDB_SET_RANGE);
}

bool Cursor::find(std::string_view key) {
    key_ = to_val(key);
    return move(MDB_SET_KEY);
}

void Cursor::erase() {
    check_lmdb(mdb_cursor_del(cursor_, 0), "mdb_cursor_del");
}

}  // namespace govmail::store
