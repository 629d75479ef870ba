#pragma once
// Two ways to talk SMTP to govmail in a test, behind one interface (transcript.hpp's Peer):
//
//   CorePeer      the session core and the framer, driven the way smtp::Handler drives them,
//                 on a private io_context: no sockets, no TLS (STARTTLS is simulated).
//   LoopbackPeer  the real shell: net::Server + smtp::Handler on 127.0.0.1:0 with the
//                 development certificate, and a blocking TestClient.
//
//     CorePeer peer(config);
//     peer.send("EHLO client.example\r\n");
//     peer.read_line();   // "220 mail.test.gov.vn ESMTP govmail", then the EHLO lines

#include "core/config.hpp"
#include "core/net/server.hpp"
#include "smtp/framer.hpp"
#include "smtp/session.hpp"
#include "tests/smtp/fake_services.hpp"
#include "tests/support/client.hpp"
#include "tests/support/temp_dir.hpp"

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace govmail::test {

// The TLS description CorePeer's sessions see after a (simulated) handshake.
inline constexpr std::string_view kCoreTls = "TLSv1.3 TLS_AES_256_GCM_SHA384";

// The server side as the client sees it.
class Peer {
public:
    virtual ~Peer() = default;
    virtual void send(std::string_view bytes) = 0;
    // The next reply line without CRLF; nullopt when there is none (core) or on timeout/close.
    virtual std::optional<std::string> read_line() = 0;
    virtual bool start_tls() = 0;
    virtual bool wait_closed() = 0;
    virtual FakeServices& services() = 0;
};

class CorePeer final : public Peer {
public:
    explicit CorePeer(smtp::SessionConfig config);

    void send(std::string_view bytes) override;
    std::optional<std::string> read_line() override;

    // True once after the session asked for STARTTLS (which was then simulated).
    bool start_tls() override { return std::exchange(tls_started_, false); }

    bool wait_closed() override { return closed_ && lines_.empty(); }

    FakeServices& services() override { return services_; }

    // Every line the server said so far and nobody read.
    std::deque<std::string>& pending_for_test() { return lines_; }

private:
    net::asio::awaitable<void> pump();
    void output(const smtp::Reply& reply);

    smtp::SessionConfig config_;
    FakeServices services_;
    smtp::Session session_;
    smtp::Framer framer_;
    net::InputBuffer input_;
    net::asio::io_context io_;
    std::deque<std::string> lines_;
    bool closed_ = false;
    bool tls_started_ = false;
};

class LoopbackPeer final : public Peer {
public:
    // `adjust` may change the server's Config (timeouts, connection caps) before it starts.
    explicit LoopbackPeer(
        smtp::SessionConfig session, const std::function<void(Config&)>& adjust = {}
    );
    ~LoopbackPeer() override;

    void send(std::string_view bytes) override { client_.send(bytes); }

    std::optional<std::string> read_line() override { return client_.read_line(); }

    bool start_tls() override { return client_.start_tls(); }

    bool wait_closed() override { return client_.wait_closed(); }

    FakeServices& services() override { return services_; }

    std::uint16_t port() const { return port_; }

    net::Server& server() { return *server_; }

private:
    TempDir dir_;
    Config config_;
    FakeServices services_;
    std::unique_ptr<net::Server> server_;
    TestClient client_;
    std::uint16_t port_ = 0;
};

}  // namespace govmail::test
