// IDLE (RFC 2177, RFC 9051 6.3.13): "+ idling", then updates as they happen (the shell calls
// idle_update() when the store reports a change) until the client sends DONE (on_line()).

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_idle(TaggedCommand& /*command*/) {
    // What changed before IDLE began is reported at once.
    if (state_ == State::Selected) {
        co_await report_updates(true);
    }
    if (close_after_) {
        co_return;
    }
    respond().continuation().text("idling").end();
    idling_ = true;
}

}  // namespace govmail::imap
