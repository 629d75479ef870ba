#include "imap/framer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace govmail::imap {
namespace {

using namespace std::string_literals;

std::string escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\0') {
            out += "\\0";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// What the session does with literals in these tests: accept those up to `accept_max` bytes.
struct Policy {
    std::uint64_t accept_max = UINT64_MAX;
};

// Runs the framer over `chunks` and describes its events:
//   "REQ <text>|<literal>|..."   a Request ("~" marks a binary literal)
//   "LIT <tag> <size> sync|nonsync[ bin] #<index> +<before>[ REJECT]"
//   "LINE <text>"                after a command ending in IDLE or AUTHENTICATE, expect_line()
//   "ERR <tag>: <text>[ FATAL]"
std::vector<std::string> run(
    const std::vector<std::string>& chunks, const FramerLimits& limits, Policy policy = {}
) {
    net::InputBuffer input;
    Framer framer(limits);
    std::vector<std::string> events;
    for (const std::string& chunk : chunks) {
        auto space = input.prepare(chunk.size());
        std::copy(chunk.begin(), chunk.end(), space.begin());
        input.commit(chunk.size());
        for (;;) {
            Event event = framer.next(input);
            if (std::holds_alternative<NeedMore>(event)) {
                break;
            }
            if (auto* literal = std::get_if<NeedLiteral>(&event)) {
                std::string text =
                    "LIT " + std::string(literal->tag) + " " + std::to_string(literal->size) +
                    (literal->sync ? " sync" : " nonsync") + (literal->binary ? " bin" : "") +
                    " #" + std::to_string(literal->index) + " +" + std::to_string(literal->before);
                // Asking again without deciding gives the same literal.
                EXPECT_TRUE(std::holds_alternative<NeedLiteral>(framer.next(input)));
                if (literal->size <= policy.accept_max) {
                    framer.accept_literal();
                } else {
                    text += " REJECT";
                    framer.reject_literal();
                }
                events.push_back(text);
            } else if (auto* request = std::get_if<Request>(&event)) {
                std::string text = "REQ " + escape(request->text);
                for (const Literal& literal : request->literals) {
                    text += "|" + std::string(literal.binary ? "~" : "") + escape(literal.data);
                    // Reserved once at its size (libstdc++ rounds tiny reservations up to 30).
                    EXPECT_LE(
                        literal.data.capacity(), std::max<std::size_t>(literal.data.size(), 30)
                    );
                }
                events.push_back(text);
                if (request->text.ends_with(" IDLE") || request->text.ends_with(" AUTHENTICATE")) {
                    framer.expect_line();
                }
            } else if (auto* line = std::get_if<Line>(&event)) {
                events.push_back("LINE " + escape(line->text));
            } else if (auto* error = std::get_if<Error>(&event)) {
                events.push_back(
                    "ERR " + error->tag + ": " + error->text + (error->fatal ? " FATAL" : "")
                );
            }
        }
        // Unconsumed input never exceeds one line's worth: literal data is consumed at once.
        EXPECT_LE(input.size(), limits.max_command_length + chunk.size() + 2);
    }
    return events;
}

struct Case {
    const char* name;
    std::string input;
    std::vector<std::string> expected;
    FramerLimits limits = {};
    Policy policy = {};
};

class FramerCases : public testing::TestWithParam<Case> {};

TEST_P(FramerCases, WholeInput) {
    EXPECT_EQ(run({GetParam().input}, GetParam().limits, GetParam().policy), GetParam().expected);
}

// STYLE 5: every case fed split at every byte boundary, and one byte at a time.
TEST_P(FramerCases, SplitAtEveryBoundary) {
    const std::string& input = GetParam().input;
    for (std::size_t split = 1; split < input.size(); ++split) {
        EXPECT_EQ(
            run({input.substr(0, split), input.substr(split)}, GetParam().limits, GetParam().policy
            ),
            GetParam().expected
        ) << "split at "
          << split;
    }
    std::vector<std::string> bytes;
    for (char c : input) {
        bytes.emplace_back(1, c);
    }
    EXPECT_EQ(run(bytes, GetParam().limits, GetParam().policy), GetParam().expected);
}

FramerLimits small(std::size_t line) {
    FramerLimits limits;
    limits.max_command_length = line;
    return limits;
}

FramerLimits literal_limit(std::uint64_t size) {
    FramerLimits limits;
    limits.max_literal_size = size;
    return limits;
}

FramerLimits non_sync(NonSyncLiterals mode) {
    FramerLimits limits;
    limits.non_sync = mode;
    return limits;
}

FramerLimits max_literals(std::size_t count, std::uint64_t total) {
    FramerLimits limits;
    limits.max_literals = count;
    limits.max_command_literals = total;
    return limits;
}

const std::string big_literal(5000, 'x');

INSTANTIATE_TEST_SUITE_P(
    Table,
    FramerCases,
    testing::Values(
        Case{"Simple", "a1 NOOP\r\n", {"REQ a1 NOOP"}},
        Case{"Pipelined", "a1 NOOP\r\na2 CAPABILITY\r\n", {"REQ a1 NOOP", "REQ a2 CAPABILITY"}},
        Case{"BareLf", "a1 NOOP\na2 NOOP\r\n", {"REQ a1 NOOP", "REQ a2 NOOP"}},
        Case{"BlankLinesIgnored", "\r\n\n\r\na1 NOOP\r\n", {"REQ a1 NOOP"}},
        Case{"CrInsideLine", "a1 NO\rOP\r\n", {"REQ a1 NO\\rOP"}},
        Case{"Incomplete", "a1 NOOP", {}},
        Case{
            "SyncLiterals",
            "a1 LOGIN {5}\r\nalice {3}\r\npw1\r\n",
            {"LIT a1 5 sync #0 +0",
             "LIT a1 3 sync #1 +5",
             "REQ a1 LOGIN {5}\\r\\n {3}\\r\\n|alice|pw1"}},
        Case{
            "NonSyncLiterals",
            "a1 LOGIN {5+}\r\nalice {3+}\r\npw1\r\na2 NOOP\r\n",
            {"LIT a1 5 nonsync #0 +0",
             "LIT a1 3 nonsync #1 +5",
             "REQ a1 LOGIN {5+}\\r\\n {3+}\\r\\n|alice|pw1",
             "REQ a2 NOOP"}},
        Case{
            "BinaryLiteral",
            "a1 APPEND INBOX ~{3}\r\na\0b\r\n"s,
            {"LIT a1 3 sync bin #0 +0", "REQ a1 APPEND INBOX ~{3}\\r\\n|~a\\0b"}},
        Case{
            "BinaryNonSync",
            "a1 APPEND INBOX ~{2+}\r\n\0\0\r\n"s,
            {"LIT a1 2 nonsync bin #0 +0", "REQ a1 APPEND INBOX ~{2+}\\r\\n|~\\0\\0"}},
        Case{
            "LiteralHoldsLines",
            "a1 APPEND INBOX {16}\r\nab\r\na2 NOOP\r\n{5}\r\n\r\na3 NOOP\r\n",
            {"LIT a1 16 sync #0 +0",
             "REQ a1 APPEND INBOX {16}\\r\\n|ab\\r\\na2 NOOP\\r\\n{5}",
             "REQ a3 NOOP"}},
        Case{
            "EmptyLiteral",
            "a1 LOGIN {0}\r\n {0+}\r\n\r\n",
            {"LIT a1 0 sync #0 +0",
             "LIT a1 0 nonsync #1 +0",
             "REQ a1 LOGIN {0}\\r\\n {0+}\\r\\n||"}},
        Case{
            "LeadingZerosInSize",
            "a1 LOGIN {0003}\r\nabc x\r\n",
            {"LIT a1 3 sync #0 +0", "REQ a1 LOGIN {0003}\\r\\n x|abc"}},
        Case{
            "SessionRefusesSyncLiteral",
            "a1 APPEND INBOX {100}\r\na2 NOOP\r\n",
            {"LIT a1 100 sync #0 +0 REJECT", "REQ a2 NOOP"},
            {},
            {.accept_max = 10}},
        Case{
            "SessionRefusesNonSyncLiteral",
            "a1 APPEND INBOX {20+}\r\na9 LOGOUT\r\n123456789 {5+}\r\nhello\r\na2 NOOP\r\n",
            {"LIT a1 20 nonsync #0 +0 REJECT", "REQ a2 NOOP"},
            {},
            {.accept_max = 10}},
        Case{
            "SessionRefusesSecondLiteral",
            "a1 APPEND INBOX {2}\r\nab {20}\r\na2 NOOP\r\n",
            {"LIT a1 2 sync #0 +0", "LIT a1 20 sync #1 +2 REJECT", "REQ a2 NOOP"},
            {},
            {.accept_max = 10}},
        Case{
            "SyncLiteralTooLarge",
            "a1 APPEND INBOX {101}\r\na2 NOOP\r\n",
            {"ERR a1: [TOOBIG] Literal too large", "REQ a2 NOOP"},
            literal_limit(100)},
        Case{
            "NonSyncLiteralTooLargeIsDiscarded",
            "a1 APPEND INBOX {12+}\r\na9 LOGOUT\r\nX\r\na2 NOOP\r\n",
            {"ERR a1: [TOOBIG] Literal too large", "REQ a2 NOOP"},
            literal_limit(10)},
        Case{
            "LiteralMinusAllowsSmall",
            "a1 LOGIN {4096+}\r\n" + std::string(4096, 'u') + " x\r\n",
            {"LIT a1 4096 nonsync #0 +0", "REQ a1 LOGIN {4096+}\\r\\n x|" + std::string(4096, 'u')},
            non_sync(NonSyncLiterals::Minus)},
        Case{
            "LiteralMinusRefusesLarge",
            "a1 APPEND INBOX {4097+}\r\n" + std::string(4091, 'x') + "a9 X\r\n\r\na2 NOOP\r\n",
            {"ERR a1: [TOOBIG] Non-synchronizing literals are limited to 4096 bytes",
             "REQ a2 NOOP"},
            non_sync(NonSyncLiterals::Minus)},
        Case{
            "LiteralMinusAllowsLargeSync",
            "a1 APPEND INBOX {5000}\r\n" + big_literal + "\r\n",
            {"LIT a1 5000 sync #0 +0", "REQ a1 APPEND INBOX {5000}\\r\\n|" + big_literal},
            non_sync(NonSyncLiterals::Minus)},
        Case{
            "NonSyncNotSupported",
            "a1 LOGIN {3+}\r\nabc x\r\na2 NOOP\r\n",
            {"ERR a1: Non-synchronizing literals are not supported", "REQ a2 NOOP"},
            non_sync(NonSyncLiterals::None)},
        Case{
            "RefusedCommandSkipsLaterNonSyncLiterals",
            "a1 APPEND INBOX {12+}\r\n0123456789ab {4+}\r\nzzzz {3+}\r\nyyy\r\na2 NOOP\r\n",
            {"ERR a1: [TOOBIG] Literal too large", "REQ a2 NOOP"},
            literal_limit(10)},
        Case{
            "RefusedCommandEndsAtSyncLiteral",
            "a1 APPEND INBOX {12+}\r\n0123456789ab {4}\r\na2 NOOP\r\n",
            {"ERR a1: [TOOBIG] Literal too large", "REQ a2 NOOP"},
            literal_limit(10)},
        Case{
            "TooManyLiterals",
            "a1 X {1+}\r\na {1+}\r\nb {1+}\r\nc\r\na2 NOOP\r\n",
            {"LIT a1 1 nonsync #0 +0",
             "LIT a1 1 nonsync #1 +1",
             "ERR a1: Too many literals in one command",
             "REQ a2 NOOP"},
            max_literals(2, 100)},
        Case{
            "TooManyLiteralBytes",
            "a1 X {6}\r\nabcdef {5}\r\na2 NOOP\r\n",
            {"LIT a1 6 sync #0 +0", "ERR a1: [TOOBIG] Literal too large", "REQ a2 NOOP"},
            max_literals(10, 10)},
        Case{
            "NonSyncSizeOverflowIsFatal",
            "a1 X {99999999999999999999999+}\r\n",
            {"ERR a1: Literal size out of range FATAL"}},
        Case{
            "SyncSizeOverflowIsRefused",
            "a1 X {99999999999999999999999}\r\na2 NOOP\r\n",
            {"ERR a1: [TOOBIG] Literal too large", "REQ a2 NOOP"}},
        Case{
            "LineTooLong",
            "a1 " + std::string(60, 'x') + "\r\na2 NOOP\r\n",
            {"ERR a1: Command line too long", "REQ a2 NOOP"},
            small(50)},
        Case{
            "LineAtLimit",
            "a1 " + std::string(47, 'x') + "\r\n",
            {"REQ a1 " + std::string(47, 'x')},
            small(50)},
        Case{
            "LineOneOverLimit",
            "a1 " + std::string(48, 'x') + "\r\na2 NOOP\r\n",
            {"ERR a1: Command line too long", "REQ a2 NOOP"},
            small(50)},
        Case{
            "LiteralHeaderCrlfCounts",
            "a1 XX {3}\r\na2 NOOP\r\n",
            {"ERR a1: Command line too long", "REQ a2 NOOP"},
            small(10)
        },
        Case{
            "LongLineEndingInNonSyncLiteral",
            "a1 " + std::string(60, 'x') + " {9+}\r\na3 NOOP\r\n\r\na2 NOOP\r\n",
            {"ERR a1: Command line too long", "REQ a2 NOOP"},
            small(50)},
        Case{
            "LongLineAfterLiteral",
            "a1 X {3}\r\nabc " + std::string(60, 'y') + "\r\na2 NOOP\r\n",
            {"LIT a1 3 sync #0 +0", "ERR a1: Command line too long", "REQ a2 NOOP"},
            small(50)},
        Case{
            "LongLineWithBadTag",
            "(a1 " + std::string(60, 'x') + "\r\na2 NOOP\r\n",
            {"ERR *: Command line too long", "REQ a2 NOOP"},
            small(50)},
        Case{
            "BraceInsideQuotedString",
            "a1 SELECT \"abc{5}\r\na2 LOGIN \"a\\\"{5}\" {2}\r\nxy\r\n",
            {"REQ a1 SELECT \"abc{5}",
             "LIT a2 2 sync #0 +0",
             "REQ a2 LOGIN \"a\\\"{5}\" {2}\\r\\n|xy"}},
        Case{
            "NotALiteral",
            "a1 X {abc}\r\na2 X {}\r\na3 X {5+\r\n",
            {"REQ a1 X {abc}", "REQ a2 X {}", "REQ a3 X {5+"}},
        Case{"TildeWithoutBrace", "a1 X ~5}\r\n", {"REQ a1 X ~5}"}},
        Case{"LiteralWithoutTag", "{3}\r\nabc\r\n", {"LIT * 3 sync #0 +0", "REQ {3}\\r\\n|abc"}},
        Case{
            "IdleDone",
            "a1 IDLE\r\nDONE\r\na2 NOOP\r\n",
            {"REQ a1 IDLE", "LINE DONE", "REQ a2 NOOP"}},
        Case{
            "SaslLineIsNotACommand",
            "a1 AUTHENTICATE\r\n{5}\r\na2 NOOP\r\n",
            {"REQ a1 AUTHENTICATE", "LINE {5}", "REQ a2 NOOP"}},
        Case{
            "RawLineTooLong",
            "a1 IDLE\r\n" + std::string(60, 'd') + "\r\na2 NOOP\r\n",
            {"REQ a1 IDLE", "ERR : Line too long", "REQ a2 NOOP"},
            small(50)}
    ),
    [](const auto& info) { return info.param.name; }
);

TEST(Framer, NeedLiteralShowsTheCommandSoFar) {
    net::InputBuffer input;
    std::string bytes = "t7 APPEND Sent (\\Seen) {11}\r\n";
    auto space = input.prepare(bytes.size());
    std::copy(bytes.begin(), bytes.end(), space.begin());
    input.commit(bytes.size());
    Framer framer;
    Event event = framer.next(input);
    auto* literal = std::get_if<NeedLiteral>(&event);
    ASSERT_NE(literal, nullptr);
    EXPECT_EQ(literal->tag, "t7");
    EXPECT_EQ(literal->command, "t7 APPEND Sent (\\Seen) {11}\r\n");
    EXPECT_FALSE(framer.idle());
    framer.reject_literal();
    EXPECT_TRUE(framer.idle());
}

// A 30 MB APPEND costs the literal once: the input buffer stays at one read chunk and the
// literal's string is allocated once, at its exact size.
TEST(Framer, LargeLiteralIsNotBufferedTwice) {
    constexpr std::size_t kSize = 30 << 20;
    constexpr std::size_t kChunk = 64 << 10;
    net::InputBuffer input;
    Framer framer;
    auto feed = [&](std::string_view bytes) {
        auto space = input.prepare(bytes.size());
        std::copy(bytes.begin(), bytes.end(), space.begin());
        input.commit(bytes.size());
    };
    feed("a1 APPEND INBOX {31457280}\r\n");
    Event event = framer.next(input);
    ASSERT_TRUE(std::holds_alternative<NeedLiteral>(event));
    framer.accept_literal();
    std::string chunk(kChunk, 'm');
    for (std::size_t sent = 0; sent < kSize; sent += kChunk) {
        feed(chunk);
        ASSERT_TRUE(std::holds_alternative<NeedMore>(framer.next(input)));
        ASSERT_LE(input.capacity(), 2 * kChunk);
    }
    feed("\r\n");
    event = framer.next(input);
    auto* request = std::get_if<Request>(&event);
    ASSERT_NE(request, nullptr);
    ASSERT_EQ(request->literals.size(), 1U);
    EXPECT_EQ(request->literals[0].data.size(), kSize);
    EXPECT_EQ(request->literals[0].data.capacity(), kSize);
    EXPECT_TRUE(framer.idle());
}

TEST(Framer, LimitsCanChangeBetweenCommands) {
    net::InputBuffer input;
    Framer framer(non_sync(NonSyncLiterals::Minus));
    std::string bytes = "a1 X {5000+}\r\n" + big_literal + "\r\n";
    auto space = input.prepare(bytes.size());
    std::copy(bytes.begin(), bytes.end(), space.begin());
    input.commit(bytes.size());
    framer.set_limits(non_sync(NonSyncLiterals::Plus));
    EXPECT_TRUE(std::holds_alternative<NeedLiteral>(framer.next(input)));
    EXPECT_EQ(framer.limits().non_sync, NonSyncLiterals::Plus);
}

}  // namespace
}  // namespace govmail::imap
