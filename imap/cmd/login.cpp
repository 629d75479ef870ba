// LOGIN (RFC 9051 6.2.3) and AUTHENTICATE PLAIN (RFC 9051 6.2.2, RFC 4616) with SASL-IR
// (RFC 4959). Both only over TLS (LOGINDISABLED before it); a wrong password, an unknown login and
// a locked account get the same answer after the same work (directory::Directory::authenticate).

#include "core/log.hpp"
#include "core/text/base64.hpp"
#include "imap/detail/session_state.hpp"
#include "imap/sasl.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_login(TaggedCommand& command) {
    auto& login = std::get<Login>(command.command);
    if (!client_.tls) {
        // RFC 9051 6.2.3: LOGINDISABLED is advertised, so LOGIN must fail.
        throw no("PRIVACYREQUIRED", "Use STARTTLS before LOGIN");
    }
    co_await log_in(std::move(login.user), std::move(login.password));
}

asio::awaitable<void> Session::cmd_authenticate(TaggedCommand& command) {
    auto& auth = std::get<Authenticate>(command.command);
    completion_.text = "AUTHENTICATE completed";
    if (auth.mechanism != "PLAIN") {
        throw no("CANNOT", "Unsupported authentication mechanism");
    }
    if (!client_.tls) {
        throw no("PRIVACYREQUIRED", "Use STARTTLS before AUTHENTICATE");
    }
    if (auth.initial_response) {
        co_await sasl_response(text::encode_base64(*auth.initial_response));
        co_return;
    }
    // RFC 9051 6.2.2: an empty challenge, then the client's BASE64 line.
    respond().continuation().text("").end();
    in_sasl_ = true;
}

asio::awaitable<void> Session::sasl_response(std::string line) {
    SaslResponse response = parse_sasl_response(line);
    if (response.cancelled) {
        throw bad("Authentication cancelled");
    }
    if (!response.data) {
        throw bad("Invalid BASE64 in the SASL response");
    }
    auto credentials = parse_plain(*response.data);
    if (!credentials) {
        throw bad("Malformed PLAIN message (RFC 4616)");
    }
    // Acting as another user (a different authorization identity) is not offered.
    if (!credentials->authzid.empty() && credentials->authzid != credentials->authcid) {
        throw no("AUTHORIZATIONFAILED", "Authorization identity must be the login");
    }
    co_await log_in(std::move(credentials->authcid), std::move(credentials->password));
}

asio::awaitable<void> Session::log_in(std::string user, std::string password) {
    auto authenticating = services_.directory.authenticate(
        user,
        std::move(password),
        directory::Peer{.address = client_.address, .protocol = events::Protocol::Imap}
    );
    auto who = co_await std::move(authenticating);
    if (!who) {
        throw no("AUTHENTICATIONFAILED", "Authentication failed");
    }
    auto slot = services_.connections.acquire(who->id, config_.max_connections_per_user);
    if (!slot) {
        log::info(
            "imap.login_refused",
            {{"conn", client_.connection}, {"account", who->address}, {"reason", "connections"}}
        );
        throw no("LIMIT", "Too many connections for this account");
    }
    account_ = std::make_unique<Account>(Account{who->id, who->address, std::move(*slot)});
    state_ = State::Authenticated;
    services_.activity.record(events::ActivityEvent{
        .account_id = who->id,
        .activity = events::Activity::Login,
        .protocol = events::Protocol::Imap,
    });
    log::info(
        "imap.login",
        {{"conn", client_.connection}, {"account", who->address}, {"peer", client_.address}}
    );
    // RFC 9051 6.2.3: the capabilities change with authentication; say them now.
    complete(Condition::Ok, "CAPABILITY " + capability_list(), "Logged in");
}

}  // namespace govmail::imap
