#include "imap/command.hpp"

#include "tests/imap/command_dump.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace govmail::imap {
namespace {

using namespace std::string_literals;

// Frames `wire` + CRLF (accepting every literal) and parses the one request it holds:
// "<tag> <dump>" or "BAD <tag> <text>".
std::string parse(const std::string& wire, const ParseOptions& options = {}) {
    net::InputBuffer input;
    std::string bytes = wire + "\r\n";
    auto space = input.prepare(bytes.size());
    std::copy(bytes.begin(), bytes.end(), space.begin());
    input.commit(bytes.size());
    Framer framer;
    for (;;) {
        Event event = framer.next(input);
        if (std::holds_alternative<NeedLiteral>(event)) {
            framer.accept_literal();
            continue;
        }
        auto* request = std::get_if<Request>(&event);
        if (request == nullptr) {
            return "framer did not produce a request";
        }
        auto parsed = parse_command(std::move(*request), options);
        if (!parsed) {
            return "BAD " + parsed.error().tag + " " + parsed.error().text;
        }
        return parsed->tag + " " + test::dump(parsed->command);
    }
}

struct Case {
    const char* name;
    std::string wire;
    std::string expected;
    ParseOptions options = {};
};

std::ostream& operator<<(std::ostream& out, const Case& c) {
    return out << c.name;
}

class Commands : public testing::TestWithParam<Case> {};

TEST_P(Commands, Parse) {
    EXPECT_EQ(parse(GetParam().wire, GetParam().options), GetParam().expected);
}

std::string name_of(const testing::TestParamInfo<Case>& info) {
    return info.param.name;
}

constexpr ParseOptions kUtf8{.utf8_names = true};

INSTANTIATE_TEST_SUITE_P(
    Tags,
    Commands,
    testing::Values(
        Case{"Lowercase", "a1 capability", "a1 CAPABILITY"},
        Case{"BracketInTag", "a]1 NOOP", "a]1 NOOP"},
        Case{"PlusInTag", "+a NOOP", "BAD * Missing or invalid tag"},
        Case{"BraceInTag", "a{ NOOP", "BAD * Missing or invalid tag"},
        Case{"LeadingSpace", " NOOP", "BAD * Missing or invalid tag"},
        Case{"TagOnly", "a1", "BAD a1 Missing command"},
        Case{"TagAndSpace", "a1 ", "BAD a1 Missing command"},
        Case{"Unknown", "a1 FOO", "BAD a1 Unknown command FOO"},
        Case{"UnknownUid", "a1 UID FOO 1", "BAD a1 Unknown command UID FOO"},
        Case{"UidAlone", "a1 UID", "BAD a1 Unknown command UID"},
        Case{"UidNotForLogin", "a1 UID LOGIN a b", "BAD a1 Unknown command UID LOGIN"}
    ),
    name_of
);

INSTANTIATE_TEST_SUITE_P(
    NoArguments,
    Commands,
    testing::Values(
        Case{"Capability", "a1 CAPABILITY", "a1 CAPABILITY"},
        Case{"Noop", "a1 NOOP", "a1 NOOP"},
        Case{"Logout", "a1 LOGOUT", "a1 LOGOUT"},
        Case{"StartTls", "a1 starttls", "a1 STARTTLS"},
        Case{"Namespace", "a1 NAMESPACE", "a1 NAMESPACE"},
        Case{"Idle", "a1 IDLE", "a1 IDLE"},
        Case{"Check", "a1 CHECK", "a1 CHECK"},
        Case{"Close", "a1 CLOSE", "a1 CLOSE"},
        Case{"Unselect", "a1 UNSELECT", "a1 UNSELECT"},
        Case{"Expunge", "a1 EXPUNGE", "a1 EXPUNGE"},
        Case{"ExtraArgument", "a1 NOOP extra", "BAD a1 NOOP: unexpected arguments near \" extra\""},
        Case{"TrailingSpace", "a1 LOGOUT ", "BAD a1 LOGOUT: unexpected arguments near \" \""},
        Case{"ExpungeWithSet", "a1 EXPUNGE 1", "BAD a1 EXPUNGE: unexpected arguments near \" 1\""}
    ),
    name_of
);

INSTANTIATE_TEST_SUITE_P(
    Authentication,
    Commands,
    testing::Values(
        Case{"Login", "a1 LOGIN alice secret", "a1 LOGIN user=\"alice\" password=\"secret\""},
        Case{
            "LoginQuoted",
            R"(a1 LOGIN "alice@stttt.example.gov.vn" "p\"w\\d x")",
            R"(a1 LOGIN user="alice@stttt.example.gov.vn" password="p\"w\\d x")"},
        Case{
            "LoginLiterals",
            "a1 LOGIN {5}\r\nalice {7+}\r\nsec ret",
            "a1 LOGIN user=\"alice\" password=\"sec ret\""},
        Case{
            "LoginUtf8Password",
            "a1 LOGIN an \"mật khẩu\"",
            "a1 LOGIN user=\"an\" password=\"mật khẩu\""},
        Case{
            "LoginMissingPassword",
            "a1 LOGIN alice",
            "BAD a1 LOGIN: expected SP at end of command"},
        Case{
            "LoginUnterminated",
            "a1 LOGIN alice \"secret",
            "BAD a1 LOGIN: unterminated quoted string"},
        Case{
            "LoginBadEscape",
            R"(a1 LOGIN alice "a\x")",
            "BAD a1 LOGIN: invalid escape in quoted string"},
        Case{"LoginNul", "a1 LOGIN {3}\r\na\0b c"s, "BAD a1 LOGIN: NUL is not allowed in a string"},
        Case{
            "LoginBinaryLiteral",
            "a1 LOGIN ~{3}\r\nabc c",
            "BAD a1 LOGIN: binary literal ~{n} is only allowed for message data"},
        Case{
            "LoginParenthesis",
            "a1 LOGIN (alice) x",
            "BAD a1 LOGIN: expected user name near \"(alice) x\""},
        Case{"Authenticate", "a1 AUTHENTICATE PLAIN", "a1 AUTHENTICATE PLAIN"},
        Case{
            "AuthenticateInitialResponse",
            "a1 authenticate plain AGFsaWNlAHNlY3JldA==",
            "a1 AUTHENTICATE PLAIN ir=\"\\0alice\\0secret\""},
        Case{
            "AuthenticateEmptyResponse",
            "a1 AUTHENTICATE PLAIN =",
            "a1 AUTHENTICATE PLAIN ir=\"\""},
        Case{
            "AuthenticateBadBase64",
            "a1 AUTHENTICATE PLAIN AGFsaWN",
            "BAD a1 AUTHENTICATE: initial response is not valid BASE64"},
        Case{
            "AuthenticateNoMechanism",
            "a1 AUTHENTICATE",
            "BAD a1 AUTHENTICATE: expected SP at end of command"}
    ),
    name_of
);

