// EHLO and HELO (RFC 5321 4.1.1.1): the client names itself and the session learns which
// extensions it may use.

#include "smtp/session.hpp"

namespace govmail::smtp {

void Session::hello(std::string domain, bool esmtp) {
    // RFC 5321 4.1.4: EHLO or HELO in the middle of a transaction ends it, as RSET would.
    state_ = State::Ready;
    reset_transaction();
    client_.helo = std::move(domain);
    client_.esmtp = esmtp;
}

asio::awaitable<void> Session::cmd_ehlo(Command command) {
    hello(std::move(std::get<Ehlo>(command).domain), true);
    // RFC 2034 4: the EHLO answer carries no enhanced status codes.
    std::vector<std::string> lines = {
        config_.hostname + " Hello " + client_.helo,
        "PIPELINING",                                        // RFC 2920
        "SIZE " + std::to_string(config_.max_message_size),  // RFC 1870
        "8BITMIME",                                          // RFC 6152
        "BINARYMIME",                                        // RFC 3030
        "CHUNKING",                                          // RFC 3030
        "SMTPUTF8",                                          // RFC 6531
        "ENHANCEDSTATUSCODES",                               // RFC 2034
        "DSN",                                               // RFC 3461
    };
    if (!secure() && config_.starttls) {
        lines.emplace_back("STARTTLS");  // RFC 3207 4: never offered again once under TLS
    }
    if (config_.mode != Mode::Mx && secure() && !client_.account) {
        // RFC 4954 4 and RFC 8314 3: passwords only over TLS, so AUTH is offered only there.
        lines.emplace_back("AUTH PLAIN LOGIN");
    }
    reply(Reply::multiline(250, std::move(lines)));
    co_return;
}

asio::awaitable<void> Session::cmd_helo(Command command) {
    hello(std::move(std::get<Helo>(command).domain), false);
    reply(Reply(250, "", config_.hostname + " Hello " + client_.helo));
    co_return;
}

}  // namespace govmail::smtp
