#pragma once
// The echo test protocol served in-process by a real net::Server on a loopback port 0.

#include "core/config.hpp"
#include "core/net/server.hpp"
#include "tests/support/echo_protocol.hpp"
#include "tests/support/temp_dir.hpp"

#include <memory>

namespace govmail::test {

// A configuration for tests: data in `data_dir`, loopback, short timeouts.
Config test_config(const std::filesystem::path& data_dir);

class EchoServer {
public:
    explicit EchoServer(Config config, bool implicit_tls = false);
    ~EchoServer();

    std::uint16_t port() const { return port_; }

    net::Server& server() { return *server_; }

    // Shuts down and waits; returns how long it took.
    std::chrono::milliseconds shutdown_and_wait();

private:
    Config config_;
    std::unique_ptr<net::Server> server_;
    std::uint16_t port_ = 0;
    bool stopped_ = false;
};

}  // namespace govmail::test