INSTANTIATE_TEST_SUITE_P(
    Mailboxes,
    Commands,
    testing::Values(
        Case{"Select", "a1 SELECT INBOX", "a1 SELECT mailbox=\"INBOX\""},
        Case{"SelectInboxAnyCase", "a1 select inbox", "a1 SELECT mailbox=\"INBOX\""},
        Case{"SelectInboxChild", "a1 SELECT Inbox/Sub", "a1 SELECT mailbox=\"INBOX/Sub\""},
        Case{"SelectInboxPrefixOnly", "a1 SELECT InboxSub", "a1 SELECT mailbox=\"InboxSub\""},
        Case{"SelectQuotedEmpty", "a1 SELECT \"\"", "a1 SELECT mailbox=\"\""},
        Case{
            "ExamineVietnamese",
            "a1 EXAMINE \"H&Htk-p th&AbA- &AREevw-n\"",
            "a1 EXAMINE mailbox=\"Hộp thư đến\""},
        Case{
            "SelectCondstore",
            "a1 SELECT INBOX (CONDSTORE)",
            "a1 SELECT mailbox=\"INBOX\" condstore"},
        Case{
            "SelectQresync",
            "a1 SELECT INBOX (QRESYNC (67890007 90060115194045000 41,43:211,214:541))",
            "a1 SELECT mailbox=\"INBOX\" qresync=(67890007 90060115194045000 "
            "known-uids=41,43:211,214:541)"},
        Case{
            "SelectQresyncSeqMatch",
            "a1 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211 (1:3 41:43)))",
            "a1 SELECT mailbox=\"INBOX\" qresync=(67890007 90060115194045000 known-uids=41:211 "
            "seqs=1:3 uids=41:43)"},
        Case{
            "SelectQresyncOnlySeqMatch",
            "a1 SELECT INBOX (CONDSTORE QRESYNC (1 2 (1 5)))",
            "a1 SELECT mailbox=\"INBOX\" condstore qresync=(1 2 seqs=1 uids=5)"},
        Case{
            "SelectQresyncStar",
            "a1 SELECT INBOX (QRESYNC (1 5 1:*))",
            "BAD a1 SELECT: \"*\" is not allowed in this sequence set \"1:*\""},
        Case{
            "SelectQresyncZeroUidValidity",
            "a1 SELECT INBOX (QRESYNC (0 5))",
            "BAD a1 SELECT: expected UIDVALIDITY (1 to 4294967295) near \"0 5))\""},
        Case{
            "SelectQresyncZeroModSeq",
            "a1 SELECT INBOX (QRESYNC (1 0))",
            "BAD a1 SELECT: expected mod-sequence (1 to 9223372036854775807) near \"0))\""},
        Case{
            "SelectQresyncTwice",
            "a1 SELECT INBOX (QRESYNC (1 2) QRESYNC (1 2))",
            "BAD a1 SELECT: QRESYNC given twice"},
        Case{
            "SelectUnknownParameter",
            "a1 SELECT INBOX (FOO)",
            "BAD a1 SELECT: unknown select parameter near \")\""},
        Case{
            "SelectEmptyParameters",
            "a1 SELECT INBOX ()",
            "BAD a1 SELECT: unknown select parameter near \")\""},
        Case{
            "SelectUnterminatedShift",
            "a1 SELECT &Jjo",
            "BAD a1 SELECT: mailbox name is not modified UTF-7: unterminated \"&\" shift"},
        Case{
            "SelectRawUtf8WithoutUtf8Accept",
            "a1 SELECT \"Hộp thư\"",
            "BAD a1 SELECT: mailbox name is not modified UTF-7: 8-bit or control character"},
        Case{"SelectUtf8", "a1 SELECT \"Hộp thư đến\"", "a1 SELECT mailbox=\"Hộp thư đến\"", kUtf8},
        Case{
            "SelectUtf8KeepsAmpersand",
            "a1 SELECT \"&AGE-\"",
            "a1 SELECT mailbox=\"&AGE-\"",
            kUtf8},
        Case{
            "SelectUtf8Literal",
            "a1 SELECT {6}\r\nTh\xc6\xb0 x",
            "a1 SELECT mailbox=\"Thư x\"",
            kUtf8},
        Case{
            "SelectInvalidUtf8",
            "a1 SELECT \"\xff\"",
            "BAD a1 SELECT: mailbox name is not valid UTF-8",
            kUtf8},
        Case{"SelectMissingName", "a1 SELECT", "BAD a1 SELECT: expected SP at end of command"},
        Case{"Create", "a1 CREATE \"Th&AbA- nh&AOE-p\"", "a1 CREATE mailbox=\"Thư nháp\""},
        Case{
            "CreateUse",
            "a1 CREATE Drafts (USE (\\Drafts))",
            "a1 CREATE mailbox=\"Drafts\" use=\\Drafts"},
        Case{
            "CreateUseSeveral",
            "a1 CREATE Archive (use (\\archive \\Foo))",
            "a1 CREATE mailbox=\"Archive\" use=\\Archive,\\Foo"},
        Case{"CreateUseEmpty", "a1 CREATE Archive (USE ())", "a1 CREATE mailbox=\"Archive\""},
        Case{
            "CreateUnknownParameter",
            "a1 CREATE x (FOO)",
            "BAD a1 CREATE: unknown CREATE parameter near \"FOO)\""},
        Case{
            "CreateRawUtf8",
            "a1 CREATE \"Thư nháp\"",
            "BAD a1 CREATE: mailbox name is not modified UTF-7: 8-bit or control character"},
        Case{
            "CreateEncodedAscii",
            "a1 CREATE &AGE-",
            "BAD a1 CREATE: mailbox name is not modified UTF-7: printable ASCII must not be "
            "encoded"},
        Case{"Delete", "a1 DELETE Junk", "a1 DELETE mailbox=\"Junk\""},
        Case{"Rename", "a1 RENAME \"Old name\" New", "a1 RENAME from=\"Old name\" to=\"New\""},
        Case{"RenameMissingTarget", "a1 RENAME a", "BAD a1 RENAME: expected SP at end of command"},
        Case{"Subscribe", "a1 SUBSCRIBE INBOX/Lists", "a1 SUBSCRIBE mailbox=\"INBOX/Lists\""},
        Case{"Unsubscribe", "a1 UNSUBSCRIBE inbox", "a1 UNSUBSCRIBE mailbox=\"INBOX\""},
        Case{
            "Status",
            "a1 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT "
            "HIGHESTMODSEQ "
            "APPENDLIMIT)",
            "a1 STATUS mailbox=\"INBOX\" "
            "items=MESSAGES,UIDNEXT,UIDVALIDITY,UNSEEN,DELETED,SIZE,RECENT,HIGHESTMODSEQ,"
            "APPENDLIMIT"},
        Case{
            "StatusLowercase",
            "a1 status Sent (messages)",
            "a1 STATUS mailbox=\"Sent\" items=MESSAGES"},
        Case{"StatusEmpty", "a1 STATUS INBOX ()", "BAD a1 STATUS: unknown status item near \")\""},
        Case{
            "StatusUnknown",
            "a1 STATUS INBOX (FOO)",
            "BAD a1 STATUS: unknown status item near \"FOO)\""},
        Case{
            "StatusNoList",
            "a1 STATUS INBOX MESSAGES",
            "BAD a1 STATUS: expected \"(\" near \"MESSAGES\""}
    ),
    name_of
);

