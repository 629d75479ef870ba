#include "imap/response.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace govmail::imap {
namespace {

using namespace std::string_literals;
using namespace std::chrono_literals;

struct StringCase {
    const char* name;
    std::string text;
    bool utf8;
    std::string string;   // append_string
    std::string astring;  // append_astring
};

class ResponseStrings : public testing::TestWithParam<StringCase> {};

TEST_P(ResponseStrings, String) {
    std::string out;
    append_string(out, GetParam().text, GetParam().utf8);
    EXPECT_EQ(out, GetParam().string);
}

TEST_P(ResponseStrings, Astring) {
    std::string out;
    append_astring(out, GetParam().text, GetParam().utf8);
    EXPECT_EQ(out, GetParam().astring);
}

INSTANTIATE_TEST_SUITE_P(
    Encoding,
    ResponseStrings,
    testing::Values(
        StringCase{"Atom", "INBOX", false, "\"INBOX\"", "INBOX"},
        StringCase{"Empty", "", false, "\"\"", "\"\""},
        StringCase{"Space", "Sent Items", false, "\"Sent Items\"", "\"Sent Items\""},
        StringCase{"QuoteAndBackslash", "a\"b\\c", false, "\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\""},
        StringCase{"Nil", "NIL", false, "\"NIL\"", "\"NIL\""},
        StringCase{"NilLowercase", "nil", false, "\"nil\"", "\"nil\""},
        StringCase{"Bracket", "a]b", false, "\"a]b\"", "a]b"},
        StringCase{"Wildcard", "a*b", false, "\"a*b\"", "\"a*b\""},
        StringCase{"Parenthesis", "(x)", false, "\"(x)\"", "\"(x)\""},
        StringCase{"Tab", "a\tb", false, "\"a\tb\"", "\"a\tb\""},
        StringCase{"Crlf", "a\r\nb", false, "{4}\r\na\r\nb", "{4}\r\na\r\nb"},
        StringCase{"Lf", "a\nb", false, "{3}\r\na\nb", "{3}\r\na\nb"},
        StringCase{"Nul", "a\0b"s, false, "{3}\r\na\0b"s, "{3}\r\na\0b"s},
        StringCase{"EightBit", "Thư", false, "{4}\r\nThư", "{4}\r\nThư"},
        StringCase{"Utf8Accepted", "Thư", true, "\"Thư\"", "\"Thư\""},
        StringCase{"InvalidUtf8", "\xff", true, "{1}\r\n\xff", "{1}\r\n\xff"},
        StringCase{
            "Long",
            std::string(1025, 'a'),
            false,
            "{1025}\r\n" + std::string(1025, 'a'),
            "{1025}\r\n" + std::string(1025, 'a')},
        StringCase{
            "LongestQuoted",
            std::string(1024, 'a'),
            false,
            "\"" + std::string(1024, 'a') + "\"",
            std::string(1024, 'a')}
    ),
    [](const auto& info) { return info.param.name; }
);

TEST(Response, Nstring) {
    std::string out;
    append_nstring(out, std::nullopt);
    out += " ";
    append_nstring(out, "NIL");
    out += " ";
    append_nstring(out, "");
    EXPECT_EQ(out, "NIL \"NIL\" \"\"");
}

TEST(Response, MailboxNames) {
    auto mailbox = [](std::string_view name, bool utf8) {
        std::string out;
        append_mailbox(out, name, utf8);
        return out;
    };
    EXPECT_EQ(mailbox("INBOX", false), "INBOX");
    EXPECT_EQ(mailbox("Hộp thư đến", false), "\"H&Htk-p th&AbA- &AREevw-n\"");
    EXPECT_EQ(mailbox("Thư/Công văn", false), "\"Th&AbA-/C&APQ-ng v&AQM-n\"");
    EXPECT_EQ(mailbox("Thư/Lưu", false), "Th&AbA-/L&AbA-u");
    EXPECT_EQ(mailbox("A&B", false), "A&-B");
    EXPECT_EQ(mailbox("Hộp thư đến", true), "\"Hộp thư đến\"");
    EXPECT_EQ(mailbox("A&B", true), "A&B");
    EXPECT_EQ(mailbox("", false), "\"\"");
    EXPECT_EQ(mailbox("Nil", false), "\"Nil\"");
}

TEST(Response, FlagList) {
    std::string out;
    append_flag_list(out, std::vector<std::string>{"\\Seen", "$Forwarded"});
    out += " ";
    append_flag_list(out, std::vector<std::string>{});
    EXPECT_EQ(out, "(\\Seen $Forwarded) ()");
}

TEST(Response, Literals) {
    std::string out;
    append_literal(out, "abc");
    append_literal(out, "a\0b"s, true);
    EXPECT_EQ(out, "{3}\r\nabc~{3}\r\na\0b"s);
}

TEST(Response, UntaggedLines) {
    std::string out;
    Response(out).untagged().number(3).atom("EXISTS").end();
    Response(out)
        .untagged()
        .atom("FLAGS")
        .flags(std::vector<std::string>{"\\Seen", "\\Deleted"})
        .end();
    Response(out)
        .untagged()
        .status(Condition::Ok)
        .code("UIDVALIDITY")
        .number(3857529045)
        .end_code()
        .text("UIDs valid")
        .end();
    Response(out)
        .untagged()
        .status(Condition::Ok)
        .code("PERMANENTFLAGS")
        .open()
        .atom("\\Seen")
        .atom("\\*")
        .close()
        .end_code()
        .text("Limited")
        .end();
    EXPECT_EQ(
        out,
        "* 3 EXISTS\r\n"
        "* FLAGS (\\Seen \\Deleted)\r\n"
        "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
        "* OK [PERMANENTFLAGS (\\Seen \\*)] Limited\r\n"
    );
}

TEST(Response, FetchResponse) {
    std::string out;
    Response(out)
        .untagged()
        .number(12)
        .atom("FETCH")
        .open()
        .atom("UID")
        .number(4827313)
        .atom("FLAGS")
        .flags(std::vector<std::string>{"\\Seen"})
        .atom("INTERNALDATE")
        .date_time(std::chrono::sys_days{1996y / 7 / 17} + 9h + 44min + 25s, -420)
        .atom("BODY[HEADER.FIELDS (Subject)]")
        .literal("Subject: x\r\n\r\n")
        .atom("MODSEQ")
        .open()
        .number(624140003)
        .close()
        .close()
        .end();
    EXPECT_EQ(
        out,
        "* 12 FETCH (UID 4827313 FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
        "BODY[HEADER.FIELDS (Subject)] {14}\r\nSubject: x\r\n\r\n MODSEQ (624140003))\r\n"
    );
}

TEST(Response, EnvelopeTokens) {
    std::string out;
    Response(out, true)
        .untagged()
        .number(1)
        .atom("FETCH")
        .open()
        .atom("ENVELOPE")
        .open()
        .string("Wed, 17 Jul 1996 02:23:25 -0700")
        .string("Quyết định số 12")
        .open()
        .open()
        .nstring("Nguyễn Văn A")
        .nil()
        .astring("a")
        .string("example.gov.vn")
        .close()
        .close()
        .nil()
        .close()
        .close()
        .end();
    EXPECT_EQ(
        out,
        "* 1 FETCH (ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700\" \"Quyết định số 12\" "
        "((\"Nguyễn Văn A\" NIL a \"example.gov.vn\")) NIL))\r\n"
    );
}

TEST(Response, TaggedWithCode) {
    std::string out;
    Response(out)
        .tagged("A003")
        .status(Condition::Ok)
        .code("APPENDUID")
        .number(38505)
        .number(3955)
        .end_code()
        .text("APPEND completed")
        .end();
    Response(out)
        .tagged("a2")
        .status(Condition::No)
        .code("TRYCREATE")
        .end_code()
        .text("No such mailbox")
        .end();
    Response(out).tagged("a3").status(Condition::Bad).text("line1\r\nline2").end();
    Response(out).untagged().status(Condition::Bye).text("Logging out").end();
    Response(out).untagged().status(Condition::PreAuth).text("Welcome").end();
    EXPECT_EQ(
        out,
        "A003 OK [APPENDUID 38505 3955] APPEND completed\r\n"
        "a2 NO [TRYCREATE] No such mailbox\r\n"
        "a3 BAD line1  line2\r\n"
        "* BYE Logging out\r\n"
        "* PREAUTH Welcome\r\n"
    );
}

TEST(Response, Continuations) {
    std::string out;
    Response(out).continuation().text("Ready").end();
    Response(out).continuation().text("").end();
    EXPECT_EQ(out, "+ Ready\r\n+ \r\n");
}

TEST(Response, ListAndStatus) {
    std::string out;
    Response(out)
        .untagged()
        .atom("LIST")
        .open()
        .atom("\\HasNoChildren")
        .atom("\\Sent")
        .close()
        .string("/")
        .mailbox("Thư đã gửi")
        .end();
    Response(out)
        .untagged()
        .atom("STATUS")
        .mailbox("INBOX")
        .open()
        .atom("MESSAGES")
        .number(17)
        .atom("UIDNEXT")
        .number(4392)
        .close()
        .end();
    EXPECT_EQ(
        out,
        "* LIST (\\HasNoChildren \\Sent) \"/\" \"Th&AbA- &AREA4w- g&Hu0-i\"\r\n"
        "* STATUS INBOX (MESSAGES 17 UIDNEXT 4392)\r\n"
    );
}

// A body too large to copy: the builder writes the header, the shell sends the bytes, and the
// same builder finishes the line in the emptied buffer.
TEST(Response, StreamedLiteral) {
    std::string out;
    std::string sent;
    Response response(out);
    response.untagged().number(1).atom("FETCH").open().atom("BODY[]").literal_header(5);
    sent += out;
    out.clear();
    sent += "hello";
    response.atom("UID").number(9).close().end();
    sent += out;
    EXPECT_EQ(sent, "* 1 FETCH (BODY[] {5}\r\nhello UID 9)\r\n");
    std::string binary;
    Response(binary)
        .untagged()
        .number(1)
        .atom("FETCH")
        .open()
        .atom("BINARY[1]")
        .literal_header(3, true);
    EXPECT_EQ(binary, "* 1 FETCH (BINARY[1] ~{3}\r\n");
}

TEST(Response, CanQuote) {
    EXPECT_TRUE(can_quote("plain"));
    EXPECT_FALSE(can_quote("a\rb"));
    EXPECT_FALSE(can_quote("é"));
    EXPECT_TRUE(can_quote("é", true));
    EXPECT_FALSE(can_quote("\xc3", true));
    EXPECT_TRUE(can_quote(std::string(kMaxQuoted, 'x')));
    EXPECT_FALSE(can_quote(std::string(kMaxQuoted + 1, 'x')));
}

}  // namespace
}  // namespace govmail::imap
