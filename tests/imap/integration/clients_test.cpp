// Issue 6 acceptance: real IMAP clients against govmaild on loopback. One daemon for the suite
// (imap with STARTTLS, imaps, and smtp for deliveries), one account per client so that the
// clients never see each other's mail:
//   PythonImaplib  every command over STARTTLS and implicit TLS, FETCH checked with Python's
//                  email parser, SEARCH with Vietnamese text (imaplib_client.py)
//   Mbsync         isync two-way sync of 200 messages, identical after the round trip
//                  (mbsync_roundtrip.py)
//   Curl           LIST and FETCH over STARTTLS and implicit TLS
//   NodeImapflow   connect, list, fetch, IDLE notified within 1 s of an SMTP delivery
//                  (imapflow_client.mjs; imapflow from scripts/install-deps --with-tests)
// A client that is not installed skips its test and says how to install it.

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace govmail::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPasswordSuffix = "-Imap-Test-2026";

struct Daemon {
    TempDir dir;
    std::uint16_t imap = free_port();
    std::uint16_t imaps = free_port();
    std::uint16_t smtp = free_port();
    std::filesystem::path config = dir / "govmail.toml";
    std::optional<Process> process;
    bool smtp_listening = false;
};

Daemon* suite = nullptr;  // the suite's, from SetUpTestSuite to TearDownTestSuite

std::string password(const std::string& user) {
    return user + kPasswordSuffix;
}

std::string address(const std::string& user) {
    return user + "@test.gov.vn";
}

bool have(const std::string& program) {
    return run({"sh", "-c", "command -v " + program}).status == 0;
}

std::filesystem::path scripts() {
    return source_dir() / "tests/imap/integration";
}

// Where scripts/install-deps --with-tests installs imapflow.
std::filesystem::path node_modules() {
    const char* dir = std::getenv("GOVMAIL_NODE_DIR");  // NOLINT(concurrency-mt-unsafe)
    if (dir != nullptr) {
        return std::filesystem::path(dir) / "node_modules";
    }
    const char* home = std::getenv("HOME");  // NOLINT(concurrency-mt-unsafe)
    return std::filesystem::path(home != nullptr ? home : "/root") /
           ".cache/govmail/npm/node_modules";
}

class ImapClients : public testing::Test {
protected:
    static void SetUpTestSuite() {
        suite = new Daemon;  // NOLINT(cppcoreguidelines-owning-memory)
        Daemon& d = *suite;
        write_file(
            d.config,
            "hostname = \"mail.test.gov.vn\"\ndomains = [\"test.gov.vn\"]\n"
            "data_dir = \"" +
                (d.dir / "data").string() +
                "\"\n"
                "[listen]\nimap = \"127.0.0.1:" +
                std::to_string(d.imap) + "\"\nimaps = \"127.0.0.1:" + std::to_string(d.imaps) +
                "\"\nsmtp = \"127.0.0.1:" + std::to_string(d.smtp) +
                "\"\n"
                "[server]\nthreads = 2\nshutdown_grace = \"2s\"\n"
                "[directory]\nargon2_memory = \"64KB\"\nargon2_iterations = 1\n"
        );
        const std::string conf = d.config.string();
        auto unit = run(
            {bin("govmailctl"),
             "-c",
             conf,
             "unit",
             "add",
             "T01",
             "--name",
             "Sở Thử nghiệm",
             "--short",
             "stn"}
        );
        ASSERT_EQ(unit.status, 0) << unit.output;
        for (const char* user : {"alice", "bob", "carol", "dave", "erin"}) {
            auto added =
                run({bin("govmailctl"),
                     "-c",
                     conf,
                     "user",
                     "add",
                     address(user),
                     "--name",
                     std::string("Người dùng ") + user,
                     "--unit",
                     "T01",
                     "--password-stdin"},
                    password(user));
            ASSERT_EQ(added.status, 0) << added.output;
        }
        d.process = Process::start({bin("govmaild"), "-c", conf});
        ASSERT_TRUE(d.process->wait_for_output("port=" + std::to_string(d.imaps), 20s))
            << d.process->errors();
        ASSERT_TRUE(d.process->wait_for_output("port=" + std::to_string(d.imap), 5s))
            << d.process->errors();
        d.smtp_listening = d.process->errors().find("service=smtp") != std::string::npos;
    }

    static void TearDownTestSuite() {
        if (suite != nullptr && suite->process) {
            suite->process->signal(SIGTERM);
            auto status = suite->process->wait(10s);
            EXPECT_EQ(status, std::optional<int>(0)) << suite->process->errors();
        }
        delete suite;  // NOLINT(cppcoreguidelines-owning-memory)
        suite = nullptr;
    }

    void SetUp() override { ASSERT_TRUE(suite != nullptr && suite->process); }
};

