#pragma once
// The IMAP coroutine shell: serves one connection of a listener by running a Session over a
// net::Connection. It owns reading, writing, TLS and IDLE; the session decides everything else.
//
// What the daemon constructs, once per listener (both listeners may share one Services):
//
//     auto config = imap::session_config(cfg, true);        // STARTTLS offered on "imap"
//     auto handler = std::make_shared<imap::Handler>(std::move(config), services, tls);
//     server.listen({.name = "imap", .address = *cfg.listen.imap, .handler = handler,
//                    .timeouts = imap::timeouts(cfg)});
//     // "imaps": session_config(cfg, false) and .implicit_tls = tls in the ListenerSpec.
//
// Per connection: the greeting; then reads, each followed by every complete event it holds
// through the framer and the session, and the responses of that batch written in one write
// (also whenever 64 KB are pending, and at once for "+ Ready", which the client waits for).
// A FETCH of a large message is written in pieces by the session itself (Output::flush()).
//
// STARTTLS: the tagged OK is written, the input buffered behind the command is dropped by
// Connection::accept_tls (never executed: RFC 9051 6.2.1, CVE-2011-0411), the handshake runs and
// the session starts over. Before login the [limits] idle timeout applies, after it the [imap]
// one (RFC 9051 5.4: at least 30 minutes); when it passes the client gets "* BYE Autologout".
// On server shutdown a client waiting for its next command (or in IDLE) gets "* BYE"; one in
// the middle of a command finishes it.
//
// IDLE (RFC 2177): the main coroutine goes on reading (for DONE) while a notifier coroutine on
// the same strand waits for a signal: the store's change feed, whose listener (on the writer
// thread) only posts to the strand, or a slow poll (idle_poll, for changes made by another
// process such as govmailctl, which the feed does not see). The notifier asks the session for
// the updates and writes them; writes never overlap because both coroutines run on one strand
// and the main coroutine waits for the notifier to finish before it answers DONE.

#include "core/config.hpp"
#include "core/net/server.hpp"
#include "core/tls.hpp"
#include "imap/services.hpp"
#include "imap/session.hpp"

#include <chrono>
#include <memory>

namespace govmail::imap {

// Read deadlines for IMAP listeners before login: [limits] idle_timeout between commands and
// command_timeout within one (the session switches to [imap] idle_timeout after login).
net::Timeouts timeouts(const Config& config);

struct HandlerOptions {
    // During IDLE, how often the selected mailbox is checked without a change event.
    std::chrono::milliseconds idle_poll{std::chrono::seconds(30)};
};

class Handler final : public net::ConnectionHandler {
public:
    // `services` must outlive the server. `starttls` is the context STARTTLS hands out; null when
    // TLS is not offered on this listener (implicit TLS, or no TLS at all).
    Handler(
        SessionConfig config,
        Services& services,
        std::shared_ptr<tls::Context> starttls,
        HandlerOptions options = {}
    );

    asio::awaitable<void> serve(std::shared_ptr<net::Connection> connection) override;

    // "* BYE Too many connections, try again later" (RFC 9051 7.1.5).
    std::string busy_reply() const override;

private:
    struct State;

    static asio::awaitable<void> notify(std::shared_ptr<State> state);

    SessionConfig config_;
    Services& services_;
    std::shared_ptr<tls::Context> starttls_;
    HandlerOptions options_;
};

}  // namespace govmail::imap
