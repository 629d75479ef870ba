#include "imap/utf7.hpp"

#include <gtest/gtest.h>

#include <string>

namespace govmail::imap {
namespace {

struct RoundTrip {
    const char* name;
    std::string utf8;
    std::string mutf7;
};

class Utf7RoundTrip : public testing::TestWithParam<RoundTrip> {};

TEST_P(Utf7RoundTrip, Encodes) {
    auto encoded = encode_mutf7(GetParam().utf8);
    ASSERT_TRUE(encoded);
    EXPECT_EQ(*encoded, GetParam().mutf7);
}

TEST_P(Utf7RoundTrip, Decodes) {
    auto decoded = decode_mutf7(GetParam().mutf7);
    ASSERT_TRUE(decoded) << decoded.error().message();
    EXPECT_EQ(*decoded, GetParam().utf8);
    EXPECT_TRUE(is_valid_mutf7(GetParam().mutf7));
}

INSTANTIATE_TEST_SUITE_P(
    Names,
    Utf7RoundTrip,
    testing::Values(
        RoundTrip{"Empty", "", ""},
        RoundTrip{"Ascii", "INBOX/Archive 2024", "INBOX/Archive 2024"},
        RoundTrip{"Ampersand", "A&B", "A&-B"},
        RoundTrip{"OnlyAmpersand", "&", "&-"},
        RoundTrip{"Inbox", "Hộp thư đến", "H&Htk-p th&AbA- &AREevw-n"},
        RoundTrip{"Sent", "Thư đã gửi", "Th&AbA- &AREA4w- g&Hu0-i"},
        RoundTrip{"Drafts", "Thư nháp", "Th&AbA- nh&AOE-p"},
        RoundTrip{"Trash", "Thùng rác", "Th&APk-ng r&AOE-c"},
        RoundTrip{"Junk", "Thư rác", "Th&AbA- r&AOE-c"},
        RoundTrip{"Archive", "Lưu trữ", "L&AbA-u tr&Hu8-"},
        RoundTrip{"Hierarchy", "Công văn đến/2024", "C&APQ-ng v&AQM-n &AREevw-n/2024"},
        RoundTrip{"Rfc3501Example", "~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
        RoundTrip{"AmpersandAfterRun", "Tiếng Việt & English", "Ti&Hr8-ng Vi&Hsc-t &- English"},
        RoundTrip{"RunThenAmpersand", "ư&", "&AbA-&-"},
        RoundTrip{"Surrogates", "😀 smile", "&2D3eAA- smile"},
        RoundTrip{"ControlCharacter", "\tTab", "&AAk-Tab"}
    ),
    [](const auto& info) { return info.param.name; }
);

struct Invalid {
    const char* name;
    std::string mutf7;
    SyntaxErrc error;
};

class Utf7Invalid : public testing::TestWithParam<Invalid> {};

TEST_P(Utf7Invalid, IsRefused) {
    auto decoded = decode_mutf7(GetParam().mutf7);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error(), make_error_code(GetParam().error));
    EXPECT_FALSE(is_valid_mutf7(GetParam().mutf7));
}

INSTANTIATE_TEST_SUITE_P(
    Strict,
    Utf7Invalid,
    testing::Values(
        Invalid{"RawUtf8", "Hộp", SyntaxErrc::Utf7NotAscii},
        Invalid{"Control", "a\tb", SyntaxErrc::Utf7NotAscii},
        Invalid{"Delete", "a\x7f", SyntaxErrc::Utf7NotAscii},
        Invalid{"Unterminated", "&AbA", SyntaxErrc::Utf7Unterminated},
        Invalid{"LoneAmpersand", "A&B", SyntaxErrc::Utf7Unterminated},
        Invalid{"SlashNotComma", "&U/BTFw-", SyntaxErrc::Utf7BadBase64},
        Invalid{"Padding", "&AbA=-", SyntaxErrc::Utf7BadBase64},
        Invalid{"EncodedA", "&AGE-", SyntaxErrc::Utf7EncodedAscii},
        Invalid{"EncodedAmpersand", "&ACY-", SyntaxErrc::Utf7EncodedAscii},
        Invalid{"EncodedSpaceInRun", "&AbAAIA-", SyntaxErrc::Utf7EncodedAscii},
        Invalid{"OddOctets", "&YQ-", SyntaxErrc::Utf7NonCanonical},
        Invalid{"NonZeroPadBits", "&AbB-", SyntaxErrc::Utf7NonCanonical},
        Invalid{"ExtraCharacter", "&AbAA-", SyntaxErrc::Utf7NonCanonical},
        Invalid{"AdjacentRuns", "&AbA-&AbA-", SyntaxErrc::Utf7NonCanonical},
        Invalid{"LoneHighSurrogate", "&2D0-", SyntaxErrc::Utf7BadSurrogate},
        Invalid{"LoneLowSurrogate", "&3gA-", SyntaxErrc::Utf7BadSurrogate},
        Invalid{"HighThenBmp", "&2D0AoA-", SyntaxErrc::Utf7BadSurrogate},
        Invalid{"Nul", "&AAA-", SyntaxErrc::Utf7Nul}
    ),
    [](const auto& info) { return info.param.name; }
);

TEST(Utf7, EncodeRefusesInvalidUtf8) {
    for (std::string bad : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
        auto encoded = encode_mutf7(bad);
        ASSERT_FALSE(encoded);
        EXPECT_EQ(encoded.error(), make_error_code(SyntaxErrc::InvalidUtf8));
    }
}

TEST(Utf7, EncodeRefusesNul) {
    auto encoded = encode_mutf7(std::string("a\0b", 3));
    ASSERT_FALSE(encoded);
    EXPECT_EQ(encoded.error(), make_error_code(SyntaxErrc::Utf7Nul));
}

// Every name the encoder can produce decodes back, and decoding accepts nothing else: a name has
// exactly one spelling.
TEST(Utf7, CanonicalOverManyCodePoints) {
    for (char32_t c = 1; c < 0x3000; c += 7) {
        std::string utf8;
        if (c < 0x80) {
            utf8 = {static_cast<char>(c), 'x'};
        } else if (c < 0x800) {
            utf8 = {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
        } else {
            utf8 = {
                static_cast<char>(0xE0 | (c >> 12)),
                static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
                static_cast<char>(0x80 | (c & 0x3F))};
        }
        auto encoded = encode_mutf7(utf8);
        ASSERT_TRUE(encoded);
        auto decoded = decode_mutf7(*encoded);
        ASSERT_TRUE(decoded) << *encoded;
        EXPECT_EQ(*decoded, utf8);
    }
}

}  // namespace
}  // namespace govmail::imap
