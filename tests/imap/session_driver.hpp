#pragma once
// What the IMAP session transcripts (tests/transcripts/imap/*.txt) run against: a real mail store
// and directory in a temporary directory (ImapWorld), talked to either through the session core
// with no sockets (CoreDriver) or through the coroutine shell over loopback TLS (LoopbackDriver).
//
// Accounts: alice@example.gov.vn (password "alice-password") and bob@example.gov.vn
// ("bob-password"), in unit 000.00.15.H29, with the default mailboxes.
//
// @config keys (transcript.hpp):
//   listener = imap | imaps                    cleartext with STARTTLS, or implicit TLS (default)
//   imap.max_append_size = 2048                SessionConfig fields
//   imap.max_command_length = 512
//   imap.max_connections_per_user = 2
//   imap.max_bad_commands = 3
//   append = alice INBOX simple [\Seen ...]    a message of tests/imap/messages.hpp, with flags,
//                                              internal date 21-Nov-2026 10:0N:00 +0000 for the
//                                              Nth one; several lines append in order
//   create = alice Reports                     a mailbox (the rest of the line is its name)
//   quota = alice 2000                         the account's quota in bytes

#include "core/events.hpp"
#include "core/net/server.hpp"
#include "core/password.hpp"
#include "directory/admin.hpp"
#include "directory/context.hpp"
#include "directory/directory.hpp"
#include "imap/connection.hpp"
#include "imap/session.hpp"
#include "store/store.hpp"
#include "tests/imap/transcript.hpp"
#include "tests/support/client.hpp"
#include "tests/support/temp_dir.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace govmail::imap::test {

// Argon2id parameters cheap enough for tests.
inline constexpr password::Params kCheapHashing{
    .memory_kib = 64, .iterations = 1, .parallelism = 1};

// Records activity events for the tests to look at.
class RecordingSink final : public events::ActivitySink {
public:
    void record(const events::ActivityEvent& event) noexcept override;
    std::vector<events::ActivityEvent> events() const;

private:
    mutable std::mutex mutex_;
    std::vector<events::ActivityEvent> events_;
};

// A mail store and a directory with the two test accounts.
class ImapWorld {
public:
    ImapWorld();
    ~ImapWorld();

    store::MailStore& store() { return *store_; }

    directory::Directory& directory() { return *directory_; }

    Services& services() { return services_; }

    RecordingSink& activity() { return activity_; }

    const std::filesystem::path& dir() const { return dir_.path(); }

    // The account id and a mailbox of "alice" / "bob" (or a full address).
    std::uint64_t account(std::string_view user);
    store::MailboxId mailbox(std::string_view user, std::string_view name);

    // Appends a test message (messages.hpp); returns its UID.
    store::Uid append(
        std::string_view user,
        std::string_view mailbox,
        std::string_view message,
        store::SystemFlags flags = 0,
        std::vector<std::string> keywords = {}
    );
    store::Uid append_raw(
        std::string_view user,
        std::string_view mailbox,
        std::string raw,
        store::SystemFlags flags = 0,
        std::vector<std::string> keywords = {}
    );

private:
    govmail::test::TempDir dir_;
    std::unique_ptr<store::MailStore> store_;
    password::Hasher hasher_;
    std::unique_ptr<directory::Context> context_;
    std::unique_ptr<directory::Directory> directory_;
    RecordingSink activity_;
    AccountConnections connections_;
    Services services_;
    int appended_ = 0;
};

// The session settings and listener a transcript's @config asks for; applies append/create.
struct DriverSettings {
    SessionConfig session;
    bool implicit_tls = true;
};

Result<DriverSettings> apply_config(
    ImapWorld& world, const std::vector<std::pair<std::string, std::string>>& config
);

// The session core, driven as imap::Handler drives it, on a private io_context.
class CoreDriver final : public TranscriptDriver {
public:
    explicit CoreDriver(ImapWorld& world);
    ~CoreDriver() override;

    Result<> configure(const std::vector<std::pair<std::string, std::string>>& config) override;
    void open(int connection) override;
    void send(int connection, std::string_view bytes) override;
    std::optional<std::string> read(int connection) override;
    bool start_tls(int connection) override;

    // The session of a connection (for tests that look inside).
    Session& session(int connection);

private:
    struct Conn;

    net::asio::awaitable<void> pump(Conn& conn);
    net::asio::awaitable<void> poll_idle();

    ImapWorld& world_;
    DriverSettings settings_;
    net::asio::io_context io_;
    std::map<int, std::unique_ptr<Conn>> connections_;
};

// The real shell: net::Server + imap::Handler on 127.0.0.1:0 and a TestClient per connection.
class LoopbackDriver final : public TranscriptDriver {
public:
    explicit LoopbackDriver(ImapWorld& world);
    ~LoopbackDriver() override;

    Result<> configure(const std::vector<std::pair<std::string, std::string>>& config) override;
    void open(int connection) override;
    void send(int connection, std::string_view bytes) override;
    std::optional<std::string> read(int connection) override;
    std::optional<std::string> read_rest(int connection) override;
    bool start_tls(int connection) override;

    std::uint16_t port() const { return port_; }

private:
    std::optional<std::string> read_for(int connection, std::chrono::milliseconds timeout);

    ImapWorld& world_;
    DriverSettings settings_;
    Config config_;
    std::unique_ptr<net::Server> server_;
    std::uint16_t port_ = 0;
    std::map<int, std::unique_ptr<govmail::test::TestClient>> clients_;
};

}  // namespace govmail::imap::test
