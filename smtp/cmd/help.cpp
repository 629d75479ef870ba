// HELP (RFC 5321 4.1.1.8).

#include "smtp/session.hpp"

namespace govmail::smtp {

asio::awaitable<void> Session::cmd_help(Command /*command*/) {
    reply(Reply(
        214,
        "2.0.0",
        "commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH "
        "(RFC 5321)"
    ));
    co_return;
}

}  // namespace govmail::smtp