INSTANTIATE_TEST_SUITE_P(
    Listing,
    Commands,
    testing::Values(
        Case{"List", "a1 LIST \"\" *", "a1 LIST ref=\"\" patterns=[\"*\"]"},
        Case{"ListPercent", "a1 LIST ~/Mail/ %", "a1 LIST ref=\"~/Mail/\" patterns=[\"%\"]"},
        Case{"ListDelimiter", "a1 LIST \"\" \"\"", "a1 LIST ref=\"\" patterns=[\"\"]"},
        Case{"ListInbox", "a1 LIST \"\" inbox/%", "a1 LIST ref=\"\" patterns=[\"INBOX/%\"]"},
        Case{"ListBracket", "a1 LIST \"\" ]x*", "a1 LIST ref=\"\" patterns=[\"]x*\"]"},
        Case{
            "ListModifiedUtf7",
            "a1 LIST \"\" \"Th&AbA-*\"",
            "a1 LIST ref=\"\" patterns=[\"Thư*\"]"},
        Case{
            "ListSelectionOptions",
            "a1 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" %",
            "a1 LIST ref=\"\" patterns=[\"%\"] extended select=SUBSCRIBED,RECURSIVEMATCH"},
        Case{
            "ListSpecialUse",
            "a1 LIST (SPECIAL-USE) \"\" *",
            "a1 LIST ref=\"\" patterns=[\"*\"] extended select=SPECIAL-USE"},
        Case{
            "ListEmptySelection",
            "a1 LIST () \"\" %",
            "a1 LIST ref=\"\" patterns=[\"%\"] extended"},
        Case{
            "ListRecursiveMatchAlone",
            "a1 LIST (RECURSIVEMATCH) \"\" %",
            "BAD a1 LIST: RECURSIVEMATCH needs another selection option"},
        Case{
            "ListRecursiveMatchRemote",
            "a1 LIST (REMOTE RECURSIVEMATCH) \"\" %",
            "BAD a1 LIST: RECURSIVEMATCH needs another selection option"},
        Case{
            "ListPatterns",
            "a1 LIST \"\" (INBOX Drafts \"Sent Items\")",
            "a1 LIST ref=\"\" patterns=[\"INBOX\",\"Drafts\",\"Sent Items\"] extended"},
        Case{
            "ListReturnChildren",
            "a1 LIST \"\" % RETURN (CHILDREN SUBSCRIBED)",
            "a1 LIST ref=\"\" patterns=[\"%\"] extended return=SUBSCRIBED,CHILDREN"},
        Case{
            "ListReturnStatus",
            "a1 LIST \"\" % RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))",
            "a1 LIST ref=\"\" patterns=[\"%\"] extended "
            "return=SPECIAL-USE,STATUS(MESSAGES,UNSEEN)"},
        Case{
            "ListReturnEmpty",
            "a1 LIST \"\" % RETURN ()",
            "a1 LIST ref=\"\" patterns=[\"%\"] extended"},
        Case{
            "ListReturnUnknown",
            "a1 LIST \"\" % RETURN (FOO)",
            "BAD a1 LIST: unknown return option near \"FOO)\""},
        Case{
            "ListReturnMissingList",
            "a1 LIST \"\" % RETURN",
            "BAD a1 LIST: expected SP at end of command"},
        Case{
            "ListTrailingWord",
            "a1 LIST \"\" % EXTRA",
            "BAD a1 LIST: expected RETURN near \"EXTRA\""},
        Case{
            "ListUnknownSelection",
            "a1 LIST (FOO) \"\" %",
            "BAD a1 LIST: unknown selection option near \"FOO) \"\" %\""},
        Case{"ListMissingPattern", "a1 LIST \"\"", "BAD a1 LIST: expected SP at end of command"},
        Case{"Lsub", "a1 LSUB \"\" *", "a1 LSUB ref=\"\" pattern=\"*\""}
    ),
    name_of
);

