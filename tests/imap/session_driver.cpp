#include "tests/imap/session_driver.hpp"

#include "imap/framer.hpp"
#include "mime/analyze.hpp"
#include "tests/imap/messages.hpp"
#include "tests/support/echo_server_fixture.hpp"

#include <charconv>
#include <sstream>
#include <stdexcept>

namespace govmail::imap::test {
namespace {

constexpr std::string_view kUnit = "000.00.15.H29";

std::string address_of(std::string_view user) {
    return user.find('@') == std::string_view::npos ? std::string(user) + "@example.gov.vn"
                                                    : std::string(user);
}

std::vector<std::string> split_words(std::string_view text) {
    std::istringstream in{std::string(text)};
    std::vector<std::string> words;
    for (std::string word; in >> word;) {
        words.push_back(word);
    }
    return words;
}

std::optional<std::uint64_t> number(std::string_view text) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// Output that keeps everything the session writes until the driver reads it.
class CaptureOutput final : public Output {
public:
    net::asio::awaitable<bool> flush() override {
        captured_ += buffer_;
        buffer_.clear();
        co_return true;
    }

    std::string take() {
        std::string all = std::move(captured_) + buffer_;
        captured_.clear();
        buffer_.clear();
        return all;
    }

private:
    std::string captured_;
};

}  // namespace

void RecordingSink::record(const events::ActivityEvent& event) noexcept {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
}

std::vector<events::ActivityEvent> RecordingSink::events() const {
    std::lock_guard lock(mutex_);
    return events_;
}

namespace {

directory::Settings world_settings() {
    directory::Settings settings;
    settings.domains = {"example.gov.vn"};
    return settings;
}

}  // namespace

ImapWorld::ImapWorld()
    : store_(store::MailStore::open({.path = dir_.path() / "store", .map_size = 64ULL << 20}))
    , hasher_(kCheapHashing, 2)
    , context_(std::make_unique<directory::Context>(*store_, hasher_, world_settings()))
    , directory_(std::make_unique<directory::Directory>(*context_))
    , services_{*store_, *directory_, activity_, connections_} {
    directory::Admin admin(*context_);
    auto unit = admin.add_unit({
        .code = std::string(kUnit),
        .name = "Sở Thông tin và Truyền thông",
        .kind = directory::UnitKind::Department,
    });
    if (!unit) {
        throw std::runtime_error(unit.error().message);
    }
    for (const char* user : {"alice", "bob"}) {
        auto added = admin.add_user({
            .full_name =
                std::string(user == std::string_view("alice") ? "Alice Nguyen" : "Bob Tran"),
            .unit_code = std::string(kUnit),
            .address = address_of(user),
            .password = std::string(user) + "-password",
        });
        if (!added) {
            throw std::runtime_error(added.error().message);
        }
    }
}

ImapWorld::~ImapWorld() = default;

std::uint64_t ImapWorld::account(std::string_view user) {
    auto found = directory_->find_account(address_of(user));
    if (!found) {
        throw std::runtime_error("no account " + std::string(user));
    }
    return found->id;
}

store::MailboxId ImapWorld::mailbox(std::string_view user, std::string_view name) {
    std::uint64_t id = account(user);
    auto found =
        store_->read([&](const store::StoreReader& r) { return r.find_mailbox(id, name); });
    if (!found || !*found) {
        throw std::runtime_error("no mailbox " + std::string(name));
    }
    return **found;
}

store::Uid ImapWorld::append(
    std::string_view user,
    std::string_view mailbox,
    std::string_view message,
    store::SystemFlags flags,
    std::vector<std::string> keywords
) {
    return append_raw(user, mailbox, test_message(message), flags, std::move(keywords));
}

store::Uid ImapWorld::append_raw(
    std::string_view user,
    std::string_view mailbox,
    std::string raw,
    store::SystemFlags flags,
    std::vector<std::string> keywords
) {
    store::MailboxId id = this->mailbox(user, mailbox);
    std::string info = mime::analyze(raw).serialize();
    store::PreparedMessage prepared(std::move(raw), std::move(info));
    store::AppendOptions options{.flags = flags, .keywords = std::move(keywords)};
    // 21-Nov-2026 10:00:00 UTC, a minute later for each message: INTERNALDATE is predictable.
    options.internal_date = store::UnixTime(std::chrono::seconds(1'795'255'200 + 60 * appended_++));
    auto appended = store_->write_blocking([&](store::StoreWriter& w) {
        return w.append(id, prepared, options);
    });
    if (!appended) {
        throw std::runtime_error("append failed: " + appended.error().message());
    }
    return appended->uid;
}

Result<DriverSettings> apply_config(
    ImapWorld& world, const std::vector<std::pair<std::string, std::string>>& config
) {
    DriverSettings settings;
    settings.session.hostname = "mail.test.gov.vn";
    for (const auto& [key, value] : config) {
        if (key == "listener") {
            if (value != "imap" && value != "imaps") {
                return govmail::Error{"@config listener: imap or imaps"};
            }
            settings.implicit_tls = value == "imaps";
        } else if (key.starts_with("imap.")) {
            auto n = number(value);
            if (!n) {
                return govmail::Error{"@config " + key + ": not a number"};
            }
            if (key == "imap.max_append_size") {
                settings.session.max_append_size = *n;
            } else if (key == "imap.max_command_length") {
                settings.session.max_command_length = *n;
            } else if (key == "imap.max_connections_per_user") {
                settings.session.max_connections_per_user = static_cast<std::uint32_t>(*n);
            } else if (key == "imap.max_bad_commands") {
                settings.session.max_bad_commands = static_cast<std::uint32_t>(*n);
            } else {
                return govmail::Error{"unknown @config key " + key};
            }
        } else if (key == "quota") {
            std::vector<std::string> words = split_words(value);
            auto bytes = words.size() == 2 ? number(words[1]) : std::nullopt;
            if (!bytes) {
                return govmail::Error{"@config quota: USER BYTES"};
            }
            auto set = world.store().write_blocking([&](store::StoreWriter& w) {
                w.set_quota(world.account(words[0]), *bytes);
            });
            if (!set) {
                return govmail::Error{"@config quota: " + set.error().message()};
            }
        } else if (key == "append" || key == "create") {
            std::vector<std::string> words = split_words(value);
            if (words.size() < (key == "append" ? 3U : 2U)) {
                return govmail::Error{
                    "@config " + key + ": USER MAILBOX" + (key == "append" ? " NAME" : "")};
            }
            try {
                if (key == "create") {
                    // The name is the rest of the line: it may hold spaces.
                    std::string name(value.substr(value.find(words[1])));
                    auto created = world.store().write_blocking([&](store::StoreWriter& w) {
                        return w.create_mailbox(world.account(words[0]), name);
                    });
                    if (!created) {
                        return govmail::Error{"@config create: " + created.error().message()};
                    }
                    continue;
                }
                store::SystemFlags flags = 0;
                std::vector<std::string> keywords;
                for (std::size_t i = 3; i < words.size(); ++i) {
                    const std::string& flag = words[i];
                    if (flag == "\\Seen") {
                        flags |= store::kSeen;
                    } else if (flag == "\\Answered") {
                        flags |= store::kAnswered;
                    } else if (flag == "\\Flagged") {
                        flags |= store::kFlagged;
                    } else if (flag == "\\Deleted") {
                        flags |= store::kDeleted;
                    } else if (flag == "\\Draft") {
                        flags |= store::kDraft;
                    } else {
                        keywords.push_back(flag);
                    }
                }
                world.append(words[0], words[1], words[2], flags, std::move(keywords));
            } catch (const std::exception& e) {
                return govmail::Error{"@config " + key + ": " + e.what()};
            }
        } else {
            return govmail::Error{"unknown @config key " + key};
        }
    }
    settings.session.starttls = !settings.implicit_tls;
    return settings;
}

// ---- CoreDriver

struct CoreDriver::Conn {
    Conn(const SessionConfig& config, Services& services, int id, bool tls)
        : session(
              config,
              services,
              Client{
                  .connection = static_cast<std::uint64_t>(id),
                  .address = "192.0.2.10",
                  .tls = tls},
              output
          )
        , framer(framer_limits(config)) {}

    CaptureOutput output;
    Session session;
    Framer framer;
    net::InputBuffer input;
    bool closed = false;
    bool tls_started = false;
};

CoreDriver::CoreDriver(ImapWorld& world)
    : world_(world) {}

CoreDriver::~CoreDriver() = default;

Result<> CoreDriver::configure(const std::vector<std::pair<std::string, std::string>>& config) {
    auto settings = apply_config(world_, config);
    if (!settings) {
        return settings.error();
    }
    settings_ = std::move(*settings);
    return {};
}

void CoreDriver::open(int connection) {
    auto conn = std::make_unique<Conn>(
        settings_.session, world_.services(), connection, settings_.implicit_tls
    );
    conn->session.greeting();
    connections_[connection] = std::move(conn);
}

Session& CoreDriver::session(int connection) {
    return connections_.at(connection)->session;
}

net::asio::awaitable<void> CoreDriver::pump(Conn& conn) {
    for (;;) {
        Event event = conn.framer.next(conn.input);
        if (std::holds_alternative<NeedMore>(event)) {
            co_return;
        }
        Step step = co_await conn.session.handle(std::move(event));
        if (step.literal == LiteralAnswer::Accept) {
            conn.framer.accept_literal();
        } else if (step.literal == LiteralAnswer::Reject) {
            conn.framer.reject_literal();
        }
        if (step.expect_line) {
            conn.framer.expect_line();
        }
        if (step.action == Action::Close) {
            conn.closed = true;
            conn.input.clear();
            co_return;
        }
        if (step.action == Action::StartTls) {
            // What Connection::accept_tls() does: input buffered behind STARTTLS is dropped.
            conn.input.clear();
            conn.framer = Framer(framer_limits(settings_.session));
            conn.session.tls_started();
            conn.tls_started = true;
            co_return;
        }
    }
}

net::asio::awaitable<void> CoreDriver::poll_idle() {
    for (auto& [id, conn] : connections_) {
        if (!conn->closed && conn->session.idling()) {
            if (!co_await conn->session.idle_update()) {
                conn->closed = true;
            }
        }
    }
}

void CoreDriver::send(int connection, std::string_view bytes) {
    Conn& conn = *connections_.at(connection);
    if (conn.closed) {
        return;
    }
    auto space = conn.input.prepare(bytes.size());
    std::copy(bytes.begin(), bytes.end(), space.begin());
    conn.input.commit(bytes.size());
    auto rethrow = [](std::exception_ptr error) {
        if (error) {
            std::rethrow_exception(error);
        }
    };
    net::asio::co_spawn(io_, pump(conn), rethrow);
    io_.run();
    io_.restart();
    // What the change feed would wake during IDLE, after whatever this command changed.
    net::asio::co_spawn(io_, poll_idle(), rethrow);
    io_.run();
    io_.restart();
}

std::optional<std::string> CoreDriver::read(int connection) {
    std::string out = connections_.at(connection)->output.take();
    if (out.empty()) {
        return std::nullopt;
    }
    return out;
}

bool CoreDriver::start_tls(int connection) {
    return std::exchange(connections_.at(connection)->tls_started, false);
}

// ---- LoopbackDriver

LoopbackDriver::LoopbackDriver(ImapWorld& world)
    : world_(world)
    , config_(govmail::test::test_config(world.dir() / "data")) {}

LoopbackDriver::~LoopbackDriver() {
    clients_.clear();
    if (server_) {
        server_->shutdown();
        server_->wait();
    }
}

Result<> LoopbackDriver::configure(const std::vector<std::pair<std::string, std::string>>& config) {
    auto settings = apply_config(world_, config);
    if (!settings) {
        return settings.error();
    }
    settings_ = std::move(*settings);
    auto tls = tls::make_server_context(config_);
    if (!tls) {
        return tls.error();
    }
    server_ = std::make_unique<net::Server>(config_);
    auto handler = std::make_shared<Handler>(
        settings_.session, world_.services(), settings_.implicit_tls ? nullptr : *tls
    );
    auto bound = server_->listen({
        .name = "imap-test",
        .address = ListenAddress{"127.0.0.1", 0},
        .handler = handler,
        .implicit_tls = settings_.implicit_tls ? *tls : nullptr,
        .timeouts = timeouts(config_),
    });
    if (!bound) {
        return bound.error();
    }
    port_ = bound->port();
    server_->start();
    return {};
}

void LoopbackDriver::open(int connection) {
    auto client = std::make_unique<govmail::test::TestClient>();
    if (!client->connect(port_) || (settings_.implicit_tls && !client->start_tls())) {
        throw std::runtime_error("cannot connect to the test IMAP server");
    }
    clients_[connection] = std::move(client);
}

void LoopbackDriver::send(int connection, std::string_view bytes) {
    clients_.at(connection)->send(bytes);
}

std::optional<std::string> LoopbackDriver::read_for(
    int connection, std::chrono::milliseconds timeout
) {
    auto& client = *clients_.at(connection);
    auto first = client.read_bytes(1, timeout);
    if (!first) {
        return std::nullopt;
    }
    std::string bytes = std::move(*first);
    while (auto more = client.read_bytes(1, std::chrono::milliseconds(0))) {
        bytes += *more;
    }
    return bytes;
}

std::optional<std::string> LoopbackDriver::read(int connection) {
    return read_for(connection, std::chrono::seconds(10));
}

std::optional<std::string> LoopbackDriver::read_rest(int connection) {
    return read_for(connection, std::chrono::milliseconds(100));
}

bool LoopbackDriver::start_tls(int connection) {
    return clients_.at(connection)->start_tls();
}

}  // namespace govmail::imap::test
