// libFuzzer target for the IMAP session core: what a client sends goes through the framer into
// imap::Session against a real mail store and directory in a temporary directory, exactly as the
// coroutine shell drives it (literals accepted or refused, STARTTLS, IDLE with change updates),
// with a second session on the same account making changes in between. Any crash, sanitizer
// report, escaped exception or broken property (__builtin_trap) is a bug.
//
// Input: one control byte, then the bytes a client would send. Control bits 0-2: read chunk
// size; bit 3: implicit TLS (logins allowed) or cleartext with STARTTLS; bit 4: the second
// session selects INBOX and expunges/flags between the first session's reads.
//
// The world (account alice@example.gov.vn / "alice-password" with a few messages) is rebuilt every
// kInputsPerWorld inputs so that what inputs append does not pile up in the store.
//
// Seeds: tests/fuzz/imap_session_seed.sh, from the transcripts' C: lines.

#include "core/log.hpp"
#include "core/net/asio.hpp"
#include "core/net/input_buffer.hpp"
#include "core/password.hpp"
#include "directory/admin.hpp"
#include "directory/context.hpp"
#include "directory/directory.hpp"
#include "imap/framer.hpp"
#include "imap/services.hpp"
#include "imap/session.hpp"
#include "mime/analyze.hpp"
#include "store/store.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unistd.h>

namespace {

using namespace govmail;
using imap::Action;
using imap::LiteralAnswer;

constexpr int kInputsPerWorld = 200;
constexpr std::size_t kMaxInput = 64 * 1024;

void check(bool property) {
    if (!property) {
        __builtin_trap();
    }
}

// Output that keeps only what the properties look at.
class SinkOutput final : public imap::Output {
public:
    net::asio::awaitable<bool> flush() override {
        written_ += buffer_.size();
        buffer_.clear();
        co_return true;
    }

    std::size_t written() const { return written_ + buffer_.size(); }

private:
    std::size_t written_ = 0;
};

class NullSink final : public events::ActivitySink {
public:
    void record(const events::ActivityEvent& /*event*/) noexcept override {}
};

std::string message(int i) {
    return "From: Tran Thi Ha <ha@example.gov.vn>\r\nTo: alice@example.gov.vn\r\n"
           "Subject: =?UTF-8?B?UXV54bq/dCDEkeG7i25o?= " +
           std::to_string(i) +
           "\r\nDate: Fri, 20 Nov 2026 08:30:00 +0700\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
           "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
           "quoted-printable\r\n\r\nB=E1=BB=95 nhi=E1=BB=87m\r\n--b\r\n"
           "Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nbody\r\n--b--\r\n";
}

struct World {
    World()
        : dir(make_dir())
        , store(store::MailStore::open({.path = dir / "store", .map_size = 256ULL << 20}))
        , hasher(password::Params{.memory_kib = 64, .iterations = 1, .parallelism = 1}, 1)
        , context(*store, hasher, settings())
        , directory(context)
        , services{*store, directory, sink, connections} {
        directory::Admin admin(context);
        auto unit = admin.add_unit({.code = "000.00.15.H29", .name = "Sở Thử nghiệm"});
        auto user = admin.add_user({
            .full_name = "Alice Nguyen",
            .unit_code = "000.00.15.H29",
            .address = "alice@example.gov.vn",
            .password = "alice-password",
        });
        if (!unit || !user) {
            throw std::runtime_error("cannot create the fuzzing account");
        }
        account = directory.find_account("alice@example.gov.vn")->id;
        auto inbox = store->read([&](const store::StoreReader& r) {
            return r.find_mailbox(account, "INBOX");
        });
        for (int i = 0; i < 4; ++i) {
            std::string raw = message(i);
            std::string info = mime::analyze(raw).serialize();
            store::PreparedMessage prepared(std::move(raw), std::move(info));
            auto appended = store->write_blocking([&](store::StoreWriter& w) {
                return w.append(
                    **inbox, prepared, {.flags = i == 0 ? store::kSeen : store::SystemFlags{0}}
                );
            });
            if (!appended) {
                throw std::runtime_error("cannot append the fuzzing messages");
            }
        }
    }

    ~World() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }

    static std::filesystem::path make_dir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "imap-session-fuzz-XXXXXX");
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        return pattern;
    }

    static directory::Settings settings() {
        directory::Settings s;
        s.domains = {"example.gov.vn"};
        return s;
    }

    std::filesystem::path dir;
    std::unique_ptr<store::MailStore> store;
    password::Hasher hasher;
    directory::Context context;
    directory::Directory directory;
    NullSink sink;
    imap::AccountConnections connections;
    imap::Services services;
    std::uint64_t account = 0;
};

