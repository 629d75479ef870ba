#include "mime/decode.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace govmail::mime {
namespace {

struct TextCase {
    const char* name;
    std::string input;
    std::string expected;
};

void PrintTo(const TextCase& c, std::ostream* os) {
    *os << c.name;
}

class DecodeHeaderTest : public testing::TestWithParam<TextCase> {};

TEST_P(DecodeHeaderTest, Decodes) {
    EXPECT_EQ(decode_header(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Mime,
    DecodeHeaderTest,
    testing::ValuesIn(std::vector<TextCase>{
        {"Plain", "  Hello world  ", "Hello world"},
        {"Folded", "Hello\r\n world", "Hello world"},
        {"Utf8Base64", "=?utf-8?B?UXV54bq/dCDEkOG7i25o?=", "Quy\u1EBFt \u0110\u1ECBnh"},
        {"Utf8Q", "=?UTF-8?Q?Quy=E1=BA=BFt_=C4=90=E1=BB=8Bnh?=", "Quy\u1EBFt \u0110\u1ECBnh"},
        // RFC 2047 6.2: white space between adjacent encoded words is dropped.
        {"AdjacentWords", "=?utf-8?q?Quy?= =?utf-8?q?=E1=BA=BFt?=", "Quy\u1EBFt"},
        {"FoldedWords", "=?utf-8?q?Quy?=\r\n =?utf-8?q?=E1=BA=BFt?=", "Quy\u1EBFt"},
        {"MixedText", "Re: =?utf-8?q?Quy=E1=BA=BFt?= moi", "Re: Quy\u1EBFt moi"},
        // windows-1258 tone marks are combining characters: the result is composed (NFC).
        {"Windows1258", "=?windows-1258?Q?Quy=EA=ECt_=D0i=F2nh?=", "Quy\u1EBFt \u0110\u1ECBnh"},
        {"Windows1258Upper", "=?WINDOWS-1258?B?UXV56nQ=?=", "Quy\u00EAt"},
        {"Latin1", "=?iso-8859-1?q?caf=E9?=", "caf\u00E9"},
        {"RawUtf8",
         "K\u1EBF ho\u1EA1"
         "ch",
         "K\u1EBF ho\u1EA1"
         "ch"},
        {"RawUtf8Nfd", "Quye\u0302\u0301t", "Quy\u1EBFt"},
        {"Raw1258",
         "K\xEA\xEC hoa\xF2"
         "ch",
         "K\u1EBF ho\u1EA1"
         "ch"},
        {"UnknownCharset", "=?x-unknown?q?abc?=", "abc"},
        {"NotAnEncodedWord", "=?broken", "=?broken"},
        {"Empty", "", ""},
    }),
    [](const auto& info) { return std::string(info.param.name); }
);

struct AddressCase {
    const char* name;
    std::string input;
    std::vector<Address> expected;
};

void PrintTo(const AddressCase& c, std::ostream* os) {
    *os << c.name;
}

class ParseAddressesTest : public testing::TestWithParam<AddressCase> {};

TEST_P(ParseAddressesTest, Parses) {
    EXPECT_EQ(parse_addresses(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Mime,
    ParseAddressesTest,
    testing::ValuesIn(std::vector<AddressCase>{
        {"Bare", "a@b.vn", {{"", "a@b.vn"}}},
        {"Angle", "<a@b.vn>", {{"", "a@b.vn"}}},
        {"NameAddr", "Nguyen Van A <a@b.vn>", {{"Nguyen Van A", "a@b.vn"}}},
        {"QuotedName", "\"Nguyen, Van A\" <a@b.vn>", {{"Nguyen, Van A", "a@b.vn"}}},
        {"EscapedQuote", "\"say \\\"hi\\\"\" <a@b.vn>", {{"say \"hi\"", "a@b.vn"}}},
        {"EncodedName",
         "=?utf-8?B?xJDhurduZyDEkMOsbmggxJDhu6lj?= <duc@b.vn>",
         {{"\u0110\u1EB7ng \u0110\u00ECnh \u0110\u1EE9c", "duc@b.vn"}}},
        {"RawUtf8Name",
         "Tr\u1EA7n Th\u1ECB B\u00ECnh <binh@b.vn>",
         {{"Tr\u1EA7n Th\u1ECB B\u00ECnh", "binh@b.vn"}}},
        {"CommentName", "a@b.vn (Nguyen Van A)", {{"Nguyen Van A", "a@b.vn"}}},
        {"List", "a@b.vn, B <b@b.vn>,c@b.vn", {{"", "a@b.vn"}, {"B", "b@b.vn"}, {"", "c@b.vn"}}},
        {"EmptyElements", ", a@b.vn,,", {{"", "a@b.vn"}}},
        {"Group",
         "Lanh dao: a@b.vn, \"B\" <b@b.vn>;, c@b.vn",
         {{"", "a@b.vn"}, {"B", "b@b.vn"}, {"", "c@b.vn"}}},
        {"EmptyGroup", "undisclosed-recipients:;", {}},
        {"Route", "<@relay.vn,@other.vn:a@b.vn>", {{"", "a@b.vn"}}},
        {"NoDomain", "postmaster", {{"", "postmaster"}}},
        {"QuotedLocalPart", "\"john doe\"@b.vn", {{"", "\"john doe\"@b.vn"}}},
        {"DottedName", "John Q. Public <jqp@b.vn>", {{"John Q. Public", "jqp@b.vn"}}},
        {"Junk", "<<>>,,; a@b.vn", {{"", "a@b.vn"}}},
        {"UnterminatedAngle", "A <a@b.vn", {{"A", "a@b.vn"}}},
        {"Folded", "A\r\n <a@b.vn>,\r\n\tb@b.vn", {{"A", "a@b.vn"}, {"", "b@b.vn"}}},
        {"Empty", "", {}},
    }),
    [](const auto& info) { return std::string(info.param.name); }
);

TEST(ParseDate, Rfc5322AndSloppyForms) {
    EXPECT_EQ(parse_date("Thu, 15 Feb 2007 01:02:03 +0200"), 1171494123);
    EXPECT_EQ(parse_date("15 Feb 2007 01:02:03 +0200"), 1171494123);  // no day of week
    EXPECT_EQ(parse_date("Thu, 15 Feb 2007 01:02:03 +0200 (EET)"), 1171494123);
    EXPECT_EQ(parse_date("Fri, 1 Mar 2024 08:30:00 +0700"), 1709256600);
    EXPECT_EQ(parse_date("1 Jan 2001 00:00:00 GMT"), 978307200);
    EXPECT_EQ(parse_date("Thu, 7 Mar 2024\r\n 09:10:11 +0700"), 1709777411);
    EXPECT_EQ(parse_date("not a date"), 0);
    EXPECT_EQ(parse_date(""), 0);
}

TEST(ToUtf8, Charsets) {
    EXPECT_EQ(to_utf8("Quy\xEA\xECt \xD0i\xF2nh", "windows-1258"), "Quy\u1EBFt \u0110\u1ECBnh");
    EXPECT_EQ(to_utf8("Quy\xEA\xECt", "CP1258"), "Quy\u1EBFt");
    EXPECT_EQ(to_utf8("caf\xE9", "ISO-8859-1"), "caf\u00E9");
    EXPECT_EQ(to_utf8("Quye\xCC\x82\xCC\x81t", "utf-8"), "Quy\u1EBFt");  // NFD becomes NFC
    EXPECT_EQ(to_utf8(std::string("\x1EQ\x00u", 4), "ascii"), std::string("\x1EQ\x00u", 4));
    // Unlabelled or mislabelled 8-bit: UTF-8 when valid, else windows-1258.
    EXPECT_EQ(to_utf8("Quy\xE1\xBA\xBFt", ""), "Quy\u1EBFt");
    EXPECT_EQ(to_utf8("Quy\xEA\xECt", ""), "Quy\u1EBFt");
    EXPECT_EQ(to_utf8("Quy\xEA\xECt", "us-ascii"), "Quy\u1EBFt");
    EXPECT_EQ(to_utf8("Quy\xEA\xECt", "x-no-such-charset"), "Quy\u1EBFt");
    // Labelled UTF-8 that is not UTF-8: the bad bytes become U+FFFD.
    EXPECT_EQ(
        to_utf8(
            "a\xFF"
            "b",
            "utf-8"
        ),
        "a\uFFFDb"
    );
    // Bytes a charset does not define become U+FFFD and conversion goes on.
    EXPECT_EQ(
        to_utf8(
            "a\x81"
            "b",
            "windows-1258"
        ),
        "a\uFFFDb"
    );
    EXPECT_EQ(to_utf8("\x1B$B", "iso-2022-jp"), "");
    EXPECT_EQ(to_utf8("", "windows-1258"), "");
}

}  // namespace
}  // namespace govmail::mime
