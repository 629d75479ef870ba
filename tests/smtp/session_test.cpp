#include "smtp/session.hpp"

#include "core/log.hpp"
#include "tests/smtp/peers.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace govmail::smtp {
namespace {

using test::CorePeer;
using test::FakeServices;

class SmtpSession : public testing::Test {
protected:
    static void SetUpTestSuite() { log::init("error", LogFormat::Text); }
};

SessionConfig config(Mode mode = Mode::Mx) {
    SessionConfig c;
    c.mode = mode;
    c.hostname = "mail.test.gov.vn";
    c.starttls = mode != Mode::Submissions;
    return c;
}

void drain(CorePeer& peer) {
    while (peer.read_line()) {
    }
}

std::string first_code(CorePeer& peer) {
    auto line = peer.read_line();
    return line ? line->substr(0, 3) : "---";
}

// mox's TestState, STYLE.md 5: every command in every state, one fresh session per cell.
struct StateRow {
    std::string name;
    Mode mode;
    std::vector<std::string> setup;  // sent before the command, replies ignored
    std::string codes;               // the first reply code to each of kMatrixCommands
};

const std::vector<std::string> kMatrixCommands = {
    "HELO c.example",
    "EHLO c.example",
    "MAIL FROM:<a@x.example>",
    "RCPT TO:<bob@test.gov.vn>",
    "DATA",
    "BDAT 0 LAST",
    "RSET",
    "NOOP",
    "QUIT",
    "VRFY bob",
    "EXPN staff",
    "HELP",
    "STARTTLS",
    "AUTH PLAIN",
    "XYZZY",
};

class StateMatrix : public testing::TestWithParam<StateRow> {
protected:
    static void SetUpTestSuite() { log::init("error", LogFormat::Text); }
};

TEST_P(StateMatrix, EveryCommand) {
    const StateRow& row = GetParam();
    std::istringstream expected(row.codes);
    for (const std::string& command : kMatrixCommands) {
        std::string code;
        expected >> code;
        CorePeer peer(config(row.mode));
        for (const std::string& line : row.setup) {
            peer.send(line);
        }
        drain(peer);
        peer.send(command + "\r\n");
        EXPECT_EQ(first_code(peer), code) << row.name << ": " << command;
    }
}

const std::string kPlainAlice = "AUTH PLAIN AGFsaWNlQHRlc3QuZ292LnZuAGFsaWNlLXB3\r\n";

INSTANTIATE_TEST_SUITE_P(
    Table,
    StateMatrix,
    testing::Values(
        //       HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY EXPN HELP STLS AUTH junk
        StateRow{
            "Start",
            Mode::Mx,
            {},
            "250 250  503  503  503  503  250  250  221  252  502  214  503  503  500"},
        StateRow{
            "Ready",
            Mode::Mx,
            {"EHLO c\r\n"},
            "250 250  250  503  503  503  250  250  221  252  502  214  220  502  500"},
        StateRow{
            "AfterHelo",
            Mode::Mx,
            {"HELO c\r\n"},
            "250 250  250  503  503  503  250  250  221  252  502  214  503  503  500"},
        StateRow{
            "Mail",
            Mode::Mx,
            {"EHLO c\r\n", "MAIL FROM:<a@x.example>\r\n"},
            "250 250  503  250  554  554  250  250  221  252  502  214  503  503  500"},
        StateRow{
            "Rcpt",
            Mode::Mx,
            {"EHLO c\r\n", "MAIL FROM:<a@x.example>\r\n", "RCPT TO:<bob@test.gov.vn>\r\n"},
            "250 250  503  250  354  250  250  250  221  252  502  214  503  503  500"},
        StateRow{
            "Chunking",
            Mode::Mx,
            {"EHLO c\r\n",
             "MAIL FROM:<a@x.example>\r\n",
             "RCPT TO:<bob@test.gov.vn>\r\n",
             "BDAT 3\r\nabc"},
            "250 250  503  503  503  250  250  250  221  252  502  214  503  503  500"},
        StateRow{
            "SubmissionPlain",
            Mode::Submission,
            {"EHLO c\r\n"},
            "250 250  530  503  503  503  250  250  221  252  502  214  220  538  500"},
        StateRow{
            "SubmissionTls",
            Mode::Submissions,
            {"EHLO c\r\n"},
            "250 250  530  503  503  503  250  250  221  252  502  214  503  334  500"},
        StateRow{
            "SubmissionAuthenticated",
            Mode::Submissions,
            {"EHLO c\r\n", kPlainAlice},
            "250 250  553  503  503  503  250  250  221  252  502  214  503  503  500"}
    ),
    [](const auto& info) { return info.param.name; }
);

TEST_F(SmtpSession, FirstLineThatIsNotSmtpCloses) {
    CorePeer peer(config());
    drain(peer);
    peer.send("GET / HTTP/1.1\r\nHost: mail\r\n\r\n");
    EXPECT_EQ(peer.read_line(), "500 5.5.2 this is an SMTP server, closing");
    EXPECT_TRUE(peer.wait_closed());
}

TEST_F(SmtpSession, ExceptionFromServicesIsA451AndTheSessionGoesOn) {
    CorePeer peer(config());
    drain(peer);
    peer.send(
        "EHLO c\r\nMAIL FROM:<a@x.example>\r\nRCPT TO:<bob@test.gov.vn>\r\nDATA\r\n"
        "X-Test: throw\r\n\r\nhi\r\n.\r\nNOOP\r\n"
    );
    auto& lines = peer.pending_for_test();
    ASSERT_GE(lines.size(), 3U);
    EXPECT_EQ(lines[lines.size() - 2], "451 4.3.0 internal error, try again later");
    EXPECT_EQ(lines.back(), "250 2.0.0 ok");
}

TEST_F(SmtpSession, LoginAndSendAreReported) {
    CorePeer peer(config(Mode::Submissions));
    peer.send(
        "EHLO c\r\n" + kPlainAlice +
        "MAIL FROM:<alice@test.gov.vn>\r\nRCPT TO:<bob@test.gov.vn>\r\n"
        "RCPT TO:<a.nguyen@test.gov.vn>\r\nRCPT TO:<x@remote.example>\r\nDATA\r\n"
        "From: <alice@test.gov.vn>\r\n\r\nhi\r\n.\r\n"
    );
    auto events = peer.services().events();
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].activity, events::Activity::Login);
    EXPECT_EQ(events[0].account_id, 1U);
    EXPECT_EQ(events[0].protocol, events::Protocol::Smtp);
    EXPECT_EQ(events[1].activity, events::Activity::Send);
    EXPECT_EQ(events[1].count, 2U);  // bob and the remote one; a.nguyen is alice herself
}

