#include "tests/support/echo_server_fixture.hpp"

#include <stdexcept>

namespace govmail::test {

Config test_config(const std::filesystem::path& data_dir) {
    Config config;
    config.hostname = "mail.test.gov.vn";
    config.domains = {"test.gov.vn"};
    config.data_dir = data_dir;
    config.server.threads = 2;
    config.server.shutdown_grace = std::chrono::seconds(5);
    config.limits.idle_timeout = std::chrono::seconds(30);
    config.limits.command_timeout = std::chrono::seconds(30);
    return config;
}

EchoServer::EchoServer(Config config, bool implicit_tls)
    : config_(std::move(config))
    , server_(std::make_unique<net::Server>(config_)) {
    auto tls = tls::make_server_context(config_);
    if (!tls) {
        throw std::runtime_error(tls.error().message);
    }
    auto bound = server_->listen({
        .name = "echo",
        .address = ListenAddress{"127.0.0.1", 0},
        .handler = std::make_shared<EchoHandler>(config_.limits.max_line_length, *tls),
        .implicit_tls = implicit_tls ? *tls : nullptr,
        .timeouts = {config_.limits.idle_timeout, config_.limits.command_timeout},
    });
    if (!bound) {
        throw std::runtime_error(bound.error().message);
    }
    port_ = bound->port();
    server_->start();
}

EchoServer::~EchoServer() {
    if (!stopped_) {
        shutdown_and_wait();
    }
}

std::chrono::milliseconds EchoServer::shutdown_and_wait() {
    auto start = std::chrono::steady_clock::now();
    server_->shutdown();
    server_->wait();
    stopped_ = true;
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start
    );
}

}  // namespace govmail::test
