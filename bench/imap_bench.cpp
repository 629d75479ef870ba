// IMAP load generator against a real govmaild (issue 6 bench figures, bench/README.md):
//   idle    resident memory of govmaild with N authenticated TLS connections in IDLE
//   fetch   UID FETCH 1:* BODY.PEEK[] throughput on an M-message mailbox, one TLS connection
//   search  SEARCH latency on that mailbox (text keys over decoded headers and bodies)
//
//   imap_bench [--connections 10000] [--messages 10000] [--bin-dir DIR]
//
// It starts govmaild (from --bin-dir, default: this program's directory's ../bin) on a free
// loopback port with a fresh data directory, creates the accounts with govmailctl, fills the
// mailbox with MULTIAPPEND (500 messages per command), and prints one line per figure. Needs a
// file-descriptor limit above the connection count in both processes (ulimit -n).

#include "tests/support/client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace govmail::test;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kPassword = "Bench-Imap-Password-2026";

struct Options {
    std::size_t connections = 10000;
    std::size_t messages = 10000;
    std::filesystem::path bin_dir;
};

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "imap_bench: %s\n", what.c_str());
    std::exit(1);
}

std::size_t rss_kib(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmRSS:")) {
            return std::stoul(line.substr(6));
        }
    }
    return 0;
}

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// A message of about 4 KB: Vietnamese subject and body, every 10th about a decision.
std::string message(std::size_t i, std::mt19937& random) {
    static const char* const kWords[] = {
        "ngân sách", "kế hoạch", "báo cáo",    "công văn",  "Ủy ban",  "nhân dân",  "tỉnh",
        "huyện",     "xã",       "triển khai", "thực hiện", "đề nghị", "phê duyệt", "dự án",
        "budget",    "meeting",  "report",     "schedule",  "review",  "approve",
    };
    std::string subject = i % 10 == 0 ? "Quyết định số " + std::to_string(i) + "/QĐ-UBND"
                                      : "Báo cáo tuần " + std::to_string(i);
    std::string text =
        "From: Nguyen Van " + std::to_string(i % 97) + " <nv" + std::to_string(i % 97) +
        "@example.gov.vn>\r\nTo: bulk@test.gov.vn\r\n" + "Subject: " + subject +
        "\r\nDate: Sat, 21 Nov 2026 09:00:00 +0700\r\nMessage-ID: <bench-" + std::to_string(i) +
        "@example.gov.vn>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n";
    std::uniform_int_distribution<std::size_t> pick(0, std::size(kWords) - 1);
    std::string line;
    while (text.size() < 4000) {
        line += kWords[pick(random)];
        line += ' ';
        if (line.size() > 70) {
            text += line + "\r\n";
            line.clear();
        }
    }
    return text + line + "\r\n";
}

std::unique_ptr<TestClient> login(std::uint16_t port, const std::string& user) {
    auto client = std::make_unique<TestClient>();
    if (!client->connect(port) || !client->start_tls() || !client->read_line(10s)) {
        return nullptr;
    }
    client->send("a LOGIN " + user + " " + kPassword + "\r\n");
    auto ok = client->read_until("a ", 30s);
    if (!ok || !ok->starts_with("a OK")) {
        return nullptr;
    }
    return client;
}