INSTANTIATE_TEST_SUITE_P(
    Appending,
    Commands,
    testing::Values(
        Case{
            "Append",
            "a1 APPEND INBOX {5}\r\nhello",
            "a1 APPEND mailbox=\"INBOX\" [data=\"hello\"]"},
        Case{
            "AppendFlagsAndDate",
            "a1 APPEND Sent (\\Seen \\draft $Forwarded) \"17-Jul-1996 02:44:25 -0700\" "
            "{5+}\r\nhello",
            "a1 APPEND mailbox=\"Sent\" [flags=(\\Seen \\Draft $Forwarded) "
            "date=1996-07-17T02:44:25-420 "
            "data=\"hello\"]"},
        Case{
            "AppendNoFlags",
            "a1 APPEND INBOX () {2}\r\nhi",
            "a1 APPEND mailbox=\"INBOX\" [data=\"hi\"]"},
        Case{
            "AppendFixedDay",
            "a1 APPEND INBOX \" 7-Jul-1996 02:44:25 +0700\" {2}\r\nhi",
            "a1 APPEND mailbox=\"INBOX\" [date=1996-07-07T02:44:25+420 data=\"hi\"]"},
        Case{
            "AppendCrlfInMessage",
            "a1 APPEND INBOX {12}\r\nSubject: x\r\n",
            "a1 APPEND mailbox=\"INBOX\" [data=\"Subject: x\\r\\n\"]"},
        Case{
            "MultiAppend",
            "a1 APPEND INBOX (\\Seen) {3}\r\none {3+}\r\ntwo (\\Flagged) {5}\r\nthree",
            "a1 APPEND mailbox=\"INBOX\" [flags=(\\Seen) data=\"one\"; data=\"two\"; "
            "flags=(\\Flagged) "
            "data=\"three\"]"},
        Case{
            "AppendBinary",
            "a1 APPEND INBOX ~{3}\r\na\0b"s,
            "a1 APPEND mailbox=\"INBOX\" [data=\"a\\0b\" binary]"},
        Case{
            "AppendUtf8",
            "a1 APPEND INBOX UTF8 (~{3}\r\nabc)",
            "a1 APPEND mailbox=\"INBOX\" [data=\"abc\" binary utf8]"},
        Case{
            "AppendQuotedMessage",
            "a1 APPEND INBOX \"hello\"",
            "BAD a1 APPEND: invalid date-time (expected \"dd-Mon-yyyy hh:mm:ss +zzzz\"): "
            "\"hello\""},
        Case{
            "AppendAtomMessage",
            "a1 APPEND INBOX hello",
            "BAD a1 APPEND: expected message literal near \"hello\""},
        Case{"AppendNoMessage", "a1 APPEND INBOX", "BAD a1 APPEND: expected SP at end of command"},
        Case{
            "AppendTrailingSpace",
            "a1 APPEND INBOX {1}\r\nx ",
            "BAD a1 APPEND: expected message literal at end of command"},
        Case{
            "AppendRecent",
            "a1 APPEND INBOX (\\Recent) {1}\r\nx",
            "BAD a1 APPEND: \\Recent cannot be set by clients"},
        Case{
            "AppendUnknownSystemFlag",
            "a1 APPEND INBOX (\\Foo) {1}\r\nx",
            "BAD a1 APPEND: unknown system flag \\Foo"},
        Case{
            "AppendBadDate",
            "a1 APPEND INBOX \"31-Feb-2024 00:00:00 +0000\" {1}\r\nx",
            "BAD a1 APPEND: invalid date-time (expected \"dd-Mon-yyyy hh:mm:ss +zzzz\"): "
            "\"31-Feb-2024 00:00:00 +0000\""},
        Case{
            "AppendUtf8WithoutLiteral",
            "a1 APPEND INBOX UTF8 (abc)",
            "BAD a1 APPEND: expected literal after UTF8 ( near \"abc)\""}
    ),
    name_of
);