struct Conn {
    Conn(const imap::SessionConfig& config, imap::Services& services, bool tls)
        : session(
              config,
              services,
              imap::Client{.connection = 1, .address = "192.0.2.1", .tls = tls},
              output
          )
        , framer(imap::framer_limits(config)) {}

    SinkOutput output;
    imap::Session session;
    imap::Framer framer;
    net::InputBuffer input;
    bool closed = false;
};

// What the shell does with the events buffered so far.
net::asio::awaitable<void> pump(Conn& conn, const imap::SessionConfig& config) {
    for (;;) {
        imap::Event event = conn.framer.next(conn.input);
        if (std::holds_alternative<imap::NeedMore>(event)) {
            co_return;
        }
        imap::Step step = co_await conn.session.handle(std::move(event));
        if (step.literal == LiteralAnswer::Accept) {
            conn.framer.accept_literal();
        } else if (step.literal == LiteralAnswer::Reject) {
            conn.framer.reject_literal();
        }
        if (step.expect_line) {
            conn.framer.expect_line();
        }
        co_await conn.output.flush();
        if (step.action == Action::Close) {
            conn.closed = true;
            co_return;
        }
        if (step.action == Action::StartTls) {
            conn.input.clear();
            conn.framer = imap::Framer(imap::framer_limits(config));
            conn.session.tls_started();
            co_return;
        }
        if (conn.session.idling() && !co_await conn.session.idle_update()) {
            conn.closed = true;
            co_return;
        }
    }
}

// The other session: changes the first one must learn about (EXISTS, FETCH, EXPUNGE).
const char* const kOtherCommands[] = {
    "o1 LOGIN alice@example.gov.vn alice-password\r\n",
    "o2 SELECT INBOX\r\n",
    "o3 APPEND INBOX {12+}\r\nSubject: o\r\n\r\n",
    "o4 STORE 1:2 +FLAGS (\\Flagged $Work)\r\n",
    "o5 STORE 1 +FLAGS (\\Deleted)\r\n",
    "o6 EXPUNGE\r\n",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0 || size > kMaxInput) {
        return 0;
    }
    static std::unique_ptr<World> world;
    static int inputs = 0;
    if (!world) {
        log::init("error", LogFormat::Text);  // logins and refusals are not news here
    }
    if (!world || ++inputs % kInputsPerWorld == 0) {
        world.reset();
        world = std::make_unique<World>();
    }
    const std::uint8_t control = data[0];
    const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::size_t chunk = std::size_t{1} << (control & 7U) * 2;  // 1, 4, 16 ... 16384
    const bool tls = (control & 8U) != 0;
    const bool other_changes = (control & 16U) != 0;

    imap::SessionConfig config;
    config.hostname = "mail.test.gov.vn";
    config.starttls = !tls;
    config.max_append_size = 16 * 1024;
    config.max_command_length = 8 * 1024;
    config.max_connections_per_user = 4;

    net::asio::io_context io;
    auto rethrow = [](std::exception_ptr error) {
        if (error) {
            std::rethrow_exception(error);  // an escaped exception is a bug: abort the run
        }
    };
    auto run = [&](Conn& conn, std::string_view piece) {
        if (conn.closed) {
            return;
        }
        auto space = conn.input.prepare(piece.size());
        std::copy(piece.begin(), piece.end(), space.begin());
        conn.input.commit(piece.size());
        net::asio::co_spawn(io, pump(conn, config), rethrow);
        io.run();
        io.restart();
    };

    {
        Conn conn(config, world->services, tls);
        conn.session.greeting();
        check(conn.output.written() > 0);
        std::unique_ptr<Conn> other;
        std::size_t next_other = 0;
        if (other_changes) {
            other = std::make_unique<Conn>(config, world->services, true);
        }
        for (std::size_t at = 0; at < bytes.size() && !conn.closed; at += chunk) {
            run(conn, bytes.substr(at, chunk));
            if (other && next_other < std::size(kOtherCommands)) {
                run(*other, kOtherCommands[next_other++]);
            }
        }
        // The session stays usable after whatever came before: a fresh command is answered.
        if (!conn.closed && conn.framer.idle() && !conn.session.idling()) {
            std::size_t before = conn.output.written();
            run(conn, "\r\nzz NOOP\r\n");
            check(conn.closed || conn.output.written() > before);
        }
    }
    return 0;
}
