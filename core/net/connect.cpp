#include "core/net/connect.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

namespace govmail::net {

asio::awaitable<boost::system::result<std::shared_ptr<Connection>>> connect(
    asio::any_io_executor executor,
    tcp::endpoint endpoint,
    std::chrono::milliseconds timeout,
    Timeouts timeouts,
    std::uint64_t id
) {
    using asio::experimental::awaitable_operators::operator||;
    tcp::socket socket(executor);
    asio::steady_timer timer(executor, timeout);
    // The first to finish cancels the other: a refused or reset connect returns at once, a host
    // that never answers costs `timeout`. The awaitables are made in statements of their own:
    // g++ 12 destroys the temporaries of a full-expression holding co_await twice.
    auto connecting = socket.async_connect(endpoint, kNoThrow);
    auto waiting = timer.async_wait(kNoThrow);
    auto either = std::move(connecting) || std::move(waiting);
    auto outcome = co_await std::move(either);
    if (outcome.index() == 1) {
        co_return error_code(asio::error::timed_out);
    }
    auto [ec] = std::get<0>(outcome);
    if (ec) {
        co_return ec;
    }
    co_return Connection::create(std::move(socket), id, timeouts);
}

}  // namespace govmail::net
