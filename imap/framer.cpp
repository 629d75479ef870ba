#include "imap/framer.hpp"

#include "imap/detail/chars.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

namespace govmail::imap {
namespace {

// A tag echoed in an error reply; longer tags are answered untagged.
constexpr std::size_t kMaxEchoedTag = 256;

// The tag at the start of `line`, or "*" when it does not start with a well-formed one.
std::string extract_tag(std::string_view line) {
    std::size_t n = 0;
    while (n < line.size() && n <= kMaxEchoedTag && detail::is_tag_char(line[n])) {
        ++n;
    }
    if (n == 0 || n > kMaxEchoedTag || (n < line.size() && line[n] != ' ')) {
        return "*";
    }
    return std::string(line.substr(0, n));
}

const char* find_lf(std::string_view data, std::size_t from) {
    if (from >= data.size()) {
        return nullptr;
    }
    return static_cast<const char*>(std::memchr(data.data() + from, '\n', data.size() - from));
}

// Bytes of an unterminated line that count against the limit: a CR at the very end may be the
// first half of CRLF and must not make the verdict depend on how the input was split.
std::size_t unterminated_length(std::string_view data) {
    return data.size() - (!data.empty() && data.back() == '\r' ? 1 : 0);
}

}  // namespace

void Framer::MarkerScanner::feed(char c) {
    if (pending_cr_) {
        pending_cr_ = false;
        process('\r');
    }
    if (c == '\r') {
        pending_cr_ = true;
        return;
    }
    process(c);
}

void Framer::MarkerScanner::feed(std::string_view bytes) {
    for (char c : bytes) {
        feed(c);
    }
}

bool Framer::MarkerScanner::finish() {
    // A CR just before the LF is the line terminator, not data.
    bool found = state_ == State::Close && !in_quote_;
    state_ = State::None;
    in_quote_ = escape_ = pending_cr_ = false;
    return found;
}

void Framer::MarkerScanner::process(char c) {
    if (in_quote_) {
        if (escape_) {
            escape_ = false;
        } else if (c == '\\') {
            escape_ = true;
        } else if (c == '"') {
            in_quote_ = false;
        }
        state_ = State::None;
        return;
    }
    switch (c) {
        case '"':
            in_quote_ = true;
            state_ = State::None;
            return;
        case '~':
            state_ = State::Tilde;
            return;
        case '{':
            binary = state_ == State::Tilde;
            state_ = State::Open;
            size = 0;
            overflow = false;
            sync = true;
            return;
        case '+':
            state_ = state_ == State::Digits ? State::Plus : State::None;
            return;
        case '}':
            if (state_ == State::Digits || state_ == State::Plus) {
                sync = state_ == State::Digits;
                state_ = State::Close;
            } else {
                state_ = State::None;
            }
            return;
        default:
            break;
    }
    if (detail::is_digit(c) && (state_ == State::Open || state_ == State::Digits)) {
        auto digit = static_cast<std::uint64_t>(c - '0');
        if (size > (UINT64_MAX - digit) / 10) {
            overflow = true;
        } else {
            size = size * 10 + digit;
        }
        state_ = State::Digits;
        return;
    }
    state_ = State::None;
}

Event Framer::next(net::InputBuffer& input) {
    for (;;) {
        std::optional<Event> event;
        switch (mode_) {
            case Mode::Command:
                event = read_command(input);
                break;
            case Mode::Decide:
                return NeedLiteral{
                    .tag = tag_,
                    .command = text_,
                    .size = marker_.size,
                    .sync = marker_.sync,
                    .binary = marker_.binary,
                    .index = literals_.size(),
                    .before = literal_bytes_,
                };
            case Mode::Literal: {
                auto n =
                    static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
                literals_.back().data.append(input.data().data(), n);
                input.consume(n);
                remaining_ -= n;
                if (remaining_ > 0) {
                    return NeedMore{};
                }
                mode_ = Mode::Command;
                break;
            }
            case Mode::SkipLiteral: {
                auto n =
                    static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
                input.consume(n);
                remaining_ -= n;
                if (remaining_ > 0) {
                    return NeedMore{};
                }
                mode_ = Mode::SkipLine;
                break;
            }
            case Mode::SkipLine:
                event = skip_line(input);
                break;
            case Mode::RawLine:
                event = read_raw_line(input);
                break;
            case Mode::SkipRawLine: {
                std::string_view data = input.data();
                const char* lf = find_lf(data, 0);
                if (lf == nullptr) {
                    input.consume(data.size());
                    return NeedMore{};
                }
                input.consume(static_cast<std::size_t>(lf - data.data()) + 1);
                mode_ = Mode::Command;
                break;
            }
        }
        if (event) {
            return std::move(*event);
        }
    }
}

std::optional<Event> Framer::read_command(net::InputBuffer& input) {
    std::string_view data = input.data();
    const char* lf = find_lf(data, scanned_);
    std::size_t length = lf != nullptr ? static_cast<std::size_t>(lf - data.data()) : data.size();
    std::string_view line = data.substr(0, length);
    if (lf != nullptr && !line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    std::size_t counted = lf != nullptr ? line.size() : unterminated_length(data);
    if (text_.size() + counted > limits_.max_command_length) {
        // Discard the rest of the command from here, whether or not its end has arrived, so
        // that the outcome does not depend on how the input was split.
        std::string tag = text_.empty() ? extract_tag(line) : tag_;
        reset_command();
        scanner_ = MarkerScanner{};
        mode_ = Mode::SkipLine;
        return Error{std::move(tag), "Command line too long"};
    }
    if (lf == nullptr) {
        scanned_ = data.size();
        return NeedMore{};
    }
    scanned_ = 0;
    bool first = text_.empty();
    if (first && line.empty()) {
        // An empty line is no command; ignore it as most servers do.
        input.consume(length + 1);
        return std::nullopt;
    }
    if (first) {
        tag_ = extract_tag(line);
    }
    MarkerScanner scan;
    scan.feed(line);
    bool has_literal = scan.finish();
    text_.append(line);
    input.consume(length + 1);
    if (!has_literal) {
        Request request{std::move(text_), std::move(literals_)};
        reset_command();
        return request;
    }
    marker_ = scan;
    return on_marker();
}

std::optional<Event> Framer::on_marker() {
    if (marker_.overflow) {
        if (!marker_.sync) {
            // The client is sending data whose end cannot be known: no way to resynchronise.
            std::string tag = tag_;
            reset_command();
            return Error{std::move(tag), "Literal size out of range", true};
        }
        return refuse_marker("[TOOBIG] Literal too large");
    }
    if (literals_.size() >= limits_.max_literals) {
        return refuse_marker("Too many literals in one command");
    }
    if (!marker_.sync) {
        if (limits_.non_sync == NonSyncLiterals::None) {
            return refuse_marker("Non-synchronizing literals are not supported");
        }
        // RFC 7888 4: a LITERAL- server answers BAD [TOOBIG] and must not process the literal.
        if (limits_.non_sync == NonSyncLiterals::Minus && marker_.size > kLiteralMinusMax) {
            return refuse_marker("[TOOBIG] Non-synchronizing literals are limited to 4096 bytes");
        }
    }
    if (marker_.size > limits_.max_literal_size ||
        marker_.size >
            limits_.max_command_literals - std::min(literal_bytes_, limits_.max_command_literals)) {
        return refuse_marker("[TOOBIG] Literal too large");
    }
    // The CRLF kept after the header counts against the command length like the text.
    if (text_.size() + 2 > limits_.max_command_length) {
        return refuse_marker("Command line too long");
    }
    text_ += "\r\n";
    mode_ = Mode::Decide;
    return std::nullopt;
}

Error Framer::refuse_marker(std::string text) {
    Error error{tag_, std::move(text)};
    reset_command();
    if (marker_.sync) {
        // The client waits for "+" and sends nothing more of this command once refused.
        mode_ = Mode::Command;
    } else {
        remaining_ = marker_.size;
        mode_ = Mode::SkipLiteral;
    }
    return error;
}

void Framer::accept_literal() {
    Literal literal;
    literal.binary = marker_.binary;
    literal.data.reserve(static_cast<std::size_t>(marker_.size));
    literals_.push_back(std::move(literal));
    literal_bytes_ += marker_.size;
    remaining_ = marker_.size;
    mode_ = Mode::Literal;
}

void Framer::reject_literal() {
    std::uint64_t size = marker_.size;
    bool sync = marker_.sync;
    reset_command();
    if (sync) {
        mode_ = Mode::Command;
    } else {
        remaining_ = size;
        mode_ = Mode::SkipLiteral;
    }
}

std::optional<Event> Framer::skip_line(net::InputBuffer& input) {
    std::string_view data = input.data();
    const char* lf = find_lf(data, 0);
    std::size_t length = lf != nullptr ? static_cast<std::size_t>(lf - data.data()) : data.size();
    scanner_.feed(data.substr(0, length));
    if (lf == nullptr) {
        input.consume(length);
        return NeedMore{};
    }
    input.consume(length + 1);
    bool has_literal = scanner_.finish();
    if (has_literal && !scanner_.sync) {
        if (scanner_.overflow) {
            mode_ = Mode::Command;
            return Error{"*", "Literal size out of range", true};
        }
        remaining_ = scanner_.size;
        mode_ = Mode::SkipLiteral;
        return std::nullopt;
    }
    mode_ = Mode::Command;
    return std::nullopt;
}

std::optional<Event> Framer::read_raw_line(net::InputBuffer& input) {
    std::string_view data = input.data();
    const char* lf = find_lf(data, scanned_);
    std::size_t length = lf != nullptr ? static_cast<std::size_t>(lf - data.data()) : data.size();
    std::string_view line = data.substr(0, length);
    if (lf != nullptr && !line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    std::size_t counted = lf != nullptr ? line.size() : unterminated_length(data);
    if (counted > limits_.max_command_length) {
        scanned_ = 0;
        mode_ = Mode::SkipRawLine;
        return Error{"", "Line too long"};
    }
    if (lf == nullptr) {
        scanned_ = data.size();
        return NeedMore{};
    }
    scanned_ = 0;
    Line result{std::string(line)};
    input.consume(length + 1);
    mode_ = Mode::Command;
    return result;
}

void Framer::reset_command() {
    text_.clear();
    tag_.clear();
    literals_.clear();
    literal_bytes_ = 0;
    scanned_ = 0;
}

}  // namespace govmail::imap
