#pragma once
// Counts the "Received:" fields in a message's header while the message streams in, in pieces
// of any size (RFC 5321 6.3: counting them detects mail loops). Counting stops at the blank line
// that ends the header; fields are matched case-insensitively with optional white space before
// the colon (RFC 5322 4.5.3 obsolete syntax), continuation lines are skipped.
//
//     ReceivedCounter counter;
//     counter.feed("Received: from a\r\n by b\r\nrec");
//     counter.feed("eived: from c\r\n\r\nReceived: in the body\r\n");
//     counter.count()   // 2

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace govmail::smtp::detail {

class ReceivedCounter {
public:
    void feed(std::string_view bytes);

    std::size_t count() const { return count_; }

    // True once the blank line ending the header has been seen.
    bool header_done() const { return state_ == State::Done; }

private:
    enum class State : std::uint8_t { LineStart, Name, Space, Skip, BlankCr, Done };

    State state_ = State::LineStart;
    std::size_t matched_ = 0;  // characters of "received" matched so far
    std::size_t count_ = 0;
};

}  // namespace govmail::smtp::detail
