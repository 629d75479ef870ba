#include "core/net/connection.hpp"

#include "core/log.hpp"
#include "core/openssl.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace govmail::net {
namespace {

// Reads ask for at least this much free space: one full TLS record.
constexpr std::size_t kReadChunk = 16 * 1024;

using Clock = std::chrono::steady_clock;

bool would_block(const error_code& ec) {
    return ec == asio::error::would_block || ec == asio::error::try_again;
}

}  // namespace

std::string_view to_string(CloseReason reason) {
    switch (reason) {
        case CloseReason::Open:
            return "open";
        case CloseReason::Eof:
            return "eof";
        case CloseReason::Error:
            return "error";
        case CloseReason::IdleTimeout:
            return "idle-timeout";
        case CloseReason::CommandTimeout:
            return "command-timeout";
        case CloseReason::Shutdown:
            return "shutdown";
        case CloseReason::Closed:
            return "closed";
    }
    return "unknown";
}

std::shared_ptr<Connection> Connection::create(
    tcp::socket socket, std::uint64_t id, Timeouts timeouts
) {
    return std::shared_ptr<Connection>(new Connection(std::move(socket), id, timeouts));
}

Connection::Connection(tcp::socket socket, std::uint64_t id, Timeouts timeouts)
    : socket_(std::move(socket))
    , timer_(socket_.get_executor())
    , id_(id)
    , timeouts_(timeouts) {
    error_code ec;
    peer_ = socket_.remote_endpoint(ec);
    local_ = socket_.local_endpoint(ec);
    // Reads and writes are tried directly and only waited for after EAGAIN: Asio's reactor is
    // edge-triggered, so waiting for readiness is only safe once the socket has been drained.
    socket_.non_blocking(true, ec);
    socket_.set_option(tcp::no_delay(true), ec);
}

Connection::~Connection() {
    handoff_.reset();  // it points into ssl_
    if (ssl_ != nullptr) {
        SSL_free(ssl_);
    }
}

std::string Connection::tls_description() const {
    if (!tls_ready_) {
        return {};
    }
    if (records_) {
        return "TLSv1.3 " + std::string(to_string(records_->suite()));
    }
    return std::string(SSL_get_version(ssl_)) + " " + SSL_get_cipher_name(ssl_);
}

void Connection::arm(std::chrono::milliseconds timeout, CloseReason on_expiry) {
    deadline_ = Clock::now() + timeout;
    on_expiry_ = on_expiry;
    if (!watchdog_running_) {
        watchdog_running_ = true;
        asio::co_spawn(socket_.get_executor(), watchdog(), asio::detached);
    } else if (timer_.expiry() > deadline_) {
        timer_.cancel();  // the watchdog re-arms for the earlier deadline
    }
}

void Connection::disarm() {
    deadline_ = Clock::time_point::max();
}

// One timer per connection, re-armed lazily: extending a deadline costs nothing, the watchdog
// only notices it when the old expiry comes.
asio::awaitable<void> Connection::watchdog() {
    auto self = shared_from_this();
    while (reason_ != CloseReason::Closed) {
        timer_.expires_at(deadline_);
        co_await timer_.async_wait(kNoThrow);
        if (reason_ == CloseReason::Closed) {
            break;
        }
        if (Clock::now() >= deadline_) {
            deadline_ = Clock::time_point::max();
            if (reason_ == CloseReason::Open || reason_ == CloseReason::Shutdown) {
                reason_ = on_expiry_;
            }
            error_code ec;
            socket_.cancel(ec);
        }
    }
    watchdog_running_ = false;
}

asio::awaitable<bool> Connection::wait_for(Readiness readiness) {
    auto [ec] = co_await socket_.async_wait(
        readiness == Readiness::Read ? tcp::socket::wait_read : tcp::socket::wait_write, kNoThrow
    );
    if (ec) {
        // Cancelled by the watchdog or a shutdown request (which set the reason), or failed.
        if (reason_ == CloseReason::Open) {
            reason_ = CloseReason::Error;
        }
        co_return false;
    }
    co_return reason_ != CloseReason::Closed;
}

bool Connection::fail_tls(std::string_view operation) {
    if (reason_ == CloseReason::Open) {
        reason_ = CloseReason::Error;
    }
    log::debug(
        "tls.error",
        {{"conn", id_},
         {"peer", peer_.address().to_string()},
         {"detail", ssl::last_error(operation)}}
    );
    return false;
}

