#include "tests/imap/transcript.hpp"

#include "imap/command.hpp"
#include "imap/framer.hpp"
#include "imap/sasl.hpp"
#include "tests/imap/command_dump.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

namespace govmail::imap::test {
namespace {

// ---- The pattern language

TEST(TranscriptMatch, Wildcards) {
    std::map<std::string, std::string> captures;
    EXPECT_TRUE(match_line("a1 OK *", "a1 OK LOGIN completed", captures));
    EXPECT_TRUE(match_line("a1 OK *", "a1 OK ", captures));
    EXPECT_FALSE(match_line("a1 OK *", "a1 NO nope", captures));
    EXPECT_TRUE(match_line("* OK [UIDVALIDITY *] *", "* OK [UIDVALIDITY 42] UIDs valid", captures));
    EXPECT_FALSE(match_line("* OK [UIDVALIDITY *] *", "* OK [UIDNEXT 42] next", captures));
    EXPECT_TRUE(match_line("*", "anything at all", captures));
    EXPECT_TRUE(match_line("a1 OK", "a1 OK", captures));
    EXPECT_FALSE(match_line("a1 OK", "a1 OK.", captures));
}

TEST(TranscriptMatch, UntaggedMarkerAndBackslashStarAreLiteral) {
    std::map<std::string, std::string> captures;
    EXPECT_TRUE(match_line("* 3 EXISTS", "* 3 EXISTS", captures));
    EXPECT_FALSE(match_line("* 3 EXISTS", "a1 3 EXISTS", captures));
    EXPECT_TRUE(match_line(
        "* OK [PERMANENTFLAGS (\\Seen \\*)] *", "* OK [PERMANENTFLAGS (\\Seen \\*)] ok", captures
    ));
    EXPECT_FALSE(match_line(
        "* OK [PERMANENTFLAGS (\\Seen \\*)] *", "* OK [PERMANENTFLAGS (\\Seen \\Foo)] ok", captures
    ));
}

TEST(TranscriptMatch, CapturesBindOnceAndMustRepeat) {
    std::map<std::string, std::string> captures;
    EXPECT_TRUE(match_line("* 1 FETCH (UID $uid FLAGS ())", "* 1 FETCH (UID 77 FLAGS ())", captures)
    );
    EXPECT_EQ(captures["uid"], "77");
    EXPECT_TRUE(
        match_line("* OK [COPYUID $validity $uid 5] *", "* OK [COPYUID 9 77 5] done", captures)
    );
    EXPECT_EQ(captures["validity"], "9");
    EXPECT_FALSE(match_line("* 2 FETCH (UID $uid)", "* 2 FETCH (UID 78)", captures));
    // A failed match binds nothing.
    EXPECT_FALSE(match_line("$other NO", "x OK", captures));
    EXPECT_EQ(captures.count("other"), 0U);
}

TEST(TranscriptMatch, DollarDollarIsADollar) {
    std::map<std::string, std::string> captures;
    EXPECT_TRUE(match_line("* FLAGS ($$Forwarded \\Seen)", "* FLAGS ($Forwarded \\Seen)", captures)
    );
    EXPECT_TRUE(match_line("* FLAGS ($Forwarded)", "* FLAGS ($Forwarded)", captures));
    EXPECT_TRUE(captures.empty());  // "$F..." is not a capture: names are lower case
}

TEST(TranscriptSplit, LiteralsStayInsideOneResponse) {
    std::string rest;
    auto responses = split_responses(
        "* 1 FETCH (BODY[] {12}\r\nSubject: x\r\n UID 4)\r\na1 OK done\r\n* 2 FETCH (BODY[] "
        "{9}\r\nabc",
        rest
    );
    ASSERT_EQ(responses.size(), 2U);
    EXPECT_EQ(responses[0], "* 1 FETCH (BODY[] {12}\r\nSubject: x\r\n UID 4)");
    EXPECT_EQ(responses[1], "a1 OK done");
    EXPECT_EQ(rest, "* 2 FETCH (BODY[] {9}\r\nabc");
}

TEST(TranscriptParse, Directives) {
    auto transcript = parse_transcript(
        "# comment\n@config imap.x = 5\nC: a1 NOOP\nS: a1 OK *    # comment\n2:C: b1 NOOP\n\n2:S: "
        "b1 OK\n",
        "t.txt"
    );
    ASSERT_TRUE(transcript) << transcript.error().message;
    ASSERT_EQ(transcript->config.size(), 1U);
    EXPECT_EQ(transcript->config[0], (std::pair<std::string, std::string>{"imap.x", "5"}));
    ASSERT_EQ(transcript->lines.size(), 4U);
    EXPECT_EQ(transcript->lines[1].text, "a1 OK *");
    EXPECT_EQ(transcript->lines[1].number, 4);
    EXPECT_EQ(transcript->lines[2].connection, 2);
    EXPECT_EQ(transcript->lines[3].kind, TranscriptLine::Kind::Server);
}

TEST(TranscriptParse, Errors) {
    EXPECT_FALSE(parse_transcript("X: nonsense\n", "t.txt"));
    EXPECT_FALSE(parse_transcript("@config novalue\n", "t.txt"));
    EXPECT_FALSE(parse_transcript("C: a\n@config a = b\n", "t.txt"));
}

// ---- The runner, against a scripted server

// Answers each client line with canned output keyed by the line.
class ScriptedDriver : public TranscriptDriver {
public:
    std::map<std::string, std::string> replies;
    std::string greeting = "* OK ready\r\n";