INSTANTIATE_TEST_SUITE_P(
    Searching,
    Commands,
    testing::Values(
        Case{"All", "a1 SEARCH ALL", "a1 SEARCH key=ALL"},
        Case{"Uid", "a1 UID SEARCH UNSEEN", "a1 SEARCH uid key=UNSEEN"},
        Case{
            "Rfc9051Example",
            "a1 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
            "a1 SEARCH key=AND(FLAGGED,SINCE(1994-02-01),NOT(FROM(\"Smith\")))"},
        Case{
            "OrOfGroups",
            "a1 SEARCH OR (SEEN FLAGGED) (UNSEEN UID 1:5)",
            "a1 SEARCH key=OR(AND(SEEN,FLAGGED),AND(UNSEEN,UID(1:5)))"},
        Case{"SingleGroup", "a1 SEARCH (SEEN)", "a1 SEARCH key=SEEN"},
        Case{
            "NestedGroups",
            "a1 SEARCH ((SEEN) (NOT (DRAFT)))",
            "a1 SEARCH key=AND(SEEN,NOT(DRAFT))"},
        Case{
            "SequenceSetKey",
            "a1 SEARCH 1:3,5 UNDELETED",
            "a1 SEARCH key=AND(SEQ(1:3,5),UNDELETED)"},
        Case{"SavedResult", "a1 SEARCH $", "a1 SEARCH key=SEQ($)"},
        Case{"UidSavedResult", "a1 UID SEARCH UID $ SEEN", "a1 SEARCH uid key=AND(UID($),SEEN)"},
        Case{
            "CharsetLiteral",
            "a1 SEARCH CHARSET UTF-8 SUBJECT {15}\r\nQuyết định",
            "a1 SEARCH charset=UTF-8 key=SUBJECT(\"Quyết định\")"},
        Case{
            "CharsetLowercase",
            "a1 SEARCH charset utf-8 TEXT \"quyet dinh\"",
            "a1 SEARCH charset=UTF-8 key=TEXT(\"quyet dinh\")"},
        Case{
            "Header",
            "a1 SEARCH HEADER Message-ID \"<abc@x>\" HEADER X-Priority \"\"",
            "a1 SEARCH key=AND(HEADER(\"Message-ID\",\"<abc@x>\"),HEADER(\"X-Priority\",\"\"))"},
        Case{
            "Keywords",
            "a1 SEARCH KEYWORD $Forwarded UNKEYWORD $Junk",
            "a1 SEARCH key=AND(KEYWORD(\"$Forwarded\"),UNKEYWORD(\"$Junk\"))"},
        Case{
            "Sizes",
            "a1 SEARCH LARGER 1000 SMALLER 99999",
            "a1 SEARCH key=AND(LARGER(1000),SMALLER(99999))"},
        Case{
            "Dates",
            "a1 SEARCH BEFORE \"1-Jan-2024\" ON 2-jan-2024 SENTBEFORE 1-Jan-2024 SENTON "
            "01-Jan-2024 "
            "SENTSINCE 31-Dec-2023",
            "a1 SEARCH key=AND(BEFORE(2024-01-01),ON(2024-01-02),SENTBEFORE(2024-01-01),"
            "SENTON(2024-01-01),SENTSINCE(2023-12-31))"},
        Case{
            "EveryFlagKey",
            "a1 SEARCH ANSWERED DELETED DRAFT NEW OLD RECENT SEEN UNANSWERED UNDELETED UNDRAFT "
            "UNFLAGGED UNSEEN",
            "a1 SEARCH key=AND(ANSWERED,DELETED,DRAFT,NEW,OLD,RECENT,SEEN,UNANSWERED,UNDELETED,"
            "UNDRAFT,UNFLAGGED,UNSEEN)"},
        Case{
            "AddressKeys",
            "a1 SEARCH BCC x CC y TO z BODY w",
            "a1 SEARCH key=AND(BCC(\"x\"),CC(\"y\"),TO(\"z\"),BODY(\"w\"))"},
        Case{"ModSeq", "a1 SEARCH MODSEQ 620162338", "a1 SEARCH key=MODSEQ(620162338)"},
        Case{
            "ModSeqEntry",
            "a1 SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338",
            "a1 SEARCH key=MODSEQ(\"/flags/\\\\draft\",all,620162338)"},
        Case{
            "ModSeqBadEntryType",
            "a1 SEARCH MODSEQ \"/flags/x\" bogus 5",
            "BAD a1 SEARCH: expected priv, shared or all near \"bogus 5\""},
        Case{
            "ReturnOptions",
            "a1 SEARCH RETURN (MIN MAX COUNT) UNSEEN",
            "a1 SEARCH return=(MIN MAX COUNT) key=UNSEEN"},
        Case{"ReturnEmptyMeansAll", "a1 SEARCH RETURN () ALL", "a1 SEARCH return=(ALL) key=ALL"},
        Case{
            "ReturnSaveWithCharset",
            "a1 UID SEARCH RETURN (SAVE ALL) CHARSET US-ASCII FLAGGED",
            "a1 SEARCH uid charset=US-ASCII return=(ALL SAVE) key=FLAGGED"},
        Case{
            "ReturnUnknown",
            "a1 SEARCH RETURN (FOO) ALL",
            "BAD a1 SEARCH: unknown RETURN option near \"FOO) ALL\""},
        Case{"Empty", "a1 SEARCH", "BAD a1 SEARCH: expected SP at end of command"},
        Case{"UnknownKey", "a1 SEARCH FOO", "BAD a1 SEARCH: unknown search key \"FOO\""},
        Case{
            "BadDate",
            "a1 SEARCH SINCE 31-Feb-2024",
            "BAD a1 SEARCH: invalid date (expected d-Mon-yyyy): \"31-Feb-2024\""},
        Case{"UnclosedGroup", "a1 SEARCH (SEEN", "BAD a1 SEARCH: expected \")\" at end of command"},
        Case{"OrNeedsTwo", "a1 SEARCH OR SEEN", "BAD a1 SEARCH: expected SP at end of command"},
        Case{"NotNeedsOne", "a1 SEARCH NOT", "BAD a1 SEARCH: expected SP at end of command"},
        Case{
            "ZeroNumber",
            "a1 SEARCH 0",
            "BAD a1 SEARCH: 0 is not a valid message number or UID \"0\""},
        Case{
            "UidOverflow",
            "a1 SEARCH UID 4294967296",
            "BAD a1 SEARCH: number out of range (1 to 4294967295) \"4294967296\""},
        Case{
            "SavedInList", "a1 SEARCH 1:*,$", "BAD a1 SEARCH: \"$\" is not allowed here \"1:*,$\""},
        Case{
            "NegativeSize",
            "a1 SEARCH LARGER -1",
            "BAD a1 SEARCH: expected size (0 to 9223372036854775807) near \"-1\""},
        Case{
            "KeywordIsSystemFlag",
            "a1 SEARCH KEYWORD \\Seen",
            "BAD a1 SEARCH: expected keyword near \"\\Seen\""},
        Case{
            "BadHeaderName",
            "a1 SEARCH HEADER \"Sub ject\" x",
            "BAD a1 SEARCH: invalid header field name \"Sub ject\""},
        Case{
            "NotNestedAtLimit",
            "a1 SEARCH " +
                [] {
                    std::string s;
                    for (int i = 0; i < 31; ++i) {
                        s += "NOT ";
                    }
                    return s;
                }() +
                "SEEN",
            [] {
                std::string s = "a1 SEARCH key=";
                for (int i = 0; i < 31; ++i) {
                    s += "NOT(";
                }
                s += "SEEN";
                for (int i = 0; i < 31; ++i) {
                    s += ")";
                }
                return s;
            }()},
        Case{
            "NotNestedTooDeep",
            "a1 SEARCH " +
                [] {
                    std::string s;
                    for (int i = 0; i < 40; ++i) {
                        s += "NOT ";
                    }
                    return s;
                }() +
                "SEEN",
            "BAD a1 SEARCH: search keys nested too deeply"},
        Case{
            "ParenthesesTooDeep",
            "a1 SEARCH " + std::string(100, '(') + "SEEN" + std::string(100, ')'),
            "BAD a1 SEARCH: search keys nested too deeply"}
    ),
    name_of
);

