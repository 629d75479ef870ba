#pragma once
// The Asio pieces every coroutine shell uses, in one place.
//
// Asio is compiled once (BOOST_ASIO_SEPARATE_COMPILATION, see asio_impl.cpp), so including this
// header is cheap compared to header-only Asio.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace govmail::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// Completion token for operations whose errors are expected: `auto [ec, n] = co_await
// op(kNoThrow)`.
inline constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

}  // namespace govmail::net
