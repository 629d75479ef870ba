#include "smtp/queue/resolver.hpp"

#include "core/log.hpp"
#include "core/net/offload.hpp"

#include <algorithm>
#include <ares.h>
#include <arpa/inet.h>
#include <cstring>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <random>

namespace govmail::smtp::queue {
namespace {

namespace asio = net::asio;

// RFC 1035 3.2.2 / RFC 3596: the types queried.
constexpr int kClassIn = 1;
constexpr int kTypeMx = 15;

void init_library() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (int rc = ares_library_init(ARES_LIB_INIT_ALL); rc != ARES_SUCCESS) {
            log::error("dns.init", {{"error", ares_strerror(rc)}});
        }
    });
}

DnsStatus status_of(int rc) {
    switch (rc) {
        case ARES_SUCCESS:
            return DnsStatus::Ok;
        case ARES_ENODATA:
            return DnsStatus::NoRecords;
        case ARES_ENOTFOUND:
            return DnsStatus::NotFound;
        default:
            return DnsStatus::Temporary;
    }
}

// One channel per query: c-ares channels are not thread-safe, and a lookup per message and
// destination is rare enough that reading resolv.conf each time costs nothing worth sharing.
class Channel {
public:
    Channel(const DnsConfig& config, const std::string& servers) {
        init_library();
        ares_options options{};
        // The configured timeout bounds the whole query: split over two tries.
        options.timeout = static_cast<int>(std::max<long long>(config.timeout.count() / 2, 50));
        options.tries = 2;
        int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
        rc_ = ares_init_options(&channel_, &options, mask);
        if (rc_ == ARES_SUCCESS && !servers.empty()) {
            rc_ = ares_set_servers_ports_csv(channel_, servers.c_str());
        }
    }

    ~Channel() {
        if (channel_ != nullptr) {
            ares_destroy(channel_);
        }
    }

    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;

    ares_channel get() const { return channel_; }

    int status() const { return rc_; }

    // Runs the channel's queries to completion: waits on its sockets until `done` says so.
    template <typename Done>
    void run(Done done) {
        while (!done()) {
            ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
            int bits = ares_getsock(channel_, sockets, ARES_GETSOCK_MAXNUM);
            std::vector<pollfd> fds;
            for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
                short events = 0;
                if (ARES_GETSOCK_READABLE(bits, i)) {
                    events |= POLLIN;
                }
                if (ARES_GETSOCK_WRITABLE(bits, i)) {
                    events |= POLLOUT;
                }
                if (events != 0) {
                    fds.push_back({sockets[i], events, 0});
                }
            }
            timeval wait{};
            timeval* left = ares_timeout(channel_, nullptr, &wait);
            int ms = left == nullptr ? 1000
                                     : static_cast<int>(left->tv_sec * 1000 + left->tv_usec / 1000);
            int ready = ::poll(fds.data(), fds.size(), std::max(ms, 1));
            if (ready <= 0) {
                ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts
                continue;
            }
            for (const pollfd& fd : fds) {
                const bool readable = (fd.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
                const bool writable = (fd.revents & POLLOUT) != 0;
                if (readable || writable) {
                    ares_process_fd(
                        channel_,
                        readable ? fd.fd : ARES_SOCKET_BAD,
                        writable ? fd.fd : ARES_SOCKET_BAD
                    );
                }
            }
        }
    }

private:
    ares_channel channel_ = nullptr;
    int rc_ = ARES_SUCCESS;
};

MxAnswer query_mx(const DnsConfig& config, const std::string& servers, const std::string& domain) {
    Channel channel(config, servers);
    if (channel.status() != ARES_SUCCESS) {
        return {.status = DnsStatus::Temporary, .error = ares_strerror(channel.status())};
    }

    struct State {
        bool done = false;
        MxAnswer answer;
    } state;

    ares_query(
        channel.get(),
        domain.c_str(),
        kClassIn,
        kTypeMx,
        [](void* arg, int status, int, unsigned char* buffer, int length) {
            auto& state = *static_cast<State*>(arg);
            state.done = true;
            state.answer.status = status_of(status);
            if (status != ARES_SUCCESS) {
                state.answer.error = ares_strerror(status);
                return;
            }
            ares_mx_reply* replies = nullptr;
            int rc = ares_parse_mx_reply(buffer, length, &replies);
            if (rc != ARES_SUCCESS) {
                state.answer.status = status_of(rc);
                state.answer.error = ares_strerror(rc);
                return;
            }
            for (ares_mx_reply* mx = replies; mx != nullptr; mx = mx->next) {
                std::string host = mx->host == nullptr ? "" : mx->host;
                if (host == "." || host.empty()) {
                    // RFC 7505 3: a null MX is the only record when present.
                    state.answer.status = DnsStatus::NullMx;
                    state.answer.error = "the domain accepts no mail (null MX, RFC 7505)";
                    state.answer.hosts.clear();
                    break;
                }
                if (host.ends_with('.')) {
                    host.pop_back();
                }
                state.answer.hosts.push_back({mx->priority, std::move(host)});
            }
            ares_free_data(replies);
            if (state.answer.status == DnsStatus::Ok && state.answer.hosts.empty()) {
                state.answer.status = DnsStatus::NoRecords;
            }
        },
        &state
    );
    channel.run([&] { return state.done; });
    // RFC 5321 5.1: equal preferences are tried in random order, to spread the load.
    static thread_local std::mt19937 random(std::random_device{}());
    std::shuffle(state.answer.hosts.begin(), state.answer.hosts.end(), random);
    std::stable_sort(state.answer.hosts.begin(), state.answer.hosts.end(), [](auto& a, auto& b) {
        return a.preference < b.preference;
    });
    return std::move(state.answer);
}