TEST_F(ImapClients, PythonImaplib) {
    if (!have("python3")) {
        GTEST_SKIP() << "python3 is not installed (scripts/install-deps --with-tests)";
    }
    auto result =
        run({"python3",
             (scripts() / "imaplib_client.py").string(),
             "127.0.0.1",
             std::to_string(suite->imap),
             std::to_string(suite->imaps),
             address("alice"),
             password("alice"),
             address("bob"),
             password("bob")},
            "",
            60s);
    EXPECT_EQ(result.status, 0) << result.output;
    EXPECT_NE(result.output.find("all checks passed"), std::string::npos) << result.output;
}

TEST_F(ImapClients, Mbsync) {
    if (!have("mbsync") || !have("python3")) {
        GTEST_SKIP() << "mbsync (isync) is not installed (scripts/install-deps --with-tests)";
    }
    TempDir work;
    auto result =
        run({"python3",
             (scripts() / "mbsync_roundtrip.py").string(),
             "127.0.0.1",
             std::to_string(suite->imaps),
             address("carol"),
             password("carol"),
             (suite->dir / "data/tls/dev-cert.pem").string(),
             work.path().string()},
            "",
            120s);
    EXPECT_EQ(result.status, 0) << result.output;
    EXPECT_NE(result.output.find("200 messages synchronised both ways"), std::string::npos)
        << result.output;
}

TEST_F(ImapClients, Curl) {
    if (!have("curl")) {
        GTEST_SKIP() << "curl is not installed (scripts/install-deps --with-tests)";
    }
    const std::string login = address("erin") + ":" + password("erin");
    const std::string imaps = "imaps://127.0.0.1:" + std::to_string(suite->imaps) + "/";
    const std::string imap = "imap://127.0.0.1:" + std::to_string(suite->imap) + "/";
    // An upload (APPEND) gives FETCH something to find.
    TempDir dir;
    const std::string message =
        "From: Tran Thi Ha <ha@example.gov.vn>\r\nTo: erin@test.gov.vn\r\n"
        "Subject: =?UTF-8?B?QsOhbyBjw6Fv?=\r\nMessage-ID: <curl@example.gov.vn>\r\n\r\n"
        "Curl body line.\r\n";
    write_file(dir / "message.eml", message);
    auto upload = run(
        {"curl",
         "-sS",
         "-k",
         "--max-time",
         "20",
         "-u",
         login,
         "-T",
         (dir / "message.eml").string(),
         imaps + "Sent"}
    );
    ASSERT_EQ(upload.status, 0) << upload.output;

    // LIST over implicit TLS and over STARTTLS (--ssl-reqd: never in clear).
    for (const std::string& url : {imaps, imap}) {
        auto list = run({"curl", "-sS", "-k", "--ssl-reqd", "--max-time", "20", "-u", login, url});
        EXPECT_EQ(list.status, 0) << url << ": " << list.output;
        for (const char* box : {"INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"}) {
            EXPECT_NE(list.output.find(std::string("\"/\" ") + box), std::string::npos)
                << url << ": " << list.output;
        }
    }
    // FETCH of the whole message by UID, and of one section.
    auto fetched = run(
        {"curl", "-sS", "-k", "--ssl-reqd", "--max-time", "20", "-u", login, imap + "Sent;UID=1"}
    );
    EXPECT_EQ(fetched.status, 0) << fetched.output;
    EXPECT_EQ(fetched.output, message);
    auto section = run(
        {"curl", "-sS", "-k", "--max-time", "20", "-u", login, imaps + "Sent;UID=1;SECTION=TEXT"}
    );
    EXPECT_EQ(section.status, 0) << section.output;
    EXPECT_EQ(section.output, "Curl body line.\r\n");
    // A wrong password is refused.
    auto refused =
        run({"curl", "-sS", "-k", "--max-time", "20", "-u", address("erin") + ":wrong", imaps});
    EXPECT_NE(refused.status, 0) << refused.output;
}

TEST_F(ImapClients, NodeImapflow) {
    if (!have("node")) {
        GTEST_SKIP() << "node is not installed (scripts/install-deps --with-tests)";
    }
    if (!std::filesystem::exists(node_modules() / "imapflow")) {
        GTEST_SKIP() << "imapflow is not installed in " << node_modules().string()
                     << " (scripts/install-deps --with-tests)";
    }
    auto result =
        run({"env",
             "NODE_PATH=" + node_modules().string(),
             "node",
             (scripts() / "imapflow_client.mjs").string(),
             "127.0.0.1",
             std::to_string(suite->imaps),
             suite->smtp_listening ? std::to_string(suite->smtp) : "none",
             address("dave"),
             password("dave")},
            "",
            60s);
    EXPECT_EQ(result.status, 0) << result.output;
    EXPECT_NE(result.output.find("all checks passed"), std::string::npos) << result.output;
    if (suite->smtp_listening) {
        EXPECT_NE(result.output.find("(SMTP)"), std::string::npos) << result.output;
    }
}

}  // namespace
}  // namespace govmail::test
