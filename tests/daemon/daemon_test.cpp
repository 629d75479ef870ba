#include "tests/support/client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace govmail::test {
namespace {

using namespace std::chrono_literals;

TEST(Daemon, BadConfigExitsNonZeroWithOneLineReason) {
    TempDir dir;
    write_file(
        dir / "bad.toml",
        "hostname = \"mail.test.gov.vn\"\ndomains = [\"test.gov.vn\"]\n"
        "data_dir = \"" +
            (dir / "data").string() +
            "\"\n"
            "[listen]\nsmtp = \"127.0.0.1:99999\"\n"
    );
    auto result = run({bin("govmaild"), "-c", (dir / "bad.toml").string()});
    EXPECT_EQ(result.status, 2);
    EXPECT_EQ(
        result.output,
        "govmaild: " + (dir / "bad.toml").string() +
            ":5:8: listen.smtp: expected \"address:port\" with an IP address "
            "and a port from 1 to 65535, got \"127.0.0.1:99999\"\n"
    );
}

TEST(Daemon, MissingConfigFile) {
    auto result = run({bin("govmaild"), "-c", "/nonexistent.toml"});
    EXPECT_EQ(result.status, 2);
    EXPECT_EQ(
        result.output,
        "govmaild: /nonexistent.toml: cannot read the configuration file: No "
        "such file or directory\n"
    );
}

TEST(Daemon, CheckConfigAcceptsDefault) {
    auto result =
        run({bin("govmaild"), "-c", (source_dir() / "conf/govmail.toml").string(), "--check-config"}
        );
    EXPECT_EQ(result.status, 0) << result.output;
}

TEST(Daemon, GovmailctlValidatesConfig) {
    auto result = run(
        {bin("govmailctl"), "-c", (source_dir() / "conf/govmail.toml").string(), "config", "check"}
    );
    EXPECT_EQ(result.status, 0) << result.output;
    TempDir dir;
    write_file(dir / "bad.toml", "hostname = 5\n");
    auto bad = run({bin("govmailctl"), "-c", (dir / "bad.toml").string(), "config", "check"});
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(
        bad.output.find("bad.toml:1:12: hostname: expected a string, got an integer"),
        std::string::npos
    ) << bad.output;
}

// A configuration with only the SMTP listener, on `port`, and a shutdown bound of two seconds.
std::filesystem::path smtp_only_config(const TempDir& dir, std::uint16_t port) {
    auto path = dir / "govmail.toml";
    write_file(
        path,
        "hostname = \"mail.test.gov.vn\"\ndomains = [\"test.gov.vn\"]\n"
        "data_dir = \"" +
            (dir / "data").string() +
            "\"\n"
            "[listen]\nsmtp = \"127.0.0.1:" +
            std::to_string(port) +
            "\"\n"
            "[server]\nthreads = 2\nshutdown_grace = \"2s\"\n"
            "[directory]\nargon2_memory = \"64KB\"\nargon2_iterations = 1\n"
    );
    return path;
}

// Acceptance (issue 2): govmaild logs each address it listens on, and on SIGTERM with a client
// connected it stops accepting, says goodbye and exits 0 within the configured bound.
TEST(Daemon, ListensAndExitsCleanlyOnSigtermWithConnectionsOpen) {
    TempDir dir;
    std::uint16_t port = free_port();
    auto daemon = Process::start({bin("govmaild"), "-c", smtp_only_config(dir, port).string()});
    ASSERT_TRUE(daemon.wait_for_output("port=" + std::to_string(port), 20s)) << daemon.errors();
    EXPECT_NE(daemon.errors().find("listening service=smtp address=127.0.0.1"), std::string::npos)
        << daemon.errors();
    TestClient client;
    ASSERT_TRUE(client.connect(port));
    auto greeting = client.read_line();
    ASSERT_TRUE(greeting);
    EXPECT_TRUE(greeting->starts_with("220 ")) << *greeting;

    auto signalled = std::chrono::steady_clock::now();
    daemon.signal(SIGTERM);
    auto status = daemon.wait(10s);
    auto took = std::chrono::steady_clock::now() - signalled;
    ASSERT_TRUE(status) << "still running 10 s after SIGTERM";
    EXPECT_EQ(*status, 0) << daemon.errors();
    EXPECT_LT(took, 2s + 2s);  // shutdown_grace plus the time to close the store
    EXPECT_TRUE(client.wait_closed(1s));
    EXPECT_NE(daemon.errors().find("shutdown.done"), std::string::npos) << daemon.errors();
}

// Acceptance (issue 2): a port already in use stops govmaild at start with a one-line reason.
TEST(Daemon, PortInUseExitsNonZeroWithOneLineReason) {
    ListeningPort holder;
    std::uint16_t port = holder.port();

    TempDir dir;
    auto result = run({bin("govmaild"), "-c", smtp_only_config(dir, port).string()}, "", 20s);
    EXPECT_NE(result.status, 0);
    auto reason = result.output.find("govmaild: ");
    ASSERT_NE(reason, std::string::npos) << result.output;
    std::string line = result.output.substr(reason);
    EXPECT_NE(line.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << line;
    EXPECT_NE(line.find("in use"), std::string::npos) << line;
    EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
}

}  // namespace
}  // namespace govmail::test
