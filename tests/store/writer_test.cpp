#include "store/writer.hpp"

#include "store/lmdb.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace govmail::store {
namespace {

using govmail::test::TempDir;

struct Fixture {
    explicit Fixture(std::uint64_t map_size = 64ULL << 20, std::uint64_t max_map = 1ULL << 30)
        : env(Env::open(
              {.path = dir.path() / "store", .map_size = map_size, .max_map_size = max_map}
          )) {
        db = env->database("test");
    }

    std::optional<std::string> get(std::string_view key) {
        return env->read([&](const ReadTxn& tx) -> std::optional<std::string> {
            auto v = tx.get(db, key);
            return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
        });
    }

    TempDir dir;
    std::unique_ptr<Env> env;
    MDB_dbi db;
    ChangeFeed feed;
};

TEST(Writer, ExecuteCommitsDurablyAndReturnsValue) {
    Fixture f;
    Writer writer(*f.env, f.feed);
    auto result = writer.execute([&](WriteScope& w) {
        w.txn().put(f.db, "k", "v");
        return 42;
    });
    ASSERT_TRUE(result);
    EXPECT_EQ(*result, 42);
    EXPECT_EQ(f.get("k"), "v");
}

TEST(Writer, FailingOperationAbortsOnlyItself) {
    Fixture f;
    Writer writer(*f.env, f.feed);
    std::atomic<int> done{0};
    std::vector<std::thread> threads;
    std::vector<StoreResult<void>> results(3);
    // Submitted together so that they share a batch most of the time; correctness must not
    // depend on it.
    for (int i = 0; i < 3; ++i) {
        threads.emplace_back([&, i] {
            results[i] = writer.execute([&, i](WriteScope& w) {
                w.txn().put(f.db, "key" + std::to_string(i), "value");
                if (i == 1) {
                    throw StoreException(Errc::OverQuota, "no room");
                }
            });
            ++done;
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_TRUE(results[0]);
    ASSERT_FALSE(results[1]);
    EXPECT_EQ(results[1].error(), make_error_code(Errc::OverQuota));
    EXPECT_TRUE(results[2]);
    EXPECT_EQ(f.get("key0"), "value");
    EXPECT_EQ(f.get("key1"), std::nullopt);
    EXPECT_EQ(f.get("key2"), "value");
}

TEST(Writer, GroupsConcurrentOperationsIntoFewCommits) {
    Fixture f;
    Writer writer(*f.env, f.feed);
    constexpr int kThreads = 16;
    constexpr int kPerThread = 50;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                auto r = writer.execute([&, t, i](WriteScope& w) {
                    w.txn().put(f.db, std::to_string(t) + ":" + std::to_string(i), "x");
                });
                ASSERT_TRUE(r);
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    WriterStats stats = writer.stats();
    EXPECT_EQ(stats.operations, static_cast<std::uint64_t>(kThreads * kPerThread));
    // With 16 writers waiting, batches hold several operations each.
    EXPECT_LT(stats.batches, stats.operations / 2) << stats.batches;
    EXPECT_EQ(f.get("15:49"), "x");
}

TEST(Writer, SubmitFromCoroutineResumesOnCallerExecutor) {
    Fixture f;
    Writer writer(*f.env, f.feed);
    net::asio::io_context io;
    std::thread::id resumed_on;
    int value = 0;
    net::asio::co_spawn(
        io,
        [&]() -> net::asio::awaitable<void> {
            auto r = co_await writer.submit([&](WriteScope& w) {
                w.txn().put(f.db, "async", "yes");
                return 7;
            });
            value = r.value();
            resumed_on = std::this_thread::get_id();
        },
        net::asio::detached
    );
    io.run();
    EXPECT_EQ(value, 7);
    EXPECT_EQ(resumed_on, std::this_thread::get_id());
    EXPECT_EQ(f.get("async"), "yes");
}

TEST(Writer, ChangesArePublishedAfterCommitOnlyForSuccessfulOperations) {
    Fixture f;
    std::vector<MailboxChange> seen;
    auto subscription = f.feed.subscribe(9, [&](const MailboxChange& change) {
        // The change is already committed and visible to readers.
        EXPECT_EQ(f.get("m" + std::to_string(change.mailbox_id)), "stored");
        seen.push_back(change);
    });
    auto other = f.feed.subscribe(10, [&](const MailboxChange&) { ADD_FAILURE(); });
    Writer writer(*f.env, f.feed);
    ASSERT_TRUE(writer.execute([&](WriteScope& w) {
        w.txn().put(f.db, "m1", "stored");
        w.changed({.account_id = 9, .mailbox_id = 1, .highest_modseq = 5});
    }));
    auto failed = writer.execute([&](WriteScope& w) {
        w.txn().put(f.db, "m2", "stored");
        w.changed({.account_id = 9, .mailbox_id = 2, .highest_modseq = 6});
        throw StoreException(Errc::Invalid, "no");
    });
    EXPECT_FALSE(failed);
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].mailbox_id, 1U);
    EXPECT_EQ(seen[0].highest_modseq, 5U);
}

TEST(Writer, UnsubscribedListenerIsNotCalled) {
    Fixture f;
    int calls = 0;
    {
        auto subscription = f.feed.subscribe(1, [&](const MailboxChange&) { ++calls; });
        EXPECT_EQ(f.feed.subscriber_count(), 1U);
    }
    EXPECT_EQ(f.feed.subscriber_count(), 0U);
    MailboxChange change{.account_id = 1};
    f.feed.publish(std::span(&change, 1));
    EXPECT_EQ(calls, 0);
}

TEST(Writer, FullMapGrowsAndRetries) {
    Fixture f(1ULL << 20, 64ULL << 20);  // 1 MiB map that may grow to 64 MiB
    Writer writer(*f.env, f.feed);
    std::string big(256 * 1024, 'b');
    for (int i = 0; i < 20; ++i) {
        auto r = writer.execute([&, i](WriteScope& w) {
            w.txn().put(f.db, "big" + std::to_string(i), big);
        });
        ASSERT_TRUE(r) << i << ": " << r.error().message();
    }
    EXPECT_GT(f.env->map_size(), 1ULL << 20);
    EXPECT_EQ(f.get("big19")->size(), big.size());
}

TEST(Writer, FullMapAtMaximumIsTemporaryFailureNotCrash) {
    Fixture f(1ULL << 20, 1ULL << 20);  // may not grow
    Writer writer(*f.env, f.feed);
    std::string big(256 * 1024, 'b');
    StoreResult<void> last;
    int stored = 0;
    for (int i = 0; i < 10; ++i) {
        last = writer.execute([&, i](WriteScope& w) {
            w.txn().put(f.db, "big" + std::to_string(i), big);
        });
        if (!last) {
            break;
        }
        ++stored;
    }
    ASSERT_FALSE(last);
    EXPECT_EQ(last.error(), make_error_code(Errc::Temporary));
    EXPECT_LT(stored, 10);
    // Still usable for small writes and reads afterwards.
    EXPECT_EQ(f.get("big0")->size(), big.size());
}

TEST(Writer, StopFinishesQueuedWorkThenRefuses) {
    Fixture f;
    auto writer = std::make_unique<Writer>(*f.env, f.feed);
    ASSERT_TRUE(writer->execute([&](WriteScope& w) { w.txn().put(f.db, "before", "1"); }));
    writer->stop();
    auto late = writer->execute([&](WriteScope& w) { w.txn().put(f.db, "after", "1"); });
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error(), make_error_code(Errc::Temporary));
    EXPECT_EQ(f.get("before"), "1");
    EXPECT_EQ(f.get("after"), std::nullopt);
}

TEST(Lmdb, CursorWalksInKeyOrderAndErases) {
    Fixture f;
    Writer writer(*f.env, f.feed);
    ASSERT_TRUE(writer.execute([&](WriteScope& w) {
        for (std::string k : {"c", "a", "d", "b"}) {
            w.txn().put(f.db, k, k + k);
        }
        Cursor c = w.txn().cursor(f.db);
        ASSERT_TRUE(c.find("b"));
        c.erase();
        ASSERT_TRUE(c.next());
        EXPECT_EQ(c.key(), "c");  // the record after the erased one
    }));
    std::string order;
    f.env->read([&](const ReadTxn& tx) {
        Cursor c = tx.cursor(f.db);
        for (bool ok = c.first(); ok; ok = c.next()) {
            order += std::string(c.key());
        }
        EXPECT_TRUE(c.seek("bb"));
        EXPECT_EQ(c.key(), "c");
    });
    EXPECT_EQ(order, "acd");
}

TEST(Lmdb, CompactedCopyOpensWithSameData) {
    Fixture f;
    Writer writer(*f.env, f.feed);
    ASSERT_TRUE(writer.execute([&](WriteScope& w) {
        for (int i = 0; i < 1000; ++i) {
            w.txn().put(f.db, "k" + std::to_string(i), std::string(100, 'v'));
        }
    }));
    auto backup = f.dir.path() / "backup";
    std::filesystem::create_directories(backup);
    f.env->copy_compacted(backup);
    auto copy = Env::open({.path = backup});
    MDB_dbi db = copy->database("test");
    copy->read([&](const ReadTxn& tx) { EXPECT_EQ(tx.get(db, "k999")->size(), 100U); });
}

}  // namespace
}  // namespace govmail::store
