#pragma once
// What govmaild's protocol services share, opened once at start: the mail store, the password
// hasher, the directory, the TLS context and the activity sink.
//
// Each protocol has one file in daemon/ that builds its connection handlers from these and
// registers its listeners (daemon/smtp_service.cpp, daemon/imap_service.cpp, ...), so the
// protocols never see each other.

#include "core/config.hpp"
#include "core/events.hpp"
#include "core/net/server.hpp"
#include "core/password.hpp"
#include "core/tls.hpp"
#include "directory/context.hpp"
#include "directory/directory.hpp"
#include "store/store.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace govmail::daemon {

struct Shared {
    explicit Shared(const Config& config);  // throws StoreException / std::runtime_error
    ~Shared();

    const Config& config;
    std::shared_ptr<tls::Context> tls;
    std::unique_ptr<store::MailStore> store;
    std::unique_ptr<password::Hasher> hasher;
    std::unique_ptr<directory::Context> directory_context;
    std::unique_ptr<directory::Directory> directory;
    events::NullActivitySink no_activity;
    events::ActivitySink* activity = &no_activity;

    // Background work of the protocols (queue runner, ...) to stop after the server stopped,
    // before the store closes. Run in reverse order of registration.
    std::vector<std::function<void()>> stop_hooks;
};

// Binds `address` (when configured) for `handler` and logs it; an implicit-TLS listener when
// `implicit_tls`. Errors are one line naming the listener ("cannot listen for smtp on ...").
Result<void> listen(
    net::Server& server,
    const Shared& shared,
    const char* name,
    const std::optional<ListenAddress>& address,
    std::shared_ptr<net::ConnectionHandler> handler,
    bool implicit_tls,
    net::Timeouts timeouts
);

}  // namespace govmail::daemon
