#pragma once
// Writing IMAP responses (RFC 9051 7): strings in the right form, and a small builder that
// appends whole response lines to one output buffer.
//
//     std::string out;
//     Response(out).untagged().number(3).atom("EXISTS").end();
//         // "* 3 EXISTS\r\n"
//     Response(out).untagged().number(1).atom("FETCH").open()
//         .atom("UID").number(7).atom("FLAGS").flags(flags).close().end();
//         // "* 1 FETCH (UID 7 FLAGS (\Seen $Forwarded))\r\n"
//     Response(out).tagged("a1").status(Condition::Ok)
//         .code("APPENDUID").number(38505).number(3955).end_code().text("APPEND completed").end();
//         // "a1 OK [APPENDUID 38505 3955] APPEND completed\r\n"
//     Response(out).continuation().text("Ready").end();
//         // "+ Ready\r\n"
//
// Tokens are separated by one SP, except after the line start, "(" and "[". Strings choose their
// form: quoted when short and made of 7-bit characters other than NUL, CR and LF (or valid UTF-8
// once UTF8=ACCEPT is enabled, RFC 6855 3), a literal otherwise. Mailbox names are written in
// modified UTF-7, or as UTF-8 once UTF8=ACCEPT / IMAP4rev2 is enabled.
//
// Large bodies (FETCH BODY[]) should not be copied into the buffer: literal_header(n) writes
// "{n}\r\n"; the shell sends and clears the buffer, sends the n bytes from the store, and goes on
// with the same Response (which keeps its place in the line).
//
// The builder holds a reference to the buffer: keep it alive while writing. Not thread-safe.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace govmail::imap {

// Longest string written quoted; longer ones are literals, which no client limits.
inline constexpr std::size_t kMaxQuoted = 1024;

// The condition of a status response (RFC 9051 7.1).
enum class Condition : std::uint8_t { Ok, No, Bad, PreAuth, Bye };

std::string_view to_string(Condition condition);

// True when `text` can be a quoted string (see above; `utf8` after UTF8=ACCEPT).
bool can_quote(std::string_view text, bool utf8 = false);

// DQUOTE text DQUOTE with "\" and DQUOTE escaped. Precondition: can_quote(text, true).
void append_quoted(std::string& out, std::string_view text);

// "{n}\r\n" and the bytes, or "~{n}\r\n" when `binary` (RFC 3516 4.3: BINARY responses with NUL).
void append_literal(std::string& out, std::string_view bytes, bool binary = false);

// Quoted if possible, literal otherwise.
void append_string(std::string& out, std::string_view text, bool utf8 = false);

// An atom when `text` is 1*ASTRING-CHAR and not "NIL", else a string.
void append_astring(std::string& out, std::string_view text, bool utf8 = false);

// "NIL" for nullopt, else a string.
void append_nstring(std::string& out, std::optional<std::string_view> text, bool utf8 = false);

// A mailbox name given in UTF-8: modified UTF-7 unless `utf8` (then UTF-8), as an astring.
void append_mailbox(std::string& out, std::string_view name, bool utf8 = false);

// "(" flag *(SP flag) ")"; flags are atoms ("\Seen", "$Forwarded") written as they are.
void append_flag_list(std::string& out, std::span<const std::string> flags);

class Response {
public:
    // Appends to `out`; `utf8` as in append_string() and append_mailbox().
    explicit Response(std::string& out, bool utf8 = false)
        : out_(out)
        , utf8_(utf8) {}

    // Line starts: "*", the tag, "+".
    Response& untagged();
    Response& tagged(std::string_view tag);
    Response& continuation();

    // "OK", "NO", "BAD", "PREAUTH", "BYE".
    Response& status(Condition condition) { return atom(to_string(condition)); }

    // An atom or keyword written as is ("FETCH", "\Seen", "BODY[1]").
    Response& atom(std::string_view text);
    Response& number(std::uint64_t value);
    Response& string(std::string_view text);
    Response& astring(std::string_view text);
    Response& nstring(std::optional<std::string_view> text);

    Response& nil() { return atom("NIL"); }

    Response& mailbox(std::string_view name);
    Response& flags(std::span<const std::string> flags);

    // DQUOTE date-time DQUOTE (INTERNALDATE, RFC 9051 7.5.2).
    Response& date_time(std::chrono::sys_seconds utc, int zone_minutes = 0);

    Response& literal(std::string_view bytes, bool binary = false);

    // "{n}\r\n" only: the caller sends exactly n bytes after what is in the buffer.
    Response& literal_header(std::uint64_t size, bool binary = false);

    // Text already in IMAP syntax (a cached ENVELOPE or BODYSTRUCTURE), as one token.
    Response& raw(std::string_view text) { return atom(text); }

    // "(" and ")".
    Response& open();
    Response& close();

    // "[NAME" ... "]": a response code (RFC 9051 7.1).
    Response& code(std::string_view name);
    Response& end_code();

    // SP and human-readable text (CR, LF and NUL become spaces). Ends the tokens of the line.
    Response& text(std::string_view text);

    // CRLF: the line is complete.
    void end();

private:
    void separate();

    std::string& out_;
    bool utf8_;
    bool need_space_ = false;
};

}  // namespace govmail::imap
