#include "imap/message_map.hpp"

#include <gtest/gtest.h>

namespace govmail::imap {
namespace {

std::vector<std::pair<std::uint32_t, store::Uid>> walk(
    const MessageMap& map, std::vector<store::UidRange> ranges
) {
    std::vector<std::pair<std::uint32_t, store::Uid>> out;
    map.for_each(ranges, [&out](std::uint32_t seq, store::Uid uid) { out.emplace_back(seq, uid); });
    return out;
}

TEST(MessageMap, NumbersAndUids) {
    MessageMap map;
    std::vector<store::Uid> uids = {4, 5, 6, 9, 20, 21};
    map.assign(uids);
    EXPECT_EQ(map.size(), 6U);
    EXPECT_EQ(map.run_count(), 3U);
    EXPECT_EQ(map.max_uid(), 21U);
    EXPECT_EQ(map.uid_at(1), 4U);
    EXPECT_EQ(map.uid_at(4), 9U);
    EXPECT_EQ(map.uid_at(6), 21U);
    EXPECT_EQ(map.seq_of(6), 3U);
    EXPECT_EQ(map.seq_of(20), 5U);
    EXPECT_EQ(map.seq_of(7), 0U);
    EXPECT_EQ(map.seq_of(100), 0U);
    EXPECT_FALSE(map.contains(1));
}

TEST(MessageMap, ContiguousUidsAreOneRun) {
    MessageMap map;
    for (store::Uid uid = 1; uid <= 10000; ++uid) {
        map.append(uid);
    }
    EXPECT_EQ(map.run_count(), 1U);
    EXPECT_EQ(map.seq_of(7777), 7777U);
}

TEST(MessageMap, SequenceSetsBecomeUidRanges) {
    MessageMap map;
    std::vector<store::Uid> uids = {4, 5, 6, 9, 20, 21};
    map.assign(uids);
    auto ranges = map.uids_for_seqs(NumberSet::from_ranges({{2, 5}}));
    ASSERT_EQ(ranges.size(), 3U);
    EXPECT_EQ(ranges[0].first, 5U);
    EXPECT_EQ(ranges[0].last, 6U);
    EXPECT_EQ(ranges[1].first, 9U);
    EXPECT_EQ(ranges[2].first, 20U);
    EXPECT_EQ(ranges[2].last, 20U);
    // Numbers beyond the mailbox are ignored; ranges and single numbers mix.
    ranges = map.uids_for_seqs(NumberSet::from_ranges({{1, 1}, {6, 100}}));
    ASSERT_EQ(ranges.size(), 2U);
    EXPECT_EQ(ranges[0].first, 4U);
    EXPECT_EQ(ranges[1].first, 21U);
}

TEST(MessageMap, HeldUidsAndWalk) {
    MessageMap map;
    std::vector<store::Uid> uids = {4, 5, 6, 9, 20, 21};
    map.assign(uids);
    auto held = map.held(NumberSet::from_ranges({{1, 5}, {8, 20}}));
    auto visited = walk(map, held);
    std::vector<std::pair<std::uint32_t, store::Uid>> expected = {{1, 4}, {2, 5}, {4, 9}, {5, 20}};
    EXPECT_EQ(visited, expected);
    EXPECT_TRUE(map.held(NumberSet::from_ranges({{100, 200}})).empty());
}

TEST(MessageMap, RemoveAllNumbersLikeExpungeResponses) {
    MessageMap map;
    std::vector<store::Uid> uids = {2, 504, 505, 507, 508, 509, 510, 600, 601, 602, 625};
    map.assign(uids);
    // RFC 7162 3.2.10.2's example: 505, 507, 510, 625 are messages 3, 4, 7 and 11, reported as
    // "* 3 EXPUNGE", "* 3 EXPUNGE", "* 5 EXPUNGE", "* 8 EXPUNGE".
    std::vector<store::Uid> gone = {505, 507, 510, 625, 999};
    auto removed = map.remove_all(gone);
    std::vector<MessageMap::Removed> expected = {{505, 3}, {507, 3}, {510, 5}, {625, 8}};
    EXPECT_EQ(removed, expected);
    EXPECT_EQ(map.size(), 7U);
    EXPECT_EQ(map.uid_at(3), 508U);
    EXPECT_EQ(map.seq_of(600), 5U);
    EXPECT_EQ(map.max_uid(), 602U);
}

TEST(MessageMap, RemoveEverything) {
    MessageMap map;
    std::vector<store::Uid> uids = {1, 2, 3};
    map.assign(uids);
    auto removed = map.remove_all(uids);
    EXPECT_EQ(removed.size(), 3U);
    EXPECT_TRUE(map.empty());
    EXPECT_EQ(map.max_uid(), 0U);
    EXPECT_EQ(map.run_count(), 0U);
}

TEST(MessageMap, HighestUid) {
    MessageMap map;
    map.append(store::kMaxUid - 1);
    map.append(store::kMaxUid);
    EXPECT_EQ(map.run_count(), 1U);
    std::vector<store::Uid> last = {store::kMaxUid};
    auto removed = map.remove_all(last);
    ASSERT_EQ(removed.size(), 1U);
    EXPECT_EQ(removed[0].seq, 2U);
    EXPECT_EQ(map.max_uid(), store::kMaxUid - 1);
}

}  // namespace
}  // namespace govmail::imap
