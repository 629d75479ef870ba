// Message operations: append, deliver (fan-out, quota), flags with MODSEQ and UNCHANGEDSINCE,
// copy, move, expunge, changes since a MODSEQ, \Recent. Every test ends with the full check.

#include "tests/store/store_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace govmail::store::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<Uid> uids_of(const std::vector<MessageState>& states) {
    std::vector<Uid> uids;
    for (const auto& s : states) {
        uids.push_back(s.uid);
    }
    return uids;
}

UidRange only(Uid uid) {
    return {uid, uid};
}

TEST_F(StoreTest, AppendAssignsIncreasingUidsAndKeepsCountsExact) {
    MailboxId inbox = provision(1);
    Uid uidvalidity = status(inbox).uidvalidity;
    Appended a = append(inbox, message(1000, 1), {.flags = kSeen});
    Appended b = append(inbox, message(2000, 2), {.flags = kDeleted});
    Appended c = append(inbox, message(3000, 3), {.keywords = {"$Forwarded"}});
    EXPECT_EQ(a.uid, 1U);
    EXPECT_EQ(b.uid, 2U);
    EXPECT_EQ(c.uid, 3U);
    EXPECT_EQ(a.uidvalidity, uidvalidity);
    EXPECT_LT(a.modseq, b.modseq);
    EXPECT_LT(b.modseq, c.modseq);

    MailboxRecord m = status(inbox);
    EXPECT_EQ(m.messages, 3U);
    EXPECT_EQ(m.unseen, 2U);
    EXPECT_EQ(m.deleted, 1U);
    EXPECT_EQ(m.recent, 3U);
    EXPECT_EQ(m.size, 6000U);
    EXPECT_EQ(m.uidnext, 4U);
    EXPECT_EQ(m.highest_modseq, c.modseq);
    EXPECT_THAT(m.keywords, ElementsAre("$Forwarded"));
    auto account = *read([&](const StoreReader& r) { return r.account(1); });
    EXPECT_EQ(account.used_bytes, 6000U);
    EXPECT_EQ(account.messages, 3U);

    auto record = *read([&](const StoreReader& r) { return r.message(inbox, 3); });
    EXPECT_EQ(record.size, 3000U);
    EXPECT_EQ(record.keywords, 1U);
    EXPECT_EQ(record.blob, message(3000, 3).hash());
    expect_consistent();
}

