#pragma once
// Outbound TCP connections for govmail's own clients (the SMTP queue's client): a connect
// bounded by a timeout, giving a net::Connection, so that the client side reads, writes, keeps
// deadlines and starts TLS (Connection::connect_tls) exactly as the servers do.
//
//     // in a coroutine running on a strand:
//     auto strand = co_await asio::this_coro::executor;
//     auto connected = co_await net::connect(strand, endpoint, std::chrono::seconds(30),
//                                            net::Timeouts{...}, 17);
//     if (!connected) log("cannot connect", connected.error().message());  // timed_out, refused
//     std::shared_ptr<net::Connection> connection = *connected;
//
// Name resolution is not done here: callers pass an endpoint (an IP address and a port), found
// through the configuration or the DNS resolver of smtp/queue/resolver.hpp.
//
// The connection's socket is bound to `executor`, which must be a strand (or an executor with
// one thread): every later call on the connection must be made from it, as Connection requires.
// The calling coroutine should therefore run on that same strand.

#include "core/net/asio.hpp"
#include "core/net/connection.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace govmail::net {

// Connects to `endpoint`, giving up after `timeout` (error asio::error::timed_out). Other errors
// are the socket's (connection_refused, network_unreachable, ...). `timeouts` and `id` are the
// new connection's (see Connection::create).
asio::awaitable<boost::system::result<std::shared_ptr<Connection>>> connect(
    asio::any_io_executor executor,
    tcp::endpoint endpoint,
    std::chrono::milliseconds timeout,
    Timeouts timeouts,
    std::uint64_t id
);

}  // namespace govmail::net
