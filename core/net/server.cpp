#include "core/net/server.hpp"

#include "core/log.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>

#include <csignal>
#include <sys/resource.h>

namespace govmail::net {

struct Server::Listener {
    Listener(asio::io_context& context, ListenerSpec spec)
        : spec(std::move(spec))
        , strand(asio::make_strand(context))
        , acceptor(strand) {}

    ListenerSpec spec;
    asio::strand<asio::io_context::executor_type> strand;
    tcp::acceptor acceptor;
};

// Live connections, counted in total and per client address, so the caps hold and shutdown can
// reach every connection. Accessed from every thread.
class Server::Registry {
public:
    Registry(std::uint32_t max_total, std::uint32_t max_per_address)
        : max_total_(max_total)
        , max_per_address_(max_per_address) {}

    bool try_acquire(const asio::ip::address& address) {
        std::lock_guard lock(mutex_);
        if (total_ >= max_total_) {
            return false;
        }
        std::uint32_t& count = per_address_[address];
        if (count >= max_per_address_) {
            if (count == 0) {
                per_address_.erase(address);
            }
            return false;
        }
        ++count;
        ++total_;
        return true;
    }

    void attach(const std::shared_ptr<Connection>& connection) {
        std::lock_guard lock(mutex_);
        live_.emplace(connection->id(), connection);
    }

    void release(std::uint64_t id, const asio::ip::address& address) {
        std::lock_guard lock(mutex_);
        live_.erase(id);
        auto found = per_address_.find(address);
        if (found != per_address_.end() && --found->second == 0) {
            per_address_.erase(found);
        }
        --total_;
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return total_;
    }

    std::vector<std::shared_ptr<Connection>> snapshot() const {
        std::lock_guard lock(mutex_);
        std::vector<std::shared_ptr<Connection>> connections;
        connections.reserve(live_.size());
        for (const auto& [id, weak] : live_) {
            if (auto connection = weak.lock()) {
                connections.push_back(std::move(connection));
            }
        }
        return connections;
    }

private:
    const std::uint32_t max_total_;
    const std::uint32_t max_per_address_;
    mutable std::mutex mutex_;
    std::size_t total_ = 0;
    std::unordered_map<asio::ip::address, std::uint32_t> per_address_;
    std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> live_;
};

void raise_open_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

Server::Server(const Config& config)
    : config_(config)
    , registry_(std::make_shared<Registry>(
          config.limits.max_connections, config.limits.max_connections_per_address
      )) {
    raise_open_file_limit();
    // OpenSSL writes to the socket with write(2): a peer that has gone must be an EPIPE error,
    // not a signal that kills the daemon.
    std::signal(SIGPIPE, SIG_IGN);
}

Server::~Server() {
    if (started_) {
        shutdown();
        wait();
    }
}

Result<tcp::endpoint> Server::listen(ListenerSpec spec) {
    auto listener = std::make_shared<Listener>(context_, std::move(spec));
    const std::string where = listener->spec.name + " on " + listener->spec.address.to_string();
    error_code ec;
    tcp::endpoint endpoint(
        asio::ip::make_address(listener->spec.address.host, ec), listener->spec.address.port
    );
    if (ec) {
        return Error{"cannot listen for " + where + ": bad address"};
    }
    tcp::acceptor& acceptor = listener->acceptor;
    if (acceptor.open(endpoint.protocol(), ec); ec) {
        return Error{"cannot listen for " + where + ": " + ec.message()};
    }
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (endpoint.address().is_v6()) {
        acceptor.set_option(asio::ip::v6_only(true), ec);
    }
    if (acceptor.bind(endpoint, ec); ec) {
        return Error{"cannot listen for " + where + ": " + ec.message()};
    }
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
        return Error{"cannot listen for " + where + ": " + ec.message()};
    }
    tcp::endpoint bound = acceptor.local_endpoint(ec);
    listeners_.push_back(std::move(listener));
    return bound;
}

void Server::on_shutdown(std::function<void()> hook) {
    shutdown_hooks_.push_back(std::move(hook));
}

std::size_t Server::connection_count() const {
    return registry_->size();
}

void Server::start() {
    if (started_) {
        return;
    }
    started_ = true;
    work_ = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
        context_.get_executor()
    );
    for (const auto& listener : listeners_) {
        error_code ec;
        log::info(
            "listening",
            {{"service", listener->spec.name},
             {"address", listener->spec.address.to_string()},
             {"port", listener->acceptor.local_endpoint(ec).port()},
             {"tls", listener->spec.implicit_tls ? "implicit" : "none"}}
        );
        asio::co_spawn(listener->strand, accept_loop(listener), asio::detached);
    }
    unsigned threads = config_.server.threads;
    if (threads == 0) {
        threads = std::max(1U, std::thread::hardware_concurrency());
    }
    for (unsigned i = 0; i < threads; ++i) {
        threads_.emplace_back([this] { context_.run(); });
    }
}