INSTANTIATE_TEST_SUITE_P(
    Fetching,
    Commands,
    testing::Values(
        Case{"Flags", "a1 FETCH 1 FLAGS", "a1 FETCH set=1 items=[FLAGS]"},
        Case{
            "All",
            "a1 FETCH 1:* ALL",
            "a1 FETCH set=1:* items=[FLAGS INTERNALDATE RFC822.SIZE ENVELOPE]"},
        Case{"Fast", "a1 FETCH 1 fast", "a1 FETCH set=1 items=[FLAGS INTERNALDATE RFC822.SIZE]"},
        Case{
            "Full",
            "a1 FETCH 1 FULL",
            "a1 FETCH set=1 items=[FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY]"},
        Case{
            "EverySimpleItem",
            "a1 FETCH 2:4 (FLAGS UID INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY MODSEQ "
            "RFC822 "
            "RFC822.HEADER RFC822.TEXT)",
            "a1 FETCH set=2:4 items=[FLAGS UID INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE "
            "BODY MODSEQ "
            "RFC822 RFC822.HEADER/peek RFC822.TEXT]"},
        Case{
            "HeaderFieldsPeek",
            "a1 UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (From To Subject)] BODY[])",
            "a1 FETCH uid set=1:* items=[BODY[HEADER.FIELDS (From To Subject)]/peek BODY[]]"},
        Case{
            "Sections",
            "a1 FETCH 1 (BODY[1.2.MIME] BODY[2.HEADER] BODY[3.TEXT] BODY[4] BODY[TEXT]<0.1024> "
            "BODY[HEADER.FIELDS.NOT (Received)] BODY[1.HEADER.FIELDS (\"X Y\")])",
            "BAD a1 FETCH: invalid header field name \"X Y\""},
        Case{
            "SectionsValid",
            "a1 FETCH 1 (BODY[1.2.MIME] BODY[2.HEADER] BODY[3.TEXT] BODY[4] BODY[TEXT]<0.1024> "
            "BODY[HEADER.FIELDS.NOT (Received)] BODY[1.HEADER.FIELDS (\"X-Y]\")])",
            "a1 FETCH set=1 items=[BODY[1.2.MIME] BODY[2.HEADER] BODY[3.TEXT] BODY[4] "
            "BODY[TEXT]<0>/len=1024 "
            "BODY[HEADER.FIELDS.NOT (Received)] BODY[1.HEADER.FIELDS (X-Y])]]"},
        Case{
            "PeekPartial",
            "a1 FETCH 1 BODY.PEEK[]<100.200>",
            "a1 FETCH set=1 items=[BODY[]<100>/peek/len=200]"},
        Case{
            "Binary",
            "a1 FETCH 1 (BINARY[1] BINARY.PEEK[1.2]<0.10> BINARY.SIZE[2] BINARY[])",
            "a1 FETCH set=1 items=[BINARY[1] BINARY[1.2]<0>/peek/len=10 BINARY.SIZE[2] BINARY[]]"},
        Case{
            "FieldCaseKept",
            "a1 FETCH 1 body[header.fields (from)]",
            "a1 FETCH set=1 items=[BODY[HEADER.FIELDS (from)]]"},
        Case{
            "ChangedSinceVanished",
            "a1 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)",
            "a1 FETCH uid set=1:* items=[FLAGS] changedsince=12345 vanished"},
        Case{
            "ChangedSince",
            "a1 FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)",
            "a1 FETCH set=1:* items=[FLAGS] changedsince=12345"},
        Case{"SavedResult", "a1 FETCH $ FLAGS", "a1 FETCH set=$ items=[FLAGS]"},
        Case{
            "VanishedWithoutChangedSince",
            "a1 UID FETCH 1:* FLAGS (VANISHED)",
            "BAD a1 UID FETCH: VANISHED requires UID FETCH with CHANGEDSINCE"},
        Case{
            "VanishedWithoutUid",
            "a1 FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)",
            "BAD a1 FETCH: VANISHED requires UID FETCH with CHANGEDSINCE"},
        Case{
            "UnknownModifier",
            "a1 FETCH 1 (FLAGS) (FOO)",
            "BAD a1 FETCH: unknown FETCH modifier near \"FOO)\""},
        Case{"MimeAtTop", "a1 FETCH 1 BODY[MIME]", "BAD a1 FETCH: invalid section near \"MIME]\""},
        Case{
            "BadSectionText",
            "a1 FETCH 1 BODY[1.FOO]",
            "BAD a1 FETCH: invalid section text near \"FOO]\""},
        Case{
            "PartZero",
            "a1 FETCH 1 BODY[0]",
            "BAD a1 FETCH: expected part number (1 to 4294967295) near \"0]\""},
        Case{
            "EmptyFieldList",
            "a1 FETCH 1 BODY[HEADER.FIELDS ()]",
            "BAD a1 FETCH: expected header field name near \")]\""},
        // "]" is an ASTRING-CHAR, so "From]" is one field name.
        Case{
            "UnclosedFieldList",
            "a1 FETCH 1 BODY[HEADER.FIELDS (From]",
            "BAD a1 FETCH: expected \")\" at end of command"},
        Case{
            "ZeroLengthPartial",
            "a1 FETCH 1 BODY[]<0.0>",
            "BAD a1 FETCH: partial length must not be 0 near \"0>\""},
        Case{
            "PeekWithoutSection",
            "a1 FETCH 1 BODY.PEEK",
            "BAD a1 FETCH: expected \"[\" after BODY.PEEK at end of command"},
        Case{
            "BinaryText",
            "a1 FETCH 1 BINARY[TEXT]",
            "BAD a1 FETCH: expected part number (1 to 4294967295) near \"TEXT]\""},
        Case{"UnknownItem", "a1 FETCH 1 FLAG", "BAD a1 FETCH: unknown fetch attribute \"FLAG\""},
        Case{"EmptyList", "a1 FETCH 1 ()", "BAD a1 FETCH: expected fetch attribute near \")\""},
        Case{"UnclosedList", "a1 FETCH 1 (FLAGS", "BAD a1 FETCH: expected \")\" at end of command"},
        Case{"NoSet", "a1 FETCH FLAGS", "BAD a1 FETCH: expected sequence set near \"FLAGS\""},
        Case{"BadSet", "a1 FETCH 1, FLAGS", "BAD a1 FETCH: invalid sequence set \"1,\""},
        Case{
            "OverflowSet",
            "a1 UID FETCH 1:99999999999 FLAGS",
            "BAD a1 UID FETCH: number out of range (1 to 4294967295) \"1:99999999999\""}
    ),
    name_of
);

