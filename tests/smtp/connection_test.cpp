// The coroutine shell (smtp::Handler) over loopback: what only a real connection shows. The
// dialogues themselves are the transcripts' Loopback pass.

#include "smtp/connection.hpp"

#include "core/log.hpp"
#include "tests/smtp/peers.hpp"

#include <gtest/gtest.h>

namespace govmail::smtp {
namespace {

using namespace std::chrono_literals;
using test::LoopbackPeer;

class SmtpConnection : public testing::Test {
protected:
    static void SetUpTestSuite() { log::init("error", LogFormat::Text); }

    static SessionConfig config() {
        SessionConfig c;
        c.hostname = "mail.test.gov.vn";
        c.starttls = true;
        return c;
    }
};

TEST_F(SmtpConnection, IdleClientGets421) {
    LoopbackPeer peer(config(), [](Config& c) { c.smtp.idle_timeout = 1s; });
    EXPECT_EQ(peer.read_line(), "220 mail.test.gov.vn ESMTP govmail");
    EXPECT_EQ(peer.read_line(), "421 4.4.2 mail.test.gov.vn idle for too long, closing connection");
    EXPECT_TRUE(peer.wait_closed());
}

TEST_F(SmtpConnection, ShutdownSays421ToIdleClients) {
    LoopbackPeer peer(config());
    EXPECT_EQ(peer.read_line(), "220 mail.test.gov.vn ESMTP govmail");
    peer.send("EHLO c\r\n");
    EXPECT_EQ(peer.read_line(), "250-mail.test.gov.vn Hello c");
    while (auto line = peer.read_line()) {
        if (line->starts_with("250 ")) {
            break;
        }
    }
    peer.server().shutdown();
    EXPECT_EQ(
        peer.read_line(), "421 4.3.2 mail.test.gov.vn service shutting down, closing connection"
    );
    EXPECT_TRUE(peer.wait_closed());
}

TEST_F(SmtpConnection, ClientOverTheConnectionCapGetsBusyReply) {
    LoopbackPeer peer(config(), [](Config& c) { c.limits.max_connections_per_address = 1; });
    EXPECT_EQ(peer.read_line(), "220 mail.test.gov.vn ESMTP govmail");
    test::TestClient second;
    ASSERT_TRUE(second.connect(peer.port()));
    EXPECT_EQ(
        second.read_line(), "421 4.7.0 mail.test.gov.vn too many connections, try again later"
    );
    EXPECT_TRUE(second.wait_closed());
}

TEST_F(SmtpConnection, LongPipelinedBatchIsAnsweredInOrder) {
    SessionConfig c = config();
    c.max_junk_commands = 100'000;
    LoopbackPeer peer(c);
    EXPECT_EQ(peer.read_line(), "220 mail.test.gov.vn ESMTP govmail");
    std::string batch;
    constexpr int kCommands = 3000;  // about 40 KB of replies: several flushes mid-batch
    for (int i = 0; i < kCommands; ++i) {
        batch += i % 2 == 0 ? "NOOP\r\n" : "RSET\r\n";
    }
    peer.send(batch + "QUIT\r\n");
    for (int i = 0; i < kCommands; ++i) {
        ASSERT_EQ(peer.read_line(), i % 2 == 0 ? "250 2.0.0 ok" : "250 2.0.0 reset") << i;
    }
    EXPECT_EQ(peer.read_line(), "221 2.0.0 mail.test.gov.vn closing connection");
    EXPECT_TRUE(peer.wait_closed());
}

TEST_F(SmtpConnection, FailedHandshakeAfterStartTlsCloses) {
    LoopbackPeer peer(config());
    EXPECT_EQ(peer.read_line(), "220 mail.test.gov.vn ESMTP govmail");
    peer.send("EHLO c\r\nSTARTTLS\r\n");
    while (auto line = peer.read_line()) {
        if (line->starts_with("220 ")) {
            break;
        }
    }
    peer.send("EHLO not really TLS\r\n");
    EXPECT_TRUE(peer.wait_closed());
}

TEST_F(SmtpConnection, TimeoutsFromTheConfiguration) {
    Config c;
    c.smtp.idle_timeout = 7min;
    c.limits.command_timeout = 2min;
    net::Timeouts t = timeouts(c);
    EXPECT_EQ(t.idle, 7min);
    EXPECT_EQ(t.command, 2min);
}

}  // namespace
}  // namespace govmail::smtp
