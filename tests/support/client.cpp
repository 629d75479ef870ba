#include "tests/support/client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace govmail::test {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

bool wait_fd(int fd, short events, Clock::time_point deadline) {
    pollfd p{fd, events, 0};
    for (;;) {
        int n = ::poll(&p, 1, remaining_ms(deadline));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        return n > 0;
    }
}

}  // namespace

TestClient::~TestClient() {
    close();
}

TestClient::TestClient(TestClient&& other) noexcept
    : fd_(other.fd_)
    , ctx_(other.ctx_)
    , ssl_(other.ssl_)
    , buffer_(std::move(other.buffer_)) {
    other.fd_ = -1;
    other.ctx_ = nullptr;
    other.ssl_ = nullptr;
}

void TestClient::close() {
    if (ssl_ != nullptr) {
        SSL_free(ssl_);
        ssl_ = nullptr;
    }
    if (ctx_ != nullptr) {
        SSL_CTX_free(ctx_);
        ctx_ = nullptr;
    }
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    buffer_.clear();
}

bool TestClient::connect(std::uint16_t port, const std::string& host) {
    close();
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        return false;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        close();
        return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
}

bool TestClient::start_tls(int min_version, int max_version) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (min_version != 0) {
        // Lets a test offer old protocol versions so that the server, not the client, refuses.
        SSL_CTX_set_security_level(ctx_, 0);
        SSL_CTX_set_cipher_list(ctx_, "ALL:@SECLEVEL=0");
        SSL_CTX_set_min_proto_version(ctx_, min_version);
    }
    if (max_version != 0) {
        SSL_CTX_set_max_proto_version(ctx_, max_version);
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    buffer_.clear();
    ERR_clear_error();
    return SSL_connect(ssl_) == 1;
}

bool TestClient::send(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = 0;
        if (ssl_ != nullptr) {
            std::size_t written = 0;
            if (SSL_write_ex(ssl_, bytes.data(), bytes.size(), &written) != 1) {
                return false;
            }
            n = static_cast<ssize_t>(written);
        } else {
            n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                return false;
            }
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool TestClient::fill(Clock::time_point deadline) {
    char chunk[16384];
    if (ssl_ != nullptr && SSL_pending(ssl_) == 0 && !wait_fd(fd_, POLLIN, deadline)) {
        return false;
    }
    if (ssl_ == nullptr && !wait_fd(fd_, POLLIN, deadline)) {
        return false;
    }
    if (ssl_ != nullptr) {
        std::size_t n = 0;
        if (SSL_read_ex(ssl_, chunk, sizeof chunk, &n) != 1) {
            return false;
        }
        buffer_.append(chunk, n);
        return true;
    }
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
        return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
}

std::optional<std::string> TestClient::read_line(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        auto lf = buffer_.find('\n');
        if (lf != std::string::npos) {
            std::string line = buffer_.substr(0, lf);
            buffer_.erase(0, lf + 1);
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            return line;
        }
        if (!fill(deadline)) {
            return std::nullopt;
        }
    }
}

std::optional<std::string> TestClient::read_until(
    std::string_view prefix, std::chrono::milliseconds timeout
) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        auto line = read_line(std::chrono::milliseconds(remaining_ms(deadline)));
        if (!line || line->starts_with(prefix)) {
            return line;
        }
    }
}

std::optional<std::string> TestClient::read_bytes(
    std::size_t n, std::chrono::milliseconds timeout
) {
    auto deadline = Clock::now() + timeout;
    while (buffer_.size() < n) {
        if (!fill(deadline)) {
            return std::nullopt;
        }
    }
    std::string bytes = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return bytes;
}

bool TestClient::wait_closed(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        if (!wait_fd(fd_, POLLIN, deadline)) {
            return false;
        }
        char chunk[4096];
        ssize_t n = 0;
        if (ssl_ != nullptr) {
            std::size_t got = 0;
            n = SSL_read_ex(ssl_, chunk, sizeof chunk, &got) == 1 ? static_cast<ssize_t>(got) : 0;
        } else {
            n = ::recv(fd_, chunk, sizeof chunk, 0);
        }
        if (n <= 0) {
            return true;
        }
    }
}

bool TestClient::update_keys() {
    return ssl_ != nullptr && SSL_key_update(ssl_, SSL_KEY_UPDATE_REQUESTED) == 1;
}

std::string TestClient::tls_version() const {
    return ssl_ ? SSL_get_version(ssl_) : "";
}

std::string TestClient::tls_cipher() const {
    return ssl_ ? SSL_get_cipher_name(ssl_) : "";
}

}  // namespace govmail::test
