// QUIT (RFC 5321 4.1.1.10): an unfinished transaction is dropped.

#include "smtp/session.hpp"

namespace govmail::smtp {

asio::awaitable<void> Session::cmd_quit(Command /*command*/) {
    reset_transaction();
    close_with(Reply(221, "2.0.0", config_.hostname + " closing connection"));
    co_return;
}

}  // namespace govmail::smtp