    Result<> configure(const std::vector<std::pair<std::string, std::string>>& /*config*/)
        override {
        return {};
    }

    void open(int connection) override { out_[connection] += greeting; }

    // Pipelined lines arrive in one write: answer each in turn.
    void send(int connection, std::string_view bytes) override {
        for (std::size_t end = bytes.find("\r\n"); end != std::string_view::npos;
             end = bytes.find("\r\n")) {
            out_[connection] += replies[std::string(bytes.substr(0, end))];
            bytes.remove_prefix(end + 2);
        }
    }

    std::optional<std::string> read(int connection) override {
        std::string& out = out_[connection];
        if (out.empty()) {
            return std::nullopt;
        }
        // Dribble the output a few bytes at a time, as a socket might.
        std::string chunk = out.substr(0, 5);
        out.erase(0, 5);
        return chunk;
    }

private:
    std::map<int, std::string> out_;
};

testing::AssertionResult run(const std::string& text, ScriptedDriver& driver) {
    auto transcript = parse_transcript(text, "scripted.txt");
    if (!transcript) {
        return testing::AssertionFailure() << transcript.error().message;
    }
    return run_transcript(*transcript, driver);
}

TEST(TranscriptRun, UntaggedInAnyOrderAndCaptures) {
    ScriptedDriver driver;
    driver.replies["a1 SELECT INBOX"] =
        "* 2 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* FLAGS (\\Seen)\r\na1 OK [READ-WRITE] done\r\n";
    driver.replies["a2 UID FETCH 7 FLAGS"] = "* 1 FETCH (UID 7 FLAGS ())\r\na2 OK done\r\n";
    EXPECT_TRUE(
        run("S: * OK *\n"
            "C: a1 SELECT INBOX\n"
            "S: * FLAGS (\\Seen)\n"
            "S: * OK [UIDVALIDITY $validity] *\n"
            "S: * 2 EXISTS\n"
            "S: a1 OK [READ-WRITE] *\n"
            "C: a2 UID FETCH $validity FLAGS\n"
            "S: * 1 FETCH (UID $validity FLAGS ())\n"
            "S: a2 OK *\n",
            driver)
    );
}

TEST(TranscriptRun, Literals) {
    ScriptedDriver driver;
    driver.replies["a1 FETCH 1 BODY[]"] =
        "* 1 FETCH (BODY[] {14}\r\nSubject: x\r\n\r\n)\r\na1 OK done\r\n";
    EXPECT_TRUE(
        run("S: * OK *\n"
            "C: a1 FETCH 1 BODY[]\n"
            "S: * 1 FETCH (BODY[] {14}\n"
            "S: Subject: x\n"
            "S: \n"
            "S: )\n"
            "S: a1 OK *\n",
            driver)
    );
}

TEST(TranscriptRun, PipelinedCommandsInOneBlock) {
    ScriptedDriver driver;
    driver.replies["a1 NOOP"] = "a1 OK noop\r\n";
    driver.replies["a2 NOOP"] = "* 1 EXISTS\r\na2 OK noop\r\n";
    EXPECT_TRUE(
        run("S: * OK *\nC: a1 NOOP\nC: a2 NOOP\nS: a1 OK *\nS: * 1 EXISTS\nS: a2 OK *\n", driver)
    );
}

TEST(TranscriptRun, ExtraResponseFails) {
    ScriptedDriver driver;
    driver.replies["a1 NOOP"] = "* 1 EXISTS\r\na1 OK noop\r\n";
    auto result = run("S: * OK *\nC: a1 NOOP\nS: a1 OK *\n", driver);
    EXPECT_FALSE(result);
    EXPECT_NE(std::string(result.message()).find("scripted.txt:3"), std::string::npos)
        << result.message();
}

TEST(TranscriptRun, MismatchFails) {
    ScriptedDriver driver;
    driver.replies["a1 NOOP"] = "a1 NO noop\r\n";
    EXPECT_FALSE(run("S: * OK *\nC: a1 NOOP\nS: a1 OK *\n", driver));
}

TEST(TranscriptRun, MissingResponseFails) {
    ScriptedDriver driver;
    EXPECT_FALSE(run("S: * OK *\nC: a1 NOOP\nS: a1 OK *\n", driver));
}

TEST(TranscriptRun, LeftoverOutputFails) {
    ScriptedDriver driver;
    driver.replies["a1 NOOP"] = "a1 OK noop\r\n* BYE surprise\r\n";
    EXPECT_FALSE(run("S: * OK *\nC: a1 NOOP\nS: a1 OK *\n", driver));
}

TEST(TranscriptRun, UnboundCaptureInClientLineFails) {
    ScriptedDriver driver;
    EXPECT_FALSE(run("S: * OK *\nC: a1 FETCH $uid FLAGS\n", driver));
}

TEST(TranscriptRun, Connections) {
    ScriptedDriver driver;
    driver.replies["a1 NOOP"] = "a1 OK one\r\n";
    driver.replies["b1 NOOP"] = "b1 OK two\r\n";
    EXPECT_TRUE(run(
        "1:S: * OK *\n2:S: * OK *\n2:C: b1 NOOP\n1:C: a1 NOOP\n1:S: a1 OK one\n2:S: b1 OK two\n",
        driver
    ));
}

// ---- Framer and parser transcripts (tests/transcripts/imap/parser/)

// A stand-in for the session: frames and parses each command and says what it understood:
// "* PARSED <dump>" and "<tag> OK done", or the BAD the session would send. IDLE waits for DONE;
// AUTHENTICATE without an initial response reads one SASL line.
class ParserDriver : public TranscriptDriver {
public:
    Result<> configure(const std::vector<std::pair<std::string, std::string>>& config) override {
        for (const auto& [key, value] : config) {
            if (key == "imap.max_command_length") {
                limits_.max_command_length = std::stoul(value);
            } else if (key == "imap.max_literal_size") {
                limits_.max_literal_size = std::stoull(value);
            } else if (key == "imap.accept_literal") {
                accept_ = std::stoull(value);
            } else if (key == "imap.literals") {
                limits_.non_sync = value == "minus"  ? NonSyncLiterals::Minus
                                   : value == "none" ? NonSyncLiterals::None
                                                     : NonSyncLiterals::Plus;
            } else if (key == "imap.utf8") {
                options_.utf8_names = value == "on";
            } else {
                return govmail::Error{"unknown key " + key};
            }
        }
        return {};
    }

