#pragma once
// The mail store: one object per process that owns the LMDB environment, the schema, the change
// feed and the single writer thread, and offers reads and writes to the rest of govmail.
//
// Reads are synchronous blocks over one read transaction (never alive across a co_await);
// writes are operations run by the writer thread and committed durably in a group commit before
// the awaiting coroutine resumes, so that "250 OK" or "OK APPEND completed" is only ever sent for
// data that is on disk (store/README.md: durability rule).
//
//     auto store = MailStore::open(MailStore::options_for(config));     // throws StoreException
//
//     // in a session coroutine:
//     PreparedMessage msg(std::move(raw), info_bytes);                  // hashed here, not on
//     auto appended = co_await store->append(inbox, std::move(msg), {}); // the writer thread
//     if (!appended) co_return reply_for(appended.error());              // Errc::OverQuota, ...
//
//     auto status = store->read([&](const StoreReader& r) { return r.mailbox(inbox); });
//
//     // several operations, and other modules' records, in one commit:
//     co_await store->write([&](StoreWriter& w) { w.deliver(msg, targets, now); ... });
//
// The conveniences below are one StoreWriter call each; see store/operations.hpp for what each
// does and the errors it reports. Every result is a StoreResult: the operation's value, or its
// Errc (Temporary when the commit failed or the map could not grow; the change was not made).
//
// Thread-safety: all methods may be called from any thread. Changes are published on feed()
// after each commit, on the writer thread (store/changes.hpp).

#include "core/config.hpp"
#include "core/net/asio.hpp"
#include "store/changes.hpp"
#include "store/error.hpp"
#include "store/lmdb.hpp"
#include "store/operations.hpp"
#include "store/reader.hpp"
#include "store/schema.hpp"
#include "store/writer.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

namespace govmail::store {

class MailStore {
public:
    struct Options {
        std::filesystem::path path;  // the environment's directory (<data_dir>/store)
        std::uint64_t map_size = 1ULL << 30;
        std::uint64_t max_map_size = 1ULL << 40;
        StoreSettings settings;
        Writer::Options writer;
    };

    // <data_dir>/store and the sizes of the [store] section.
    static Options options_for(const Config& config);

    // Opens the environment, brings its schema up to date and starts the writer thread. Throws
    // StoreException (NewerSchema, Temporary for I/O errors, ...).
    static std::unique_ptr<MailStore> open(const Options& options);

    ~MailStore();  // finishes queued writes, then closes
    MailStore(const MailStore&) = delete;
    MailStore& operator=(const MailStore&) = delete;

    Env& env() { return *env_; }

    const Schema& schema() const { return schema_; }

    ChangeFeed& feed() { return feed_; }

    Writer& writer() { return *writer_; }

    const StoreSettings& settings() const { return options_.settings; }

    template <typename Fn>
    using ReadResult = StoreResult<std::invoke_result_t<Fn&, const StoreReader&>>;

    template <typename Op>
    using WriteResult = StoreResult<std::invoke_result_t<Op&, StoreWriter&>>;

    // Runs fn(const StoreReader&) over one snapshot; a corrupted record becomes an error result.
    template <typename Fn>
    ReadResult<Fn> read(Fn&& fn) const;

    // Runs op(StoreWriter&) on the writer thread; resumes after the durable commit.
    template <typename Op>
    [[nodiscard]] net::asio::awaitable<WriteResult<Op>> write(Op op);

    // The same, blocking the calling thread (tools, tests). Never from the writer thread.
    template <typename Op>
    WriteResult<Op> write_blocking(Op op);

    // ---- conveniences: one StoreWriter call each -----------------------------------------------

    [[nodiscard]] net::asio::awaitable<StoreResult<ProvisionResult>> provision_account(
        AccountId account, std::uint64_t quota
    );
    [[nodiscard]] net::asio::awaitable<StoreResult<void>> set_quota(
        AccountId account, std::uint64_t quota
    );
    [[nodiscard]] net::asio::awaitable<StoreResult<std::uint64_t>> remove_account(AccountId account
    );