void Server::run() {
    asio::signal_set signals(context_, SIGINT, SIGTERM);
    signals.async_wait([this](const error_code& ec, int signal) {
        if (!ec) {
            log::info("signal", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
            shutdown();
        }
    });
    start();
    wait();
}

void Server::wait() {
    for (std::thread& thread : threads_) {
        if (thread.joinable()) {
            thread.join();
        }
    }
    threads_.clear();
}

void Server::shutdown() {
    if (stopping_.exchange(true)) {
        return;
    }
    asio::co_spawn(context_, shutdown_sequence(), asio::detached);
}

asio::awaitable<void> Server::accept_loop(std::shared_ptr<Listener> listener) {
    for (;;) {
        auto [ec, socket] =
            co_await listener->acceptor.async_accept(asio::make_strand(context_), kNoThrow);
        if (stopping_ || ec == asio::error::operation_aborted || !listener->acceptor.is_open()) {
            co_return;
        }
        if (ec) {
            log::warn("accept.failed", {{"service", listener->spec.name}, {"error", ec.message()}});
            if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space) {
                asio::steady_timer pause(listener->strand, std::chrono::milliseconds(100));
                co_await pause.async_wait(kNoThrow);
            }
            continue;
        }
        error_code peer_ec;
        auto peer = socket.remote_endpoint(peer_ec);
        if (peer_ec) {
            continue;  // reset before we looked at it
        }
        if (!registry_->try_acquire(peer.address())) {
            log::warn(
                "connection.refused",
                {{"service", listener->spec.name},
                 {"peer", peer.address().to_string()},
                 {"reason", "connection limit"}}
            );
            std::string reply = listener->spec.handler->busy_reply();
            if (!listener->spec.implicit_tls && !reply.empty()) {
                socket.non_blocking(true, peer_ec);
                socket.write_some(asio::buffer(reply), peer_ec);  // best effort, never blocks
            }
            socket.close(peer_ec);
            continue;
        }
        auto connection = Connection::create(
            std::move(socket),
            next_connection_id_.fetch_add(1, std::memory_order_relaxed),
            listener->spec.timeouts
        );
        registry_->attach(connection);
        asio::co_spawn(
            connection->executor(), run_connection(listener, connection), asio::detached
        );
    }
}

asio::awaitable<void> Server::run_connection(
    std::shared_ptr<Listener> listener, std::shared_ptr<Connection> connection
) {
    // Released however the coroutine ends, so the caps never leak a slot.
    // Owns the registry too: after a cut shutdown, frames may be destroyed with the io_context.
    struct Slot {
        std::shared_ptr<Registry> registry;
        std::uint64_t id;
        asio::ip::address address;

        ~Slot() { registry->release(id, address); }
    } slot{registry_, connection->id(), connection->peer().address()};

    log::debug(
        "connection.open",
        {{"conn", connection->id()},
         {"service", listener->spec.name},
         {"peer", connection->peer().address().to_string()}}
    );
    try {
        bool ready = true;
        if (listener->spec.implicit_tls) {
            ready = co_await connection->accept_tls(*listener->spec.implicit_tls);
        }
        if (ready) {
            co_await listener->spec.handler->serve(connection);
        }
    } catch (const std::exception& error) {
        log::error(
            "connection.failed",
            {{"conn", connection->id()}, {"service", listener->spec.name}, {"error", error.what()}}
        );
    }
    log::debug(
        "connection.close",
        {{"conn", connection->id()}, {"reason", to_string(connection->reason())}}
    );
    connection->close();
}

asio::awaitable<void> Server::shutdown_sequence() {
    using Clock = std::chrono::steady_clock;
    log::info("shutdown.begin", {{"connections", registry_->size()}});
    for (const auto& listener : listeners_) {
        asio::post(listener->strand, [listener] {
            error_code ec;
            listener->acceptor.close(ec);
        });
    }
    for (auto& hook : shutdown_hooks_) {
        hook();
    }
    for (const auto& connection : registry_->snapshot()) {
        connection->request_shutdown();
    }
    asio::steady_timer timer(context_);
    const auto give_up = Clock::now() + config_.server.shutdown_grace;
    while (registry_->size() > 0 && Clock::now() < give_up) {
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(kNoThrow);
    }
    std::size_t cut = registry_->size();
    if (cut > 0) {
        for (const auto& connection : registry_->snapshot()) {
            asio::post(connection->executor(), [connection] { connection->close(); });
        }
        const auto last_chance = Clock::now() + std::chrono::seconds(1);
        while (registry_->size() > 0 && Clock::now() < last_chance) {
            timer.expires_after(std::chrono::milliseconds(10));
            co_await timer.async_wait(kNoThrow);
        }
    }
    log::info("shutdown.done", {{"connections_cut", cut}});
    work_.reset();
    context_.stop();
}

}  // namespace govmail::net