TEST_F(SmtpSession, MessageIsPassedExactlyAsReceived) {
    CorePeer peer(config());
    std::string body = "Subject: =?UTF-8?B?dGjGsA==?=\r\n\r\n..a\r\nb\r\n";
    peer.send(
        "EHLO c\r\nMAIL FROM:<a@x.example> BODY=8BITMIME\r\nRCPT TO:<bob@test.gov.vn>\r\nDATA\r\n" +
        body + ".\r\n"
    );
    auto deliveries = peer.services().deliveries();
    ASSERT_EQ(deliveries.size(), 1U);
    EXPECT_EQ(deliveries[0].message, "Subject: =?UTF-8?B?dGjGsA==?=\r\n\r\n.a\r\nb\r\n");
    EXPECT_EQ(deliveries[0].envelope.protocol, "ESMTP");
    EXPECT_EQ(deliveries[0].envelope.client.helo, "c");
    EXPECT_EQ(deliveries[0].envelope.client.address, "192.0.2.10");
}

TEST_F(SmtpSession, MessageOfExactlyTheDefaultLimitIsTaken) {
    SessionConfig c = config();
    ASSERT_EQ(c.max_message_size, 30U << 20);
    CorePeer peer(c);
    peer.send(
        "EHLO c\r\nMAIL FROM:<a@x.example> SIZE=31457280\r\nRCPT TO:<bob@test.gov.vn>\r\nDATA\r\n"
    );
    const std::string line = std::string(78, 'q') + "\r\n";
    std::string block;
    while (block.size() + line.size() <= 64 * 1024) {
        block += line;
    }
    std::size_t sent = 0;
    while (sent + block.size() <= c.max_message_size) {
        peer.send(block);
        sent += block.size();
    }
    std::string rest(c.max_message_size - sent - 2, 'r');
    peer.send(rest + "\r\n.\r\n");
    EXPECT_EQ(peer.pending_for_test().back(), "250 2.0.0 message accepted as M1");
    auto deliveries = peer.services().deliveries();
    ASSERT_EQ(deliveries.size(), 1U);
    EXPECT_EQ(deliveries[0].message.size(), c.max_message_size);
}

