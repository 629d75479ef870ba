#pragma once
// The IMAP request framer (sans-I/O): bytes from the client in, whole commands out.
//
// A command is a line that may be interrupted by literals (RFC 9051 4.3): each line segment that
// ends with a literal header — "{n}" (synchronising), "{n+}" (non-synchronising, LITERAL+ /
// LITERAL-, RFC 7888) or "~{n}" / "~{n+}" (binary, RFC 3516) — is followed by exactly n bytes of
// literal data and then by the rest of the command. The framer reports:
//
//   NeedMore     more bytes are needed; read from the socket and call next() again.
//   NeedLiteral  a literal header arrived: the session must decide with accept_literal() or
//                reject_literal() before calling next() again (until then next() repeats it).
//                Synchronising: on accept the shell sends "+ Ready" (RFC 9051 7.5), on reject
//                the session answers the tag with NO/BAD (e.g. NO [TOOBIG] over APPENDLIMIT)
//                and the rest of the command is dropped: the client will not send it.
//                Non-synchronising: the bytes are already on their way; on reject they are read
//                and discarded with the rest of the command, never executed.
//   Request      a complete command: its text and its literals, ready for parse_command().
//   Line         a raw line, after expect_line(): an AUTHENTICATE response or IDLE's "DONE".
//   Error        framing failed: answer "<tag> BAD <text>" (tag "*" when unknown). The framer
//                has already resynchronised: input up to the end of the broken command is
//                discarded (including the data of any non-synchronising literal in it), and the
//                connection stays usable. `fatal` (a non-synchronising literal whose size cannot
//                be represented, so its end cannot be found) means: say BYE and close.
//
// Request::text is the command as sent with literal data cut out: each literal header is kept
// and followed by CRLF, and the data is in Request::literals, in order. For
// "a1 LOGIN {5}\r\nalice {3+}\r\npw1\r\n" text is "a1 LOGIN {5}\r\n {3+}\r\n" and literals are
// "alice", "pw1". The final CRLF is not part of text; a bare LF ends a line as CRLF does.
//
// Limits (FramerLimits): the command text excluding literal data (max_command_length), each
// literal, the literals of one command together, and their count. Literal memory: an accepted
// literal of n bytes is one std::string reserved to exactly n bytes and filled from the input
// buffer as bytes arrive (the input buffer is consumed at once, so it does not grow); Request
// moves it out. A 30 MB APPEND costs 30 MB plus one read chunk, and the session can decide from
// NeedLiteral (size, command so far, literals so far) before any of it is allocated. The session
// must refuse literals it will not take (APPENDLIMIT, pre-authentication caps) rather than rely on
// the framer's hard maxima.
//
//     Framer framer(limits);
//     for (;;) {
//         Event event = framer.next(connection.input());
//         if (std::holds_alternative<NeedMore>(event)) { co_await connection.fill(...); continue; }
//         if (auto* literal = std::get_if<NeedLiteral>(&event)) {
//             if (session.accepts(*literal)) { framer.accept_literal(); if (literal->sync) send("+
//             Ready\r\n"); } else { send(tag + " NO [TOOBIG] ..."); framer.reject_literal(); }
//         } else if (auto* request = std::get_if<Request>(&event)) {
//             auto command = parse_command(std::move(*request), options); ...
//         } else if (auto* error = std::get_if<Error>(&event)) {
//             send(error->tag + " BAD " + error->text); if (error->fatal) close();
//         }
//     }
//
// Views in NeedLiteral point into the framer and stay valid until the next call on it. Not
// thread-safe: one framer per connection, used on its strand. Never throws except bad_alloc.

#include "core/net/input_buffer.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace govmail::imap {

// RFC 7888 4: with only LITERAL- advertised, non-synchronising literals are limited to 4096 bytes.
inline constexpr std::uint64_t kLiteralMinusMax = 4096;

enum class NonSyncLiterals : std::uint8_t {
    None,   // neither LITERAL+ nor LITERAL- advertised: "{n+}" is refused (BAD)
    Minus,  // LITERAL-: "{n+}" up to kLiteralMinusMax bytes
    Plus,   // LITERAL+: any size within the limits below
};

struct FramerLimits {
    std::size_t max_command_length = std::size_t{64} * 1024;  // command text, literal data excluded
    std::uint64_t max_literal_size = 64ULL << 20;             // one literal
    std::uint64_t max_command_literals = 256ULL << 20;        // all literals of one command
    std::size_t max_literals = 1000;                          // literals in one command
    NonSyncLiterals non_sync = NonSyncLiterals::Plus;
};

