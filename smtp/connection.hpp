#pragma once
// The SMTP coroutine shell: serves one connection of a listener by running a Session over a
// net::Connection. It owns the reading, the writing and TLS; the session decides everything else.
//
// What the daemon constructs, once per listener (all three may share one Services):
//
//     auto tls = tls::make_server_context(config);            // shared by every listener
//     auto mx = std::make_shared<smtp::Handler>(
//         smtp::session_config(config, smtp::Mode::Mx, true), services, *tls);
//     server.listen({.name = "smtp", .address = *config.listen.smtp, .handler = mx,
//                    .timeouts = smtp::timeouts(config)});
//     // submission: Mode::Submission, the same context for STARTTLS;
//     // submissions: Mode::Submissions, and .implicit_tls = *tls in the ListenerSpec.
//
// Per connection: the greeting; then reads, each followed by every complete event it holds
// through the framer and the session, the replies of that batch written in one write (RFC 2920
// 3.2: a pipelined batch is answered when the server would otherwise wait for input; also
// whenever 16 KB of replies are pending, so that a client that never reads cannot make them
// grow). STARTTLS: the 220 is written, the input buffered behind the command is dropped by
// Connection::accept_tls (never executed: RFC 3207 4.2, CVE-2011-0411), the handshake runs and
// the session starts over. Idle longer than [smtp] idle_timeout: 421 4.4.2 and close; server
// shutdown while idle: 421 4.3.2 and close; shutdown in the middle of a command lets it finish.

#include "core/config.hpp"
#include "core/net/server.hpp"
#include "core/tls.hpp"
#include "smtp/services.hpp"
#include "smtp/session.hpp"

#include <memory>

namespace govmail::smtp {

// Read deadlines for SMTP listeners: [smtp] idle_timeout between commands (RFC 5321 4.5.3.2.7),
// [limits] command_timeout within one.
net::Timeouts timeouts(const Config& config);

class Handler final : public net::ConnectionHandler {
public:
    // `services` must outlive the server. `starttls` is the context STARTTLS hands out; null
    // when TLS is not offered (the session then does not advertise STARTTLS).
    Handler(SessionConfig config, Services& services, std::shared_ptr<tls::Context> starttls);

    asio::awaitable<void> serve(std::shared_ptr<net::Connection> connection) override;

    // "421 4.7.0 <hostname> too many connections, try again later"
    std::string busy_reply() const override;

private:
    SessionConfig config_;
    Services& services_;
    std::shared_ptr<tls::Context> starttls_;
};

}  // namespace govmail::smtp
