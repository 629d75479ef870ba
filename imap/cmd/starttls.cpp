// STARTTLS (RFC 9051 6.2.1): the shell runs the handshake after the tagged OK, dropping anything
// the client pipelined behind the command, and the session starts over (tls_started()).

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_starttls(TaggedCommand& /*command*/) {
    if (client_.tls) {
        throw bad("TLS is already active");
    }
    if (!config_.starttls) {
        throw bad("STARTTLS is not offered on this port");
    }
    complete(Condition::Ok, "", "Begin TLS negotiation now");
    starttls_pending_ = true;
    co_return;
}

}  // namespace govmail::imap