    void open(int connection) override {
        auto& c = connections_[connection];
        c = std::make_unique<Conn>();
        c->framer.set_limits(limits_);
        c->out = "* OK parser test ready\r\n";
    }

    void send(int connection, std::string_view bytes) override {
        Conn& c = *connections_.at(connection);
        auto space = c.input.prepare(bytes.size());
        std::copy(bytes.begin(), bytes.end(), space.begin());
        c.input.commit(bytes.size());
        for (;;) {
            Event event = c.framer.next(c.input);
            if (std::holds_alternative<NeedMore>(event)) {
                return;
            }
            if (auto* literal = std::get_if<NeedLiteral>(&event)) {
                if (literal->size <= accept_) {
                    if (literal->sync) {
                        c.out += "+ Ready\r\n";
                    }
                    c.framer.accept_literal();
                } else {
                    c.out += std::string(literal->tag) + " NO [TOOBIG] Literal too large\r\n";
                    c.framer.reject_literal();
                }
            } else if (auto* request = std::get_if<Request>(&event)) {
                handle(c, std::move(*request));
            } else if (auto* line = std::get_if<Line>(&event)) {
                handle_line(c, line->text);
            } else if (auto* error = std::get_if<Error>(&event)) {
                std::string tag = error->tag.empty() ? c.waiting_tag : error->tag;
                c.out += tag + " BAD " + error->text + "\r\n";
                if (error->fatal) {
                    c.out += "* BYE Connection closed\r\n";
                }
            }
        }
    }

