#pragma once
// A tiny line protocol served through the real connection framework, for testing core/net:
//
//     S: +OK echo                      greeting
//     C: anything          S: anything echoed back
//     C: STARTTLS          S: +GO, then the TLS handshake (buffered input is dropped)
//     C: TLS?              S: +TLS yes|no
//     C: SLOW 300          S: +SLEPT 300 after 300 ms (an in-flight command for shutdown tests)
//     C: QUIT              S: +BYE, close
//     over-long line       S: -ERR line too long (the connection stays usable)
//     idle timeout         S: -ERR idle timeout, close
//     shutdown while idle  S: -BYE shutting down, close

#include "core/net/line_reader.hpp"
#include "core/net/server.hpp"

namespace govmail::test {

class EchoHandler : public net::ConnectionHandler {
public:
    EchoHandler(std::size_t max_line, std::shared_ptr<tls::Context> tls)
        : max_line_(max_line)
        , tls_(std::move(tls)) {}

    net::asio::awaitable<void> serve(std::shared_ptr<net::Connection> connection) override;

    std::string busy_reply() const override { return "-ERR too many connections\r\n"; }

private:
    std::size_t max_line_;
    std::shared_ptr<tls::Context> tls_;
};

}  // namespace govmail::test
