#include "smtp/framer.hpp"

#include <algorithm>

namespace govmail::smtp {

Framer::Framer(std::size_t max_line)
    : max_line_(max_line)
    , lines_(max_line) {}

void Framer::expect(NextInput next) {
    if (next.kind == mode_.kind) {
        return;  // still the same input: a chunk keeps counting down its octets
    }
    mode_ = next;
    line_start_ = true;
    bare_ = false;
    lines_.set_max_length(next.kind == Input::Sasl ? std::max(max_line_, kMaxSaslLine) : max_line_);
}

void Framer::reset() {
    lines_ = net::LineReader(max_line_);
    mode_ = {};
    pending_ = 0;
    line_start_ = true;
    bare_ = false;
}

bool Framer::idle(const net::InputBuffer& input) const {
    return (mode_.kind == Input::Line || mode_.kind == Input::Sasl) && input.empty();
}

std::optional<Event> Framer::next(net::InputBuffer& input) {
    // The bytes of the previous event: a line is consumed by its reader, a piece here.
    lines_.consume_pending(input);
    input.consume(pending_);
    pending_ = 0;
    switch (mode_.kind) {
        case Input::Line:
        case Input::Sasl:
            return next_line(input);
        case Input::Data:
            return next_data(input);
        case Input::Bdat:
            return next_chunk(input);
    }
    return std::nullopt;
}

std::optional<Event> Framer::next_line(net::InputBuffer& input) {
    net::Line line;
    switch (lines_.next(input, line)) {
        case net::LineStatus::NeedMore:
            return std::nullopt;
        case net::LineStatus::TooLong:
            return BadLine{BadLine::Problem::TooLong};
        case net::LineStatus::Complete:
            break;
    }
    if (line.bare_lf || line.text.find('\r') != std::string_view::npos) {
        return BadLine{BadLine::Problem::BareLineEnding};
    }
    return Line{line.text};
}

Event Framer::piece(std::string_view data, std::size_t length) {
    pending_ = length;
    return Body{data.substr(0, length)};
}

std::optional<Event> Framer::next_data(net::InputBuffer& input) {
    std::string_view data = input.data();
    if (line_start_) {
        // A line starting with "." is the end, or loses that "." (RFC 5321 4.5.2). Deciding
        // needs up to 3 octets: wait for them rather than guess.
        if (data.empty()) {
            return std::nullopt;
        }
        if (data[0] == '.') {
            if (data.size() < 2 || (data[1] == '\r' && data.size() < 3)) {
                return std::nullopt;
            }
            if (data[1] == '\r' && data[2] == '\n') {
                input.consume(3);
                BodyEnd end{bare_};
                mode_ = {};
                line_start_ = true;
                bare_ = false;
                return end;
            }
            input.consume(1);
            data = input.data();
        }
        line_start_ = false;
    }
    // Hand out the text up to the next line that starts with "." (or the end of the input), so
    // that ordinary text passes in pieces as large as the reads.
    const std::size_t size = data.size();
    std::size_t pos = 0;
    while (pos < size) {
        char c = data[pos];
        if (c != '\r' && c != '\n') {
            ++pos;
            continue;
        }
        if (c == '\n') {
            // Not a line end: only CRLF ends a line, so "\n.\n" and "\n.\r\n" never end the data.
            bare_ = true;
            ++pos;
            continue;
        }
        if (pos + 1 == size) {
            // A CR as the last octet read: its meaning depends on the next one.
            if (pos == 0) {
                return std::nullopt;
            }
            return piece(data, pos);
        }
        if (data[pos + 1] != '\n') {
            bare_ = true;
            ++pos;
            continue;
        }
        pos += 2;
        if (pos == size || data[pos] == '.') {
            line_start_ = true;
            return piece(data, pos);
        }
    }
    if (size == 0) {
        return std::nullopt;
    }
    return piece(data, size);
}

std::optional<Event> Framer::next_chunk(net::InputBuffer& input) {
    if (mode_.size == 0) {
        mode_ = {};
        return BodyEnd{};
    }
    std::string_view data = input.data();
    if (data.empty()) {
        return std::nullopt;
    }
    std::size_t length = static_cast<std::size_t>(std::min<std::uint64_t>(mode_.size, data.size()));
    mode_.size -= length;
    return piece(data, length);
}

}  // namespace govmail::smtp
