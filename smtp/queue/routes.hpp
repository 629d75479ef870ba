#pragma once
// Which server takes the mail for a domain: a static route ([routes], for agencies on the
// government network), else the smart host ([queue] smart_host), else the domain's MX hosts.
//
//     Router router(config);
//     Destination d = router.route("other-agency.gov.vn");
//     // d.kind == Destination::Kind::Static, d.host == "10.0.0.5", d.port = 25,
//     //   d.require_tls == true; or Kind::Mx with d.host == the domain to look up
//
// Route keys are domains ("agency.gov.vn") or suffixes (".agency.gov.vn": every subdomain);
// an exact key wins over a suffix, a longer suffix over a shorter one. Pure and thread-safe.

#include "core/config.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace govmail::smtp::queue {

struct Destination {
    enum class Kind : std::uint8_t { Static, SmartHost, Mx };

    Kind kind = Kind::Mx;
    std::string host;  // Static, SmartHost: an IP address or host name; Mx: the domain
    std::uint16_t port = 25;
    bool require_tls = false;
    bool verify_tls = false;

    // What recipients that share a destination have in common, so that they go in one
    // transaction: "static:10.0.0.5:25", "mx:other-agency.gov.vn".
    std::string key() const;
};

class Router {
public:
    explicit Router(const Config& config);

    Destination route(std::string_view domain) const;

private:
    std::map<std::string, RouteConfig, std::less<>> routes_;
    std::optional<RouteConfig> smart_host_;
    std::uint16_t mx_port_ = 25;
};

}  // namespace govmail::smtp::queue
