// NOOP (RFC 9051 6.1.2) and CHECK (RFC 3501 6.4.1; gone from IMAP4rev2, still answered): both
// only give the session the chance to report what changed (the dispatcher does that after every
// command).

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_noop(TaggedCommand& /*command*/) {
    co_return;
}

asio::awaitable<void> Session::cmd_check(TaggedCommand& /*command*/) {
    co_return;
}

}  // namespace govmail::imap
