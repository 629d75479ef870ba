// SMTP load generator against a real govmaild (issue 5 bench figures, bench/README.md "SMTP"):
// messages per second accepted over 1, 10 and 50 concurrent SMTP sessions, 4 KB and 100 KB
// messages. A message counts once govmaild answered 250 to its DATA, which it sends only after
// the store's durable commit (DESIGN.md: group commit, no MDB_NOSYNC).
//
//   smtp_load [--seconds 5] [--sessions 1,10,50] [--sizes 4096,102400] [--bin-dir DIR]
//
// It starts govmaild (from --bin-dir, default: this program's directory) on a free loopback port
// with a fresh data directory, creates one recipient account with govmailctl, and runs each
// (sessions, size) pair for --seconds on the MX listener (cleartext, no AUTH: inbound mail), each
// session sending MAIL, RCPT and DATA pipelined (RFC 2920) then the text. Every message is
// different (a sequence header), so each is its own blob. One line per pair.

#include "core/net/asio.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace govmail::test;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "smtp_load: %s\n", why.c_str());
    std::exit(1);
}

std::vector<std::size_t> numbers(const std::string& list) {
    std::vector<std::size_t> out;
    std::istringstream in(list);
    std::string item;
    while (std::getline(in, item, ',')) {
        out.push_back(std::stoul(item));
    }
    return out;
}

// A message body of about `size` octets: 76-character lines of text.
std::string filler(std::size_t size) {
    std::string body;
    const std::string line =
        "Kinh gui cac don vi: de nghi bao cao so lieu truoc ngay 30 thang 11 nam 2026.\r\n";
    while (body.size() + line.size() <= size) {
        body += line;
    }
    return body;
}

struct Run {
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> failed{0};
    Clock::time_point end;
};

// One SMTP reply (all its lines); its code, 0 when the connection failed.
asio::awaitable<int> reply(tcp::socket& socket, asio::streambuf& buffer) {
    for (;;) {
        auto [ec, n] = co_await asio::async_read_until(
            socket, buffer, "\r\n", asio::as_tuple(asio::use_awaitable)
        );
        if (ec) {
            co_return 0;
        }
        std::string line(
            asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + n
        );
        buffer.consume(n);
        if (line.size() >= 4 && line[3] != '-') {
            co_return std::atoi(line.substr(0, 3).c_str());
        }
    }
}

