// CAPABILITY (RFC 9051 6.1.1).

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_capability(TaggedCommand& /*command*/) {
    untagged().atom("CAPABILITY").atom(capability_list()).end();
    co_return;
}

}  // namespace govmail::imap
