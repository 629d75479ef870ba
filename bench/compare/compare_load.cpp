// Load generator for the side-by-side comparison of govmail with Postfix + Dovecot (issue 7,
// bench/README.md "Side by side with Postfix + Dovecot"; scripts/bench-compare drives it). The
// same binary drives either server: it takes the SMTP and IMAPS ports on 127.0.0.1 and the users'
// credentials, and how to tell that a message is durable:
//
//   (default)            govmail: the 250 reply to DATA (local delivery commits with fdatasync
//                        before it answers);
//   --maildir ROOT       the peer: Dovecot has renamed the message into ROOT/<local part>/
//                        Maildir/new (inotify IN_MOVED_TO / IN_CREATE on those directories).
//
//   compare_load hash CSV OUT                 Dovecot passwd-file of the credentials CSV, hashed
//                                             with govmail's own Argon2id (same m, t, p)
//   compare_load smtp    [common] --sessions 50 --messages 2000 --size 4096 --rcpt-users 50
//   compare_load fanout  [common] --rcpts 1000 --size 4096 --store DIR
//   compare_load fill    [common] --user 0 --messages 1000
//   compare_load latency [common] --user 0 --smtp-user 999 --reps 50
//   compare_load mix     [common] --first 1 --clients 10 --seconds 10
//   compare_load idle    [common] --connections 1000 --server-pid PID [--settle 5] [--warm 4]
//                        [--parallel 20] [--min-available-mib 1500] [--open-timeout 60]
//       opens the connections --parallel at a time and stops opening early (the figures are then
//       those of the connections made, "RESULT idle_connections" says how many) when the
//       machine's MemAvailable falls below --min-available-mib or a connection fails or does not
//       get through LOGIN, SELECT and IDLE within --open-timeout seconds
//
//   common: --users CSV (address,password,... with a header row: govmailctl staff import
//           --credentials) --smtp-port P --imap-port P [--maildir ROOT] [--limit SECONDS]
//
// Every figure is printed as "RESULT <name> <value>" on its own line; other lines are comments.
// Every load is bounded in count, and in time by --limit (default 300 s): past it the program
// prints what it has and exits 1.

#include "core/net/asio.hpp"
#include "core/password.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::awaitable;
using asio::ip::tcp;
using govmail::net::kNoThrow;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "compare_load: %s\n", why.c_str());
    std::fflush(stdout);
    std::_Exit(1);
}

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

void result(const std::string& name, double value) {
    std::printf("RESULT %s %.3f\n", name.c_str(), value);
    std::fflush(stdout);
}

double median(std::vector<double> v) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    const auto at = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(at, v.size() - 1)];
}

struct User {
    std::string address;
    std::string password;

    std::string local() const { return address.substr(0, address.find('@')); }
};

std::vector<User> read_users(const std::string& csv) {
    std::ifstream in(csv);
    if (!in) {
        fail("cannot read " + csv);
    }
    std::vector<User> users;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        std::istringstream fields(line);
        User u;
        std::getline(fields, u.address, ',');
        std::getline(fields, u.password, ',');
        if (!u.address.empty()) {
            users.push_back(u);
        }
    }
    // Sorted by address, so that index i is the same account on both sides.
    std::sort(users.begin(), users.end(), [](const User& a, const User& b) {
        return a.address < b.address;
    });
    return users;
}

struct Options {
    std::vector<std::string> positional;
    std::map<std::string, std::string> flags;

    std::string get(const std::string& name, const std::string& fallback = "") const {
        auto at = flags.find(name);
        return at == flags.end() ? fallback : at->second;
    }

    std::size_t num(const std::string& name, std::size_t fallback) const {
        auto at = flags.find(name);
        return at == flags.end() ? fallback : std::stoul(at->second);
    }
};

// A message of about `size` octets; `seq` makes every message different.
std::string message(const std::string& to, const std::string& seq, std::size_t size) {
    std::string text = "From: Bench <bench@load.test>\r\nTo: <" + to + ">\r\nSubject: Bao cao so " +
                       seq + "\r\nDate: Sat, 21 Nov 2026 09:00:00 +0700\r\nMessage-ID: <" + seq +
                       "@load.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
                       "charset=us-ascii\r\n\r\n";
    const std::string line =
        "Kinh gui cac don vi: de nghi bao cao so lieu truoc ngay 30 thang 11 nam 2026.\r\n";
    while (text.size() + line.size() <= size) {
        text += line;
    }
    return text;
}

// ---- durability on the peer: inotify on the recipients' Maildir/new

