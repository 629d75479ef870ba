#pragma once
// Wires the configuration to the services govmaild runs: opens what they share, builds each
// protocol's connection handler and registers its listeners on the server.

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/net/server.hpp"

#include <memory>
#include <string>

namespace govmail::daemon {

class Services {
public:
    virtual ~Services() = default;

    // Stops background work (writer thread, queue runner) after the server has stopped.
    virtual void stop() = 0;
};

// Binds every configured listener whose protocol is built. Errors (a port in use, unreadable TLS
// files) come back as one line naming what failed.
Result<std::unique_ptr<Services>> start_services(const Config& config, net::Server& server);

}  // namespace govmail::daemon
