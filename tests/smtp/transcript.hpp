#pragma once
// SMTP transcript tests (STYLE.md 5): a dialogue in tests/transcripts/smtp/*.txt, replayed
// against the session core (CorePeer) and through the real coroutine shell on a loopback port
// (LoopbackPeer), see peers.hpp.
//
//     # comment lines; "  # ..." after two spaces ends a line with a comment
//     @config listener = submission        smtp | submission | submissions
//     @config smtp.max_recipients = 2      also max_message_size, max_received_headers,
//                                          max_errors, max_junk_commands; limits.max_line_length;
//                                          tls = off (no STARTTLS context); fake.rate_limit
//     S: 220 *                             expected line; '*' matches any run of characters
//     S: 250-*                             "NNN-*" also absorbs every following "NNN-" line
//     C: EHLO client.example               sent with CRLF; consecutive C: lines (and @send)
//                                          go out together, in one write (pipelining)
//     @send "DATA\r\n.\n"                  raw bytes, C escapes (\r \n \t \\ \" \xHH)
//     @tls                                 the client starts TLS now (after a 220 to STARTTLS)
//     @closed                              the server has closed the connection
//     @expect message = "Subject: x\r\n\r\nhi\r\n"    a fact about the fake's last delivery or
//     @expect deliveries = 1                          its records, see expect_value()
//
// A transcript still open at its end gets "QUIT" and must answer "221 *" next: a reply nobody
// expected (say, to a command smuggled behind STARTTLS) shows up as a mismatch.

#include "smtp/session.hpp"
#include "tests/smtp/fake_services.hpp"
#include "tests/smtp/peers.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace govmail::test {

struct Transcript {
    enum class Kind { Send, Expect, Tls, Closed, Check };

    struct Step {
        Kind kind;
        std::string text;  // bytes to send, or the expected line, or the expected value
        std::string key;   // Check: the fact checked
        int line = 0;
    };

    std::filesystem::path file;
    std::map<std::string, std::string> config;
    std::vector<Step> steps;
};

// Reads a transcript; throws std::runtime_error naming the file and line of a syntax error.
Transcript load_transcript(const std::filesystem::path& file);

// The transcripts in tests/transcripts/smtp (under $GOVMAIL_SOURCE_DIR, else the working
// directory), sorted.
std::vector<std::filesystem::path> transcript_files();

// The session settings a transcript asks for (a mail.test.gov.vn server, MX by default).
smtp::SessionConfig session_config_for(const Transcript& transcript);

// "\r\n" -> CR LF, ...; throws on a bad escape.
std::string unescape(std::string_view quoted);
std::string escape(std::string_view bytes);

// '*' matches any run of characters.
bool glob_match(std::string_view pattern, std::string_view text);

// Replays `transcript` against `peer`, reporting mismatches as gtest failures.
void play(const Transcript& transcript, Peer& peer);

// The value of an @expect key for the fake's records: deliveries, message, from, to, targets,
// protocol, helo, account, tls, body, smtputf8, size, ret, envid, auth, notify, orcpt, events.
std::string expect_value(const FakeServices& services, const std::string& key);

}  // namespace govmail::test
