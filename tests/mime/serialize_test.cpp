#include "mime/analyze.hpp"
#include "mime/message_info.hpp"
#include "tests/mime/mime_test_util.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace govmail::mime {
namespace {

MessageInfo sample() {
    return analyze(test::load_corpus("mixed-rfc822.eml"));
}

TEST(Serialize, FirstByteIsTheVersion) {
    const std::string bytes = sample().serialize();
    ASSERT_FALSE(bytes.empty());
    EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]), MessageInfo::kFormatVersion);
}

TEST(Serialize, RoundTripsEveryField) {
    MessageInfo info = sample();
    info.date = -86400;  // before the epoch: zigzag encoding keeps the sign
    info.references = {"<a@b>", "<c@d>"};
    info.bcc = {{"T\u00EAn", "x@y.vn"}};
    info.parts.front().decoded_size.reset();
    const auto back = MessageInfo::deserialize(info.serialize());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, info);
}

TEST(Serialize, ViewReadsThePrefixInPlace) {
    const MessageInfo info = sample();
    const std::string bytes = info.serialize();
    const auto view = MessageInfoView::parse(bytes);
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(view->imap_bodystructure, info.imap_bodystructure);
    // Zero copy: the views point into the serialized bytes.
    EXPECT_GE(view->imap_envelope.data(), bytes.data());
    EXPECT_LE(view->imap_body.data() + view->imap_body.size(), bytes.data() + bytes.size());
    EXPECT_EQ(view->lines, info.lines);
}

TEST(Serialize, RejectsOtherVersions) {
    std::string bytes = sample().serialize();
    bytes[0] = static_cast<char>(MessageInfo::kFormatVersion + 1);
    EXPECT_FALSE(MessageInfo::deserialize(bytes).has_value());
    EXPECT_FALSE(MessageInfoView::parse(bytes).has_value());
    EXPECT_FALSE(MessageInfo::deserialize("").has_value());
    EXPECT_FALSE(MessageInfoView::parse("").has_value());
}

TEST(Serialize, EveryTruncationIsRejected) {
    const std::string bytes = sample().serialize();
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        EXPECT_FALSE(MessageInfo::deserialize(std::string_view(bytes).substr(0, n)).has_value())
            << "prefix of " << n << " bytes";
    }
    EXPECT_FALSE(MessageInfo::deserialize(bytes + "x").has_value()) << "trailing byte";
}

TEST(Serialize, RangesOutsideTheMessageAreRejected) {
    MessageInfo info = sample();
    info.parts.back().body.length = info.size;  // ends past the message
    EXPECT_FALSE(MessageInfo::deserialize(info.serialize()).has_value());
    info = sample();
    info.text.offset = info.size + 1;
    EXPECT_FALSE(MessageInfo::deserialize(info.serialize()).has_value());
    EXPECT_FALSE(MessageInfoView::parse(info.serialize()).has_value());
}

TEST(Serialize, HugeCountsDoNotAllocate) {
    // version 1, then the head with empty strings, then a subject... and a part count of 2^62.
    std::string bytes = MessageInfo{}.serialize();
    bytes.resize(bytes.size() - 1);  // drop the part count (0)
    bytes += "\x80\x80\x80\x80\x80\x80\x80\x80\x40";
    EXPECT_FALSE(MessageInfo::deserialize(bytes).has_value());
    // A varint longer than 64 bits.
    EXPECT_FALSE(
        MessageInfo::deserialize("\x01\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x7F").has_value()
    );
}

// Random corruption must never crash (ASan/UBSan builds check the "never UB" part); whatever
// deserializes must serialize back to the same bytes.
TEST(Serialize, RandomCorruptionIsSafe) {
    std::mt19937 rng(20240301);
    for (const std::string& file : test::corpus_files()) {
        const std::string good = analyze(test::load_corpus(file)).serialize();
        for (int round = 0; round < 200; ++round) {
            std::string bytes = good;
            const int flips = 1 + static_cast<int>(rng() % 4);
            for (int i = 0; i < flips; ++i) {
                bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xFF);
            }
            if (const auto info = MessageInfo::deserialize(bytes)) {
                EXPECT_EQ(info->serialize(), bytes) << file;
            }
            (void)MessageInfoView::parse(bytes);
        }
    }
}

TEST(Range, SliceNeverLeavesTheMessage) {
    const std::string_view raw = "0123456789";
    EXPECT_EQ((Range{2, 3}.slice(raw)), "234");
    EXPECT_EQ((Range{8, 5}.slice(raw)), "89");
    EXPECT_EQ((Range{10, 1}.slice(raw)), "");
    EXPECT_EQ((Range{~0ULL, ~0ULL}.slice(raw)), "");
    EXPECT_EQ((Range{0, 0}.slice("")), "");
}

}  // namespace
}  // namespace govmail::mime
