// Blobs: chunked storage, zero-copy range reads that touch only the chunks they need, the stored
// MessageInfo, and what happens with damaged records and a full map.

#include "store/detail/records.hpp"
#include "tests/store/store_fixture.hpp"

#include <gtest/gtest.h>

namespace govmail::store::test {
namespace {

TEST_F(StoreTest, BlobRoundTripsAtEveryChunkBoundary) {
    MailboxId inbox = provision(1);
    for (std::size_t size :
         {std::size_t{64},
          std::size_t{kDefaultChunkSize - 1},
          std::size_t{kDefaultChunkSize},
          std::size_t{kDefaultChunkSize + 1},
          std::size_t{3 * kDefaultChunkSize},
          std::size_t{1'000'003}}) {
        PreparedMessage msg = message(size, size);
        Appended a = append(inbox, msg);
        read([&](const StoreReader& r) {
            auto record = r.message(inbox, a.uid);
            auto blob = r.blob(record->blob);
            ASSERT_TRUE(blob);
            EXPECT_EQ(blob->size(), size);
            EXPECT_EQ(blob->info().chunk_count, chunk_count_for(size, kDefaultChunkSize));
            EXPECT_EQ(blob->copy(), msg.raw());
            EXPECT_EQ(std::string(r.message_info(record->blob)->view()), msg.info());
        });
    }
    expect_consistent();
}

TEST_F(StoreTest, RangeReadsAreZeroCopyViewsOfOnlyTheNeededChunks) {
    MailboxId inbox = provision(1);
    PreparedMessage big = message(20 << 20, 7);  // a 20 MB message
    Appended a = append(inbox, big);
    BlobHash hash = big.hash();
    // Remove every chunk except 1000 and 1001: a read of bytes inside them must still work,
    // which proves it touches nothing else.
    write([&](StoreWriter& w) {
        Key prefix;
        prefix.u64(w.reader().blob_info(hash)->id);
        Cursor c = w.txn().cursor(store().schema().blob_chunks);
        for (bool ok = c.seek(prefix); ok && c.key().starts_with(prefix.view()); ok = c.next()) {
            std::uint32_t index = read_u32(c.key(), 8);
            if (index != 1000 && index != 1001) {
                c.erase();
            }
        }
    });
    std::uint64_t offset = std::uint64_t{1001} * kDefaultChunkSize - 400;
    read([&](const StoreReader& r) {
        auto blob = r.blob(r.message(inbox, a.uid)->blob);
        std::vector<std::string_view> pieces;
        blob->read(offset, 1000, [&](std::string_view piece) { pieces.push_back(piece); });
        ASSERT_EQ(pieces.size(), 2U);  // the range straddles chunks 1000 and 1001
        EXPECT_EQ(pieces[0].size(), 400U);
        EXPECT_EQ(std::string(pieces[0]) + std::string(pieces[1]), big.raw().substr(offset, 1000));
        // Views into the map: the piece is inside the chunk LMDB returns, not a copy.
        std::string_view chunk = blob->chunk(1000);
        EXPECT_EQ(pieces[0].data(), chunk.data() + kDefaultChunkSize - 400);
        // Reading a missing chunk is a Corrupted error, not a crash.
        try {
            blob->copy(0, 10);
            ADD_FAILURE() << "read a deleted chunk";
        } catch (const StoreException& e) {
            EXPECT_EQ(e.code(), Errc::Corrupted);
        }
        // Past the end and empty ranges read nothing.
        int calls = 0;
        blob->read(big.size(), 10, [&](std::string_view) { ++calls; });
        blob->read(5, 0, [&](std::string_view) { ++calls; });
        EXPECT_EQ(calls, 0);
        std::uint64_t end_of_1001 = std::uint64_t{1002} * kDefaultChunkSize;
        EXPECT_EQ(blob->copy(end_of_1001 - 3, 3), big.raw().substr(end_of_1001 - 3, 3));
    });
    // The check names the damage.
    CheckReport report = check();
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.faults.front().find(hash.hex()), std::string::npos) << report.faults.front();
}

TEST_F(StoreTest, LargeMessageInfoSpansChunks) {
    MailboxId inbox = provision(1);
    std::string info(3 * kDefaultChunkSize + 5, 'i');
    PreparedMessage msg(message_text(500, 1), info);
    append(inbox, msg);
    auto stored =
        read([&](const StoreReader& r) { return std::string(r.message_info(msg.hash())->view()); });
    EXPECT_EQ(stored, info);
    expect_consistent();
}

TEST_F(StoreTest, CorruptedRecordsAreErrorsNotCrashes) {
    MailboxId inbox = provision(1);
    Appended a = append(inbox, message(100, 1));
    // Damage the message record and the mailbox record behind the store's back.
    write([&](StoreWriter& w) {
        w.txn().put(
            store().schema().messages, detail::message_key(inbox, a.uid), std::string("\x01\x05", 2)
        );
    });
    auto record = store().read([&](const StoreReader& r) { return r.message(inbox, a.uid); });
    ASSERT_FALSE(record);
    EXPECT_EQ(record.error(), make_error_code(Errc::Corrupted));
    auto flags = try_write([&](StoreWriter& w) {
        return w.store_flags(inbox, std::vector{UidRange{}}, {.flags = kSeen});
    });
    ASSERT_FALSE(flags);
    EXPECT_EQ(flags.error(), make_error_code(Errc::Corrupted));

    write([&](StoreWriter& w) {
        w.txn().put(store().schema().mailboxes, detail::mailbox_key(inbox), std::string("\x07"));
    });
    auto status = store().read([&](const StoreReader& r) { return r.mailbox(inbox); });
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error(), make_error_code(Errc::Corrupted));

