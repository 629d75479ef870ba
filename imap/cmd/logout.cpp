// LOGOUT (RFC 9051 6.1.3): BYE, then the tagged OK, then the connection closes.

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_logout(TaggedCommand& /*command*/) {
    untagged().status(Condition::Bye).text("Logging out").end();
    selected_.reset();
    if (account_) {
        // The connection is about to end: its slot is free for the next login at once, not
        // when the shell gets round to destroying the session.
        account_->slot = {};
    }
    state_ = State::Logout;
    close_after_ = true;
    co_return;
}

}  // namespace govmail::imap
