// RSET (RFC 5321 4.1.1.5): ends the transaction; EHLO and authentication stay.

#include "smtp/session.hpp"

namespace govmail::smtp {

asio::awaitable<void> Session::cmd_rset(Command /*command*/) {
    reset_transaction();
    reply(Reply(250, "2.0.0", "reset"));
    co_return;
}

}  // namespace govmail::smtp