INSTANTIATE_TEST_SUITE_P(
    Storing,
    Commands,
    testing::Values(
        Case{"Add", "a1 STORE 2:4 +FLAGS (\\Deleted)", "a1 STORE set=2:4 mode=+ flags=(\\Deleted)"},
        Case{
            "RemoveSilentUnparenthesised",
            "a1 STORE 1 -FLAGS.SILENT \\seen $Junk",
            "a1 STORE set=1 mode=- silent flags=(\\Seen $Junk)"},
        Case{"ReplaceEmpty", "a1 STORE 1 FLAGS ()", "a1 STORE set=1 mode== flags=()"},
        Case{
            "UnchangedSince",
            "a1 UID STORE 1:* (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)",
            "a1 STORE uid set=1:* mode=+ silent flags=(\\Deleted) unchangedsince=320162338"},
        Case{
            "UnchangedSinceZero",
            "a1 STORE 1 (UNCHANGEDSINCE 0) FLAGS ()",
            "a1 STORE set=1 mode== flags=() unchangedsince=0"},
        Case{"NoFlags", "a1 STORE 1 +FLAGS", "BAD a1 STORE: expected SP at end of command"},
        Case{
            "WrongItem",
            "a1 STORE 1 FLAGGED (\\Seen)",
            "BAD a1 STORE: expected FLAGS, +FLAGS or -FLAGS near \"FLAGGED (\\Seen)\""},
        Case{
            "Recent",
            "a1 STORE 1 +FLAGS (\\Recent)",
            "BAD a1 STORE: \\Recent cannot be set by clients"},
        Case{
            "UnknownModifier",
            "a1 STORE 1 (FOO 1) +FLAGS (\\Seen)",
            "BAD a1 STORE: unknown STORE modifier near \"FOO 1) +FLAGS (\\Seen)\""},
        Case{
            "Unclosed",
            "a1 STORE 1 +FLAGS (\\Seen",
            "BAD a1 STORE: expected \")\" at end of command"},
        Case{
            "BracketInKeyword",
            "a1 STORE 1 +FLAGS (a]b)",
            "BAD a1 STORE: expected \")\" near \"]b)\""}
    ),
    name_of
);

INSTANTIATE_TEST_SUITE_P(
    CopyMove,
    Commands,
    testing::Values(
        Case{"Copy", "a1 COPY 2:4 Archive", "a1 COPY set=2:4 mailbox=\"Archive\""},
        Case{
            "UidCopy",
            "a1 UID COPY 1:* \"Th&AbA- r&AOE-c\"",
            "a1 COPY uid set=1:* mailbox=\"Thư rác\""},
        Case{"Move", "a1 MOVE 1 Trash", "a1 MOVE set=1 mailbox=\"Trash\""},
        Case{"UidMoveSaved", "a1 UID MOVE $ Trash", "a1 MOVE uid set=$ mailbox=\"Trash\""},
        Case{"UidExpunge", "a1 UID EXPUNGE 3000:3002", "a1 UID EXPUNGE set=3000:3002"},
        Case{"CopyNoMailbox", "a1 COPY 1", "BAD a1 COPY: expected SP at end of command"},
        Case{
            "UidExpungeNoSet",
            "a1 UID EXPUNGE",
            "BAD a1 UID EXPUNGE: expected SP at end of command"}
    ),
    name_of
);

