#pragma once
// Splits buffered input into lines, enforcing a maximum line length (sans-I/O).
//
//     LineReader reader(4096);
//     Line line;
//     switch (reader.next(connection.input(), line)) {
//         case LineStatus::NeedMore: ...read more...
//         case LineStatus::Complete: ...use line.text, valid until the next call...
//         case LineStatus::TooLong:  ...answer "line too long"; the rest of it is discarded...
//     }
//
// A line ends at LF; `text` excludes the terminator and `bare_lf` says that the LF was not
// preceded by CR (SMTP refuses those to prevent smuggling). The length limit counts the
// terminator, as RFC 5321 4.5.3.1.4 does. After TooLong the reader discards input up to and
// including the next LF without buffering it, so a hostile client cannot make it hold more than
// `max_length` bytes. Each byte is scanned once.

#include "core/net/input_buffer.hpp"

#include <cstddef>
#include <string_view>

namespace govmail::net {

struct Line {
    std::string_view text;
    bool bare_lf = false;
};

enum class LineStatus { NeedMore, Complete, TooLong };

class LineReader {
public:
    explicit LineReader(std::size_t max_length)
        : max_length_(max_length) {}

    // Finds the next line in `input`. A line returned before stays in `input` until this call,
    // which consumes it first.
    LineStatus next(InputBuffer& input, Line& line);

    // Consumes the line last returned now (before handing the buffer to another reader).
    void consume_pending(InputBuffer& input);

    std::size_t max_length() const { return max_length_; }

    void set_max_length(std::size_t max_length) { max_length_ = max_length; }

private:
    std::size_t max_length_;
    std::size_t pending_ = 0;  // bytes of the line last returned, consumed on the next call
    std::size_t scanned_ = 0;  // bytes of input already known to hold no LF
    bool discarding_ = false;  // inside an over-long line, dropping bytes up to its LF
};

}  // namespace govmail::net
