// CLOSE (RFC 9051 6.4.1: expunge silently, then deselect) and UNSELECT (RFC 3691, RFC 9051
// 6.4.2: deselect only).

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_close(TaggedCommand& /*command*/) {
    Selected& s = selected();
    if (!s.read_only) {
        // RFC 9051 6.4.1: no EXPUNGE responses; RFC 7162 3.2.8: no HIGHESTMODSEQ either.
        auto expunging = services_.store.expunge(s.id, std::nullopt);
        auto expunged = co_await std::move(expunging);
        if (!expunged) {
            throw failure(expunged.error(), Operation::Message);
        }
    }
    deselect();
}

asio::awaitable<void> Session::cmd_unselect(TaggedCommand& /*command*/) {
    deselect();
    co_return;
}

}  // namespace govmail::imap