TEST_F(StoreTest, AppendKeepsTheGivenInternalDate) {
    MailboxId inbox = provision(1);
    UnixTime date{std::chrono::seconds(1'700'000'000)};
    Appended a = append(inbox, message(100, 1), {.internal_date = date});
    EXPECT_EQ(
        read([&](const StoreReader& r) { return r.message(inbox, a.uid); })->internal_date, date
    );
}

TEST_F(StoreTest, UidsAreNeverReusedAfterExpungeOrRestart) {
    MailboxId inbox = provision(1);
    for (int i = 0; i < 5; ++i) {
        append(inbox, message(100, i), {.flags = kDeleted});
    }
    // Expunging everything, including the highest UID, must not lower UIDNEXT.
    auto expunged = write([&](StoreWriter& w) { return w.expunge(inbox); });
    EXPECT_THAT(expunged.expunged, ElementsAre(1, 2, 3, 4, 5));
    EXPECT_EQ(status(inbox).uidnext, 6U);
    EXPECT_EQ(append(inbox, message(100, 10)).uid, 6U);

    reopen();
    EXPECT_EQ(status(inbox).uidnext, 7U);
    EXPECT_EQ(append(inbox, message(100, 11)).uid, 7U);
    auto all = read([&](const StoreReader& r) { return r.snapshot(inbox); });
    EXPECT_THAT(uids_of(all), ElementsAre(6, 7));
    expect_consistent();
}

TEST_F(StoreTest, SameBytesToAThousandMailboxesAreOneBlobAndOneInfoCopy) {
    constexpr int kAccounts = 1000;
    write([&](StoreWriter& w) {
        for (AccountId a = 1; a <= kAccounts; ++a) {
            w.provision_account(a, 0);
        }
    });
    std::vector<DeliveryTarget> targets;
    for (AccountId a = 1; a <= kAccounts; ++a) {
        targets.push_back({.mailbox = inbox(a)});
    }
    PreparedMessage circular = message(100'000, 42);
    auto results = write([&](StoreWriter& w) {
        return w.deliver(circular, targets, UnixTime{std::chrono::seconds(1)});
    });
    ASSERT_EQ(results.size(), targets.size());
    for (const auto& result : results) {
        ASSERT_TRUE(result);
        EXPECT_EQ(result->uid, 1U);
    }
    auto [info, blobs] = read([&](const StoreReader& r) {
        std::size_t count = 0;
        Cursor c = r.txn().cursor(r.schema().blob_info);
        for (bool ok = c.first(); ok; ok = c.next()) {
            ++count;
        }
        return std::pair(*r.blob_info(circular.hash()), count);
    });
    EXPECT_EQ(blobs, 1U);
    EXPECT_EQ(info.refcount, static_cast<std::uint64_t>(kAccounts));
    EXPECT_EQ(info.info_chunks, 1U);
    EXPECT_EQ(info.chunk_count, chunk_count_for(100'000, kDefaultChunkSize));
    expect_consistent();

    // Expunge everywhere: the blob, its chunks and its info go with the last reference.
    write([&](StoreWriter& w) {
        for (const auto& target : targets) {
            w.store_flags(target.mailbox, std::vector{only(1)}, {.flags = kDeleted});
            w.expunge(target.mailbox);
        }
    });
    auto leftovers = read([&](const StoreReader& r) {
        std::size_t count = 0;
        for (MDB_dbi dbi : {r.schema().blob_info, r.schema().blob_chunks, r.schema().blob_meta}) {
            Cursor c = r.txn().cursor(dbi);
            for (bool ok = c.first(); ok; ok = c.next()) {
                ++count;
            }
        }
        return count;
    });
    EXPECT_EQ(leftovers, 0U);
    expect_consistent();
}

TEST_F(StoreTest, DeliveryOverQuotaFailsOnlyThatTarget) {
    MailboxId roomy = provision(1, 0);
    MailboxId small = provision(2, 5000);
    MailboxId sent = mailbox(1, "Sent");
    write([&](StoreWriter& w) { w.append(small, message(4000, 1), {}); });

    std::vector<DeliveryTarget> targets = {
        {.mailbox = roomy},
        {.mailbox = small},
        {.mailbox = 999'999},
        {.mailbox = sent, .flags = kSeen},
    };
    auto results =
        write([&](StoreWriter& w) { return w.deliver(message(2000, 2), targets, UnixTime{}); });
    ASSERT_EQ(results.size(), 4U);
    EXPECT_TRUE(results[0]);
    ASSERT_FALSE(results[1]);
    EXPECT_EQ(results[1].error(), make_error_code(Errc::OverQuota));
    ASSERT_FALSE(results[2]);
    EXPECT_EQ(results[2].error(), make_error_code(Errc::NotFound));
    ASSERT_TRUE(results[3]);
    EXPECT_EQ(status(sent).unseen, 0U);
    EXPECT_EQ(status(small).messages, 1U);
    EXPECT_EQ(
        read([&](const StoreReader& r) { return r.blob_info(message(2000, 2).hash()); })->refcount,
        2U
    );

    // APPEND over quota is an error of the whole operation.
    auto appended =
        try_write([&](StoreWriter& w) { return w.append(small, message(2000, 3), {}); });
    ASSERT_FALSE(appended);
    EXPECT_EQ(appended.error(), make_error_code(Errc::OverQuota));

    // Raising the quota lets it in.
    write([&](StoreWriter& w) { w.set_quota(2, 10'000); });
    EXPECT_EQ(append(small, message(2000, 3)).uid, 2U);
    expect_consistent();
}

TEST_F(StoreTest, FanOutToOneMailboxTwiceGivesTwoMessages) {
    MailboxId inbox = provision(1);
    std::vector<DeliveryTarget> targets = {{.mailbox = inbox}, {.mailbox = inbox}};
    auto results =
        write([&](StoreWriter& w) { return w.deliver(message(500, 1), targets, UnixTime{}); });
    EXPECT_EQ(results[0]->uid, 1U);
    EXPECT_EQ(results[1]->uid, 2U);
    EXPECT_EQ(results[0]->modseq, results[1]->modseq);
    EXPECT_EQ(status(inbox).messages, 2U);
    expect_consistent();
}

TEST_F(StoreTest, StoreFlagsBumpsModseqOnlyForChangedMessages) {
    MailboxId inbox = provision(1);
    for (int i = 0; i < 4; ++i) {
        append(inbox, message(100, i), {.flags = i == 0 ? kSeen : SystemFlags{0}});
    }
    ModSeq before = status(inbox).highest_modseq;
    auto result = write([&](StoreWriter& w) {
        return w.store_flags(
            inbox, std::vector{UidRange{1, 3}}, {.mode = FlagMode::Add, .flags = kSeen}
        );
    });
    EXPECT_THAT(uids_of(result.changed), ElementsAre(2, 3));
    EXPECT_EQ(result.highest_modseq, before + 1);
    for (const auto& s : result.changed) {
        EXPECT_EQ(s.modseq, before + 1);
        EXPECT_EQ(s.flags, kSeen);
    }
    auto states = read([&](const StoreReader& r) { return r.snapshot(inbox); });
    EXPECT_EQ(states[0].modseq, 1U + 1);  // message 1 kept the MODSEQ of its append
    EXPECT_EQ(status(inbox).unseen, 1U);

    // Nothing changes: no MODSEQ bump, nothing published.
    auto again = write([&](StoreWriter& w) {
        return w.store_flags(
            inbox, std::vector{UidRange{1, 3}}, {.mode = FlagMode::Add, .flags = kSeen}
        );
    });
    EXPECT_THAT(again.changed, IsEmpty());
    EXPECT_EQ(again.highest_modseq, before + 1);

    // Replace and Remove, keywords included.
    write([&](StoreWriter& w) {
        w.store_flags(
            inbox,
            std::vector{only(4)},
            {.mode = FlagMode::Replace, .flags = kFlagged | kDeleted, .keywords = {"$Junk", "work"}}
        );
        w.store_flags(
            inbox, std::vector{only(4)}, {.mode = FlagMode::Remove, .keywords = {"WORK"}}
        );
    });
    auto m4 = *read([&](const StoreReader& r) { return r.message(inbox, 4); });
    EXPECT_EQ(m4.flags, kFlagged | kDeleted);
    MailboxRecord m = status(inbox);
    EXPECT_THAT(m.keyword_names(m4.keywords), ElementsAre("$Junk"));
    EXPECT_EQ(m.deleted, 1U);
    expect_consistent();
}

TEST_F(StoreTest, UnchangedSinceReportsModifiedMessages) {
    MailboxId inbox = provision(1);
    for (int i = 0; i < 3; ++i) {
        append(inbox, message(100, i));
    }
    // Another client changes message 2 after our client read MODSEQ `seen`.
    ModSeq seen = status(inbox).highest_modseq;
    write([&](StoreWriter& w) {
        w.store_flags(inbox, std::vector{only(2)}, {.mode = FlagMode::Add, .flags = kFlagged});
    });
    auto result = write([&](StoreWriter& w) {
        return w.store_flags(
            inbox,
            std::vector{UidRange{1, 3}},
            {.mode = FlagMode::Add, .flags = kSeen, .unchanged_since = seen}
        );
    });
    EXPECT_THAT(result.modified, ElementsAre(2));
    EXPECT_THAT(uids_of(result.changed), ElementsAre(1, 3));
    EXPECT_EQ(read([&](const StoreReader& r) { return r.message(inbox, 2); })->flags, kFlagged);

    // UNCHANGEDSINCE 0 fails for every message (RFC 7162 3.1.3).
    auto none = write([&](StoreWriter& w) {
        return w.store_flags(
            inbox,
            std::vector{UidRange{}},
            {.mode = FlagMode::Add, .flags = kDraft, .unchanged_since = 0}
        );
    });
    EXPECT_THAT(none.modified, ElementsAre(1, 2, 3));
    EXPECT_THAT(none.changed, IsEmpty());
    expect_consistent();
}

TEST_F(StoreTest, KeywordTableIsLimited) {
    MailboxId inbox = provision(1);
    append(inbox, message(100, 1));
    std::vector<std::string> many;
    for (std::size_t i = 0; i < kMaxKeywords; ++i) {
        many.push_back("k" + std::to_string(i));
    }
    auto result = write([&](StoreWriter& w) {
        return w.store_flags(inbox, std::vector{only(1)}, {.keywords = many});
    });
    EXPECT_TRUE(result.keywords_added);
    EXPECT_EQ(
        read([&](const StoreReader& r) { return r.message(inbox, 1); })->keywords, ~KeywordBits{0}
    );

    auto full = try_write([&](StoreWriter& w) {
        return w.store_flags(inbox, std::vector{only(1)}, {.keywords = {"one-too-many"}});
    });
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error(), make_error_code(Errc::TooBig));
    auto invalid = try_write([&](StoreWriter& w) {
        return w.store_flags(inbox, std::vector{only(1)}, {.keywords = {"bad keyword"}});
    });
    ASSERT_FALSE(invalid);
    EXPECT_EQ(invalid.error(), make_error_code(Errc::Invalid));
    expect_consistent();
}

TEST_F(StoreTest, ChangesSinceListsChangedAndVanishedMessages) {
    MailboxId inbox = provision(1);
    for (int i = 0; i < 6; ++i) {
        append(inbox, message(100, i));
    }
    ModSeq synced = status(inbox).highest_modseq;
    write([&](StoreWriter& w) {
        w.store_flags(inbox, std::vector{only(2), only(5)}, {.flags = kSeen});
        w.store_flags(inbox, std::vector{only(3), only(4)}, {.flags = kDeleted});
        w.expunge(inbox, std::vector{only(4)});  // UID EXPUNGE: only 4, though 3 is \Deleted too
    });
    append(inbox, message(100, 7));

    Changes changes = read([&](const StoreReader& r) { return r.changes_since(inbox, synced); });
    EXPECT_THAT(uids_of(changes.changed), ElementsAre(2, 3, 5, 7));
    EXPECT_THAT(changes.vanished, ElementsAre(4));
    EXPECT_EQ(changes.highest_modseq, status(inbox).highest_modseq);

    // Asking from the start gives every message and every tombstone.
    Changes all = read([&](const StoreReader& r) { return r.changes_since(inbox, 0); });
    EXPECT_THAT(uids_of(all.changed), ElementsAre(1, 2, 3, 5, 6, 7));
    EXPECT_THAT(all.vanished, ElementsAre(4));

    Changes none =
        read([&](const StoreReader& r) { return r.changes_since(inbox, changes.highest_modseq); });
    EXPECT_THAT(none.changed, IsEmpty());
    EXPECT_THAT(none.vanished, IsEmpty());
    expect_consistent();
}

TEST_F(StoreTest, CopyReferencesTheBlobAndReturnsTheMapping) {
    MailboxId inbox = provision(1);
    MailboxId archive = mailbox(1, "Archive");
    append(archive, message(100, 99));  // the target's UIDs do not start at 1
    for (int i = 0; i < 3; ++i) {
        append(
            inbox, message(300, i), {.flags = kSeen, .keywords = {"$Label" + std::to_string(i)}}
        );
    }
    CopyResult copied = write([&](StoreWriter& w) {
        return w.copy(inbox, std::vector{UidRange{2, 3}, only(1), only(77)}, archive);
    });
    EXPECT_EQ(copied.target_uidvalidity, status(archive).uidvalidity);
    ASSERT_EQ(copied.uids.size(), 3U);
    EXPECT_EQ(copied.uids[0].source, 1U);
    EXPECT_EQ(copied.uids[0].target, 2U);
    EXPECT_EQ(copied.uids[2].source, 3U);
    EXPECT_EQ(copied.uids[2].target, 4U);
    auto copy = *read([&](const StoreReader& r) { return r.message(archive, 4); });
    EXPECT_EQ(copy.flags, kSeen);
    EXPECT_THAT(status(archive).keyword_names(copy.keywords), ElementsAre("$Label2"));
    EXPECT_EQ(read([&](const StoreReader& r) { return r.blob_info(copy.blob); })->refcount, 2U);
    EXPECT_EQ(status(archive).recent, 4U);
    EXPECT_EQ(read([&](const StoreReader& r) { return r.account(1); })->messages, 7U);
    expect_consistent();
}

TEST_F(StoreTest, CopyOverQuotaCopiesNothing) {
    MailboxId inbox = provision(1, 1000);
    append(inbox, message(400, 1));
    append(inbox, message(400, 2));
    auto result = try_write([&](StoreWriter& w) {
        return w.copy(inbox, std::vector{UidRange{}}, mailbox(1, "Archive"));
    });
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), make_error_code(Errc::OverQuota));
    EXPECT_EQ(status(mailbox(1, "Archive")).messages, 0U);
    // MOVE inside the account does not change usage, so it is allowed.
    auto moved = write([&](StoreWriter& w) {
        return w.move(inbox, std::vector{UidRange{}}, mailbox(1, "Archive"));
    });
    EXPECT_EQ(moved.copied.uids.size(), 2U);
    expect_consistent();
}

TEST_F(StoreTest, MoveIsAtomicAndLeavesTombstones) {
    MailboxId inbox = provision(1);
    MailboxId trash = mailbox(1, "Trash");
    for (int i = 0; i < 4; ++i) {
        append(inbox, message(200, i));
    }
    ModSeq before = status(inbox).highest_modseq;
    MoveResult moved = write([&](StoreWriter& w) {
        return w.move(inbox, std::vector{UidRange{2, 3}}, trash);
    });
    ASSERT_EQ(moved.copied.uids.size(), 2U);
    EXPECT_EQ(moved.copied.uids[0].source, 2U);
    EXPECT_EQ(moved.copied.uids[0].target, 1U);
    EXPECT_EQ(moved.copied.uids[1].target, 2U);
    EXPECT_GT(moved.source_modseq, before);
    EXPECT_THAT(
        uids_of(read([&](const StoreReader& r) { return r.snapshot(inbox); })), ElementsAre(1, 4)
    );
    Changes changes = read([&](const StoreReader& r) { return r.changes_since(inbox, before); });
    EXPECT_THAT(changes.vanished, ElementsAre(2, 3));
    EXPECT_EQ(status(trash).messages, 2U);
    EXPECT_EQ(read([&](const StoreReader& r) { return r.account(1); })->messages, 4U);
    expect_consistent();
}

TEST_F(StoreTest, MoveBetweenAccountsChecksTheTargetQuota) {
    MailboxId from = provision(1);
    MailboxId to = provision(2, 100);
    append(from, message(500, 1));
    auto result =
        try_write([&](StoreWriter& w) { return w.move(from, std::vector{UidRange{}}, to); });
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), make_error_code(Errc::OverQuota));
    EXPECT_EQ(status(from).messages, 1U);  // nothing happened
    expect_consistent();
}

TEST_F(StoreTest, ExpungeRemovesOnlyDeletedMessages) {
    MailboxId inbox = provision(1);
    for (int i = 0; i < 5; ++i) {
        append(inbox, message(100, i), {.flags = i % 2 == 0 ? kDeleted : SystemFlags{0}});
    }
    ExpungeResult result = write([&](StoreWriter& w) { return w.expunge(inbox); });
    EXPECT_THAT(result.expunged, ElementsAre(1, 3, 5));
    EXPECT_EQ(result.highest_modseq, status(inbox).highest_modseq);
    EXPECT_EQ(status(inbox).messages, 2U);
    EXPECT_EQ(status(inbox).deleted, 0U);
    EXPECT_EQ(read([&](const StoreReader& r) { return r.account(1); })->used_bytes, 200U);
    ExpungeResult nothing = write([&](StoreWriter& w) { return w.expunge(inbox); });
    EXPECT_THAT(nothing.expunged, IsEmpty());
    expect_consistent();
}

TEST_F(StoreTest, FirstSelectClaimsRecent) {
    MailboxId inbox = provision(1);
    append(inbox, message(100, 1));
    append(inbox, message(100, 2));
    auto claimed = write([&](StoreWriter& w) { return w.claim_recent(inbox); });
    ASSERT_TRUE(claimed);
    EXPECT_EQ(claimed->first, 1U);
    EXPECT_EQ(claimed->last, 2U);
    EXPECT_EQ(status(inbox).recent, 0U);
    // A second session sees nothing recent.
    EXPECT_FALSE(write([&](StoreWriter& w) { return w.claim_recent(inbox); }));
    append(inbox, message(100, 3));
    EXPECT_EQ(status(inbox).recent, 1U);
    claimed = write([&](StoreWriter& w) { return w.claim_recent(inbox); });
    EXPECT_EQ(claimed->first, 3U);
    EXPECT_EQ(claimed->last, 3U);
    expect_consistent();
}

TEST_F(StoreTest, OperationsOnMissingMailboxesAreNotFound) {
    provision(1);
    auto append_result =
        try_write([&](StoreWriter& w) { return w.append(12345, message(10, 1), {}); });
    ASSERT_FALSE(append_result);
    EXPECT_EQ(append_result.error(), make_error_code(Errc::NotFound));
    auto flags = try_write([&](StoreWriter& w) { return w.store_flags(12345, {}, {}); });
    EXPECT_EQ(flags.error(), make_error_code(Errc::NotFound));
    auto copied = try_write([&](StoreWriter& w) { return w.copy(inbox(1), {}, 12345); });
    EXPECT_EQ(copied.error(), make_error_code(Errc::NotFound));
}

TEST_F(StoreTest, MessagesReadsRangesInUidOrder) {
    MailboxId inbox = provision(1);
    for (int i = 0; i < 10; ++i) {
        append(inbox, message(100, i));
    }
    auto records = read([&](const StoreReader& r) {
        return r.messages(inbox, std::vector{UidRange{8, kMaxUid}, UidRange{2, 3}, UidRange{3, 4}});
    });
    std::vector<Uid> uids;
    for (const auto& m : records) {
        uids.push_back(m.uid);
    }
    EXPECT_THAT(uids, ElementsAre(2, 3, 4, 8, 9, 10));
}

TEST_F(StoreTest, BlobsHeldByOtherModulesCountInTheCheck) {
    MailboxId inbox = provision(1);
    PreparedMessage queued = message(5000, 1);
    append(inbox, queued);
    BlobHash held = write([&](StoreWriter& w) { return w.put_blob(queued); });
    EXPECT_EQ(read([&](const StoreReader& r) { return r.blob_info(held); })->refcount, 2U);

    // Without the holder the reference is a fault; with it the store is clean.
    EXPECT_FALSE(check().ok());
    CheckOptions options;
    options.external_references.push_back(
        {"outbound queue",
         [&](const ReadTxn&, const std::function<void(const BlobHash&)>& ref) { ref(held); }}
    );
    expect_consistent(options);

    write([&](StoreWriter& w) {
        w.store_flags(inbox, std::vector{UidRange{}}, {.flags = kDeleted});
        w.expunge(inbox);
    });
    EXPECT_TRUE(read([&](const StoreReader& r) { return r.blob(held).has_value(); })
    );  // the queue holds it
    write([&](StoreWriter& w) { w.unref_blob(held); });
    EXPECT_FALSE(read([&](const StoreReader& r) { return r.blob(held).has_value(); }));
    expect_consistent();
}

}  // namespace
}  // namespace govmail::store::test