INSTANTIATE_TEST_SUITE_P(
    Other,
    Commands,
    testing::Values(
        Case{"IdNil", "a1 ID NIL", "a1 ID NIL"},
        Case{"IdEmpty", "a1 ID ()", "a1 ID NIL"},
        Case{
            "Id",
            "a1 ID (\"name\" \"Thunderbird\" \"version\" \"115.0\" \"os\" NIL)",
            "a1 ID \"name\"=\"Thunderbird\",\"version\"=\"115.0\",\"os\"=NIL"},
        Case{"IdAtomName", "a1 ID (name x)", "BAD a1 ID: expected field name near \"name x)\""},
        Case{
            "IdTooManyFields",
            "a1 ID (" +
                [] {
                    std::string s;
                    for (int i = 0; i < 31; ++i) {
                        s += (i ? " " : "") + std::string("\"k\" \"v\"");
                    }
                    return s;
                }() +
                ")",
            "BAD a1 ID: more than 30 fields"},
        Case{
            "IdLongName",
            "a1 ID (\"" + std::string(31, 'n') + "\" NIL)",
            "BAD a1 ID: field name longer than 30 octets"},
        Case{
            "IdLongValue",
            "a1 ID (\"name\" {1025}\r\n" + std::string(1025, 'v') + ")",
            "BAD a1 ID: field value longer than 1024 octets"},
        Case{
            "Enable",
            "a1 ENABLE CONDSTORE utf8=accept QRESYNC",
            "a1 ENABLE CONDSTORE,UTF8=ACCEPT,QRESYNC"},
        Case{"EnableNothing", "a1 ENABLE", "BAD a1 ENABLE: expected SP at end of command"},
        Case{
            "Sort",
            "a1 SORT (REVERSE DATE SUBJECT) UTF-8 ALL",
            "a1 SORT criteria=[REVERSE DATE,SUBJECT] charset=UTF-8 key=ALL"},
        Case{
            "UidSortDisplay",
            "a1 UID SORT (DISPLAYFROM reverse displayto ARRIVAL CC FROM SIZE TO) us-ascii SINCE "
            "1-Feb-1994 NOT SEEN",
            "a1 SORT uid criteria=[DISPLAYFROM,REVERSE DISPLAYTO,ARRIVAL,CC,FROM,SIZE,TO] "
            "charset=US-ASCII "
            "key=AND(SINCE(1994-02-01),NOT(SEEN))"},
        Case{
            "SortUnknown",
            "a1 SORT (FOO) UTF-8 ALL",
            "BAD a1 SORT: unknown sort criterion near \"FOO) UTF-8 ALL\""},
        Case{"SortNoCharset", "a1 SORT (DATE) ALL", "BAD a1 SORT: expected SP at end of command"},
        Case{
            "SortEmpty",
            "a1 SORT () UTF-8 ALL",
            "BAD a1 SORT: unknown sort criterion near \") UTF-8 ALL\""},
        Case{
            "SortReverseAlone",
            "a1 SORT (REVERSE) UTF-8 ALL",
            "BAD a1 SORT: expected SP near \") UTF-8 ALL\""},
        Case{"GetQuota", "a1 GETQUOTA \"\"", "a1 GETQUOTA root=\"\""},
        Case{"GetQuotaRoot", "a1 GETQUOTAROOT inbox", "a1 GETQUOTAROOT mailbox=\"INBOX\""},
        Case{
            "SetQuota",
            "a1 SETQUOTA \"\" (storage 512 MESSAGE 1000)",
            "a1 SETQUOTA root=\"\" limits=[STORAGE=512,MESSAGE=1000]"},
        Case{"SetQuotaEmpty", "a1 SETQUOTA \"\" ()", "a1 SETQUOTA root=\"\" limits=[]"},
        Case{
            "SetQuotaNoLimit",
            "a1 SETQUOTA \"\" (STORAGE)",
            "BAD a1 SETQUOTA: expected SP near \")\""}
    ),
    name_of
);

// Every fetch attribute is named in the response as RFC 9051 7.5.2 says.
TEST(Command, ResponseNames) {
    auto fetch = [](const std::string& items) {
        net::InputBuffer input;
        std::string bytes = "a FETCH 1 " + items + "\r\n";
        auto space = input.prepare(bytes.size());
        std::copy(bytes.begin(), bytes.end(), space.begin());
        input.commit(bytes.size());
        Framer framer;
        auto parsed = parse_command(std::get<Request>(framer.next(input)));
        std::vector<std::string> names;
        for (const FetchAttribute& a : std::get<Fetch>(parsed->command).items) {
            names.push_back(response_name(a));
        }
        return names;
    };
    EXPECT_EQ(
        fetch("(BODY.PEEK[HEADER.FIELDS (From \"NIL\")]<5.10> RFC822.HEADER BINARY.PEEK[1]<0.5>)"),
        (std::vector<std::string>{
            "BODY[HEADER.FIELDS (From \"NIL\")]<5>", "RFC822.HEADER", "BINARY[1]<0>"})
    );
}

TEST(Command, ParseErrorThrowsOnlyThroughValue) {
    Request request{"a1 BOGUS", {}};
    auto parsed = parse_command(std::move(request));
    ASSERT_FALSE(parsed);
    EXPECT_THROW(static_cast<void>(parsed.value()), std::runtime_error);
}

TEST(Command, AppendLiteralIsMovedNotCopied) {
    std::string message(1 << 20, 'm');
    const char* data = nullptr;
    Request request{"a1 APPEND INBOX {1048576}\r\n", {}};
    request.literals.push_back(Literal{message, false});
    data = request.literals[0].data.data();
    auto parsed = parse_command(std::move(request));
    ASSERT_TRUE(parsed);
    const auto& append = std::get<Append>(parsed->command);
    EXPECT_EQ(append.messages[0].data.data(), data);
}

}  // namespace
}  // namespace govmail::imap
