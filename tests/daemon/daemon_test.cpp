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

}  // namespace
}  // namespace govmail::test
