#pragma once
// A blocking line-oriented test client over plain TCP or TLS, with timeouts on every read, for
// talking to servers started by a test on loopback.
//
//     TestClient client;
//     ASSERT_TRUE(client.connect(port));
//     EXPECT_EQ(client.read_line(), "220 ...");
//     client.send("EHLO test\r\n");

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace govmail::test {

class TestClient {
public:
    TestClient() = default;
    ~TestClient();
    TestClient(TestClient&& other) noexcept;
    TestClient& operator=(TestClient&&) = delete;
    TestClient(const TestClient&) = delete;

    bool connect(std::uint16_t port, const std::string& host = "127.0.0.1");

    // TLS client handshake over the connected socket (implicit TLS or after STARTTLS).
    // `min_version`/`max_version` are OpenSSL's TLS1_x_VERSION, 0 for the defaults.
    bool start_tls(int min_version = 0, int max_version = 0);

    bool send(std::string_view bytes);

    // The next line without its CRLF, or nullopt on timeout / close.
    std::optional<std::string> read_line(
        std::chrono::milliseconds timeout = std::chrono::seconds(5)
    );

    // Reads lines until one starts with `prefix`; returns it (nullopt on timeout / close).
    std::optional<std::string> read_until(
        std::string_view prefix, std::chrono::milliseconds timeout = std::chrono::seconds(5)
    );

    // Reads exactly `n` bytes.
    std::optional<std::string> read_bytes(
        std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)
    );

    // True when the server closes the connection within `timeout` (any unread data is drained).
    bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5));

    // TLS 1.3: asks the server to renew its keys, and renews ours, with the next send().
    bool update_keys();

    std::string tls_version() const;
    std::string tls_cipher() const;

    int fd() const { return fd_; }

    void close();

private:
    // Reads more into buffer_; false on timeout, EOF or error.
    bool fill(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    std::string buffer_;
};

}  // namespace govmail::test