// Sends `command` (tag "t") and reads to its tagged reply; returns the bytes read.
std::size_t command(TestClient& client, const std::string& text) {
    client.send("t " + text + "\r\n");
    std::size_t bytes = 0;
    for (;;) {
        auto line = client.read_line(120s);
        if (!line) {
            fail("no answer to " + text.substr(0, 60));
        }
        bytes += line->size() + 2;
        if (line->starts_with("t ")) {
            if (!line->starts_with("t OK")) {
                fail(text.substr(0, 60) + ": " + *line);
            }
            return bytes;
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    options.bin_dir = std::filesystem::absolute(argv[0]).parent_path().parent_path() / "bin";
    if (!std::filesystem::exists(options.bin_dir / "govmaild")) {
        options.bin_dir = std::filesystem::absolute(argv[0]).parent_path();
    }
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--connections") {
            options.connections = std::stoul(argv[i + 1]);
        } else if (flag == "--messages") {
            options.messages = std::stoul(argv[i + 1]);
        } else if (flag == "--bin-dir") {
            options.bin_dir = argv[i + 1];
        } else {
            fail("unknown option " + flag);
        }
    }
    const std::string govmaild = (options.bin_dir / "govmaild").string();
    const std::string govmailctl = (options.bin_dir / "govmailctl").string();

    TempDir dir;
    const std::uint16_t port = free_port();
    const auto config = dir / "govmail.toml";
    write_file(
        config,
        "hostname = \"mail.test.gov.vn\"\ndomains = [\"test.gov.vn\"]\ndata_dir = \"" +
            (dir / "data").string() + "\"\n[listen]\nimaps = \"127.0.0.1:" + std::to_string(port) +
            "\"\n[limits]\nmax_connections = 20000\nmax_connections_per_address = 20000\n"
            "[imap]\nmax_connections_per_user = 10000\n"
            "[server]\nthreads = 2\nshutdown_grace = \"2s\"\n"
            "[directory]\nargon2_memory = \"64KB\"\nargon2_iterations = 1\n"
    );
    const std::string conf = config.string();
    if (run({govmailctl, "-c", conf, "unit", "add", "B01", "--name", "Bench", "--short", "b"})
            .status != 0) {
        fail("govmailctl unit add failed");
    }
    for (const char* user : {"idle@test.gov.vn", "bulk@test.gov.vn"}) {
        auto added =
            run({govmailctl,
                 "-c",
                 conf,
                 "user",
                 "add",
                 user,
                 "--name",
                 "Bench User",
                 "--unit",
                 "B01",
                 "--quota",
                 "10GB",
                 "--password-stdin"},
                kPassword);
        if (added.status != 0) {
            fail("govmailctl user add: " + added.output);
        }
    }
    auto daemon = Process::start({govmaild, "-c", conf});
    if (!daemon.wait_for_output("port=" + std::to_string(port), 20s)) {
        fail("govmaild did not start: " + daemon.errors());
    }
    std::printf("govmaild pid %d on 127.0.0.1:%u\n", daemon.pid(), port);

    // ---- fill the mailbox
    {
        auto client = login(port, "bulk@test.gov.vn");
        if (!client) {
            fail("login failed");
        }
        std::mt19937 random(42);
        auto started = Clock::now();
        std::size_t bytes = 0;
        for (std::size_t i = 0; i < options.messages;) {
            std::string batch = "t APPEND INBOX";
            for (std::size_t n = 0; n < 500 && i < options.messages; ++n, ++i) {
                std::string m = message(i, random);
                bytes += m.size();
                batch += (i % 3 == 0 ? " (\\Seen) {" : " {") + std::to_string(m.size()) + "+}\r\n";
                batch += m;
            }
            batch.erase(0, 2);  // command() adds the tag
            command(*client, batch);
        }
        std::printf(
            "append: %zu messages (%.1f MB) in %.1f s with MULTIAPPEND of 500\n",
            options.messages,
            static_cast<double>(bytes) / 1e6,
            ms(Clock::now() - started) / 1000
        );

        // ---- FETCH throughput
        command(*client, "SELECT INBOX");
        std::vector<double> rates;
        for (int round = 0; round < 3; ++round) {
            auto t0 = Clock::now();
            std::size_t got = command(*client, "UID FETCH 1:* BODY.PEEK[]");
            double seconds = ms(Clock::now() - t0) / 1000;
            rates.push_back(static_cast<double>(got) / 1e6 / seconds);
            std::printf(
                "fetch: UID FETCH 1:* BODY.PEEK[] %zu messages, %.1f MB in %.3f s: %.0f MB/s, "
                "%.0f messages/s\n",
                options.messages,
                static_cast<double>(got) / 1e6,
                seconds,
                rates.back(),
                static_cast<double>(options.messages) / seconds
            );
        }

        // ---- SEARCH latency
        const char* const kSearches[] = {
            "SEARCH SUBJECT \"quyet dinh\"",
            "SEARCH CHARSET UTF-8 TEXT \"ngân sách\"",
            "SEARCH FROM \"nguyen van 7\"",
            "SEARCH BODY \"khong co trong thu\"",
            "SEARCH UNSEEN LARGER 4000",
        };
        for (const char* search : kSearches) {
            std::vector<double> times;
            for (int round = 0; round < 5; ++round) {
                auto t0 = Clock::now();
                command(*client, search);
                times.push_back(ms(Clock::now() - t0));
            }
            std::sort(times.begin(), times.end());
            std::printf(
                "search: %-40s median %.1f ms, max %.1f ms (5 runs, %zu messages)\n",
                search,
                times[times.size() / 2],
                times.back(),
                options.messages
            );
        }
        command(*client, "LOGOUT");
    }

    // ---- IDLE connections
    std::this_thread::sleep_for(1s);
    const std::size_t before = rss_kib(daemon.pid());
    std::vector<std::unique_ptr<TestClient>> clients;
    clients.reserve(options.connections);
    auto t0 = Clock::now();
    for (std::size_t i = 0; i < options.connections; ++i) {
        auto client = login(port, "idle@test.gov.vn");
        if (!client) {
            fail("connection " + std::to_string(i) + " failed: " + daemon.errors().substr(0, 300));
        }
        client->send("s SELECT INBOX\r\n");
        if (!client->read_until("s OK", 30s)) {
            fail("SELECT failed on connection " + std::to_string(i));
        }
        client->send("i IDLE\r\n");
        if (!client->read_until("+", 30s)) {
            fail("IDLE failed on connection " + std::to_string(i));
        }
        clients.push_back(std::move(client));
    }
    const double setup = ms(Clock::now() - t0) / 1000;
    std::this_thread::sleep_for(3s);
    const std::size_t after = rss_kib(daemon.pid());
    std::printf(
        "idle: %zu TLS connections logged in, INBOX selected, in IDLE (set up in %.1f s): "
        "govmaild RSS %zu KiB before, %zu KiB after: %.1f KiB per connection\n",
        options.connections,
        setup,
        before,
        after,
        static_cast<double>(after - before) / static_cast<double>(options.connections)
    );
    clients.clear();
    daemon.signal(SIGTERM);
    daemon.wait(20s);
    return 0;
}
