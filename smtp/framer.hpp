#pragma once
// Splits what an SMTP client sends into events (sans-I/O): command lines, SASL responses, the
// message text of DATA and the chunks of BDAT. The session says what comes next (expect()); the
// framer never decides it.
//
//     Framer framer(4096);
//     while (auto event = framer.next(connection.input())) {   // nullopt: read more bytes
//         Step step = co_await session.handle(*event);
//         framer.expect(step.next);
//     }
//
// Events view the input buffer and stay valid until the next call to next(); the bytes of an
// event are consumed by that next call. Each byte is looked at once, and nothing is buffered
// beyond the input buffer itself, which never holds more than one line (or 2 bytes of an
// undecided line ending in DATA): a hostile client cannot make the framer hold more.
//
// Lines (Input::Line, Input::Sasl): end at CRLF. Longer than the limit (RFC 5321 4.5.3.1.4 counts
// the CRLF; SASL responses may have 12288 octets, RFC 4954 4): BadLine{TooLong}, the rest of the
// line is discarded. A bare LF, or a CR inside the line: BadLine{BareLineEnding} (RFC 5321 2.3.8).
//
// DATA (Input::Data): Body pieces with dot-unstuffing (RFC 5321 4.5.2), then BodyEnd at the
// terminating CRLF "." CRLF (RFC 5321 4.1.1.4), found across reads. Only that exact sequence
// ends the data: "." after a bare LF, or followed by a bare CR or LF, is text (SMTP smuggling).
// A bare CR or LF anywhere in the text marks BodyEnd::bare_line_ending, and the message is
// refused by the session; the text still runs to the real end, so nothing in it is ever read
// as a command. Lines are not length-limited in DATA (RFC 5321 4.5.3.1: impose no limits where
// possible): the session caps the message size instead.
//
// BDAT (Input::Bdat, n octets): exactly n octets as Body pieces, then BodyEnd (RFC 3030 2).

#include "core/net/input_buffer.hpp"
#include "core/net/line_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace govmail::smtp {

// RFC 4954 4: SASL responses may be up to 12288 octets.
inline constexpr std::size_t kMaxSaslLine = 12288;

enum class Input : std::uint8_t { Line, Sasl, Data, Bdat };

struct NextInput {
    Input kind = Input::Line;
    std::uint64_t size = 0;  // Input::Bdat: octets of the chunk

    bool operator==(const NextInput&) const = default;
};

// A command line or SASL response without its CRLF.
struct Line {
    std::string_view text;
};

struct BadLine {
    enum class Problem : std::uint8_t { TooLong, BareLineEnding };
    Problem problem;
};

// Message text: DATA after dot-unstuffing, BDAT as sent.
struct Body {
    std::string_view bytes;
};

// The end of the DATA text or of a BDAT chunk.
struct BodyEnd {
    bool bare_line_ending = false;  // DATA text had a CR or LF alone
};

using Event = std::variant<Line, BadLine, Body, BodyEnd>;

class Framer {
public:
    // `max_line`: the command line limit in octets, CRLF included (at least 512).
    explicit Framer(std::size_t max_line);

    // What to read next; takes effect at the next call of next(). Expecting the kind already in
    // effect changes nothing: a BDAT chunk keeps counting down the octets still to come. After
    // BodyEnd the framer is back to Input::Line by itself.
    void expect(NextInput next);

    // The next event in `input`, or nullopt when more bytes are needed.
    std::optional<Event> next(net::InputBuffer& input);

    // True when waiting for a new command with nothing of it read: the connection is idle.
    bool idle(const net::InputBuffer& input) const;

    // Forgets everything after the connection dropped its input (STARTTLS): mode Line.
    void reset();

private:
    std::optional<Event> next_line(net::InputBuffer& input);
    std::optional<Event> next_data(net::InputBuffer& input);
    std::optional<Event> next_chunk(net::InputBuffer& input);
    Event piece(std::string_view data, std::size_t length);

    std::size_t max_line_;
    net::LineReader lines_;
    NextInput mode_;
    std::size_t pending_ = 0;  // octets of the Body piece last returned
    bool line_start_ = true;   // DATA: at the start of a text line
    bool bare_ = false;        // DATA: a bare CR or LF was seen
};

}  // namespace govmail::smtp