    std::optional<std::string> read(int connection) override {
        std::string& out = connections_.at(connection)->out;
        if (out.empty()) {
            return std::nullopt;
        }
        return std::exchange(out, {});
    }

private:
    struct Conn {
        net::InputBuffer input;
        Framer framer;
        std::string out;
        std::string waiting_tag;  // IDLE or AUTHENTICATE waiting for a line
        bool idle = false;
    };

    void handle(Conn& c, Request&& request) {
        auto parsed = parse_command(std::move(request), options_);
        if (!parsed) {
            c.out += parsed.error().tag + " BAD " + parsed.error().text + "\r\n";
            return;
        }
        c.out += "* PARSED " + dump(parsed->command) + "\r\n";
        const auto* auth = std::get_if<Authenticate>(&parsed->command);
        if (std::holds_alternative<Idle>(parsed->command) ||
            (auth != nullptr && !auth->initial_response)) {
            c.idle = std::holds_alternative<Idle>(parsed->command);
            c.waiting_tag = parsed->tag;
            c.out += c.idle ? "+ idling\r\n" : "+ \r\n";
            c.framer.expect_line();
            return;
        }
        c.out += parsed->tag + " OK done\r\n";
    }

    static void handle_line(Conn& c, const std::string& text) {
        std::string tag = std::exchange(c.waiting_tag, {});
        if (c.idle) {
            c.out += text == "DONE" ? tag + " OK IDLE done\r\n" : tag + " BAD Expected DONE\r\n";
            return;
        }
        SaslResponse response = parse_sasl_response(text);
        if (response.cancelled) {
            c.out += tag + " BAD Authentication cancelled\r\n";
        } else if (!response.data) {
            c.out += tag + " BAD Invalid BASE64\r\n";
        } else {
            c.out += "* PARSED SASL " + quote(*response.data) + "\r\n" + tag + " OK done\r\n";
        }
    }

    FramerLimits limits_;
    ParseOptions options_;
    std::uint64_t accept_ = UINT64_MAX;
    std::map<int, std::unique_ptr<Conn>> connections_;
};

std::filesystem::path transcript_dir() {
    const char* source = std::getenv("GOVMAIL_SOURCE_DIR");  // NOLINT(concurrency-mt-unsafe)
    return std::filesystem::path(source != nullptr ? source : ".") /
           "tests/transcripts/imap/parser";
}

class ParserTranscripts : public testing::TestWithParam<std::filesystem::path> {};

TEST_P(ParserTranscripts, Replay) {
    auto transcript = load_transcript(GetParam());
    ASSERT_TRUE(transcript) << transcript.error().message;
    ParserDriver driver;
    EXPECT_TRUE(run_transcript(*transcript, driver));
}

INSTANTIATE_TEST_SUITE_P(
    Files,
    ParserTranscripts,
    testing::ValuesIn(list_transcripts(transcript_dir())),
    [](const auto& info) {
        std::string name = info.param.stem().string();
        std::erase_if(name, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); });
        return name;
    }
);

TEST(ParserTranscripts, DirectoryIsNotEmpty) {
    EXPECT_GE(list_transcripts(transcript_dir()).size(), 5U);
}

}  // namespace
}  // namespace govmail::imap::test
