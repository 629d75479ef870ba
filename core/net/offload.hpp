#pragma once
// Blocking work (an Argon2id hash, a DNS query) run on a thread pool of its own, so that it never
// holds up the I/O threads; the awaiting coroutine resumes on its own executor with the result.
//
//     auto hashing = net::offload<std::string>(pool, [password] { return hash(password); });
//     std::string phc = co_await std::move(hashing);

#include "core/net/asio.hpp"

#include <boost/asio/thread_pool.hpp>

#include <utility>

namespace govmail::net {

template <typename T, typename Work>
asio::awaitable<T> offload(asio::thread_pool& pool, Work work) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(T)>(
        [&pool](auto handler, Work work) {
            auto work_guard = asio::make_work_guard(asio::get_associated_executor(handler));
            asio::post(
                pool,
                [work = std::move(work),
                 handler = std::move(handler),
                 work_guard = std::move(work_guard)]() mutable {
                    T value = work();
                    auto executor = work_guard.get_executor();
                    asio::post(
                        executor,
                        [handler = std::move(handler), value = std::move(value)]() mutable {
                            std::move(handler)(std::move(value));
                        }
                    );
                    work_guard.reset();
                }
            );
        },
        asio::use_awaitable,
        std::move(work)
    );
}

}  // namespace govmail::net