    CheckReport report = check();
    EXPECT_FALSE(report.ok());
    bool named = false;
    for (const auto& fault : report.faults) {
        named = named || fault.starts_with("message " + std::to_string(inbox) + "/1");
    }
    EXPECT_TRUE(named);
}

TEST_F(StoreTest, FullMapIsATemporaryFailure) {
    store_.reset();
    MailStore::Options o = options();
    o.map_size = 2ULL << 20;  // 2 MiB, not allowed to grow
    o.max_map_size = 2ULL << 20;
    open(o);
    MailboxId inbox = provision(1);
    StoreResult<Appended> last;
    int stored = 0;
    for (int i = 0; i < 20; ++i) {
        last = try_write([&](StoreWriter& w) { return w.append(inbox, message(200'000, i), {}); });
        if (!last) {
            break;
        }
        ++stored;
    }
    ASSERT_FALSE(last);
    EXPECT_EQ(last.error(), make_error_code(Errc::Temporary));
    EXPECT_GT(stored, 0);
    EXPECT_EQ(status(inbox).messages, static_cast<std::uint32_t>(stored));
    expect_consistent();
}

TEST_F(StoreTest, MapGrowsForBigDeliveries) {
    store_.reset();
    MailStore::Options o = options();
    o.map_size = 2ULL << 20;
    open(o);
    MailboxId inbox = provision(1);
    for (int i = 0; i < 3; ++i) {
        append(inbox, message(3 << 20, i));
    }
    EXPECT_GT(store().env().map_size(), 8ULL << 20);
    expect_consistent();
}

TEST_F(StoreTest, SpaceAccountsForTheBlobs) {
    MailboxId inbox = provision(1);
    Env::Space before = store().env().space();
    append(inbox, message(1 << 20, 1));
    Env::Space after = store().env().space();
    EXPECT_EQ(after.page_size, 4096U);
    EXPECT_GE(after.used - before.used, 1U << 20);
    EXPECT_LT(after.used - before.used, (1U << 20) + (64U << 10));
    EXPECT_LE(after.used + after.free, after.high_water);
    EXPECT_LE(after.high_water, after.file_size);
    // Expunged, its pages go to the free list, to be reused before the file grows.
    write([&](StoreWriter& w) {
        w.store_flags(inbox, std::vector{UidRange{}}, {.flags = kDeleted});
        w.expunge(inbox);
    });
    append(inbox, message(100, 2));  // one more commit: the previous one's pages are free now
    EXPECT_GE(store().env().space().free, 1U << 20);
}

TEST_F(StoreTest, BlobsOfAnotherChunkSizeStayReadable) {
    MailboxId inbox = provision(1);
    PreparedMessage before = message(50'000, 1);
    append(inbox, before);
    store_.reset();
    MailStore::Options o = options();
    o.settings.chunk_size = 4080;
    open(o);
    PreparedMessage after = message(50'000, 2);
    append(inbox, after);
    read([&](const StoreReader& r) {
        EXPECT_EQ(r.blob(before.hash())->info().chunk_size, kDefaultChunkSize);
        EXPECT_EQ(r.blob(after.hash())->info().chunk_size, 4080U);
        EXPECT_EQ(r.blob(before.hash())->copy(), before.raw());
        EXPECT_EQ(r.blob(after.hash())->copy(), after.raw());
    });
    expect_consistent();
}

}  // namespace
}  // namespace govmail::store::test
