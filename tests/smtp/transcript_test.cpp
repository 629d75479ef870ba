// Every transcript in tests/transcripts/smtp, twice: against the session core, and through the
// coroutine shell over loopback TCP (and TLS where the dialogue says so).

#include "tests/smtp/transcript.hpp"

#include "core/log.hpp"

#include <gtest/gtest.h>

namespace govmail::test {
namespace {

class SmtpTranscript : public testing::TestWithParam<std::filesystem::path> {
protected:
    static void SetUpTestSuite() { log::init("error", LogFormat::Text); }
};

void configure_fake(const Transcript& transcript, FakeServices& services) {
    auto limit = transcript.config.find("fake.rate_limit");
    if (limit != transcript.config.end()) {
        services.set_rate_limit(std::stoul(limit->second));
    }
}

TEST_P(SmtpTranscript, Core) {
    Transcript transcript = load_transcript(GetParam());
    CorePeer peer(session_config_for(transcript));
    configure_fake(transcript, peer.services());
    play(transcript, peer);
}

TEST_P(SmtpTranscript, Loopback) {
    Transcript transcript = load_transcript(GetParam());
    LoopbackPeer peer(session_config_for(transcript));
    configure_fake(transcript, peer.services());
    play(transcript, peer);
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

INSTANTIATE_TEST_SUITE_P(Files, SmtpTranscript, testing::ValuesIn(transcript_files()), test_name);

TEST(SmtpTranscripts, ThereAreTranscripts) {
    EXPECT_GE(transcript_files().size(), 40U);
}

}  // namespace
}  // namespace govmail::test
