#pragma once
// The single writer with group commit.
//
// Every write to the LMDB environment goes through one Writer, which owns one thread. Callers
// submit an operation and co_await its completion; the writer takes every operation waiting at
// that moment (up to max_batch), runs each in its own child transaction of one write transaction,
// commits once (one durable sync for the whole batch), then completes each operation on the
// caller's executor and publishes the changed mailboxes on the ChangeFeed. A reply that depends
// on a write (SMTP 250, IMAP OK for APPEND) is therefore sent only after the data is durable,
// and a thousand concurrent deliveries cost a handful of syncs instead of a thousand.
//
//     // in a coroutine:
//     StoreResult<std::uint32_t> uid = co_await writer.submit([&](WriteScope& w) {
//         return append_message(w, mailbox, bytes);       // runs on the writer thread
//     });
//     // in a tool with no io_context:
//     auto done = writer.execute([&](WriteScope& w) { ...; return true; });
//
// An operation is `T op(WriteScope&)`. It may throw StoreException(code) to fail: only its own
// child transaction is aborted, the rest of the batch commits. If the commit itself fails (disk
// full, I/O error) every operation of the batch fails with Errc::Temporary. A full map is grown
// (Env::grow_map) and the batch retried once; at the maximum map size it fails as Temporary and
// the error is logged. Operations must be deterministic functions of the transaction state: a
// retried batch runs them again.
//
// Thread-safety: submit() and execute() may be called from any thread. Operations run on the
// writer thread only and must not block on anything but LMDB.

#include "core/net/asio.hpp"
#include "store/changes.hpp"
#include "store/error.hpp"
#include "store/lmdb.hpp"

#include <boost/asio/async_result.hpp>

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace govmail::store {

// What an operation sees: the transaction and a place to note which mailboxes it changed.
class WriteScope {
public:
    WriteScope(WriteTxn& txn, std::vector<MailboxChange>& changes)
        : txn_(txn)
        , changes_(changes) {}

    WriteTxn& txn() { return txn_; }

    // Published on the ChangeFeed after the batch commits (only if this operation succeeded).
    void changed(const MailboxChange& change) { changes_.push_back(change); }

private:
    WriteTxn& txn_;
    std::vector<MailboxChange>& changes_;
};

struct WriterStats {
    std::uint64_t batches = 0;
    std::uint64_t operations = 0;
    std::uint64_t failed_commits = 0;
};

class Writer {
public:
    struct Options {
        std::size_t max_batch = 1000;
        // Test hook: commit every operation on its own (to measure what group commit saves).
        bool one_commit_per_operation = false;
    };

    Writer(Env& env, ChangeFeed& feed, Options options);

    Writer(Env& env, ChangeFeed& feed)
        : Writer(env, feed, Options{}) {}

    ~Writer();  // stop()

    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // Finishes the operations already submitted, then stops the thread. Later submissions fail
    // with Errc::Temporary.
    void stop();

    template <typename Op>
    using ResultOf = StoreResult<std::invoke_result_t<Op&, WriteScope&>>;

    // Runs `op` on the writer thread; completes after the durable commit, on the executor of the
    // awaiting coroutine.
    template <typename Op>
    net::asio::awaitable<ResultOf<Op>> submit(Op op);

    // The same, blocking the calling thread. Never call it from the writer thread itself.
    template <typename Op>
    ResultOf<Op> execute(Op op);

    WriterStats stats() const;

private:
    // One queued operation with its completion.
    class Job {
    public:
        virtual ~Job() = default;
        // Runs the operation against a child transaction; records the outcome internally.
        virtual void run(WriteScope& scope) = 0;
        // Replaces the recorded outcome with a failure (the commit failed).
        virtual void fail(boost::system::error_code ec) = 0;
        virtual bool succeeded() const = 0;
        // Delivers the outcome to the caller.
        virtual void complete() = 0;
    };

    template <typename Op, typename Deliver>
    class TypedJob;

    static void report_unexpected(const std::exception& e);

    void enqueue(std::unique_ptr<Job> job);
    void run_loop();
    void run_batch(std::vector<std::unique_ptr<Job>>& batch);
    bool commit_batch(
        std::vector<std::unique_ptr<Job>>& batch, std::vector<MailboxChange>& changes
    );

    Env& env_;
    ChangeFeed& feed_;
    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::unique_ptr<Job>> queue_;
    bool stopping_ = false;
    WriterStats stats_;
    std::thread thread_;
};

template <typename Op, typename Deliver>
class Writer::TypedJob final : public Writer::Job {
public:
    using Value = std::invoke_result_t<Op&, WriteScope&>;
    using Outcome = StoreResult<Value>;

    TypedJob(Op op, Deliver deliver)
        : op_(std::move(op))
        , deliver_(std::move(deliver)) {}

    void run(WriteScope& scope) override {
        try {
            if constexpr (std::is_void_v<Value>) {
                op_(scope);
                outcome_.emplace();
            } else {
                outcome_.emplace(op_(scope));
            }
        } catch (const MapFull&) {
            throw;  // the whole batch is retried with a bigger map
        } catch (const StoreException& e) {
            fail(make_error_code(e.code()));
        } catch (const std::exception& e) {
            report_unexpected(e);
            fail(make_error_code(Errc::Temporary));
        }
    }

    // in_place_error: a result<bool> would otherwise take the error code for a value.
    void fail(boost::system::error_code ec) override {
        outcome_.emplace(boost::system::in_place_error, ec);
    }

    void complete() override {
        if (!outcome_) {
            fail(make_error_code(Errc::Temporary));
        }
        deliver_(std::move(*outcome_));
    }

    bool succeeded() const override { return outcome_ && outcome_->has_value(); }

private:
    Op op_;
    Deliver deliver_;
    // Built in place rather than assigned: GCC 12 sees the moved-from alternative of a
    // result's variant as maybe uninitialised.
    std::optional<Outcome> outcome_;
};

template <typename Op>
net::asio::awaitable<Writer::ResultOf<Op>> Writer::submit(Op op) {
    using Outcome = ResultOf<Op>;
    return net::asio::async_initiate<decltype(net::asio::use_awaitable), void(Outcome)>(
        [this](auto handler, Op op) {
            auto executor = net::asio::get_associated_executor(handler);
            auto work = net::asio::make_work_guard(executor);
            auto deliver = [handler = std::move(handler),
                            work = std::move(work)](Outcome outcome) mutable {
                auto ex = work.get_executor();
                net::asio::post(
                    ex,
                    [handler = std::move(handler), outcome = std::move(outcome)]() mutable {
                        std::move(handler)(std::move(outcome));
                    }
                );
                work.reset();
            };
            enqueue(
                std::make_unique<TypedJob<Op, decltype(deliver)>>(std::move(op), std::move(deliver))
            );
        },
        net::asio::use_awaitable,
        std::move(op)
    );
}

template <typename Op>
Writer::ResultOf<Op> Writer::execute(Op op) {
    using Outcome = ResultOf<Op>;
    std::promise<Outcome> promise;
    auto future = promise.get_future();
    auto deliver = [&promise](Outcome outcome) { promise.set_value(std::move(outcome)); };
    enqueue(std::make_unique<TypedJob<Op, decltype(deliver)>>(std::move(op), std::move(deliver)));
    return future.get();
}

}  // namespace govmail::store
