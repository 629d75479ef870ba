#pragma once
// The SMTP service of govmaild: the delivery pipeline, the outbound queue and its runner, and
// the three SMTP listeners, built from what the protocols share (daemon/shared.hpp).
//
//     auto shared = std::make_unique<Shared>(config);
//     if (auto started = start_smtp(*shared, server); !started) fail(started.error().message);
//
// Registers "smtp" (MX, STARTTLS offered), "submission" (STARTTLS, then AUTH) and "submissions"
// (implicit TLS, RFC 8314) for the addresses the configuration gives; opens the queue's
// databases; starts the queue runner on the server's io_context, stops it when the server
// begins its shutdown (Server::on_shutdown), and releases everything in a stop hook, before
// the store closes. Errors (a port in use, an unreadable store) are one line.

#include "core/error.hpp"
#include "core/net/server.hpp"
#include "daemon/shared.hpp"

namespace govmail::daemon {

Result<void> start_smtp(Shared& shared, net::Server& server);

}  // namespace govmail::daemon
