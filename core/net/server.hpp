#pragma once
// The listener and connection framework every protocol runs in.
//
// A Server owns one io_context run by a small thread pool. Each listener accepts connections,
// enforces the connection caps (in total and per client address), and runs one coroutine per
// connection on its own strand: the protocol's ConnectionHandler::serve(). For implicit-TLS
// listeners the handshake is done before serve() is called.
//
//     Server server(config);
//     auto bound = server.listen({.name = "smtp", .address = *config.listen.smtp,
//                                 .handler = smtp_handler});
//     if (!bound) { fail(bound.error()); }
//     server.run();   // returns after SIGTERM/SIGINT and a clean shutdown
//
// Shutdown (shutdown(), or SIGTERM/SIGINT inside run()): stop accepting; run the shutdown hooks;
// ask every connection to finish (connections waiting for a command are woken at once and their
// protocol says goodbye; connections in the middle of a command finish it); after
// `shutdown_grace`, close whatever is still open; stop the threads.

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/net/asio.hpp"
#include "core/net/connection.hpp"
#include "core/tls.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace govmail::net {

class ConnectionHandler {
public:
    virtual ~ConnectionHandler() = default;

    // Serves one connection until it ends. Runs on the connection's strand. The server closes
    // the connection after it returns; exceptions escaping it are logged and end the connection.
    virtual asio::awaitable<void> serve(std::shared_ptr<Connection> connection) = 0;

    // Said in plain text to a client refused by the connection caps, before closing (e.g. SMTP
    // "421 4.7.0 ..."). Not sent on implicit-TLS listeners.
    virtual std::string busy_reply() const { return {}; }
};

struct ListenerSpec {
    std::string name;  // "smtp", "imaps", ... (logs)
    ListenAddress address;
    std::shared_ptr<ConnectionHandler> handler;
    // When set, the TLS handshake happens at connect (RFC 8314 implicit TLS).
    std::shared_ptr<tls::Context> implicit_tls;
    Timeouts timeouts;
};

class Server {
public:
    explicit Server(const Config& config);
    ~Server();

    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    asio::io_context& context() { return context_; }

    // Binds the listener now (so "address already in use" is reported before start) and returns
    // the bound endpoint (useful with port 0). Accepting begins with start() or run().
    Result<tcp::endpoint> listen(ListenerSpec spec);

    // Starts accepting and the worker threads; returns at once.
    void start();

    // start(), then handles SIGTERM/SIGINT and blocks until shutdown has completed.
    void run();

    // Blocks until a shutdown started by shutdown() or a signal has completed (after start()).
    void wait();

    // Thread-safe, idempotent: begins the graceful shutdown described above.
    void shutdown();

    // Called on the io_context when shutdown begins, before connections are asked to finish.
    void on_shutdown(std::function<void()> hook);

    std::size_t connection_count() const;

private:
    struct Listener;
    class Registry;

    asio::awaitable<void> accept_loop(std::shared_ptr<Listener> listener);
    asio::awaitable<void> run_connection(
        std::shared_ptr<Listener> listener, std::shared_ptr<Connection> connection
    );
    asio::awaitable<void> shutdown_sequence();

    const Config& config_;
    asio::io_context context_;
    std::vector<std::shared_ptr<Listener>> listeners_;
    std::shared_ptr<Registry> registry_;
    std::vector<std::function<void()>> shutdown_hooks_;
    std::vector<std::thread> threads_;
    std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> work_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> next_connection_id_{1};
    bool started_ = false;
};

// Raises the soft limit of open files to the hard limit (each connection is a descriptor).
void raise_open_file_limit();

}  // namespace govmail::net