TEST_F(SmtpSession, ProtocolKeywords) {
    // RFC 3848, RFC 6531 4.3
    struct Case {
        Mode mode;
        std::vector<std::string> sends;  // STARTTLS drops the rest of its packet: send apart
        std::string protocol;
    };

    const std::string data =
        "RCPT TO:<bob@test.gov.vn>\r\nDATA\r\nFrom: alice@test.gov.vn\r\n\r\nx\r\n.\r\n";
    const Case cases[] = {
        {Mode::Mx, {"HELO c\r\nMAIL FROM:<a@x.example>\r\n"}, "SMTP"},
        {Mode::Mx, {"EHLO c\r\nMAIL FROM:<a@x.example>\r\n"}, "ESMTP"},
        {Mode::Mx, {"EHLO c\r\nMAIL FROM:<a@x.example> SMTPUTF8\r\n"}, "UTF8SMTP"},
        {Mode::Mx, {"EHLO c\r\nSTARTTLS\r\n", "EHLO c\r\nMAIL FROM:<a@x.example>\r\n"}, "ESMTPS"},
        {Mode::Submissions,
         {"EHLO c\r\n" + kPlainAlice + "MAIL FROM:<alice@test.gov.vn>\r\n"},
         "ESMTPSA"},
        {Mode::Submissions,
         {"EHLO c\r\n" + kPlainAlice + "MAIL FROM:<alice@test.gov.vn> SMTPUTF8\r\n"},
         "UTF8SMTPSA"},
    };
    for (const Case& c : cases) {
        CorePeer peer(config(c.mode));
        for (const std::string& bytes : c.sends) {
            peer.send(bytes);
        }
        peer.send(data);
        auto deliveries = peer.services().deliveries();
        ASSERT_EQ(deliveries.size(), 1U) << c.protocol;
        EXPECT_EQ(deliveries[0].envelope.protocol, c.protocol);
    }
}

TEST_F(SmtpSession, OneReplyForManyRecipients) {
    // services.hpp: any accepted -> 250; none accepted: 452 when all temporary ones are full,
    // 451 otherwise, 554 when all failed.
    struct Case {
        std::vector<std::string> recipients;
        std::string reply;
    };

    const Case cases[] = {
        {{"bob", "full"}, "250 2.0.0 message accepted as M1"},
        {{"full"}, "452 4.2.2 mailbox full, try again later"},
        {{"full", "later"}, "451 4.3.0 cannot deliver now, try again later"},
        {{"full", "gone"}, "452 4.2.2 mailbox full, try again later"},
        {{"gone"}, "554 5.0.0 delivery failed for every recipient"},
    };
    for (const Case& c : cases) {
        CorePeer peer(config());
        std::string commands = "EHLO c\r\nMAIL FROM:<a@x.example>\r\n";
        for (const std::string& r : c.recipients) {
            commands += "RCPT TO:<" + r + "@test.gov.vn>\r\n";
        }
        peer.send(commands + "DATA\r\nSubject: x\r\n\r\nx\r\n.\r\n");
        EXPECT_EQ(peer.pending_for_test().back(), c.reply);
    }
}

TEST_F(SmtpSession, ErrorCountStartsOverAfterADelivery) {
    SessionConfig c = config();
    c.max_errors = 3;
    CorePeer peer(c);
    peer.send("EHLO c\r\nXYZZY\r\nXYZZY\r\n");
    peer.send("MAIL FROM:<a@x.example>\r\nRCPT TO:<bob@test.gov.vn>\r\nDATA\r\nx\r\n.\r\n");
    peer.send("XYZZY\r\nXYZZY\r\nNOOP\r\n");
    EXPECT_EQ(peer.pending_for_test().back(), "250 2.0.0 ok");
    peer.send("XYZZY\r\n");
    EXPECT_EQ(
        peer.pending_for_test().back(),
        "421 4.7.0 mail.test.gov.vn too many errors, closing connection"
    );
    drain(peer);
    EXPECT_TRUE(peer.wait_closed());
}

TEST_F(SmtpSession, GreetingAndClosingReplies) {
    FakeServices services;
    Session session(config(), services, Client{});
    EXPECT_EQ(session.greeting().wire(), "220 mail.test.gov.vn ESMTP govmail\r\n");
    EXPECT_EQ(
        session.closing(Errc::IdleTimeout).wire(),
        "421 4.4.2 mail.test.gov.vn idle for too long, closing connection\r\n"
    );
    EXPECT_EQ(session.client().mode, Mode::Mx);
}

TEST_F(SmtpSession, ConfigFromTheConfigurationFile) {
    Config file;
    file.hostname = "mail.tinh.gov.vn";
    file.smtp.max_message_size = 10 << 20;
    file.smtp.max_recipients = 200;
    file.limits.max_line_length = 2048;
    SessionConfig c = session_config(file, Mode::Submissions, true);
    EXPECT_EQ(c.hostname, "mail.tinh.gov.vn");
    EXPECT_EQ(c.max_message_size, 10U << 20);
    EXPECT_EQ(c.max_recipients, 200U);
    EXPECT_EQ(c.max_line_length, 2048U);
    EXPECT_FALSE(c.starttls);  // implicit TLS has nothing to start
    EXPECT_TRUE(session_config(file, Mode::Submission, true).starttls);
}

}  // namespace
}  // namespace govmail::smtp
