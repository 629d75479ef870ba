#include "smtp/framer.hpp"

#include <gtest/gtest.h>

#include <charconv>

namespace govmail::smtp {
namespace {

// Runs the framer over `input` delivered in the given pieces, playing the session's part just
// enough: "DATA" switches to Input::Data, "BDAT n" to Input::Bdat. Events become strings, and
// consecutive Body pieces are joined, since how text is cut into pieces depends on the reads.
std::vector<std::string> frame(
    const std::vector<std::string_view>& pieces, std::size_t max_line, Input start
) {
    Framer framer(max_line);
    framer.expect({start, 0});
    net::InputBuffer input;
    std::vector<std::string> events;
    for (std::string_view piece : pieces) {
        auto space = input.prepare(piece.size());
        std::copy(piece.begin(), piece.end(), space.begin());
        input.commit(piece.size());
        while (auto event = framer.next(input)) {
            if (const auto* line = std::get_if<Line>(&*event)) {
                events.push_back("line:" + std::string(line->text));
                if (line->text == "DATA") {
                    framer.expect({Input::Data, 0});
                } else if (line->text.starts_with("BDAT ")) {
                    std::uint64_t size = 0;
                    std::string_view digits = line->text.substr(5);
                    std::from_chars(digits.data(), digits.data() + digits.size(), size);
                    framer.expect({Input::Bdat, size});
                }
            } else if (const auto* bad = std::get_if<BadLine>(&*event)) {
                events.emplace_back(bad->problem == BadLine::Problem::TooLong ? "toolong" : "bare");
            } else if (const auto* body = std::get_if<Body>(&*event)) {
                EXPECT_FALSE(body->bytes.empty());
                if (events.empty() || !events.back().starts_with("body:")) {
                    events.emplace_back("body:");
                }
                events.back() += body->bytes;
            } else {
                events.emplace_back(
                    std::get<BodyEnd>(*event).bare_line_ending ? "end-bare" : "end"
                );
                framer.expect({Input::Line, 0});
            }
        }
    }
    return events;
}

struct FramerCase {
    std::string name;
    std::string input;
    std::vector<std::string> events;
    std::size_t max_line = 64;
    Input start = Input::Line;
};

class Framing : public testing::TestWithParam<FramerCase> {};

TEST_P(Framing, WholeInput) {
    const FramerCase& c = GetParam();
    EXPECT_EQ(frame({c.input}, c.max_line, c.start), c.events);
}

// STYLE.md 5: every case split at every byte boundary gives the same events.
TEST_P(Framing, SplitAtEveryByte) {
    const FramerCase& c = GetParam();
    std::string_view all = c.input;
    for (std::size_t split = 0; split <= all.size(); ++split) {
        EXPECT_EQ(frame({all.substr(0, split), all.substr(split)}, c.max_line, c.start), c.events)
            << "split at " << split;
    }
}

TEST_P(Framing, OneByteAtATime) {
    const FramerCase& c = GetParam();
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < c.input.size(); ++i) {
        bytes.push_back(std::string_view(c.input).substr(i, 1));
    }
    EXPECT_EQ(frame(bytes, c.max_line, c.start), c.events);
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    Framing,
    testing::Values(
        FramerCase{"Lines", "EHLO a\r\nNOOP\r\n", {"line:EHLO a", "line:NOOP"}},
        FramerCase{"EmptyLine", "\r\nNOOP\r\n", {"line:", "line:NOOP"}},
        FramerCase{"BareLfCommand", "NOOP\nQUIT\r\n", {"bare", "line:QUIT"}},
        FramerCase{"BareCrInCommand", "NO\rOP\r\nQUIT\r\n", {"bare", "line:QUIT"}},
        FramerCase{"TooLong", std::string(100, 'x') + "\r\nNOOP\r\n", {"toolong", "line:NOOP"}, 16},
        FramerCase{
            "AtTheLimit", std::string(14, 'x') + "\r\n", {"line:" + std::string(14, 'x')}, 16},
        FramerCase{
            "OneOverTheLimit", std::string(15, 'x') + "\r\nNOOP\r\n", {"toolong", "line:NOOP"}, 16},
        FramerCase{
            "SaslLinesMayBeLonger",
            std::string(100, 'A') + "\r\n",
            {"line:" + std::string(100, 'A')},
            16,
            Input::Sasl},
        FramerCase{
            "Data",
            "DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n",
            {"line:DATA", "body:Subject: x\r\n\r\nbody\r\n", "end", "line:QUIT"}},
        FramerCase{"EmptyMessage", "DATA\r\n.\r\nNOOP\r\n", {"line:DATA", "end", "line:NOOP"}},
        FramerCase{
            "DotStuffing",
            "DATA\r\n..hidden\r\n.x\r\n...\r\n.\r\n",
            {"line:DATA", "body:.hidden\r\nx\r\n..\r\n", "end"}},
        FramerCase{
            "DotInsideLineIsText",
            "DATA\r\na.\r\n b\r\n.\r\n",
            {"line:DATA", "body:a.\r\n b\r\n", "end"}},
        FramerCase{
            "LongDataLinesAreText",
            "DATA\r\n" + std::string(200, 'a') + "\r\n.\r\n",
            {"line:DATA", "body:" + std::string(200, 'a') + "\r\n", "end"},
            16},
        FramerCase{
            "SmugglingLfDotLf",
            "DATA\r\nhi\n.\nMAIL FROM:<x@y>\r\n.\r\nNOOP\r\n",
            {"line:DATA", "body:hi\n.\nMAIL FROM:<x@y>\r\n", "end-bare", "line:NOOP"}},
        FramerCase{
            "SmugglingLfDotCrLf",
            "DATA\r\nhi\n.\r\nRSET\r\n.\r\n",
            {"line:DATA", "body:hi\n.\r\nRSET\r\n", "end-bare"}},
        FramerCase{
            "SmugglingCrDotCr",
            "DATA\r\nhi\r.\rQUIT\r\n.\r\n",
            {"line:DATA", "body:hi\r.\rQUIT\r\n", "end-bare"}},
        FramerCase{
            "SmugglingCrLfDotLf",
            "DATA\r\nhi\r\n.\nQUIT\r\n.\r\n",
            {"line:DATA", "body:hi\r\n\nQUIT\r\n", "end-bare"}},
        FramerCase{
            "DotCrWithoutLf", "DATA\r\n.\rX\r\n.\r\n", {"line:DATA", "body:\rX\r\n", "end-bare"}},
        FramerCase{
            "Bdat", "BDAT 5\r\nhelloNOOP\r\n", {"line:BDAT 5", "body:hello", "end", "line:NOOP"}},
        FramerCase{"BdatEmpty", "BDAT 0\r\nNOOP\r\n", {"line:BDAT 0", "end", "line:NOOP"}},
        FramerCase{
            "BdatIsNotDotStuffed",
            "BDAT 7\r\n\r\n.\r\nabNOOP\r\n",
            {"line:BDAT 7", "body:\r\n.\r\nab", "end", "line:NOOP"}},
        FramerCase{
            "BdatBinary",
            std::string("BDAT 4\r\n\x00\n\r\xff", 12) + "QUIT\r\n",
            {"line:BDAT 4", std::string("body:\x00\n\r\xff", 9), "end", "line:QUIT"}},
        FramerCase{
            "TwoMessages",
            "DATA\r\na\r\n.\r\nDATA\r\n.b\r\n.\r\n",
            {"line:DATA", "body:a\r\n", "end", "line:DATA", "body:b\r\n", "end"}}
    ),
    [](const auto& info) { return info.param.name; }
);

TEST(Framer, IdleOnlyBetweenCommands) {
    Framer framer(64);
    net::InputBuffer input;
    EXPECT_TRUE(framer.idle(input));
    auto space = input.prepare(3);
    std::copy_n("NOO", 3, space.begin());
    input.commit(3);
    EXPECT_FALSE(framer.next(input));
    EXPECT_FALSE(framer.idle(input));
    input.clear();
    framer.expect({Input::Data, 0});
    EXPECT_FALSE(framer.idle(input));
}

TEST(Framer, ResetAfterInputWasDropped) {
    Framer framer(64);
    net::InputBuffer input;
    auto space = input.prepare(16);
    std::copy_n("STARTTLS\r\nRSET\r\n", 16, space.begin());
    input.commit(16);
    auto event = framer.next(input);
    ASSERT_TRUE(event);
    EXPECT_EQ(std::get<Line>(*event).text, "STARTTLS");
    input.clear();  // what Connection::accept_tls() does
    framer.reset();
    EXPECT_FALSE(framer.next(input));
    EXPECT_TRUE(input.empty());
}

TEST(Framer, HostileInputIsNeverBufferedBeyondALine) {
    // A client that never sends LF: the framer drops what it cannot use.
    Framer framer(512);
    net::InputBuffer input;
    std::size_t too_long = 0;
    for (int i = 0; i < 1000; ++i) {
        auto space = input.prepare(4096);
        std::fill_n(space.begin(), 4096, 'x');
        input.commit(4096);
        while (auto event = framer.next(input)) {
            too_long += std::holds_alternative<BadLine>(*event) ? 1 : 0;
        }
        ASSERT_LE(input.size(), 512U);
    }
    EXPECT_EQ(too_long, 1U);
}

}  // namespace
}  // namespace govmail::smtp
