#pragma once
// The IMAP service of govmaild: the "imap" (cleartext, STARTTLS offered, logins only after TLS)
// and "imaps" (implicit TLS, RFC 8314) listeners, built from what the protocols share
// (daemon/shared.hpp).
//
//     auto shared = std::make_unique<Shared>(config);
//     if (auto started = start_imap(*shared, server); !started) fail(started.error().message);
//
// Both listeners share one imap::Services (store, directory, activity sink) and one count of
// connections per account ([imap] max_connections_per_user holds across both). What the
// handlers refer to stays alive until the stop hook, which runs after the server stopped.
// Errors (a port in use) are one line naming the listener.

#include "core/error.hpp"
#include "core/net/server.hpp"
#include "daemon/shared.hpp"

namespace govmail::daemon {

Result<void> start_imap(Shared& shared, net::Server& server);

}  // namespace govmail::daemon
