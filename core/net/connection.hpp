#pragma once
// One TCP connection, optionally upgraded to TLS in place: the I/O half of every protocol shell.
//
// A protocol's coroutine reads into input() with fill(), hands input() to its framer, and
// answers with write(). Reads and writes are bounded by deadlines: while waiting for the next
// command (Wait::Idle) the idle timeout applies, in the middle of a command (Wait::Command) and
// for writes the command timeout. A deadline that passes cancels the operation and the
// connection reports CloseReason::IdleTimeout or CommandTimeout.
//
// TLS is OpenSSL driven directly over the non-blocking socket (SSL_set_fd), not asio::ssl: the
// only buffers an idle TLS connection holds are OpenSSL's, which SSL_MODE_RELEASE_BUFFERS frees.
// A server connection that negotiated TLS 1.3 then hands its records over to Tls13Records and
// frees the SSL object (see tls13_records.hpp), so thousands of idle IMAP connections stay
// small. start_tls() discards any input buffered before
// the handshake: a client must not pipeline commands behind STARTTLS, and bytes injected in
// plaintext before the handshake must never be executed as if they came over TLS
// (RFC 3207 4.2, RFC 2595 3.1; CVE-2011-0411).
//
// Thread affinity: every member except request_shutdown() must be called from the connection's
// strand (the executor of its socket), where its coroutines run. Always held by shared_ptr: the
// deadline watchdog keeps it alive until close().

#include "core/net/asio.hpp"
#include "core/net/input_buffer.hpp"
#include "core/net/tls13_records.hpp"
#include "core/tls.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

typedef struct ssl_st SSL;

namespace govmail::net {

enum class Wait { Idle, Command };

enum class CloseReason {
    Open,            // not closed
    Eof,             // the client closed
    Error,           // reset, TLS failure, protocol error reported by the stream
    IdleTimeout,     // no command within the idle timeout
    CommandTimeout,  // a command or a write took longer than the command timeout
    Shutdown,        // the server is shutting down and the connection was idle
    Closed,          // closed by us
};

std::string_view to_string(CloseReason reason);

struct Timeouts {
    std::chrono::milliseconds idle{std::chrono::minutes(5)};
    std::chrono::milliseconds command{std::chrono::minutes(1)};
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    // `socket` must be connected and bound to a strand. `id` names the connection in logs.
    static std::shared_ptr<Connection> create(
        tcp::socket socket, std::uint64_t id, Timeouts timeouts
    );
    ~Connection();

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    std::uint64_t id() const { return id_; }

    const tcp::endpoint& peer() const { return peer_; }

    const tcp::endpoint& local() const { return local_; }

    asio::any_io_executor executor() { return socket_.get_executor(); }

    void set_timeouts(Timeouts timeouts) { timeouts_ = timeouts; }

    const Timeouts& timeouts() const { return timeouts_; }

    // True once a TLS handshake completed.
    bool secure() const { return tls_ready_; }

    // "TLSv1.3 TLS_AES_256_GCM_SHA384" when secure, else "".
    std::string tls_description() const;

    InputBuffer& input() { return input_; }

    // Reads more bytes into input(). False when no more will come: see reason().
    asio::awaitable<bool> fill(Wait wait);

    // Writes all of `bytes`. False when the connection failed or timed out.
    asio::awaitable<bool> write(std::string_view bytes);

    // Server side TLS handshake (STARTTLS or implicit TLS). Drops buffered input first.
    asio::awaitable<bool> accept_tls(tls::Context& context);

    // Client side TLS handshake, sending `server_name` as SNI when it is a host name.
    asio::awaitable<bool> connect_tls(tls::Context& context, std::string server_name);

    // Sends a TLS close_notify when secure (without waiting for the peer's), then closes.
    void close();

    CloseReason reason() const { return reason_; }

    // Thread-safe. Marks the server as shutting down and, if this connection is waiting for the
    // next command, wakes it so that its protocol can say goodbye.
    void request_shutdown();

    bool shutting_down() const { return shutting_down_.load(std::memory_order_relaxed); }

    // Test hook: drops the TCP connection without any goodbye, as a crash of the peer would.
    void abort_for_test();

private:
    Connection(tcp::socket socket, std::uint64_t id, Timeouts timeouts);

    enum class Readiness { Read, Write };
    enum class Opening { Produced, NeedMore, Ended };

    void arm(std::chrono::milliseconds timeout, CloseReason on_expiry);
    void disarm();
    asio::awaitable<void> watchdog();
    asio::awaitable<bool> wait_for(Readiness readiness);
    // Creates the SSL object over the socket; drops buffered plaintext input (see the header
    // comment on STARTTLS). False when TLS is already on or the connection is over.
    bool attach_tls(tls::Context& context, bool server);
    asio::awaitable<bool> handshake(bool server);
    bool fail_tls(std::string_view operation);
    // Reads what the socket has into `space`. False at end of stream or on an error (reason()
    // says which); n == 0 when nothing is there yet.
    bool read_socket(std::span<char> space, std::size_t& n);
    // Opens the complete TLS 1.3 records in sealed_input_ into input_.
    Opening open_records();

    tcp::socket socket_;
    asio::steady_timer timer_;
    std::uint64_t id_;
    tcp::endpoint peer_;
    tcp::endpoint local_;
    Timeouts timeouts_;
    InputBuffer input_;
    InputBuffer sealed_input_;  // TLS 1.3 records read but not yet opened
    SSL* ssl_ = nullptr;
    std::unique_ptr<Tls13Handoff> handoff_;  // during a server handshake
    std::unique_ptr<Tls13Records> records_;  // after it, in place of ssl_
    bool tls_ready_ = false;
    bool waiting_idle_ = false;  // fill(Wait::Idle) in progress: shutdown may interrupt it
    bool reading_ = false;       // any fill() in progress: a concurrent write keeps its deadline
    bool watchdog_running_ = false;
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
    CloseReason on_expiry_ = CloseReason::CommandTimeout;
    CloseReason reason_ = CloseReason::Open;
    std::atomic<bool> shutting_down_{false};
};

}  // namespace govmail::net