class MaildirWatch {
public:
    MaildirWatch(asio::io_context& io, const std::string& root, const std::vector<User>& users)
        : fd_(io) {
        const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0) {
            fail("inotify_init1 failed (fs.inotify.max_user_instances?)");
        }
        fd_.assign(fd);
        for (const auto& u : users) {
            const auto dir = std::filesystem::path(root) / u.local() / "Maildir" / "new";
            if (::inotify_add_watch(fd, dir.c_str(), IN_CREATE | IN_MOVED_TO) < 0) {
                fail("cannot watch " + dir.string() + " (create the Maildirs first)");
            }
        }
    }

    // Completes once `count` more messages than consumed so far have arrived.
    awaitable<void> wait(std::uint64_t count) {
        const std::uint64_t target = consumed_ + count;
        while (seen_ < target) {
            auto [ec, n] = co_await fd_.async_read_some(asio::buffer(buffer_), kNoThrow);
            if (ec) {
                fail("inotify read: " + ec.message());
            }
            for (std::size_t at = 0; at < n;) {
                const auto* event = reinterpret_cast<const inotify_event*>(buffer_.data() + at);
                if (event->mask & IN_Q_OVERFLOW) {
                    fail("inotify queue overflow");
                }
                if (event->mask & (IN_CREATE | IN_MOVED_TO)) {
                    ++seen_;
                }
                at += sizeof(inotify_event) + event->len;
            }
        }
        consumed_ = target;
    }

    std::uint64_t seen() const { return seen_; }

private:
    asio::posix::stream_descriptor fd_;
    alignas(inotify_event) std::array<char, 64 * 1024> buffer_{};
    std::uint64_t seen_ = 0;
    std::uint64_t consumed_ = 0;
};

// ---- SMTP client (cleartext, MX listener)

class Smtp {
public:
    explicit Smtp(asio::any_io_executor executor)
        : socket_(executor) {}

    awaitable<bool> open(std::uint16_t port) {
        const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
        auto [ec] = co_await socket_.async_connect(endpoint, kNoThrow);
        if (ec) {
            co_return false;
        }
        socket_.set_option(tcp::no_delay(true));
        const int greeting = co_await reply();
        if (greeting != 220) {
            co_return false;
        }
        co_await send("EHLO load.test\r\n");
        const int ehlo = co_await reply();
        co_return ehlo == 250;
    }

    awaitable<void> send(std::string text) {
        auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(text), kNoThrow);
        if (ec) {
            fail("SMTP write: " + ec.message());
        }
    }

    // One reply (all its lines): its code, 0 when the connection failed.
    awaitable<int> reply() {
        for (;;) {
            auto [ec, n] = co_await asio::async_read_until(socket_, buffer_, "\r\n", kNoThrow);
            if (ec) {
                co_return 0;
            }
            std::string line(
                asio::buffers_begin(buffer_.data()), asio::buffers_begin(buffer_.data()) + n
            );
            buffer_.consume(n);
            if (line.size() >= 4 && line[3] != '-') {
                co_return std::atoi(line.substr(0, 3).c_str());
            }
        }
    }

    // MAIL, RCPT... and DATA pipelined, then the text: true on 250 to the end of data.
    awaitable<bool> mail(const std::vector<std::string>& rcpts, const std::string& text) {
        std::string envelope = "MAIL FROM:<bench@load.test>\r\n";
        for (const auto& r : rcpts) {
            envelope += "RCPT TO:<" + r + ">\r\n";
        }
        envelope += "DATA\r\n";
        co_await send(envelope);
        bool ok = true;
        const int mail_code = co_await reply();
        ok = ok && mail_code == 250;
        for (std::size_t i = 0; i < rcpts.size(); ++i) {
            const int rcpt_code = co_await reply();
            ok = ok && rcpt_code == 250;
        }
        const int data_code = co_await reply();
        if (data_code != 354) {
            std::fprintf(stderr, "compare_load: DATA answered %d\n", data_code);
            co_return false;
        }
        co_await send(text + ".\r\n");
        const int done = co_await reply();
        co_return ok&& done == 250;
    }

    awaitable<void> quit() {
        co_await send("QUIT\r\n");
        co_await reply();
    }

private:
    tcp::socket socket_;
    asio::streambuf buffer_;
};

// ---- IMAP client (implicit TLS)

class Imap {
public:
    Imap(asio::any_io_executor executor, ssl::context& tls)
        : stream_(executor, tls) {}

    // Connects (TLS), reads the greeting and logs in as `user`: false when any step fails.
    awaitable<bool> open(std::uint16_t port, const User& user) {
        const bool connected = co_await connect(port);
        if (!connected) {
            co_return false;
        }
        const bool in = co_await login(user);
        co_return in;
    }

private:
    awaitable<bool> connect(std::uint16_t port) {
        const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
        auto [ec] = co_await stream_.next_layer().async_connect(endpoint, kNoThrow);
        if (ec) {
            co_return false;
        }
        stream_.next_layer().set_option(tcp::no_delay(true));
        auto [hs] = co_await stream_.async_handshake(ssl::stream_base::client, kNoThrow);
        if (hs) {
            std::fprintf(stderr, "compare_load: TLS handshake: %s\n", hs.message().c_str());
            co_return false;
        }
        const auto greeting = co_await line();
        co_return greeting.has_value() && greeting->starts_with("* OK");
    }

    awaitable<bool> login(const User& user) {
        const auto status = co_await try_command("LOGIN " + user.address + " " + user.password);
        if (!status || !status->starts_with("OK")) {
            std::fprintf(
                stderr,
                "compare_load: LOGIN %s: %s\n",
                user.address.c_str(),
                status ? status->c_str() : "connection closed"
            );
            co_return false;
        }
        co_return true;
    }

public:
    awaitable<void> send(std::string text) {
        const bool sent = co_await try_send(std::move(text));
        if (!sent) {
            fail("IMAP write failed");
        }
    }