struct Literal {
    std::string data;
    bool binary = false;  // "~{n}": may contain NUL (RFC 3516 4.1)

    friend bool operator==(const Literal&, const Literal&) = default;
};

struct NeedMore {};

struct NeedLiteral {
    std::string_view tag;      // of the command being read ("" if it has none)
    std::string_view command;  // its text so far, up to and including this literal's header
    std::uint64_t size = 0;
    bool sync = true;          // "{n}": the client waits for "+" (or for the tagged refusal)
    bool binary = false;       // "~{n}"
    std::size_t index = 0;     // 0 for the command's first literal
    std::uint64_t before = 0;  // bytes of the command's earlier literals
};

struct Request {
    std::string text;
    std::vector<Literal> literals;
};

struct Line {
    std::string text;
};

struct Error {
    std::string tag;  // "*" when the command has no recognisable tag; "" after expect_line()
    std::string text;
    bool fatal = false;
};

using Event = std::variant<NeedMore, NeedLiteral, Request, Line, Error>;

class Framer {
public:
    explicit Framer(FramerLimits limits = {})
        : limits_(limits) {}

    // Consumes bytes of `input` and returns the next event. See the header comment.
    Event next(net::InputBuffer& input);

    // Takes the literal last reported by NeedLiteral. Precondition: it is pending.
    void accept_literal();

    // Refuses the literal last reported by NeedLiteral and drops its command. Precondition: it
    // is pending.
    void reject_literal();

    // The next event is a Line (or an Error if it is too long) instead of a command: for
    // AUTHENTICATE continuation responses (RFC 9051 6.2.2) and IDLE's DONE (RFC 2177).
    // Precondition: between commands (the last event was a Request, Line or Error).
    void expect_line() { mode_ = Mode::RawLine; }

    const FramerLimits& limits() const { return limits_; }

    // New limits apply to literals and commands not yet started.
    void set_limits(const FramerLimits& limits) { limits_ = limits; }

    // True between commands with nothing of the next one received.
    bool idle() const { return mode_ == Mode::Command && text_.empty() && scanned_ == 0; }

private:
    // Recognises a literal header at the end of a line segment, outside quoted strings, one byte
    // at a time, so that discarded lines are judged exactly like buffered ones.
    class MarkerScanner {
    public:
        void feed(char c);
        void feed(std::string_view bytes);
        // At the end of a segment: whether it ended with a literal header. Resets the scanner.
        bool finish();

        std::uint64_t size = 0;
        bool overflow = false;  // more digits than a 64-bit size holds
        bool sync = true;
        bool binary = false;

    private:
        void process(char c);

        enum class State : std::uint8_t { None, Tilde, Open, Digits, Plus, Close };
        State state_ = State::None;
        bool in_quote_ = false;
        bool escape_ = false;
        bool pending_cr_ = false;
    };

    enum class Mode : std::uint8_t {
        Command,      // reading a segment of a command line
        Decide,       // a literal header waits for accept_literal() / reject_literal()
        Literal,      // reading accepted literal data
        SkipLiteral,  // discarding the data of a refused non-synchronising literal
        SkipLine,     // discarding the rest of a refused command line
        RawLine,      // reading a line for expect_line()
        SkipRawLine,  // discarding the rest of an over-long raw line
    };

    // Each step returns the event to report, or nullopt to go on with the new mode.
    std::optional<Event> read_command(net::InputBuffer& input);
    std::optional<Event> on_marker();
    std::optional<Event> skip_line(net::InputBuffer& input);
    std::optional<Event> read_raw_line(net::InputBuffer& input);
    Error refuse_marker(std::string text);
    void reset_command();

    FramerLimits limits_;
    Mode mode_ = Mode::Command;
    std::string text_;  // the command so far (see Request::text)
    std::string tag_;   // its tag, for errors and NeedLiteral
    std::vector<Literal> literals_;
    std::uint64_t literal_bytes_ = 0;  // sum of the command's literal sizes so far
    std::uint64_t remaining_ = 0;      // data bytes left in the literal being read or skipped
    std::size_t scanned_ = 0;          // input bytes known to hold no LF
    MarkerScanner scanner_;            // the segment being discarded (SkipLine)
    MarkerScanner marker_;             // the header awaiting a decision (Decide)
};

}  // namespace govmail::imap