    [[nodiscard]] net::asio::awaitable<StoreResult<MailboxId>> create_mailbox(
        AccountId account, std::string name, SpecialUse special_use = SpecialUse::None
    );
    [[nodiscard]] net::asio::awaitable<StoreResult<void>> rename_mailbox(
        AccountId account, std::string from, std::string to
    );
    [[nodiscard]] net::asio::awaitable<StoreResult<void>> delete_mailbox(
        AccountId account, std::string name
    );
    [[nodiscard]] net::asio::awaitable<StoreResult<bool>> subscribe(
        AccountId account, std::string name
    );
    [[nodiscard]] net::asio::awaitable<StoreResult<bool>> unsubscribe(
        AccountId account, std::string name
    );

    [[nodiscard]] net::asio::awaitable<StoreResult<std::vector<StoreResult<Appended>>>> deliver(
        PreparedMessage message, std::vector<DeliveryTarget> targets, UnixTime internal_date
    );
    [[nodiscard]] net::asio::awaitable<StoreResult<Appended>> append(
        MailboxId mailbox, PreparedMessage message, AppendOptions options
    );
    [[nodiscard]] net::asio::awaitable<StoreResult<FlagResult>> store_flags(
        MailboxId mailbox, std::vector<UidRange> uids, FlagUpdate update
    );
    [[nodiscard]] net::asio::awaitable<StoreResult<CopyResult>> copy(
        MailboxId from, std::vector<UidRange> uids, MailboxId to
    );
    [[nodiscard]] net::asio::awaitable<StoreResult<MoveResult>> move(
        MailboxId from, std::vector<UidRange> uids, MailboxId to
    );
    // Without `uids`: EXPUNGE; with: UID EXPUNGE.
    [[nodiscard]] net::asio::awaitable<StoreResult<ExpungeResult>> expunge(
        MailboxId mailbox, std::optional<std::vector<UidRange>> uids
    );
    // Reads first and only writes when there is something to claim, so that SELECT of a
    // mailbox without new mail costs no commit.
    [[nodiscard]] net::asio::awaitable<StoreResult<std::optional<UidRange>>> claim_recent(
        MailboxId mailbox
    );

private:
    explicit MailStore(const Options& options);

    Options options_;
    std::unique_ptr<Env> env_;
    Schema schema_;
    ChangeFeed feed_;
    std::unique_ptr<Writer> writer_;  // last: stopped first
};

namespace detail {

// Types that point into the memory map: returning one from read() would leave it dangling.
template <typename T>
inline constexpr bool kViewOfTransaction =
    std::is_same_v<T, BlobView> || std::is_same_v<T, MessageInfoBytes> ||
    std::is_same_v<T, std::string_view>;

template <typename T>
inline constexpr bool kViewOfTransaction<std::optional<T>> = kViewOfTransaction<T>;

}  // namespace detail

template <typename Fn>
MailStore::ReadResult<Fn> MailStore::read(Fn&& fn) const {
    using Value = std::invoke_result_t<Fn&, const StoreReader&>;
    static_assert(
        !detail::kViewOfTransaction<Value>,
        "copy the bytes inside the read block: views die with its transaction"
    );
    try {
        ReadTxn txn = env_->begin_read();
        StoreReader reader(txn, schema_);
        if constexpr (std::is_void_v<Value>) {
            fn(static_cast<const StoreReader&>(reader));
            return {};
        } else {
            return fn(static_cast<const StoreReader&>(reader));
        }
    } catch (const StoreException& e) {
        return {boost::system::in_place_error, make_error_code(e.code())};
    }
}

template <typename Op>
net::asio::awaitable<MailStore::WriteResult<Op>> MailStore::write(Op op) {
    co_return co_await writer_->submit([this, op = std::move(op)](WriteScope& scope) mutable {
        StoreWriter w(scope, schema_, options_.settings);
        return op(w);
    });
}

template <typename Op>
MailStore::WriteResult<Op> MailStore::write_blocking(Op op) {
    return writer_->execute([this, op = std::move(op)](WriteScope& scope) mutable {
        StoreWriter w(scope, schema_, options_.settings);
        return op(w);
    });
}

}  // namespace govmail::store
