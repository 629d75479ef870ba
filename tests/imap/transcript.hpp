#pragma once
// IMAP transcript tests (STYLE 5): dialogues in tests/transcripts/imap/*.txt replayed against
// something that speaks IMAP (the session core, or a Connection over a stream), line by line.
//
// File format, one directive per line:
//
//     # a comment (also: two or more spaces then "#" ends a line's content)
//     @config imap.max_literal_size = 100    configuration for the driver, before any exchange
//     C: a1 LOGIN alice secret              the client sends this line and CRLF; consecutive
//                                           C: lines of a connection go out in one write
//     S: a1 OK *                            the server must answer with a line matching this
//     2:C: b1 NOOP                          "N:" selects connection N (default 1); connections
//     2:S: b1 OK *                          open at first use
//     @tls                                  the client starts TLS now (after STARTTLS's OK);
//     2:@tls                                "N:" as for C: and S:
//
// Expected lines are patterns:
//   *        any text, including none, where it stands; but "*" followed by a space at the start
//            of a line is the untagged marker, and "\*" is the literal text "\*" (PERMANENTFLAGS)
//   $name    a capture: a lower-case name matching one token (up to SP, "(", ")", "[", "]",
//   DQUOTE);
//            its first use binds it, later uses (in S: and C: lines) must be / become that value
//   $$       a literal "$" ("$$Forwarded" matches "$Forwarded")
//
// The S: lines after a C: line form one block. Responses with literals span several lines, as
// on the wire: a line ending in "{n}" continues with n bytes counted across the following lines
// (each line break counting as CRLF) — write the size as a number. Within a block, untagged
// responses ("* ...") between two tagged or continuation responses may arrive in any order; the
// tagged and continuation responses must come where they are written. When a block ends with a
// tagged response, the server's responses are read up to that tag, so an unexpected extra line
// fails the test instead of shifting the rest.

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace govmail::imap::test {

struct TranscriptLine {
    enum class Kind { Client, Server, Tls };

    int number = 0;  // line number in the file, for messages
    int connection = 1;
    Kind kind = Kind::Client;
    std::string text;
};

struct Transcript {
    std::string name;
    std::vector<std::pair<std::string, std::string>> config;
    std::vector<TranscriptLine> lines;
};

Result<Transcript> parse_transcript(std::string_view text, std::string name);

Result<Transcript> load_transcript(const std::filesystem::path& path);

// The *.txt files directly in `directory`, sorted (for INSTANTIATE_TEST_SUITE_P).
std::vector<std::filesystem::path> list_transcripts(const std::filesystem::path& directory);

// What a transcript talks to.
class TranscriptDriver {
public:
    virtual ~TranscriptDriver() = default;

    // The @config lines, once, before anything else. An error fails the transcript.
    virtual Result<> configure(const std::vector<std::pair<std::string, std::string>>& config) = 0;

    // Opens connection `connection` (first use in the transcript); the greeting, if any, is then
    // available through read().
    virtual void open(int connection) = 0;

    // Sends client bytes (a C: line with its CRLF).
    virtual void send(int connection, std::string_view bytes) = 0;

    // More bytes the server wrote, or nullopt when nothing more will come without more input
    // (a core driver: it has run until idle; a socket driver: after a timeout).
    virtual std::optional<std::string> read(int connection) = 0;

    // The same at the end of the transcript, when nothing more is expected: a socket driver
    // waits less long here than read() does for a response the test is waiting for.
    virtual std::optional<std::string> read_rest(int connection) { return read(connection); }

    // The client side of a TLS handshake on `connection` (@tls). False when it failed or the
    // driver has no TLS.
    virtual bool start_tls(int /*connection*/) { return false; }
};

// Runs the transcript; on failure, the message names the file line and shows what the server
// said.
testing::AssertionResult run_transcript(const Transcript& transcript, TranscriptDriver& driver);

// Pattern matching as described above, for the harness's own tests. `captures` is updated only
// on a match.
bool match_line(
    std::string_view pattern, std::string_view text, std::map<std::string, std::string>& captures
);

// Splits server output into responses: each ends at a CRLF that is not inside a literal; the
// CRLF is not included. `rest` receives an incomplete trailing response.
std::vector<std::string> split_responses(std::string_view bytes, std::string& rest);

}  // namespace govmail::imap::test
