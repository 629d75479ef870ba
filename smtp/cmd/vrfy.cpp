// VRFY and EXPN (RFC 5321 3.5): by policy nobody learns from SMTP who works here or who is in a
// group (RFC 5321 7.3). VRFY gets the 252 of RFC 5321 3.5.3, EXPN is not offered.

#include "smtp/session.hpp"

namespace govmail::smtp {

asio::awaitable<void> Session::cmd_vrfy(Command /*command*/) {
    reply(Reply(252, "2.0.0", "cannot VRFY user, but will accept message and attempt delivery"));
    co_return;
}

asio::awaitable<void> Session::cmd_expn(Command /*command*/) {
    fail(Errc::CommandNotImplemented, "EXPN is not offered");
    co_return;
}

}  // namespace govmail::smtp