AddressAnswer query_addresses(
    const DnsConfig& config, const std::string& servers, const std::string& host
) {
    boost::system::error_code ec;
    auto literal = asio::ip::make_address(host, ec);
    if (!ec) {
        return {.status = DnsStatus::Ok, .addresses = {literal}};
    }
    Channel channel(config, servers);
    if (channel.status() != ARES_SUCCESS) {
        return {.status = DnsStatus::Temporary, .error = ares_strerror(channel.status())};
    }

    struct State {
        bool done = false;
        AddressAnswer answer;
    } state;

    ares_addrinfo_hints hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    ares_getaddrinfo(
        channel.get(),
        host.c_str(),
        nullptr,
        &hints,
        [](void* arg, int status, int, ares_addrinfo* result) {
            auto& state = *static_cast<State*>(arg);
            state.done = true;
            state.answer.status = status_of(status);
            if (status != ARES_SUCCESS) {
                state.answer.error = ares_strerror(status);
                return;
            }
            std::vector<asio::ip::address> v6;
            for (ares_addrinfo_node* node = result->nodes; node != nullptr; node = node->ai_next) {
                if (node->ai_family == AF_INET) {
                    const auto* in = reinterpret_cast<const sockaddr_in*>(node->ai_addr);
                    asio::ip::address_v4::bytes_type bytes;
                    std::memcpy(bytes.data(), &in->sin_addr, bytes.size());
                    state.answer.addresses.emplace_back(asio::ip::address_v4(bytes));
                } else if (node->ai_family == AF_INET6) {
                    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(node->ai_addr);
                    asio::ip::address_v6::bytes_type bytes;
                    std::memcpy(bytes.data(), &in6->sin6_addr, bytes.size());
                    v6.emplace_back(asio::ip::address_v6(bytes));
                }
            }
            ares_freeaddrinfo(result);
            state.answer.addresses.insert(state.answer.addresses.end(), v6.begin(), v6.end());
            if (state.answer.addresses.empty()) {
                state.answer.status = DnsStatus::NoRecords;
                state.answer.error = "no addresses";
            }
        },
        &state
    );
    channel.run([&] { return state.done; });
    return std::move(state.answer);
}

}  // namespace

Resolver::Resolver(const DnsConfig& config)
    : config_(config) {
    for (const ListenAddress& server : config.resolvers) {
        if (!servers_.empty()) {
            servers_ += ',';
        }
        servers_ += server.to_string();
    }
}

Resolver::~Resolver() {
    stop();
}

void Resolver::stop() {
    stopped_ = true;
    pool_.join();
}

asio::awaitable<MxAnswer> Resolver::mx(std::string domain) {
    if (stopped_) {
        co_return MxAnswer{.status = DnsStatus::Temporary, .error = "shutting down"};
    }
    // Made in its own statement: g++ 12 destroys a capturing lambda twice when it shares a
    // full-expression with co_await.
    auto querying = net::offload<MxAnswer>(pool_, [this, domain = std::move(domain)] {
        return query_mx(config_, servers_, domain);
    });
    co_return co_await std::move(querying);
}

asio::awaitable<AddressAnswer> Resolver::addresses(std::string host) {
    if (stopped_) {
        co_return AddressAnswer{.status = DnsStatus::Temporary, .error = "shutting down"};
    }
    auto querying = net::offload<AddressAnswer>(pool_, [this, host = std::move(host)] {
        return query_addresses(config_, servers_, host);
    });
    co_return co_await std::move(querying);
}

MxAnswer Resolver::mx_blocking(const std::string& domain) const {
    return query_mx(config_, servers_, domain);
}

AddressAnswer Resolver::addresses_blocking(const std::string& host) const {
    return query_addresses(config_, servers_, host);
}

}  // namespace govmail::smtp::queue