asio::awaitable<void> session(
    tcp::endpoint endpoint, std::string recipient, std::string body, std::size_t id, Run& run
) {
    auto executor = co_await asio::this_coro::executor;
    tcp::socket socket(executor);
    auto [connect_error] =
        co_await socket.async_connect(endpoint, asio::as_tuple(asio::use_awaitable));
    if (connect_error) {
        ++run.failed;
        co_return;
    }
    socket.set_option(tcp::no_delay(true));
    asio::streambuf buffer;
    if (co_await reply(socket, buffer) != 220) {
        ++run.failed;
        co_return;
    }
    co_await asio::async_write(
        socket, asio::buffer(std::string("EHLO load.test\r\n")), asio::use_awaitable
    );
    if (co_await reply(socket, buffer) != 250) {
        ++run.failed;
        co_return;
    }
    const std::string envelope =
        "MAIL FROM:<bench@load.test>\r\nRCPT TO:<" + recipient + ">\r\nDATA\r\n";
    for (std::uint64_t seq = 0; Clock::now() < run.end; ++seq) {
        co_await asio::async_write(socket, asio::buffer(envelope), asio::use_awaitable);
        const int mail = co_await reply(socket, buffer);
        const int rcpt = co_await reply(socket, buffer);
        const int data = co_await reply(socket, buffer);
        if (mail != 250 || rcpt != 250 || data != 354) {
            ++run.failed;
            co_return;
        }
        const std::string text = "From: <bench@load.test>\r\nTo: <" + recipient +
                                 ">\r\nSubject: bench\r\nX-Seq: " + std::to_string(id) + "-" +
                                 std::to_string(seq) + "\r\n\r\n" + body + ".\r\n";
        co_await asio::async_write(socket, asio::buffer(text), asio::use_awaitable);
        if (co_await reply(socket, buffer) == 250) {
            ++run.accepted;
        } else {
            ++run.failed;
        }
    }
    co_await asio::async_write(socket, asio::buffer(std::string("QUIT\r\n")), asio::use_awaitable);
    co_await reply(socket, buffer);
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t seconds = 5;
    std::vector<std::size_t> sessions{1, 10, 50};
    std::vector<std::size_t> sizes{4096, 102400};
    std::filesystem::path bin_dir = std::filesystem::absolute(argv[0]).parent_path();
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--seconds") {
            seconds = std::stoul(argv[i + 1]);
        } else if (flag == "--sessions") {
            sessions = numbers(argv[i + 1]);
        } else if (flag == "--sizes") {
            sizes = numbers(argv[i + 1]);
        } else if (flag == "--bin-dir") {
            bin_dir = argv[i + 1];
        } else {
            fail("unknown option " + flag);
        }
    }
    const std::string govmailctl = (bin_dir / "govmailctl").string();
    TempDir dir;
    const std::uint16_t port = free_port();
    const std::string conf = (dir / "govmail.toml").string();
    write_file(
        conf,
        "hostname = \"mail.bench.gov.vn\"\ndomains = [\"bench.gov.vn\"]\ndata_dir = \"" +
            (dir / "data").string() + "\"\n[listen]\nsmtp = \"127.0.0.1:" + std::to_string(port) +
            "\"\n[server]\nthreads = 2\n[log]\nlevel = \"info\"\n"
            "[limits]\nmax_connections_per_address = 1000\n"
    );
    if (run({govmailctl, "-c", conf, "unit", "add", "B01", "--name", "Bench", "--short", "b"})
            .status != 0) {
        fail("govmailctl unit add failed");
    }
    auto added =
        run({govmailctl,
             "-c",
             conf,
             "user",
             "add",
             "nhan@bench.gov.vn",
             "--name",
             "Người Nhận",
             "--unit",
             "B01",
             "--quota",
             "500GB"},
            "");
    if (added.status != 0) {
        fail("govmailctl user add: " + added.output);
    }
    auto daemon = Process::start({(bin_dir / "govmaild").string(), "-c", conf});
    if (!daemon.wait_for_output("listening service=smtp", 20s)) {
        const std::string errors = daemon.errors();
        daemon.signal(SIGKILL);  // fail() exits without running destructors
        daemon.wait(10s);
        fail("govmaild did not start: " + errors);
    }
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    std::printf("sessions  size      seconds  accepted  failed  messages/s  MB/s\n");
    for (std::size_t size : sizes) {
        const std::string body = filler(size);
        for (std::size_t n : sessions) {
            asio::io_context io;
            Run load;
            const auto start = Clock::now();
            load.end = start + std::chrono::seconds(seconds);
            for (std::size_t i = 0; i < n; ++i) {
                asio::co_spawn(
                    io, session(endpoint, "nhan@bench.gov.vn", body, i, load), asio::detached
                );
            }
            io.run();
            const double took = std::chrono::duration<double>(Clock::now() - start).count();
            const double rate = static_cast<double>(load.accepted) / took;
            std::printf(
                "%-8zu  %-8zu  %-7.1f  %-8llu  %-6llu  %-10.0f  %.1f\n",
                n,
                size,
                took,
                static_cast<unsigned long long>(load.accepted.load()),
                static_cast<unsigned long long>(load.failed.load()),
                rate,
                rate * static_cast<double>(size) / (1 << 20)
            );
            std::fflush(stdout);
        }
    }
    daemon.signal(SIGTERM);
    daemon.wait(20s);
    return 0;
}
