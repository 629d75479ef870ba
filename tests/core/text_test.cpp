#include "core/text/text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace govmail::text {
namespace {

// "Nguyễn Thị Ánh Tuyết" precomposed (NFC) and fully decomposed (NFD), and the same words as a
// windows-1258 decoder produces them: base letter (with its vowel mark precomposed where
// windows-1258 has one, such as ê and ư) followed by a combining tone mark.
const std::string kNguyenNfc = "Nguy\u1EC5n Th\u1ECB \u00C1nh Tuy\u1EBFt";
const std::string kNguyenNfd = "Nguye\u0302\u0303n Thi\u0323 A\u0301nh Tuye\u0302\u0301t";
const std::string kNguyen1258 = "Nguy\u00EA\u0303n Thi\u0323 A\u0301nh Tuy\u00EA\u0301t";

struct NfcCase {
    const char* name;
    std::string input;
    std::string expected;
};

class NfcTest : public testing::TestWithParam<NfcCase> {};

TEST_P(NfcTest, Normalises) {
    EXPECT_EQ(nfc(GetParam().input), GetParam().expected);
    EXPECT_TRUE(is_valid_utf8(nfc(GetParam().input)));
}

INSTANTIATE_TEST_SUITE_P(
    Text,
    NfcTest,
    testing::ValuesIn(std::vector<NfcCase>{
        {"Ascii", "Hello, world", "Hello, world"},
        {"Empty", "", ""},
        {"AlreadyNfc", kNguyenNfc, kNguyenNfc},
        {"Nfd", kNguyenNfd, kNguyenNfc},
        {"Windows1258Decomposed", kNguyen1258, kNguyenNfc},
        {"DangDinhDuc",
         "\u0110a\u0306\u0323ng \u0110i\u0300nh \u0110u\u031B\u0301c",
         "\u0110\u1EB7ng \u0110\u00ECnh \u0110\u1EE9c"},
        {"InvalidLead",
         "a\xFF"
         "b",
         "a\uFFFDb"},
        {"Truncated", "Nguy\xE1\xBB", "Nguy\uFFFD"},
        {"Overlong", "\xC0\xAF", "\uFFFD\uFFFD"},
        {"Surrogate", "x\xED\xA0\x80y", "x\uFFFD\uFFFD\uFFFDy"},
        {"InvalidThenNfd",
         "\xFF"
         "e\u0301",
         "\uFFFD\u00E9"},
    }),
    [](const auto& info) { return std::string(info.param.name); }
);

struct FoldCase {
    const char* name;
    std::string input;
    std::string expected;
};

class FoldTest : public testing::TestWithParam<FoldCase> {};

TEST_P(FoldTest, Folds) {
    EXPECT_EQ(fold(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Text,
    FoldTest,
    testing::ValuesIn(std::vector<FoldCase>{
        {"Ascii", "Quyet Dinh", "quyet dinh"},
        {"Vietnamese", "Quy\u1EBFt \u0110\u1ECBnh", "quyet dinh"},
        {"VietnameseUpper", "QUY\u1EBET \u0110\u1ECANH", "quyet dinh"},
        {"VietnameseNfd", "Quye\u0302\u0301t \u0110i\u0323nh", "quyet dinh"},
        {"Nguyen", kNguyenNfc, "nguyen thi anh tuyet"},
        {"NguyenNfd", kNguyenNfd, "nguyen thi anh tuyet"},
        {"Nguyen1258", kNguyen1258, "nguyen thi anh tuyet"},
        {"DangDinhDuc", "\u0110\u1EB7ng \u0110\u00ECnh \u0110\u1EE9c", "dang dinh duc"},
        {"HornVowels",
         "\u01A0\u01AF\u0102\u00C2\u00CA\u00D4 \u01A1\u01B0\u0103\u00E2\u00EA\u00F4",
         "ouaaeo ouaaeo"},
        {"Eth", "\u00D0\u00E0 N\u1EB5ng", "da nang"},
        {"SharpS", "Stra\u00DFe", "strasse"},
        {"FullWidth", "\uFF28\uFF45\uFF4C\uFF4C\uFF4F", "hello"},
        {"Ligature", "\uFB01le", "file"},
        {"Hangul", "\uD55C\uAD6D\uC5B4", "\uD55C\uAD6D\uC5B4"},
        {"Invalid",
         "A\xFF"
         "B",
         "a\uFFFDb"},
    }),
    [](const auto& info) { return std::string(info.param.name); }
);

TEST(Fold, SpellingsOfOneNameFoldEqual) {
    const std::vector<std::string> spellings = {
        "Quy\u1EBFt \u0110\u1ECBnh",
        "quyet dinh",
        "QUY\u1EBET \u0110\u1ECANH",
        "QUYET DINH",
        "Quye\u0302\u0301t \u0110i\u0323nh",
    };
    for (const std::string& s : spellings) {
        EXPECT_EQ(fold(s), fold(spellings.front())) << s;
    }
}

// fold() has a table-driven path for Latin-script text and an ICU path for everything else. A
// CJK character sends a whole string down the ICU path, so comparing both for every code point
// of the Latin ranges proves they agree.
TEST(Fold, LatinFastPathAgreesWithIcu) {
    const std::string cjk = "\u4E2D";
    auto utf8 = [](char32_t c) {
        std::string out;
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else if (c < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xE0 | (c >> 12)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
        return out;
    };
    std::vector<char32_t> code_points;
    for (char32_t c = 0x80; c < 0x370; ++c) {
        code_points.push_back(c);
    }
    for (char32_t c = 0x1E00; c < 0x1F00; ++c) {
        code_points.push_back(c);
    }
    for (const char32_t c : code_points) {
        const std::string s = "A" + utf8(c) + "b";
        EXPECT_EQ(fold(s) + fold(cjk), fold(s + cjk)) << "U+" << std::hex << static_cast<int>(c);
    }
    for (const std::string& s : {kNguyenNfc, kNguyenNfd, kNguyen1258}) {
        EXPECT_EQ(fold(s) + fold(cjk), fold(s + cjk));
    }
}

struct AsciiCase {
    const char* name;
    std::string input;
    std::string expected;
};

class ToAsciiTest : public testing::TestWithParam<AsciiCase> {};

TEST_P(ToAsciiTest, Transliterates) {
    EXPECT_EQ(to_ascii(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Text,
    ToAsciiTest,
    testing::ValuesIn(std::vector<AsciiCase>{
        {"Ascii", "Nguyen Van A", "Nguyen Van A"},
        {"Nguyen", kNguyenNfc, "Nguyen Thi Anh Tuyet"},
        {"NguyenNfd", kNguyenNfd, "Nguyen Thi Anh Tuyet"},
        {"Dang", "\u0110\u1EB7ng \u0110\u00ECnh \u0110\u1EE9c", "Dang Dinh Duc"},
        {"LowerD", "\u0111\u1EA1i", "dai"},
        {"Cyrillic", "\u041C\u043E\u0441\u043A\u0432\u0430", "Moskva"},
    }),
    [](const auto& info) { return std::string(info.param.name); }
);

// Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, tone
// marks secondary (no tone < huyền < hỏi < ngã < sắc < nặng in ICU's vi tailoring: only the
// relative order "no mark first" matters here), case tertiary.
TEST(Collation, VietnameseAlphabetOrder) {
    const std::vector<std::string> sorted = {
        "Anh",
        "\u00C1nh",   // Ánh: same letters, tone mark is a secondary difference
        "\u0102n",    // Ăn: ă after a
        "\u00C2m",    // Âm: â after ă
        "B\u00ECnh",  // Bình
        "Chi",
        "D\u0169ng",      // Dũng: d ...
        "\u0110\u1EE9c",  // Đức: ... before đ
        "\u00CA",         // Ê after e... (no "E" entry; Ê sorts after Đ)
        "Giang",
        "H\u00F9ng",
        "\u00D4ng",  // Ông: ô after o
        "\u01A0n",   // Ơn: ơ after ô
        "T\u00FA",
        "\u01AFu",  // Ưu: ư after u
        "Y\u1EBFn",
    };
    for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
        EXPECT_LT(compare_vi(sorted[i], sorted[i + 1]), 0) << sorted[i] << " < " << sorted[i + 1];
        EXPECT_GT(compare_vi(sorted[i + 1], sorted[i]), 0) << sorted[i + 1] << " > " << sorted[i];
        EXPECT_LT(collation_key(sorted[i]), collation_key(sorted[i + 1])) << sorted[i];
    }
}

TEST(Collation, KeysSortLikeCompare) {
    std::vector<std::string> names = {
        "Nguy\u1EC5n V\u0103n An",
        "Nguy\u1EC5n V\u0103n \u00C2n",
        "Nguy\u1EC5n Th\u1ECB B\u00ECnh",
        "Nguyen Van An",
        "nguy\u1EC5n v\u0103n an",
        "\u0110\u1ED7 H\u00F9ng",
        "Do Hung",
        "Tr\u1EA7n \u0110\u1EE9c",
        "Tr\u1EA7n D\u0169ng",
        "L\u00EA",
        "Le",
    };
    std::mt19937 rng(42);
    std::shuffle(names.begin(), names.end(), rng);
    std::vector<std::string> by_compare = names;
    std::sort(by_compare.begin(), by_compare.end(), [](const auto& a, const auto& b) {
        return compare_vi(a, b) < 0;
    });
    std::vector<std::string> by_key = names;
    std::sort(by_key.begin(), by_key.end(), [](const auto& a, const auto& b) {
        return collation_key(a) < collation_key(b);
    });
    EXPECT_EQ(by_compare, by_key);
}

TEST(Collation, NfdAndNfcAreEqual) {
    EXPECT_EQ(compare_vi(kNguyenNfc, kNguyenNfd), 0);
    EXPECT_EQ(collation_key(kNguyenNfc), collation_key(kNguyenNfd));
}

TEST(Collation, KeysHaveNoNulByte) {
    for (const std::string& s : {kNguyenNfc, std::string("a"), std::string()}) {
        EXPECT_EQ(collation_key(s).find('\0'), std::string::npos);
    }
    EXPECT_LT(collation_key("Le") + '\0', collation_key("Le Van"));
}

TEST(Collation, InvalidUtf8DoesNotThrow) {
    EXPECT_NO_THROW((void)collation_key("\xFF\xFE"));
    EXPECT_NO_THROW((void)compare_vi("\xC0", "\xFF"));
}

struct Utf8Case {
    const char* name;
    std::string input;
    bool valid;
};

class Utf8Test : public testing::TestWithParam<Utf8Case> {};

TEST_P(Utf8Test, Validates) {
    EXPECT_EQ(is_valid_utf8(GetParam().input), GetParam().valid);
    EXPECT_TRUE(is_valid_utf8(sanitize_utf8(GetParam().input)));
    if (GetParam().valid) {
        EXPECT_EQ(sanitize_utf8(GetParam().input), GetParam().input);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Text,
    Utf8Test,
    testing::ValuesIn(std::vector<Utf8Case>{
        {"Empty", "", true},
        {"Ascii", "plain ascii text that is longer than eight bytes", true},
        {"Vietnamese", kNguyenNfc, true},
        {"FourByte", "\xF0\x9F\x98\x80", true},
        {"MaxCodePoint", "\xF4\x8F\xBF\xBF", true},
        {"AboveMax", "\xF4\x90\x80\x80", false},
        {"Overlong2", "\xC1\xBF", false},
        {"Overlong3", "\xE0\x9F\xBF", false},
        {"Surrogate", "\xED\xA0\x80", false},
        {"LoneContinuation", "\x80", false},
        {"TruncatedAtEnd", "abc\xE1\xBB", false},
        {"Latin1", "caf\xE9", false},
        {"Windows1258Bytes", "Nguy\xEA\xDEn", false},
    }),
    [](const auto& info) { return std::string(info.param.name); }
);

TEST(Text, ThreadsUseTheirOwnIcuObjects) {
    // Each thread builds its own transliterator and collator; results must agree across threads.
    std::vector<std::thread> threads;
    std::vector<std::string> results(4);
    for (std::size_t t = 0; t < results.size(); ++t) {
        threads.emplace_back([&results, t] {
            std::string r;
            for (int i = 0; i < 50; ++i) {
                r = to_ascii(kNguyenNfc) + "|" + fold(kNguyenNfd) + "|" +
                    std::to_string(compare_vi("D\u0169ng", "\u0110\u1EE9c"));
            }
            results[t] = r;
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (const std::string& r : results) {
        EXPECT_EQ(r, "Nguyen Thi Anh Tuyet|nguyen thi anh tuyet|-1");
    }
}

}  // namespace
}  // namespace govmail::text

namespace govmail::text {
namespace {

TEST(Utf8, DecodeAndAppendRoundTrip) {
    const std::string text = "aĐức\xF0\x9F\x93\xA7";  // 1-, 2-, 3- and 4-byte sequences
    std::string again;
    std::vector<char32_t> points;
    for (std::size_t pos = 0; pos < text.size();) {
        char32_t c = decode_utf8(text, pos);
        ASSERT_NE(c, kInvalidCodePoint);
        points.push_back(c);
        append_utf8(again, c);
    }
    EXPECT_EQ(points, (std::vector<char32_t>{U'a', U'Đ', U'ứ', U'c', U'\U0001F4E7'}));
    EXPECT_EQ(again, text);
}

TEST(Utf8, DecodeRefusesIllFormedSequencesAndLeavesPosition) {
    for (std::string_view bad :
         {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE1\x80", "\x80"}) {
        std::size_t pos = 0;
        EXPECT_EQ(decode_utf8(bad, pos), kInvalidCodePoint) << testing::PrintToString(bad);
        EXPECT_EQ(pos, 0U);
    }
}

}  // namespace
}  // namespace govmail::text
