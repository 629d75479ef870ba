#pragma once
// The outbound queue runner: takes queued messages whose time has come and delivers them, by
// SMTP to other servers (smtp/queue/client.hpp, routed by smtp/queue/routes.hpp) and into
// local mailboxes that were full, then records the outcome, all in one store write per attempt.
//
//     Runner runner(config, server.context(), store, queue_db, directory, activity, resolver);
//     runner.start();                         // daemon start-up
//     pipeline.on_queued([&] { runner.notify(); });
//     server.on_shutdown([&] { runner.stop(); });
//
// One attempt of one message:
//   1. Remote recipients are grouped by destination (a static route, the smart host, or a
//      domain's MX hosts tried by preference, each of their addresses in turn) and sent in one
//      transaction per destination, STARTTLS always tried and required where the route says so.
//      A connection that failed (refused, greeting, TLS) moves on to the next address; replies
//      count per recipient: 2xx delivered, 5xx failed, 4xx retried.
//   2. What the destination cannot take is refused without trying: larger than its SIZE, 8-bit
//      text without 8BITMIME, BINARYMIME without CHUNKING, SMTPUTF8 without SMTPUTF8.
//   3. One write records everything: local recipients are delivered in it; delivered
//      recipients leave the record; failed ones (refused, or still failing after [queue]
//      lifetime) are reported to the sender in a delivery status notification (RFC 3464,
//      smtp/queue/dsn.hpp) and leave it; recipients still pending after [queue] delay_notice
//      get one delay notice; the rest wait for the next attempt, retry_initial doubling up to
//      retry_max. A message without recipients leaves the queue with its blob reference.
// Notifications go to a local sender's INBOX, to a remote sender through the queue with the null
// reverse-path, and never to "<>": there is no notification about a notification. NOTIFY
// (RFC 3461) decides which ones are sent; without it, failures and delays are.
//
// Nothing leaves the queue before the remote server said 250 for it, and a crash between a 250
// and the write that records it sends that recipient the message again (at least once, never
// lost). The queue survives restarts: the runner starts from the records in LMDB.
//
// Connections are reused: after a transaction a connection waits up to 5 seconds for the next
// message to the same address (RSET first). At most [queue] concurrency messages are attempted
// at once. Everything runs on one strand of the server's io_context.
//
// Thread-safety: notify() and stop() may be called from any thread; the rest before start().

#include "core/config.hpp"
#include "core/events.hpp"
#include "core/net/asio.hpp"
#include "core/tls.hpp"
#include "directory/directory.hpp"
#include "smtp/queue/client.hpp"
#include "smtp/queue/queue_db.hpp"
#include "smtp/queue/resolver.hpp"
#include "smtp/queue/routes.hpp"
#include "store/store.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace govmail::smtp::queue {

class Runner {
public:
    Runner(
        const Config& config,
        net::asio::io_context& io,
        store::MailStore& store,
        const QueueDb& queue,
        directory::Directory& directory,
        events::ActivitySink& activity,
        Resolver& resolver
    );
    ~Runner();
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    void start();

    // New work may be due now (a message was queued): look at once rather than at the next
    // planned time. Also picks up changes made by govmailctl (which the runner otherwise sees
    // within kRescan).
    void notify();

    // No new attempts; idle connections are closed. Attempts in progress end at their next
    // step or with the io_context.
    void stop();

    // The runner looks at the queue at least this often, to see changes made by other
    // processes (govmailctl queue retry).
    static constexpr std::chrono::seconds kRescan{10};

    // Test hook: RFC 5321's client timeouts scaled down to this.
    void set_max_timeout_for_test(std::chrono::milliseconds timeout) { max_timeout_ = timeout; }

private:
    struct Result;
    struct Loaded;
    struct Notice;

    struct Idle {
        std::unique_ptr<SmtpClient> client;
        std::chrono::steady_clock::time_point since;
    };

    net::asio::awaitable<void> loop();
    net::asio::awaitable<void> attempt(std::uint64_t id);
    // `loaded`, `indexes` and `results` live in attempt()'s frame, which awaits this at once.
    net::asio::awaitable<void> deliver_remote(
        const Loaded& loaded,
        const std::vector<std::size_t>& indexes,
        Destination destination,
        std::vector<Result>& results
    );
    net::asio::awaitable<std::unique_ptr<SmtpClient>> connection(
        const Destination& destination,
        const std::string& host,
        net::tcp::endpoint endpoint,
        ClientReply& failure
    );
    void release(const std::string& key, std::unique_ptr<SmtpClient> client);
    void close_idle(bool all);

    const Config& config_;
    store::MailStore& store_;
    const QueueDb& queue_;
    directory::Directory& directory_;
    events::ActivitySink& activity_;
    Resolver& resolver_;
    Router router_;
    net::asio::strand<net::asio::io_context::executor_type> strand_;
    net::asio::steady_timer timer_;
    std::shared_ptr<tls::Context> opportunistic_tls_;
    std::shared_ptr<tls::Context> verified_tls_;
    std::unordered_set<std::uint64_t> busy_;
    std::unordered_map<std::string, std::vector<Idle>> idle_;
    std::uint32_t active_ = 0;
    bool wake_ = false;
    bool stopping_ = false;
    std::atomic<bool> stop_requested_{false};
    std::uint64_t next_connection_ = 1;
    std::chrono::milliseconds max_timeout_{std::chrono::minutes(10)};
};

}  // namespace govmail::smtp::queue
