// The MailStore facade from coroutines: awaitable operations, group commit of concurrent
// deliveries, change events after the commit.

#include "tests/store/store_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace govmail::store::test {
namespace {

namespace asio = net::asio;

// Runs `body` as a coroutine on a fresh io_context until it finishes.
template <typename Body>
void run_coroutine(Body body) {
    asio::io_context io;
    std::exception_ptr failure;
    asio::co_spawn(io, std::move(body), [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) {
        std::rethrow_exception(failure);
    }
}

TEST_F(StoreTest, AwaitableOperationsCoverASession) {
    std::mutex mutex;
    std::vector<MailboxChange> changes;
    auto subscription = store().feed().subscribe(5, [&](const MailboxChange& c) {
        std::lock_guard lock(mutex);
        changes.push_back(c);
    });
    MailboxId reports = 0;
    run_coroutine([&]() -> asio::awaitable<void> {
        auto provisioned = co_await store().provision_account(5, 0);
        EXPECT_TRUE(provisioned && provisioned->account_created);
        auto created = co_await store().create_mailbox(5, "Reports", SpecialUse::None);
        reports = created.value();
    });
    MailboxId inbox = StoreTest::inbox(5);
    run_coroutine([&]() -> asio::awaitable<void> {
        auto appended = co_await store().append(inbox, message(800, 1), AppendOptions{});
        EXPECT_EQ(appended.value().uid, 1U);
    });
    // (Arguments are built outside the coroutines: GCC 12 mishandles braced lists in them.)
    std::vector<DeliveryTarget> targets = {{.mailbox = inbox}, {.mailbox = reports}};
    run_coroutine([&]() -> asio::awaitable<void> {
        auto delivered = co_await store().deliver(message(900, 2), targets, UnixTime{});
        EXPECT_EQ(delivered.value().size(), 2U);
    });
    run_coroutine([&]() -> asio::awaitable<void> {
        auto claimed = co_await store().claim_recent(inbox);
        EXPECT_TRUE(claimed.value());
        auto nothing = co_await store().claim_recent(inbox);
        EXPECT_FALSE(nothing.value());
        auto missing = co_await store().claim_recent(424242);
        EXPECT_EQ(missing.error(), make_error_code(Errc::NotFound));
    });
    std::vector<UidRange> all(1);
    std::vector<UidRange> first(1, UidRange{1, 1});
    std::vector<UidRange> second(1, UidRange{2, 2});
    FlagUpdate deleted{.mode = FlagMode::Add, .flags = kDeleted};
    run_coroutine([&]() -> asio::awaitable<void> {
        auto flagged = co_await store().store_flags(inbox, all, deleted);
        EXPECT_EQ(flagged.value().changed.size(), 2U);
        auto copied = co_await store().copy(inbox, first, reports);
        EXPECT_EQ(copied.value().uids.size(), 1U);
        auto moved = co_await store().move(inbox, second, reports);
        EXPECT_EQ(moved.value().copied.uids.size(), 1U);
        auto expunged = co_await store().expunge(inbox, std::nullopt);
        EXPECT_EQ(expunged.value().expunged.size(), 1U);
    });
    run_coroutine([&]() -> asio::awaitable<void> {
        EXPECT_TRUE(co_await store().subscribe(5, "Reports"));
        EXPECT_TRUE(co_await store().rename_mailbox(5, "Reports", "Báo cáo"));
        auto refused = co_await store().delete_mailbox(5, "INBOX");
        EXPECT_EQ(refused.error(), make_error_code(Errc::NoPermission));
        EXPECT_TRUE(co_await store().set_quota(5, 1 << 20));
        EXPECT_TRUE(co_await store().unsubscribe(5, "Báo cáo"));
        EXPECT_TRUE(co_await store().delete_mailbox(5, "Báo cáo"));
    });
    expect_consistent();
    run_coroutine([&]() -> asio::awaitable<void> {
        auto removed = co_await store().remove_account(5);
        EXPECT_EQ(removed.value(), 0U);
    });
    // Every change was published after its commit, with the mailbox's new HIGHESTMODSEQ.
    std::lock_guard lock(mutex);
    EXPECT_GT(changes.size(), 10U);
    for (const auto& c : changes) {
        EXPECT_EQ(c.account_id, 5U);
        EXPECT_GT(c.highest_modseq, 0U);
    }
    expect_consistent();
}

TEST_F(StoreTest, ChangeFeedCarriesTheNewHighestModseq) {
    std::mutex mutex;
    std::condition_variable published;
    std::vector<MailboxChange> changes;
    auto subscription = store().feed().subscribe(3, [&](const MailboxChange& c) {
        // Published after the commit: a reader already sees the change.
        EXPECT_GE(status(c.mailbox_id).highest_modseq, c.highest_modseq);
        std::lock_guard lock(mutex);
        changes.push_back(c);
        published.notify_all();
    });
    // The writer completes the operations of a batch, then publishes: wait for it.
    auto wait_for = [&](std::size_t count) {
        std::unique_lock lock(mutex);
        return published.wait_for(lock, std::chrono::seconds(10), [&] {
            return changes.size() >= count;
        });
    };
    // Provisioning publishes each new mailbox.
    MailboxId inbox = provision(3);
    ASSERT_TRUE(wait_for(std::size(kDefaultMailboxes)));
    {
        std::lock_guard lock(mutex);
        changes.clear();
    }
    Appended a = append(inbox, message(100, 1));
    ASSERT_TRUE(wait_for(1));
    EXPECT_EQ(changes[0].mailbox_id, inbox);
    EXPECT_EQ(changes[0].highest_modseq, a.modseq);

    // A failed write publishes nothing: the next change seen is the following write's.
    auto failed = try_write([&](StoreWriter& w) {
        w.append(inbox, message(100, 2), {});
        w.delete_mailbox(3, "INBOX");
    });
    EXPECT_FALSE(failed);
    EXPECT_EQ(status(inbox).messages, 1U);  // the append of the failed operation is rolled back
    Appended b = append(inbox, message(100, 3));
    ASSERT_TRUE(wait_for(2));
    std::lock_guard lock(mutex);
    ASSERT_EQ(changes.size(), 2U);
    EXPECT_EQ(changes[1].highest_modseq, b.modseq);
}

TEST_F(StoreTest, ConcurrentDeliveriesShareCommits) {
    MailboxId inbox = provision(1);
    constexpr int kWriters = 32;
    constexpr int kEach = 10;
    run_coroutine([&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        int done = 0;
        asio::steady_timer all_done(executor, std::chrono::steady_clock::time_point::max());
        for (int w = 0; w < kWriters; ++w) {
            asio::co_spawn(
                executor,
                [&, w]() -> asio::awaitable<void> {
                    for (int i = 0; i < kEach; ++i) {
                        auto r = co_await store().append(inbox, message(4096, w * 1000 + i), {});
                        EXPECT_TRUE(r);
                    }
                    if (++done == kWriters) {
                        all_done.cancel();
                    }
                },
                asio::detached
            );
        }
        co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
    });
    EXPECT_EQ(status(inbox).messages, static_cast<std::uint32_t>(kWriters * kEach));
    WriterStats stats = store().writer().stats();
    EXPECT_LT(stats.batches, stats.operations / 2) << stats.batches << " batches";
    expect_consistent();
}

}  // namespace
}  // namespace govmail::store::test
