// echo_server CONFIG: serves the echo test protocol on the configuration's "smtp" address with
// the real Server (signals, shutdown), and prints "listening PORT" once bound.

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/net/server.hpp"
#include "tests/support/echo_protocol.hpp"

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: echo_server CONFIG\n");
        return 2;
    }
    auto config = govmail::load_config(argv[1]);
    if (!config) {
        std::fprintf(stderr, "echo_server: %s\n", config.error().message.c_str());
        return 2;
    }
    govmail::log::init(config->log.level, config->log.format);
    auto tls = govmail::tls::make_server_context(*config);
    if (!tls) {
        std::fprintf(stderr, "echo_server: %s\n", tls.error().message.c_str());
        return 1;
    }
    govmail::net::Server server(*config);
    auto bound = server.listen({
        .name = "echo",
        .address = *config->listen.smtp,
        .handler =
            std::make_shared<govmail::test::EchoHandler>(config->limits.max_line_length, *tls),
        .timeouts = {config->limits.idle_timeout, config->limits.command_timeout},
    });
    if (!bound) {
        std::fprintf(stderr, "echo_server: %s\n", bound.error().message.c_str());
        return 1;
    }
    std::printf("listening %u\n", bound->port());
    std::fflush(stdout);
    server.run();
    return 0;
}