asio::awaitable<bool> Connection::fill(Wait wait) {
    if (reason_ != CloseReason::Open) {
        co_return false;
    }
    const bool idle = wait == Wait::Idle;
    if (idle && shutting_down()) {
        reason_ = CloseReason::Shutdown;
        co_return false;
    }
    arm(idle ? timeouts_.idle : timeouts_.command,
        idle ? CloseReason::IdleTimeout : CloseReason::CommandTimeout);
    waiting_idle_ = idle;
    reading_ = true;
    bool ok = false;
    for (;;) {
        if (records_) {
            Opening opening = open_records();
            if (opening != Opening::NeedMore) {
                ok = opening == Opening::Produced;
                break;
            }
            std::size_t n = 0;
            if (!read_socket(sealed_input_.prepare(kReadChunk), n)) {
                break;
            }
            sealed_input_.commit(n);
            if (n > 0) {
                continue;
            }
            sealed_input_.release_if_empty();
            input_.release_if_empty();
            if (!co_await wait_for(Readiness::Read)) {
                break;
            }
            continue;
        }
        std::span<char> space = input_.prepare(kReadChunk);
        std::size_t n = 0;
        Readiness need = Readiness::Read;
        if (ssl_ != nullptr) {
            ERR_clear_error();
            int result = SSL_read_ex(ssl_, space.data(), space.size(), &n);
            if (result != 1) {
                int error = SSL_get_error(ssl_, result);
                if (error == SSL_ERROR_ZERO_RETURN) {
                    reason_ = CloseReason::Eof;
                    break;
                }
                if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
                    fail_tls("tls read");
                    break;
                }
                need = error == SSL_ERROR_WANT_WRITE ? Readiness::Write : Readiness::Read;
                n = 0;
            }
        } else if (!read_socket(space, n)) {
            break;
        }
        if (n > 0) {
            input_.commit(n);
            ok = true;
            break;
        }
        if (input_.empty()) {
            input_.release_if_empty();  // an idle connection holds no read buffer
        }
        if (!co_await wait_for(need)) {
            break;
        }
    }
    waiting_idle_ = false;
    reading_ = false;
    disarm();
    co_return ok;
}

bool Connection::read_socket(std::span<char> space, std::size_t& n) {
    error_code ec;
    n = socket_.read_some(asio::buffer(space.data(), space.size()), ec);
    if (ec == asio::error::eof) {
        reason_ = CloseReason::Eof;
        return false;
    }
    if (ec && !would_block(ec)) {
        reason_ = CloseReason::Error;
        return false;
    }
    return true;
}

Connection::Opening Connection::open_records() {
    bool produced = false;
    for (;;) {
        std::span<char> space = input_.prepare(Tls13Records::kMaxPlaintext);
        auto opened = records_->open(sealed_input_.data(), space);
        switch (opened.status) {
            case Tls13Records::Status::NeedMore:
                return produced ? Opening::Produced : Opening::NeedMore;
            case Tls13Records::Status::Opened:
                sealed_input_.consume(opened.consumed);
                input_.commit(opened.plaintext);
                produced = produced || opened.plaintext > 0;
                break;
            case Tls13Records::Status::Closed:
                sealed_input_.consume(opened.consumed);
                reason_ = CloseReason::Eof;
                return produced ? Opening::Produced : Opening::Ended;
            case Tls13Records::Status::Failed: {
                std::string alert;
                records_->seal_failure_alert(alert);
                error_code ec;
                socket_.write_some(asio::buffer(alert), ec);  // one try: we are leaving
                reason_ = CloseReason::Error;
                log::debug(
                    "tls.error",
                    {{"conn", id_},
                     {"peer", peer_.address().to_string()},
                     {"detail", records_->failure()}}
                );
                return Opening::Ended;
            }
        }
    }
}

asio::awaitable<bool> Connection::write(std::string_view bytes) {
    auto writable = [this] {
        return reason_ == CloseReason::Open || reason_ == CloseReason::Shutdown ||
               reason_ == CloseReason::Eof || reason_ == CloseReason::IdleTimeout;
    };
    if (!writable()) {
        co_return false;
    }
    // A write during a pending read (IMAP IDLE pushes) must not cut the read's idle deadline.
    const bool reading = reading_;
    const auto read_deadline = deadline_;
    const auto read_expiry = on_expiry_;
    std::string sealed;
    if (records_) {
        if (!records_->seal(bytes, sealed)) {
            co_return fail_tls(records_->failure());
        }
        bytes = sealed;
    }
    arm(timeouts_.command, CloseReason::CommandTimeout);
    bool ok = true;
    while (!bytes.empty()) {
        std::size_t n = 0;
        Readiness need = Readiness::Write;
        if (ssl_ != nullptr) {
            ERR_clear_error();
            int result = SSL_write_ex(ssl_, bytes.data(), bytes.size(), &n);
            if (result != 1) {
                int error = SSL_get_error(ssl_, result);
                if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
                    ok = fail_tls("tls write");
                    break;
                }
                need = error == SSL_ERROR_WANT_READ ? Readiness::Read : Readiness::Write;
                n = 0;
            }
        } else {
            error_code ec;
            n = socket_.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
            if (ec && !would_block(ec)) {
                if (reason_ == CloseReason::Open) {
                    reason_ = CloseReason::Error;
                }
                ok = false;
                break;
            }
        }
        bytes.remove_prefix(n);
        if (n == 0 && !co_await wait_for(need)) {
            ok = false;
            break;
        }
    }
    if (reading) {
        deadline_ = read_deadline;
        on_expiry_ = read_expiry;
    } else {
        disarm();
    }
    co_return ok;
}