    // Like send() but false when the write fails (the idle load stops opening connections then).
    awaitable<bool> try_send(std::string text) {
        auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(text), kNoThrow);
        if (ec) {
            std::fprintf(stderr, "compare_load: IMAP write: %s\n", ec.message().c_str());
        }
        co_return !ec;
    }

    // The next line without CRLF; a literal announced at its end ({n}) is read and skipped, and
    // the line continues after it.
    // A line already buffered is taken without a read: an asynchronous read that completes at
    // once still costs a trip through the executor, and a FETCH of 1,000 messages would measure
    // 1,000 of those on the client.
    awaitable<std::optional<std::string>> line() {
        std::string whole;
        for (;;) {
            std::size_t n = buffered_line();
            if (n == 0) {
                auto [ec, read] =
                    co_await asio::async_read_until(stream_, buffer_, "\r\n", kNoThrow);
                if (ec) {
                    co_return std::nullopt;
                }
                n = read;
            }
            std::string part(
                asio::buffers_begin(buffer_.data()), asio::buffers_begin(buffer_.data()) + n - 2
            );
            buffer_.consume(n);
            whole += part;
            if (part.empty() || part.back() != '}') {
                co_return whole;
            }
            const auto open = part.rfind('{');
            if (open == std::string::npos) {
                co_return whole;
            }
            const std::size_t size = std::stoul(part.substr(open + 1));
            literal_bytes_ += size;
            if (buffer_.size() < size) {
                auto [rec, rn] = co_await asio::async_read(
                    stream_, buffer_, asio::transfer_at_least(size - buffer_.size()), kNoThrow
                );
                if (rec) {
                    co_return std::nullopt;
                }
            }
            buffer_.consume(size);
        }
    }

    // Sends a tagged command and reads to its tagged reply; returns the status ("OK ...").
    awaitable<std::string> command(std::string text) {
        const std::string tag = "t" + std::to_string(++tag_);
        co_await send(tag + " " + text + "\r\n");
        std::string status = co_await tagged(tag);
        co_return status;
    }

    awaitable<std::string> tagged(const std::string& tag) {
        auto status = co_await try_tagged(tag);
        if (!status) {
            fail("IMAP connection closed waiting for " + tag);
        }
        co_return std::move(*status);
    }

    // Like command() but std::nullopt when the connection fails.
    awaitable<std::optional<std::string>> try_command(std::string text) {
        const std::string tag = "t" + std::to_string(++tag_);
        const bool sent = co_await try_send(tag + " " + text + "\r\n");
        if (!sent) {
            co_return std::nullopt;
        }
        auto status = co_await try_tagged(tag);
        co_return status;
    }

    awaitable<std::optional<std::string>> try_tagged(const std::string& tag) {
        for (;;) {
            auto got = co_await line();
            if (!got) {
                co_return std::nullopt;
            }
            if (got->starts_with(tag + " ")) {
                co_return got->substr(tag.size() + 1);
            }
            untagged_.push_back(std::move(*got));
        }
    }

    // Like command() but fails unless the answer is OK.
    awaitable<void> ok(std::string text) {
        const std::string status = co_await command(text);
        if (!status.starts_with("OK")) {
            fail(text.substr(0, 60) + ": " + status);
        }
    }

    std::vector<std::string>& untagged() { return untagged_; }

    // Length of the first buffered line with its CRLF, 0 when none is complete yet.
    std::size_t buffered_line() const {
        const std::string_view data(
            static_cast<const char*>(buffer_.data().data()), buffer_.data().size()
        );
        const std::size_t crlf = data.find("\r\n");
        return crlf == std::string_view::npos ? 0 : crlf + 2;
    }

    std::size_t literal_bytes() const { return literal_bytes_; }

    void close() {
        boost::system::error_code ignored;
        stream_.next_layer().close(ignored);
    }

private:
    ssl::stream<tcp::socket> stream_;
    asio::streambuf buffer_;
    std::uint64_t tag_ = 0;
    std::vector<std::string> untagged_;
    std::size_t literal_bytes_ = 0;
};

// Number of messages announced by the last "* N EXISTS" among `lines`, or -1.
long exists(const std::vector<std::string>& lines) {
    long n = -1;
    for (const auto& l : lines) {
        if (l.starts_with("* ") && l.ends_with(" EXISTS")) {
            n = std::atol(l.c_str() + 2);
        }
    }
    return n;
}

// ---- the run: one io_context, one thread, bounded in time

struct Context {
    Options options;
    std::vector<User> users;
    std::uint16_t smtp_port = 0;
    std::uint16_t imap_port = 0;
    std::string maildir;  // empty: govmail (250 = durable)
    asio::io_context io;
    ssl::context tls{ssl::context::tls_client};

    Context() { tls.set_verify_mode(ssl::verify_none); }

    const User& user(std::size_t i) const {
        if (i >= users.size()) {
            fail("user " + std::to_string(i) + " is not in the credentials file");
        }
        return users[i];
    }

