#include "smtp/queue/routes.hpp"

namespace govmail::smtp::queue {
namespace {

Destination from_route(const RouteConfig& route, Destination::Kind kind) {
    return {
        .kind = kind,
        .host = route.host,
        .port = route.port,
        .require_tls = route.require_tls || route.verify_tls,
        .verify_tls = route.verify_tls,
    };
}

}  // namespace

std::string Destination::key() const {
    switch (kind) {
        case Kind::Static:
        case Kind::SmartHost:
            return "static:" + RouteConfig{.host = host, .port = port}.to_string() +
                   (require_tls ? "+tls" : "") + (verify_tls ? "+verify" : "");
        case Kind::Mx:
            break;
    }
    return "mx:" + host;
}

Router::Router(const Config& config)
    : routes_(config.routes)
    , smart_host_(config.queue.smart_host)
    , mx_port_(config.queue.mx_port) {}

Destination Router::route(std::string_view domain) const {
    if (auto exact = routes_.find(domain); exact != routes_.end()) {
        return from_route(exact->second, Destination::Kind::Static);
    }
    // The longest suffix first: ".b.agency.gov.vn", then ".agency.gov.vn", ".gov.vn", ".vn".
    for (std::size_t dot = domain.find('.'); dot != std::string_view::npos;
         dot = domain.find('.', dot + 1)) {
        if (auto suffix = routes_.find(domain.substr(dot)); suffix != routes_.end()) {
            return from_route(suffix->second, Destination::Kind::Static);
        }
    }
    if (smart_host_) {
        return from_route(*smart_host_, Destination::Kind::SmartHost);
    }
    return {.kind = Destination::Kind::Mx, .host = std::string(domain), .port = mx_port_};
}

}  // namespace govmail::smtp::queue
