#pragma once
// DNS for the outbound queue, through c-ares: the MX hosts of a domain (RFC 5321 5.1) and the
// addresses of a host, against the resolvers of [dns] (default: the system's, /etc/resolv.conf).
//
//     Resolver resolver(config.dns);
//     MxAnswer mx = co_await resolver.mx("other-agency.gov.vn");
//     // mx.status == DnsStatus::Ok: mx.hosts by preference; NoRecords: no MX, use the domain
//     //   itself (the implicit MX); NullMx: the domain takes no mail (RFC 7505); NotFound:
//     //   NXDOMAIN; Temporary: SERVFAIL, timeout: try again later
//     AddressAnswer a = co_await resolver.addresses("mx1.other-agency.gov.vn");
//
// Queries run on the resolver's own threads (a query waits on its sockets with poll(), which
// also works for descriptors above FD_SETSIZE in a daemon with many connections); the awaiting
// coroutine resumes on its own executor. A name that is an IP literal is answered at once.
//
// Thread-safety: mx() and addresses() may be called from any thread. stop() (also done by the
// destructor) waits for queries in flight, each bounded by the configured timeout and tries.

#include "core/config.hpp"
#include "core/net/asio.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace govmail::smtp::queue {

enum class DnsStatus : std::uint8_t {
    Ok,
    NoRecords,  // the name exists but has no records of the type asked
    NullMx,     // "MX 0 ." (RFC 7505): the domain accepts no mail
    NotFound,   // NXDOMAIN: the name does not exist
    Temporary,  // SERVFAIL, refused, timeout, no resolver: a later attempt may succeed
};

struct MxHost {
    std::uint16_t preference = 0;
    std::string host;
};

struct MxAnswer {
    DnsStatus status = DnsStatus::Temporary;
    std::vector<MxHost> hosts;  // Ok: sorted by preference (equal ones in random order)
    std::string error;          // what the resolver said, for the logs and DSNs
};

struct AddressAnswer {
    DnsStatus status = DnsStatus::Temporary;
    std::vector<net::asio::ip::address> addresses;  // Ok: IPv4 first, then IPv6
    std::string error;
};

class Resolver {
public:
    explicit Resolver(const DnsConfig& config);
    ~Resolver();
    Resolver(const Resolver&) = delete;
    Resolver& operator=(const Resolver&) = delete;

    net::asio::awaitable<MxAnswer> mx(std::string domain);
    net::asio::awaitable<AddressAnswer> addresses(std::string host);

    // The same, blocking the calling thread (tests, tools).
    MxAnswer mx_blocking(const std::string& domain) const;
    AddressAnswer addresses_blocking(const std::string& host) const;

    // Waits for queries in flight and stops the threads; later queries answer Temporary.
    void stop();

private:
    DnsConfig config_;
    std::string servers_;  // "127.0.0.1:5353,[::1]:53" for ares_set_servers_ports_csv
    std::atomic<bool> stopped_{false};
    net::asio::thread_pool pool_{2};
};

}  // namespace govmail::smtp::queue