    void run(awaitable<void> main) {
        bool done = false;
        asio::co_spawn(io, std::move(main), [&](std::exception_ptr e) {
            done = true;
            io.stop();
            if (e) {
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& x) {
                    fail(std::string("exception: ") + x.what());
                }
            }
        });
        io.run_for(std::chrono::seconds(options.num("limit", 300)));
        if (!done) {
            fail("time limit reached");
        }
    }
};

// ---- smtp: durable delivery throughput

awaitable<void> smtp_session(
    Context& c,
    std::size_t id,
    std::vector<std::string> rcpts,
    std::size_t size,
    std::atomic<std::size_t>& remaining,
    std::size_t& accepted,
    std::size_t& active
) {
    Smtp smtp(co_await asio::this_coro::executor);
    const bool opened = co_await smtp.open(c.smtp_port);
    if (!opened) {
        fail("SMTP connection failed");
    }
    std::mt19937 random(static_cast<unsigned>(id));
    for (std::size_t seq = 0; remaining > 0; ++seq) {
        --remaining;
        const std::string& to = rcpts[random() % rcpts.size()];
        const std::string text =
            message(to, "s" + std::to_string(id) + "-" + std::to_string(seq), size);
        const std::vector<std::string> one{to};
        const bool ok = co_await smtp.mail(one, text);
        if (!ok) {
            fail("SMTP delivery refused");
        }
        ++accepted;
    }
    co_await smtp.quit();
    --active;
}

awaitable<void> smtp_load(Context& c) {
    const std::size_t sessions = c.options.num("sessions", 50);
    const std::size_t messages = c.options.num("messages", 2000);
    const std::size_t size = c.options.num("size", 4096);
    const std::size_t first = c.options.num("first", 0);
    const std::size_t count = c.options.num("rcpt-users", 50);
    std::vector<User> targets;
    std::vector<std::string> rcpts;
    for (std::size_t i = 0; i < count; ++i) {
        targets.push_back(c.user(first + i));
        rcpts.push_back(c.user(first + i).address);
    }
    std::unique_ptr<MaildirWatch> watch;
    if (!c.maildir.empty()) {
        watch = std::make_unique<MaildirWatch>(c.io, c.maildir, targets);
    }
    std::atomic<std::size_t> remaining = messages;
    std::size_t accepted = 0;
    std::size_t active = sessions;
    const auto start = Clock::now();
    for (std::size_t i = 0; i < sessions; ++i) {
        asio::co_spawn(
            c.io, smtp_session(c, i, rcpts, size, remaining, accepted, active), asio::detached
        );
    }
    asio::steady_timer timer(c.io);
    while (active > 0) {
        timer.expires_after(1ms);
        co_await timer.async_wait(kNoThrow);
    }
    const auto accepted_at = Clock::now();
    if (watch) {
        co_await watch->wait(messages);
    }
    const double seconds = ms(Clock::now() - start) / 1000;
    std::printf(
        "# %zu messages of %zu octets over %zu sessions: accepted in %.2f s, durable in %.2f s\n",
        accepted,
        size,
        sessions,
        ms(accepted_at - start) / 1000,
        seconds
    );
    // 4 KB is the headline figure; other sizes are named by theirs (smtp100k_msgs_per_s).
    const std::string name =
        size == 4096 ? "smtp_msgs_per_s" : "smtp" + std::to_string(size / 1024) + "k_msgs_per_s";
    result(name, static_cast<double>(messages) / seconds);
}

// ---- fanout: one message to N recipients, until every copy is durable

std::uint64_t disk_usage(const std::string& dir) {
    std::uint64_t total = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         it != std::filesystem::recursive_directory_iterator();
         it.increment(ec)) {
        if (ec) {
            break;
        }

        struct stat st {};

        if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
            total += static_cast<std::uint64_t>(st.st_blocks) * 512;
        }
    }
    return total;
}

awaitable<void> fanout(Context& c) {
    const std::size_t n = c.options.num("rcpts", 1000);
    const std::size_t size = c.options.num("size", 4096);
    const std::string store = c.options.get("store");
    std::vector<User> targets;
    std::vector<std::string> rcpts;
    for (std::size_t i = 0; i < n; ++i) {
        targets.push_back(c.user(i));
        rcpts.push_back(c.user(i).address);
    }
    std::unique_ptr<MaildirWatch> watch;
    if (!c.maildir.empty()) {
        watch = std::make_unique<MaildirWatch>(c.io, c.maildir, targets);
    }
    Smtp smtp(c.io.get_executor());
    const bool opened = co_await smtp.open(c.smtp_port);
    if (!opened) {
        fail("SMTP connection failed");
    }
    ::sync();
    const std::uint64_t before = store.empty() ? 0 : disk_usage(store);
    const std::string text =
        message("all@bench.gov.vn", "fanout-" + std::to_string(::getpid()), size);
    const auto start = Clock::now();
    const bool ok = co_await smtp.mail(rcpts, text);
    if (!ok) {
        fail("fan-out refused");
    }
    const auto accepted_at = Clock::now();
    if (watch) {
        co_await watch->wait(n);
    }
    const double took = ms(Clock::now() - start);
    co_await smtp.quit();
    std::printf(
        "# one %zu-octet message to %zu recipients: accepted in %.1f ms, all durable in %.1f ms\n",
        text.size(),
        n,
        ms(accepted_at - start),
        took
    );
    result("fanout_" + std::to_string(n) + "_ms", took);
    if (!store.empty()) {
        ::sync();
        const std::uint64_t after = disk_usage(store);
        const double grew = static_cast<double>(after) - static_cast<double>(before);
        std::printf(
            "# store %s: %.0f KiB before, %.0f KiB after\n",
            store.c_str(),
            static_cast<double>(before) / 1024,
            static_cast<double>(after) / 1024
        );
        result("fanout_" + std::to_string(n) + "_store_growth_kib", grew / 1024);
    }
}

