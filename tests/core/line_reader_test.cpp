#include "core/net/line_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace govmail::net {
namespace {

// What the reader produced, as text: "L:<line>" / "B:<line>" (bare LF) / "TOOLONG".
std::vector<std::string> feed(const std::vector<std::string>& chunks, std::size_t max) {
    InputBuffer input;
    LineReader reader(max);
    std::vector<std::string> events;
    for (const std::string& chunk : chunks) {
        auto space = input.prepare(chunk.size());
        std::copy(chunk.begin(), chunk.end(), space.begin());
        input.commit(chunk.size());
        for (;;) {
            Line line;
            LineStatus status = reader.next(input, line);
            if (status == LineStatus::NeedMore) {
                break;
            }
            if (status == LineStatus::TooLong) {
                events.emplace_back("TOOLONG");
            } else {
                events.push_back((line.bare_lf ? "B:" : "L:") + std::string(line.text));
            }
        }
        // Never holds more than the limit of unterminated bytes.
        EXPECT_LE(input.size(), std::max(max, chunk.size()) + max);
    }
    return events;
}

struct Case {
    const char* name;
    std::string input;
    std::size_t max;
    std::vector<std::string> expected;
};

class LineReaderCases : public testing::TestWithParam<Case> {};

TEST_P(LineReaderCases, WholeInput) {
    EXPECT_EQ(feed({GetParam().input}, GetParam().max), GetParam().expected);
}

// Every case also fed split at every byte boundary, and one byte at a time: same result.
TEST_P(LineReaderCases, SplitAtEveryBoundary) {
    const std::string& input = GetParam().input;
    for (std::size_t split = 1; split < input.size(); ++split) {
        EXPECT_EQ(
            feed({input.substr(0, split), input.substr(split)}, GetParam().max), GetParam().expected
        ) << "split at "
          << split;
    }
    std::vector<std::string> bytes;
    for (char c : input) {
        bytes.emplace_back(1, c);
    }
    EXPECT_EQ(feed(bytes, GetParam().max), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    LineReaderCases,
    testing::Values(
        Case{"Simple", "HELO a\r\nQUIT\r\n", 64, {"L:HELO a", "L:QUIT"}},
        Case{"BareLf", "one\ntwo\r\n", 64, {"B:one", "L:two"}},
        Case{"EmptyLines", "\r\n\r\n", 64, {"L:", "L:"}},
        Case{"BareCrInsideLine", "a\rb\r\n", 64, {"L:a\rb"}},
        Case{"ExactlyAtLimit", "12345678\r\n", 10, {"L:12345678"}},
        Case{"OneOverLimit", "123456789\r\nok\r\n", 10, {"TOOLONG", "L:ok"}},
        Case{"FarOverLimit", std::string(100, 'x') + "\r\nnext\r\n", 10, {"TOOLONG", "L:next"}},
        Case{"OverLimitThenPartial", std::string(25, 'y') + "\nz", 10, {"TOOLONG"}},
        Case{"Incomplete", "no terminator", 64, {}}
    ),
    [](const auto& info) { return std::string(info.param.name); }
);

TEST(InputBuffer, ReleasesStorageWhenEmpty) {
    InputBuffer input;
    auto space = input.prepare(100);
    EXPECT_GE(space.size(), 100U);
    input.commit(10);
    input.release_if_empty();
    EXPECT_GT(input.capacity(), 0U);
    input.consume(10);
    input.release_if_empty();
    EXPECT_EQ(input.capacity(), 0U);
}

TEST(InputBuffer, CompactsBeforeGrowing) {
    InputBuffer input;
    auto space = input.prepare(1024);
    std::size_t capacity = input.capacity();
    std::fill(space.begin(), space.begin() + 1000, 'a');
    input.commit(1000);
    input.consume(990);
    input.prepare(capacity - 10);
    EXPECT_EQ(input.capacity(), capacity);
    EXPECT_EQ(input.data(), std::string(10, 'a'));
}

}  // namespace
}  // namespace govmail::net
