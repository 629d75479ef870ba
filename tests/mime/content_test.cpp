#include "mime/content.hpp"

#include "mime/analyze.hpp"
#include "tests/mime/mime_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace govmail::mime {
namespace {

Part part_with(std::string_view raw, std::string encoding) {
    Part p;
    p.body = Range{0, raw.size()};
    p.encoding = std::move(encoding);
    return p;
}

struct DecodeCase {
    const char* name;
    std::string body;
    std::string encoding;
    std::optional<std::string> expected;
};

void PrintTo(const DecodeCase& c, std::ostream* os) {
    *os << c.name;
}

class DecodePartBodyTest : public testing::TestWithParam<DecodeCase> {};

TEST_P(DecodePartBodyTest, Decodes) {
    const DecodeCase& c = GetParam();
    EXPECT_EQ(decode_part_body(c.body, part_with(c.body, c.encoding)), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Mime,
    DecodePartBodyTest,
    testing::ValuesIn(std::vector<DecodeCase>{
        {"SevenBit", "abc\r\n", "7bit", "abc\r\n"},
        {"EightBit", "\xC3\xA0\r\n", "8bit", "\xC3\xA0\r\n"},
        {"Binary", std::string("a\0b", 3), "binary", std::string("a\0b", 3)},
        {"Base64", "SGVs\r\nbG8=\r\n", "base64", "Hello"},
        {"Base64Upper", "SGVsbG8=", "BASE64", "Hello"},
        // RFC 2045 6.8: characters outside the alphabet are ignored.
        {"Base64Garbage", "SG!V*s bG\r\n8=", "base64", "Hello"},
        {"Base64Unpadded", "SGVsbG8", "base64", "Hello"},
        {"Base64Concatenated", "SGk=\r\nSGk=", "base64", "HiHi"},
        {"Base64LoneSextet", "SGVsbG8hQ", "base64", "Hello!"},
        {"QuotedPrintable",
         "Quy=E1=BA=BFt=\r\n =C4=90=E1=BB=8Bnh\r\n",
         "quoted-printable",
         "Quy\xE1\xBA\xBFt \xC4\x90\xE1\xBB\x8Bnh\r\n"},
        {"QuotedPrintableBareLf", "a=\nb=3D\n", "quoted-printable", "ab=\n"},
        {"Uuencode", "begin 644 hello.txt\r\n%2&5L;&\\`\r\n`\r\nend\r\n", "x-uuencode", "Hello"},
        {"Unknown", "abc", "x-custom", std::nullopt},
        {"EmptyBase64", "", "base64", ""},
    }),
    [](const auto& info) { return std::string(info.param.name); }
);

TEST(ExtractText, DecodesConvertsAndStripsHtml) {
    const std::string raw = test::load_corpus("alternative-qp.eml");
    const MessageInfo info = analyze(raw);
    EXPECT_EQ(
        extract_text(raw, info),
        "Quy\u1EBFt \u0110\u1ECBnh v\u1EC1 vi\u1EC7c b\u1ED5 nhi\u1EC7m c\u00E1n b\u1ED9.\n"
        "Th\u00F4ng b\u00E1o\nQuy\u1EBFt & \u0110\u1ECBnh\n\u00F4 m\u1ED9t "
    );
}

TEST(ExtractText, IncludesEncapsulatedMessagesSkipsAttachments) {
    const std::string raw = test::load_corpus("mixed-rfc822.eml");
    EXPECT_EQ(
        extract_text(raw, analyze(raw)),
        "Chuy\u1EC3n ti\u1EBFp gi\u1EA5y m\u1EDDi.\nM\u1EDDi anh d\u1EF1 h\u1ECDp l\u00FAc 8 "
        "gi\u1EDD.\r\n"
    );
}

TEST(ExtractText, CapCutsAtCharacterBoundary) {
    const std::string raw =
        "Content-Type: text/plain; charset=utf-8\r\n\r\n\xE1\xBA\xBF\xE1\xBA\xBF\xE1\xBA\xBF";
    const MessageInfo info = analyze(raw);
    EXPECT_EQ(extract_text(raw, info, 9), "\u1EBF\u1EBF\u1EBF");
    EXPECT_EQ(extract_text(raw, info, 8), "\u1EBF\u1EBF");
    EXPECT_EQ(extract_text(raw, info, 4), "\u1EBF");
    EXPECT_EQ(extract_text(raw, info, 2), "");
    EXPECT_EQ(extract_text(raw, info, 0), "");
}

TEST(ExtractText, HtmlEntitiesAndComments) {
    const std::string raw =
        "Content-Type: text/html\r\n\r\n"
        "<div>a&lt;b&gt;c&quot;&#39;&#x41;&nbsp;&unknown;&#0;</div><!--x-->"
        "<SCRIPT type=x>hidden()</script >end";
    EXPECT_EQ(extract_text(raw, analyze(raw)), "a<b>c\"'A &unknown;\uFFFD\nend");
}

struct FieldsCase {
    const char* name;
    std::string header;
    std::vector<std::string_view> names;
    FieldSelect select;
    std::string expected;
};

void PrintTo(const FieldsCase& c, std::ostream* os) {
    *os << c.name;
}

class HeaderFieldsTest : public testing::TestWithParam<FieldsCase> {};

TEST_P(HeaderFieldsTest, Selects) {
    const FieldsCase& c = GetParam();
    EXPECT_EQ(header_fields(c.header, c.names, c.select), c.expected);
}

const std::string kHeader =
    "From: a@b.vn\r\n"
    "Subject: folded\r\n"
    " continuation\r\n"
    "To: c@d.vn\r\n"
    "subject: second\r\n"
    "\r\n";

INSTANTIATE_TEST_SUITE_P(
    Mime,
    HeaderFieldsTest,
    testing::ValuesIn(std::vector<FieldsCase>{
        {"Only",
         kHeader,
         {"SUBJECT"},
         FieldSelect::Only,
         "Subject: folded\r\n continuation\r\nsubject: second\r\n\r\n"},
        {"OnlyTwo",
         kHeader,
         {"to", "From"},
         FieldSelect::Only,
         "From: a@b.vn\r\nTo: c@d.vn\r\n\r\n"},
        {"Except", kHeader, {"subject"}, FieldSelect::Except, "From: a@b.vn\r\nTo: c@d.vn\r\n\r\n"},
        {"NoMatch", kHeader, {"Cc"}, FieldSelect::Only, "\r\n"},
        {"ExceptNothing", kHeader, {}, FieldSelect::Except, kHeader},
        {"BareLf", "From: a@b.vn\nTo: c@d.vn\n\n", {"to"}, FieldSelect::Only, "To: c@d.vn\n\n"},
        {"NoBlankLine",
         "From: a@b.vn\r\nTo: c@d.vn",
         {"to"},
         FieldSelect::Only,
         "To: c@d.vn\r\n\r\n"},
        {"Empty", "", {"to"}, FieldSelect::Only, "\r\n"},
        {"PrefixIsNotAMatch",
         "To-Do: x\r\nTo: y\r\n\r\n",
         {"To"},
         FieldSelect::Only,
         "To: y\r\n\r\n"},
    }),
    [](const auto& info) { return std::string(info.param.name); }
);

TEST(HeaderFields, OfAnEncapsulatedMessage) {
    const std::string raw = test::load_corpus("nested.eml");
    const MessageInfo info = analyze(raw);
    const std::string_view names[] = {"Subject", "Date"};
    EXPECT_EQ(
        header_fields(info.find_part("2")->message_header->slice(raw), names, FieldSelect::Only),
        "Date: Sun, 10 Mar 2024 08:00:00 +0700\r\nSubject: Inner\r\n\r\n"
    );
}

}  // namespace
}  // namespace govmail::mime