asio::awaitable<bool> Connection::handshake(bool server) {
    arm(timeouts_.command, CloseReason::CommandTimeout);
    bool ok = false;
    for (;;) {
        ERR_clear_error();
        int result = SSL_do_handshake(ssl_);
        if (result == 1) {
            tls_ready_ = true;
            ok = true;
            if (handoff_) {
                records_ = handoff_->take_over();
                if (records_) {
                    SSL_free(ssl_);
                    ssl_ = nullptr;
                }
            }
            break;
        }
        int error = SSL_get_error(ssl_, result);
        if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
            fail_tls(server ? "tls accept" : "tls connect");
            break;
        }
        if (!co_await wait_for(error == SSL_ERROR_WANT_READ ? Readiness::Read : Readiness::Write)) {
            break;
        }
    }
    handoff_.reset();
    disarm();
    co_return ok;
}

bool Connection::attach_tls(tls::Context& context, bool server) {
    if (ssl_ != nullptr || tls_ready_ || reason_ != CloseReason::Open) {
        return false;
    }
    input_.clear();
    input_.release_if_empty();
    ssl_ = SSL_new(context.native_handle());
    if (ssl_ == nullptr || SSL_set_fd(ssl_, static_cast<int>(socket_.native_handle())) != 1) {
        return fail_tls("tls setup");
    }
    SSL_set_mode(
        ssl_,
        SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
            SSL_MODE_RELEASE_BUFFERS
    );
    if (server) {
        handoff_ = std::make_unique<Tls13Handoff>();
        handoff_->attach(ssl_);
    }
    return true;
}

asio::awaitable<bool> Connection::accept_tls(tls::Context& context) {
    if (!attach_tls(context, true)) {
        co_return false;
    }
    SSL_set_accept_state(ssl_);
    co_return co_await handshake(true);
}

asio::awaitable<bool> Connection::connect_tls(tls::Context& context, std::string server_name) {
    if (!attach_tls(context, false)) {
        co_return false;
    }
    error_code ec;
    asio::ip::make_address(server_name, ec);
    if (ec && !server_name.empty()) {
        SSL_set_tlsext_host_name(ssl_, server_name.c_str());
        // Checked only when the context verifies peers (routes that require authenticated TLS).
        SSL_set1_host(ssl_, server_name.c_str());
    }
    SSL_set_connect_state(ssl_);
    co_return co_await handshake(false);
}

void Connection::close() {
    if (reason_ == CloseReason::Closed) {
        return;
    }
    if (tls_ready_ && (reason_ == CloseReason::Open || reason_ == CloseReason::Shutdown ||
                       reason_ == CloseReason::Eof || reason_ == CloseReason::IdleTimeout)) {
        if (records_) {
            std::string alert;
            records_->seal_close_notify(alert);
            error_code ec;
            socket_.write_some(asio::buffer(alert), ec);  // one non-blocking attempt
        } else {
            ERR_clear_error();
            SSL_shutdown(ssl_);  // one non-blocking attempt to send close_notify
        }
    }
    reason_ = CloseReason::Closed;
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
    input_.clear();
    input_.release_if_empty();
    sealed_input_.clear();
    sealed_input_.release_if_empty();
}

void Connection::request_shutdown() {
    shutting_down_.store(true, std::memory_order_relaxed);
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
        if (self->waiting_idle_ && self->reason_ == CloseReason::Open) {
            self->reason_ = CloseReason::Shutdown;
            error_code ec;
            self->socket_.cancel(ec);
        }
    });
}

void Connection::abort_for_test() {
    error_code ec;
    socket_.set_option(asio::socket_base::linger(true, 0), ec);
    socket_.close(ec);
}

}  // namespace govmail::net