// ---- fill: an INBOX of M messages by MULTIAPPEND (LITERAL+)

awaitable<void> fill(Context& c) {
    const User& u = c.user(c.options.num("user", 0));
    const std::size_t messages = c.options.num("messages", 1000);
    Imap imap(c.io.get_executor(), c.tls);
    const bool in = co_await imap.open(c.imap_port, u);
    if (!in) {
        fail("login of " + u.address + " failed");
    }
    for (std::size_t i = 0; i < messages;) {
        std::string batch = "APPEND INBOX";
        for (std::size_t k = 0; k < 100 && i < messages; ++k, ++i) {
            const std::string m = message(
                u.address, (i % 10 == 0 ? "quyet-dinh-" : "tuan-") + std::to_string(i), 4096
            );
            batch += (i % 3 == 0 ? " (\\Seen) {" : " {") + std::to_string(m.size()) + "+}\r\n" + m;
        }
        co_await imap.ok(batch);
    }
    co_await imap.command("LOGOUT");
    std::printf("# %s: %zu messages appended\n", u.address.c_str(), messages);
}

// ---- latency: unloaded, medians over --reps

awaitable<void> latency(Context& c) {
    const std::size_t reps = c.options.num("reps", 50);
    const User& u = c.user(c.options.num("user", 0));
    auto executor = c.io.get_executor();
    // IMAP: new connection (TCP + TLS) + LOGIN.
    std::vector<double> login;
    for (std::size_t i = 0; i < reps; ++i) {
        Imap imap(executor, c.tls);
        const auto t0 = Clock::now();
        const bool in = co_await imap.open(c.imap_port, u);
        login.push_back(ms(Clock::now() - t0));
        if (!in) {
            fail("login failed");
        }
        co_await imap.command("LOGOUT");
    }
    result("imap_login_ms", median(login));
    Imap imap(executor, c.tls);
    const bool in = co_await imap.open(c.imap_port, u);
    if (!in) {
        fail("login failed");
    }
    std::mt19937 random(7);
    std::map<std::string, std::vector<double>> times;
    long count = 0;
    for (std::size_t i = 0; i < reps; ++i) {
        imap.untagged().clear();
        auto t0 = Clock::now();
        co_await imap.ok("SELECT INBOX");
        times["imap_select_ms"].push_back(ms(Clock::now() - t0));
        count = exists(imap.untagged());
        if (count < 1) {
            fail("empty INBOX");
        }
        const std::string k = std::to_string(1 + random() % static_cast<unsigned long>(count));
        t0 = Clock::now();
        co_await imap.ok("FETCH 1:* (FLAGS)");
        times["imap_fetch_flags_ms"].push_back(ms(Clock::now() - t0));
        t0 = Clock::now();
        co_await imap.ok("FETCH " + k + " (BODY.PEEK[])");
        times["imap_fetch_body_ms"].push_back(ms(Clock::now() - t0));
        t0 = Clock::now();
        co_await imap.ok("SEARCH SUBJECT \"quyet-dinh-" + std::to_string(random() % 100) + "\"");
        times["imap_search_ms"].push_back(ms(Clock::now() - t0));
        t0 = Clock::now();
        co_await imap.ok("STORE " + k + (i % 2 ? " -FLAGS" : " +FLAGS") + " (\\Flagged)");
        times["imap_store_ms"].push_back(ms(Clock::now() - t0));
        imap.untagged().clear();
    }
    co_await imap.command("LOGOUT");
    std::printf(
        "# IMAP on %s with %ld messages, %zu repetitions\n", u.address.c_str(), count, reps
    );
    for (const auto& [name, v] : times) {
        result(name, median(v));
    }
    // SMTP end to end: one message on an open session until durable.
    const User& to = c.user(c.options.num("smtp-user", 999));
    std::unique_ptr<MaildirWatch> watch;
    if (!c.maildir.empty()) {
        watch = std::make_unique<MaildirWatch>(c.io, c.maildir, std::vector<User>{to});
    }
    Smtp smtp(executor);
    const bool smtp_open = co_await smtp.open(c.smtp_port);
    if (!smtp_open) {
        fail("SMTP connection failed");
    }
    std::vector<double> e2e;
    for (std::size_t i = 0; i < reps; ++i) {
        const std::string text = message(to.address, "lat-" + std::to_string(i), 4096);
        const auto t0 = Clock::now();
        const std::vector<std::string> one{to.address};
        const bool ok = co_await smtp.mail(one, text);
        if (!ok) {
            fail("SMTP refused");
        }
        if (watch) {
            co_await watch->wait(1);
        }
        e2e.push_back(ms(Clock::now() - t0));
    }
    co_await smtp.quit();
    result("smtp_e2e_ms", median(e2e));
}

