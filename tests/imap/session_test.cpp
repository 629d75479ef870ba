// Every session transcript in tests/transcripts/imap/*.txt, twice: against the session core over
// a real mail store (CoreDriver), and through the coroutine shell over loopback TLS
// (LoopbackDriver); the usage hook (activity events for logins and reads); FETCH batches.

#include "core/log.hpp"
#include "tests/imap/messages.hpp"
#include "tests/imap/session_driver.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace govmail::imap::test {
namespace {

std::filesystem::path session_transcripts() {
    const char* source = std::getenv("GOVMAIL_SOURCE_DIR");  // NOLINT(concurrency-mt-unsafe)
    return std::filesystem::path(source != nullptr ? source : ".") / "tests/transcripts/imap";
}

class SessionTranscript : public testing::TestWithParam<std::filesystem::path> {
protected:
    static void SetUpTestSuite() { log::init("error", LogFormat::Text); }
};

TEST_P(SessionTranscript, Core) {
    auto transcript = load_transcript(GetParam());
    ASSERT_TRUE(transcript) << transcript.error().message;
    ImapWorld world;
    CoreDriver driver(world);
    EXPECT_TRUE(run_transcript(*transcript, driver));
}

TEST_P(SessionTranscript, Loopback) {
    auto transcript = load_transcript(GetParam());
    ASSERT_TRUE(transcript) << transcript.error().message;
    ImapWorld world;
    LoopbackDriver driver(world);
    EXPECT_TRUE(run_transcript(*transcript, driver));
}

std::string test_name(const testing::TestParamInfo<std::filesystem::path>& info) {
    std::string name;
    bool upper = true;
    for (char c : info.param.stem().string()) {
        if (c == '-' || c == '_' || c == '.') {
            upper = true;
            continue;
        }
        name += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        upper = false;
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(
    Files, SessionTranscript, testing::ValuesIn(list_transcripts(session_transcripts())), test_name
);

// Sends one command line on connection 1 and returns everything the session answered.
std::string exchange(CoreDriver& driver, std::string_view line) {
    driver.send(1, std::string(line) + "\r\n");
    std::string out;
    while (auto more = driver.read(1)) {
        out += *more;
    }
    return out;
}

// The usage hook (issue 6): a login, and each message that becomes \Seen through a non-PEEK
// FETCH or a STORE, is one activity event for the account; PEEK, already-seen messages, a
// read-only mailbox and a refused login record nothing.
TEST(SessionActivity, LoginsAndReadsAreRecorded) {
    log::init("error", LogFormat::Text);
    ImapWorld world;
    world.append("alice", "INBOX", "simple");
    world.append("alice", "INBOX", "multipart", store::kSeen);
    world.append("alice", "INBOX", "vietnamese");
    world.append("alice", "INBOX", "attached");
    CoreDriver driver(world);
    ASSERT_TRUE(driver.configure({}));
    driver.open(1);
    auto say = [&](std::string_view line) { return exchange(driver, line); };
    EXPECT_NE(say("a0 LOGIN alice@example.gov.vn wrong").find("a0 NO"), std::string::npos);
    EXPECT_TRUE(world.activity().events().empty());
    EXPECT_NE(say("a1 LOGIN alice@example.gov.vn alice-password").find("a1 OK"), std::string::npos);
    EXPECT_NE(say("a2 EXAMINE INBOX").find("a2 OK"), std::string::npos);
    EXPECT_NE(say("a3 FETCH 1 BODY[TEXT]").find("a3 OK"), std::string::npos);  // read-only
    EXPECT_NE(say("a4 SELECT INBOX").find("a4 OK"), std::string::npos);
    EXPECT_NE(say("a5 FETCH 1 BODY.PEEK[]").find("a5 OK"), std::string::npos);
    EXPECT_NE(say("a6 FETCH 1:2 BODY[TEXT]").find("a6 OK"), std::string::npos);  // 2 was seen
    EXPECT_NE(say("a7 FETCH 1 RFC822").find("a7 OK"), std::string::npos);        // seen by a6
    EXPECT_NE(say("a8 STORE 2:4 +FLAGS (\\Seen)").find("a8 OK"), std::string::npos);

    const std::uint64_t alice = world.account("alice");
    auto events = world.activity().events();
    ASSERT_EQ(events.size(), 3U);
    EXPECT_EQ(events[0].activity, events::Activity::Login);
    EXPECT_EQ(events[0].account_id, alice);
    EXPECT_EQ(events[0].protocol, events::Protocol::Imap);
    EXPECT_EQ(events[1].activity, events::Activity::Read);
    EXPECT_EQ(events[1].count, 1U);  // message 1 by a6
    EXPECT_EQ(events[2].activity, events::Activity::Read);
    EXPECT_EQ(events[2].count, 2U);  // messages 3 and 4 by a8
    for (const auto& event : events) {
        EXPECT_EQ(event.account_id, alice);
    }
}

// FETCH renders many messages in one read transaction; a body too large to copy at once is
// streamed in pieces in the middle of such a batch, and the messages after it must follow it
// whole and in order.
TEST(SessionFetch, StreamedBodyInTheMiddleOfABatch) {
    log::init("error", LogFormat::Text);
    ImapWorld world;
    world.append("alice", "INBOX", "simple");
    world.append("alice", "INBOX", "large");
    world.append("alice", "INBOX", "vietnamese");
    CoreDriver driver(world);
    ASSERT_TRUE(driver.configure({}));
    driver.open(1);
    auto say = [&](std::string_view line) { return exchange(driver, line); };
    ASSERT_NE(say("a1 LOGIN alice@example.gov.vn alice-password").find("a1 OK"), std::string::npos);
    ASSERT_NE(say("a2 EXAMINE INBOX").find("a2 OK"), std::string::npos);
    std::string expected;
    for (auto [seq, name] : {std::pair{1, "simple"}, {2, "large"}, {3, "vietnamese"}}) {
        const std::string text = test_message(name);
        expected += "* " + std::to_string(seq) + " FETCH (UID " + std::to_string(seq) +
                    " BODY[] {" + std::to_string(text.size()) + "}\r\n" + text + ")\r\n";
    }
    expected += "a3 OK FETCH completed\r\n";
    EXPECT_EQ(say("a3 UID FETCH 1:* BODY.PEEK[]"), expected);
}

TEST(SessionTranscripts, ThereAreTranscripts) {
    EXPECT_GE(list_transcripts(session_transcripts()).size(), 30U);
}

}  // namespace
}  // namespace govmail::imap::test
