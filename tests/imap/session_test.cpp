// Every session transcript in tests/transcripts/imap/*.txt, twice: against the session core over
// a real mail store (CoreDriver), and through the coroutine shell over loopback TLS
// (LoopbackDriver).

#include "core/log.hpp"
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

TEST(SessionTranscripts, ThereAreTranscripts) {
    EXPECT_GE(list_transcripts(session_transcripts()).size(), 30U);
}

}  // namespace
}  // namespace govmail::imap::test