// ---- mix: imaptest-like default mix over N clients for a fixed time

struct MixCounters {
    std::uint64_t commands = 0;
    std::uint64_t logins = 0;
};

awaitable<void> mix_client(
    Context& c, const User& u, Clock::time_point end, MixCounters& n, std::size_t& active
) {
    auto executor = co_await asio::this_coro::executor;
    std::mt19937 random(static_cast<unsigned>(std::hash<std::string>{}(u.address)));
    for (std::size_t round = 0; Clock::now() < end; ++round) {
        Imap imap(executor, c.tls);
        const bool in = co_await imap.open(c.imap_port, u);
        if (!in) {
            fail("login of " + u.address + " failed");
        }
        ++n.commands;
        ++n.logins;
        if (round % 2 == 0) {
            co_await imap.ok("LIST \"\" \"*\"");
            ++n.commands;
        }
        imap.untagged().clear();
        co_await imap.ok("SELECT INBOX");
        ++n.commands;
        long count = exists(imap.untagged());
        // A few rounds of reading and flag changes per login, as imaptest's clients do.
        for (int step = 0; step < 3 && count > 0 && Clock::now() < end; ++step) {
            co_await imap.ok(
                "FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM TO "
                "SUBJECT DATE MESSAGE-ID)])"
            );
            const std::string k = std::to_string(1 + random() % static_cast<unsigned long>(count));
            co_await imap.ok("FETCH " + k + " (BODY.PEEK[])");
            co_await imap.ok("STORE " + k + " +FLAGS (\\Seen \\Flagged)");
            co_await imap.ok("STORE " + k + " -FLAGS (\\Flagged)");
            n.commands += 4;
        }
        if (count > 0) {
            const std::string k = std::to_string(1 + random() % static_cast<unsigned long>(count));
            co_await imap.ok("STORE " + k + " +FLAGS.SILENT (\\Deleted)");
            co_await imap.ok("EXPUNGE");
            n.commands += 2;
        }
        const std::string m = message(u.address, "mix-" + std::to_string(random()), 4096);
        co_await imap.ok("APPEND INBOX {" + std::to_string(m.size()) + "+}\r\n" + m);
        co_await imap.command("LOGOUT");
        n.commands += 2;
    }
    --active;
}

awaitable<void> mix(Context& c) {
    const std::size_t first = c.options.num("first", 1);
    const std::size_t clients = c.options.num("clients", 10);
    const std::size_t seconds = c.options.num("seconds", 10);
    MixCounters n;
    std::size_t active = clients;
    const auto start = Clock::now();
    const auto end = start + std::chrono::seconds(seconds);
    for (std::size_t i = 0; i < clients; ++i) {
        asio::co_spawn(c.io, mix_client(c, c.user(first + i), end, n, active), asio::detached);
    }
    asio::steady_timer timer(c.io);
    while (active > 0) {
        timer.expires_after(5ms);
        co_await timer.async_wait(kNoThrow);
    }
    const double took = ms(Clock::now() - start) / 1000;
    std::printf(
        "# mix: %zu clients, %.1f s, %llu commands, %llu logins\n",
        clients,
        took,
        static_cast<unsigned long long>(n.commands),
        static_cast<unsigned long long>(n.logins)
    );
    result("imap_mix_cmds_per_s", static_cast<double>(n.commands) / took);
}

// ---- idle: N TLS connections in IDLE; memory of the whole server; push latency

// Proportional set size (KiB) of `pid` and all its descendants: processes sharing pages (one
// process per connection) are not counted twice.
std::size_t tree_pss_kib(int root, std::size_t& processes) {
    std::map<int, std::vector<int>> children;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) {
            continue;
        }
        std::ifstream stat(entry.path() / "stat");
        std::string text;
        std::getline(stat, text);
        const auto close = text.rfind(')');
        if (close == std::string::npos) {
            continue;
        }
        std::istringstream rest(text.substr(close + 2));
        char state = 0;
        int ppid = 0;
        rest >> state >> ppid;
        children[ppid].push_back(std::stoi(name));
    }
    std::size_t total = 0;
    processes = 0;
    std::vector<int> todo{root};
    while (!todo.empty()) {
        const int pid = todo.back();
        todo.pop_back();
        ++processes;
        std::ifstream rollup("/proc/" + std::to_string(pid) + "/smaps_rollup");
        for (std::string line; std::getline(rollup, line);) {
            if (line.starts_with("Pss:")) {
                total += std::stoul(line.substr(4));
            }
        }
        for (int child : children[pid]) {
            todo.push_back(child);
        }
    }
    return total;
}

// MemAvailable of /proc/meminfo in MiB; 0 when it cannot be read.
std::size_t available_mib() {
    std::ifstream meminfo("/proc/meminfo");
    for (std::string line; std::getline(meminfo, line);) {
        if (line.starts_with("MemAvailable:")) {
            return std::stoul(line.substr(13)) / 1024;
        }
    }
    return 0;
}

