#include "imap/seqset.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace govmail::imap {
namespace {

struct Parsed {
    const char* name;
    std::string text;
    std::vector<SeqRange> ranges;
};

class SeqSetParse : public testing::TestWithParam<Parsed> {};

TEST_P(SeqSetParse, KeepsRangesAsWritten) {
    auto set = parse_sequence_set(GetParam().text);
    ASSERT_TRUE(set) << set.error().message();
    EXPECT_EQ(std::vector<SeqRange>(set->ranges().begin(), set->ranges().end()), GetParam().ranges);
    EXPECT_EQ(set->to_string(), GetParam().text);
}

constexpr std::uint32_t kStar = SequenceSet::kStar;

INSTANTIATE_TEST_SUITE_P(
    Valid,
    SeqSetParse,
    testing::Values(
        Parsed{"Single", "1", {{1, 1}}},
        Parsed{"Star", "*", {{kStar, kStar}}},
        Parsed{"Range", "2:4", {{2, 4}}},
        Parsed{"Reversed", "5:2", {{5, 2}}},
        Parsed{"ToStar", "1:*", {{1, kStar}}},
        Parsed{"StarFirst", "*:3", {{kStar, 3}}},
        Parsed{"List", "1,3:5,9", {{1, 1}, {3, 5}, {9, 9}}},
        Parsed{"Max", "4294967295", {{4294967295U, 4294967295U}}},
        Parsed{"Overlapping", "1:5,3:7", {{1, 5}, {3, 7}}}
    ),
    [](const auto& info) { return info.param.name; }
);

struct Refused {
    const char* name;
    std::string text;
    SyntaxErrc error;
    SeqSetOptions options;
};

class SeqSetRefused : public testing::TestWithParam<Refused> {};

TEST_P(SeqSetRefused, WithPreciseError) {
    auto set = parse_sequence_set(GetParam().text, GetParam().options);
    ASSERT_FALSE(set);
    EXPECT_EQ(set.error(), make_error_code(GetParam().error)) << set.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Invalid,
    SeqSetRefused,
    testing::Values(
        Refused{"Empty", "", SyntaxErrc::SeqSetEmpty, {}},
        Refused{"Zero", "0", SyntaxErrc::SeqSetZero, {}},
        Refused{"ZeroInRange", "1:0", SyntaxErrc::SeqSetZero, {}},
        Refused{"Zeros", "000", SyntaxErrc::SeqSetZero, {}},
        Refused{"LeadingZero", "01", SyntaxErrc::SeqSetSyntax, {}},
        Refused{"Overflow", "4294967296", SyntaxErrc::SeqSetOverflow, {}},
        Refused{"HugeOverflow", "1:99999999999999999999999", SyntaxErrc::SeqSetOverflow, {}},
        Refused{"TrailingColon", "1:", SyntaxErrc::SeqSetSyntax, {}},
        Refused{"TrailingComma", "1,", SyntaxErrc::SeqSetSyntax, {}},
        Refused{"DoubleComma", "1,,2", SyntaxErrc::SeqSetSyntax, {}},
        Refused{"LeadingComma", ",1", SyntaxErrc::SeqSetSyntax, {}},
        Refused{"ThreePart", "1:2:3", SyntaxErrc::SeqSetSyntax, {}},
        Refused{"Letters", "1a", SyntaxErrc::SeqSetSyntax, {}},
        Refused{"Negative", "-1", SyntaxErrc::SeqSetSyntax, {}},
        Refused{"Space", "1 ,2", SyntaxErrc::SeqSetSyntax, {}},
        Refused{"SavedNotAllowed", "$", SyntaxErrc::SeqSetSavedNotAllowed, {}},
        Refused{"SavedInList", "1,$", SyntaxErrc::SeqSetSavedNotAllowed, {.allow_saved = true}},
        Refused{"SavedAfterNumber", "1$", SyntaxErrc::SeqSetSavedNotAllowed, {.allow_saved = true}},
        Refused{"StarNotAllowed", "1:*", SyntaxErrc::SeqSetStarNotAllowed, {.allow_star = false}},
        Refused{"TooLong", "1,2,3,4", SyntaxErrc::SeqSetTooLong, {.max_ranges = 3}}
    ),
    [](const auto& info) { return info.param.name; }
);

TEST(SeqSet, SavedResult) {
    auto set = parse_sequence_set("$", {.allow_saved = true});
    ASSERT_TRUE(set);
    EXPECT_TRUE(set->is_saved());
    EXPECT_EQ(set->to_string(), "$");
}

TEST(SeqSet, ReversedRangeIsTheSameSet) {
    EXPECT_EQ(parse_sequence_set("5:2")->resolve(10), parse_sequence_set("2:5")->resolve(10));
    EXPECT_EQ(parse_sequence_set("5:2")->resolve(10).to_string(), "2:5");
}

TEST(SeqSet, StarIsTheLargestNumber) {
    EXPECT_EQ(parse_sequence_set("*")->resolve(7).to_string(), "7");
    EXPECT_EQ(parse_sequence_set("3:*")->resolve(7).to_string(), "3:7");
    // RFC 9051 6.4.8 (UID range 559:* always includes the last UID): a reversed range.
    EXPECT_EQ(parse_sequence_set("559:*")->resolve_uids(400).to_string(), "400:559");
}

TEST(SeqSet, ResolveMergesSortsAndDeduplicates) {
    auto set = parse_sequence_set("9,1:3,2,4,7:8,10:*");
    ASSERT_TRUE(set);
    NumberSet numbers = set->resolve(12);
    EXPECT_EQ(numbers.to_string(), "1:4,7:12");
    EXPECT_EQ(numbers.size(), 10U);
    EXPECT_TRUE(numbers.contains(1));
    EXPECT_TRUE(numbers.contains(4));
    EXPECT_FALSE(numbers.contains(5));
    EXPECT_TRUE(numbers.contains(12));
    EXPECT_FALSE(numbers.contains(13));
    EXPECT_FALSE(numbers.contains(0));
    EXPECT_EQ(numbers.min(), 1U);
    EXPECT_EQ(numbers.max(), 12U);
}

TEST(SeqSet, MessagesOutOfRangeAreInvalid) {
    auto set = parse_sequence_set("1:5");
    EXPECT_TRUE(set->resolve_messages(5));
    // RFC 9051 9 (seq-number): a number above the message count is answered with BAD.
    EXPECT_FALSE(set->resolve_messages(4));
    EXPECT_FALSE(parse_sequence_set("6")->resolve_messages(5));
}

TEST(SeqSet, StarOnEmptyMailbox) {
    // Message numbers: "*" (and so "1:*") on an empty mailbox is BAD (RFC 9051 9, seq-number).
    EXPECT_FALSE(parse_sequence_set("1:*")->resolve_messages(0));
    EXPECT_FALSE(parse_sequence_set("*")->resolve_messages(0));
    // UIDs: "*" is UIDNEXT on an empty mailbox; "1:*" then matches no message.
    EXPECT_EQ(parse_sequence_set("1:*")->resolve_uids(1).to_string(), "1");
    EXPECT_TRUE(parse_sequence_set("*")->resolve(0).empty());
    EXPECT_EQ(parse_sequence_set("3:*")->resolve(0).to_string(), "3");
}

TEST(SeqSet, HugeRangesStayCompact) {
    auto set = parse_sequence_set("1:4294967295,7");
    ASSERT_TRUE(set);
    NumberSet numbers = set->resolve(5);
    EXPECT_EQ(numbers.ranges().size(), 1U);
    EXPECT_EQ(numbers.size(), 4294967295ULL);
    EXPECT_EQ(numbers.to_string(), "1:4294967295");
}

TEST(SeqSet, AdjacentRangesMergeAtTheTop) {
    NumberSet numbers = NumberSet::from_ranges(
        {{4294967294U, 4294967295U}, {4294967295U, 4294967295U}, {1, 2}, {3, 3}}
    );
    EXPECT_EQ(numbers.to_string(), "1:3,4294967294:4294967295");
}

TEST(SeqSet, Iterates) {
    NumberSet numbers = parse_sequence_set("5,1:3,4294967295")->resolve(9);
    std::vector<std::uint32_t> values(numbers.begin(), numbers.end());
    EXPECT_EQ(values, (std::vector<std::uint32_t>{1, 2, 3, 5, 4294967295U}));
    EXPECT_EQ(NumberSet{}.begin(), NumberSet{}.end());
}

TEST(SeqSet, FromValues) {
    std::vector<std::uint32_t> values = {9, 1, 2, 3, 7, 10, 2, 0};
    EXPECT_EQ(NumberSet::from_values(values).to_string(), "1:3,7,9:10");
}

TEST(SeqSet, FormatNumberList) {
    std::vector<std::uint32_t> sorted = {1, 2, 3, 7, 9, 10};
    EXPECT_EQ(format_number_list(sorted), "1:3,7,9:10");
    // COPYUID pairs its sets by position: the order is kept.
    std::vector<std::uint32_t> unsorted = {5, 6, 1, 2, 9};
    EXPECT_EQ(format_number_list(unsorted), "5:6,1:2,9");
    std::vector<std::uint32_t> top = {4294967294U, 4294967295U, 1};
    EXPECT_EQ(format_number_list(top), "4294967294:4294967295,1");
    EXPECT_EQ(format_number_list({}), "");
}

}  // namespace
}  // namespace govmail::imap
