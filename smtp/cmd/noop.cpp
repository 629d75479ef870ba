// NOOP (RFC 5321 4.1.1.9).

#include "smtp/session.hpp"

namespace govmail::smtp {

asio::awaitable<void> Session::cmd_noop(Command /*command*/) {
    reply(Reply(250, "2.0.0", "ok"));
    co_return;
}

}  // namespace govmail::smtp