awaitable<void> idle(Context& c) {
    const std::size_t n = c.options.num("connections", 1000);
    const int server = static_cast<int>(c.options.num("server-pid", 0));
    const std::size_t settle = c.options.num("settle", 5);
    // Logins in flight: every login hashes on the server either way (Argon2id, ~20 ms of CPU), so
    // more in flight only lengthen the servers' queues; 20 keep both busy without any login
    // waiting long enough to time out.
    const std::size_t parallel = std::max<std::size_t>(1, c.options.num("parallel", 20));
    // Opening stops (and the figures are those of the connections made so far) when the
    // machine's MemAvailable drops below this: Dovecot's default mode costs ~2 MiB per
    // connection, and 10,000 of them would come close to filling 24 GiB.
    const std::size_t min_available = c.options.num("min-available-mib", 1500);
    // One connection's connect + TLS + LOGIN + SELECT + IDLE must complete within this, or
    // opening stops (a server at its process or connection limit may just not answer).
    const auto open_timeout = std::chrono::seconds(c.options.num("open-timeout", 60));
    auto executor = c.io.get_executor();
    asio::steady_timer timer(c.io);
    // Warm-up: a few logins at once (then closed) before the baseline, so that what every
    // server keeps after its first logins (govmail: each hashing thread's 19 MiB Argon2 block in
    // its malloc arena; Dovecot: its auth process's) is not counted per connection.
    const std::size_t warm = c.options.num("warm", 4);
    std::size_t warmed = 0;
    for (std::size_t i = 0; i < warm; ++i) {
        asio::co_spawn(
            c.io,
            [&, i]() -> awaitable<void> {
                Imap imap(executor, c.tls);
                const bool in = co_await imap.open(c.imap_port, c.user(i));
                if (!in) {
                    fail("warm-up login failed");
                }
                co_await imap.ok("SELECT INBOX");
                co_await imap.command("LOGOUT");
                imap.close();
                ++warmed;
            },
            asio::detached
        );
    }
    while (warmed < warm) {
        timer.expires_after(10ms);
        co_await timer.async_wait(kNoThrow);
    }
    timer.expires_after(2s);
    co_await timer.async_wait(kNoThrow);
    std::size_t processes = 0;
    const std::size_t before = tree_pss_kib(server, processes);
    std::printf(
        "# server before: %zu KiB PSS in %zu processes; MemAvailable %zu MiB\n",
        before,
        processes,
        available_mib()
    );
    std::vector<std::shared_ptr<Imap>> clients(n);  // null: not opened
    std::vector<long> counts(n, 0);
    std::size_t ready = 0;
    std::size_t openers = parallel;
    std::string stopped;  // why opening stopped before n; empty while it goes on
    const auto t0 = Clock::now();
    std::size_t next = 0;
    auto opener = [&]() -> awaitable<void> {
        while (next < n && stopped.empty()) {
            const std::size_t available = available_mib();
            if (available != 0 && available < min_available) {
                stopped = "MemAvailable " + std::to_string(available) +
                          " MiB is below --min-available-mib " + std::to_string(min_available);
                break;
            }
            const std::size_t i = next++;
            auto imap = std::make_shared<Imap>(executor, c.tls);
            // The watchdog closes the socket, which ends whatever step is waiting.
            auto finished = std::make_shared<bool>(false);
            auto expired = std::make_shared<bool>(false);
            asio::steady_timer watchdog(executor);
            watchdog.expires_after(open_timeout);
            watchdog.async_wait([weak = std::weak_ptr<Imap>(imap),
                                 finished,
                                 expired](boost::system::error_code ec) {
                if (!ec && !*finished) {
                    *expired = true;
                    if (auto open = weak.lock()) {
                        open->close();
                    }
                }
            });
            std::string failed;
            const bool in = co_await imap->open(c.imap_port, c.user(i));
            if (!in) {
                failed = "connect, TLS or LOGIN";
            } else {
                const auto status = co_await imap->try_command("SELECT INBOX");
                if (!status || !status->starts_with("OK")) {
                    failed = "SELECT" + (status ? ": " + *status : std::string());
                } else {
                    counts[i] = exists(imap->untagged());
                    imap->untagged().clear();
                    std::optional<std::string> cont;
                    const bool sent = co_await imap->try_send("i IDLE\r\n");
                    if (sent) {
                        cont = co_await imap->line();
                    }
                    if (!cont || !cont->starts_with("+")) {
                        failed = "IDLE";
                    }
                }
            }
            *finished = true;
            watchdog.cancel();
            if (!failed.empty()) {
                if (stopped.empty()) {
                    stopped = "connection " + std::to_string(i) + " failed at " + failed +
                              (*expired ? " (no answer within --open-timeout)" : "");
                }
                imap->close();
                break;
            }
            clients[i] = std::move(imap);
            if (++ready % 1000 == 0) {
                std::printf(
                    "# %zu connections in IDLE after %.1f s; MemAvailable %zu MiB\n",
                    ready,
                    ms(Clock::now() - t0) / 1000,
                    available_mib()
                );
                std::fflush(stdout);
            }
        }
        --openers;
    };
    for (std::size_t k = 0; k < parallel; ++k) {
        asio::co_spawn(c.io, opener(), asio::detached);
    }
    while (openers > 0) {
        timer.expires_after(10ms);
        co_await timer.async_wait(kNoThrow);
    }
    std::vector<std::size_t> open;  // indices of the connections in IDLE
    for (std::size_t i = 0; i < n; ++i) {
        if (clients[i]) {
            open.push_back(i);
        }
    }
    const std::size_t m = open.size();
    if (!stopped.empty()) {
        std::printf("# STOPPED opening at %zu of %zu connections: %s\n", m, n, stopped.c_str());
    }
    if (m == 0) {
        fail("no idle connection could be opened");
    }
    std::printf(
        "# %zu connections in IDLE after %.1f s; settling %zu s\n",
        m,
        ms(Clock::now() - t0) / 1000,
        settle
    );
    result("idle_connections", static_cast<double>(m));
    timer.expires_after(std::chrono::seconds(settle));
    co_await timer.async_wait(kNoThrow);
    const std::size_t after = tree_pss_kib(server, processes);
    std::printf(
        "# server after: %zu KiB PSS in %zu processes; MemAvailable %zu MiB\n",
        after,
        processes,
        available_mib()
    );
    result("idle_server_pss_mib", static_cast<double>(after) / 1024);
    result(
        "idle_kib_per_conn",
        (static_cast<double>(after) - static_cast<double>(before)) / static_cast<double>(m)
    );
    // Push: one message to all of them; each connection's time until its EXISTS.
    std::vector<double> seen;
    std::size_t waiting = m;
    const auto sent = Clock::now();
    for (const std::size_t i : open) {
        asio::co_spawn(
            c.io,
            [&, i]() -> awaitable<void> {
                for (;;) {
                    const auto l = co_await clients[i]->line();
                    if (!l) {
                        fail("idle connection " + std::to_string(i) + " closed");
                    }
                    if (l->ends_with(" EXISTS") && std::atol(l->c_str() + 2) > counts[i]) {
                        seen.push_back(ms(Clock::now() - sent));
                        --waiting;
                        co_return;
                    }
                }
            },
            asio::detached
        );
    }
    std::vector<std::string> rcpts;
    for (const std::size_t i : open) {
        rcpts.push_back(c.user(i).address);
    }
    Smtp smtp(executor);
    const bool opened = co_await smtp.open(c.smtp_port);
    bool ok = false;
    if (opened) {
        ok = co_await smtp.mail(rcpts, message("all@bench.gov.vn", "push", 4096));
    }
    if (!ok) {
        fail("push message refused");
    }
    const double accepted = ms(Clock::now() - sent);
    co_await smtp.quit();
    while (waiting > 0) {
        timer.expires_after(1ms);
        co_await timer.async_wait(kNoThrow);
    }
    std::printf("# push accepted by SMTP after %.1f ms\n", accepted);
    result("push_p50_ms", percentile(seen, 0.5));
    result("push_last_ms", percentile(seen, 1.0));
    for (const std::size_t i : open) {
        clients[i]->close();
    }
}

