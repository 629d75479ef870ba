#include "daemon/imap_service.hpp"

#include "imap/connection.hpp"
#include "imap/services.hpp"

namespace govmail::daemon {
namespace {

// What the IMAP handlers refer to, alive from start to the stop hook.
struct ImapService {
    explicit ImapService(Shared& shared)
        : services{*shared.store, *shared.directory, *shared.activity, connections} {}

    imap::AccountConnections connections;
    imap::Services services;
};

}  // namespace

Result<void> start_imap(Shared& shared, net::Server& server) {
    const Config& config = shared.config;
    if (!config.listen.imap && !config.listen.imaps) {
        return {};
    }
    auto service = std::make_shared<ImapService>(shared);
    const net::Timeouts timeouts = imap::timeouts(config);

    // "imap": STARTTLS offered when the server has a certificate; the session refuses logins
    // until TLS is up (LOGINDISABLED), so no password crosses the network in clear.
    auto cleartext = std::make_shared<imap::Handler>(
        imap::session_config(config, shared.tls != nullptr), service->services, shared.tls
    );
    if (auto bound = listen(
            server, shared, "imap", config.listen.imap, std::move(cleartext), false, timeouts
        );
        !bound) {
        return bound.error();
    }
    auto implicit = std::make_shared<imap::Handler>(
        imap::session_config(config, false), service->services, nullptr
    );
    if (auto bound = listen(
            server, shared, "imaps", config.listen.imaps, std::move(implicit), true, timeouts
        );
        !bound) {
        return bound.error();
    }
    shared.stop_hooks.emplace_back([service]() mutable { service.reset(); });
    return {};
}

}  // namespace govmail::daemon
