// STARTTLS (RFC 3207): the shell runs the handshake after the 220 and drops whatever the client
// sent behind the command (RFC 3207 4.2, CVE-2011-0411); then tls_started() starts over.

#include "smtp/session.hpp"

namespace govmail::smtp {

asio::awaitable<void> Session::cmd_starttls(Command /*command*/) {
    if (secure()) {
        fail(Errc::BadSequence, "TLS is already active");
        co_return;
    }
    if (!config_.starttls) {
        fail(Errc::CommandNotImplemented, "STARTTLS is not available");
        co_return;
    }
    reply(Reply(220, "2.0.0", "ready to start TLS"));
    step_.action = Action::StartTls;
}

}  // namespace govmail::smtp