// ---- hash: the Dovecot passwd-file, with govmail's Argon2id parameters

int hash(const Options& o) {
    if (o.positional.size() != 3) {
        fail("usage: compare_load hash CREDENTIALS.csv PASSWD-FILE");
    }
    const auto users = read_users(o.positional[1]);
    std::vector<std::string> passwords;
    for (const auto& u : users) {
        passwords.push_back(u.password);
    }
    govmail::password::Hasher hasher(govmail::password::Params{}, 2);
    const auto hashes = hasher.hash_all(passwords);
    std::ofstream out(o.positional[2]);
    for (std::size_t i = 0; i < users.size(); ++i) {
        out << users[i].address << ":{ARGON2ID}" << hashes[i] << "\n";
    }
    std::printf("# %zu users hashed\n", users.size());
    return out ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.starts_with("--") && i + 1 < argc) {
            options.flags[arg.substr(2)] = argv[++i];
        } else {
            options.positional.push_back(arg);
        }
    }
    if (options.positional.empty()) {
        fail("usage: compare_load hash|smtp|fanout|fill|latency|mix|idle [options]");
    }
    const std::string what = options.positional[0];
    if (what == "hash") {
        return hash(options);
    }
    Context c;
    c.options = options;
    c.users = read_users(options.get("users"));
    c.smtp_port = static_cast<std::uint16_t>(options.num("smtp-port", 0));
    c.imap_port = static_cast<std::uint16_t>(options.num("imap-port", 0));
    c.maildir = options.get("maildir");
    if (what == "smtp") {
        c.run(smtp_load(c));
    } else if (what == "fanout") {
        c.run(fanout(c));
    } else if (what == "fill") {
        c.run(fill(c));
    } else if (what == "latency") {
        c.run(latency(c));
    } else if (what == "mix") {
        c.run(mix(c));
    } else if (what == "idle") {
        c.run(idle(c));
    } else {
        fail("unknown command " + what);
    }
    return 0;
}
