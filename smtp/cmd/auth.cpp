// AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms, initial responses included
// (SASL-IR). Offered on submission only, and only over TLS: the password travels in the clear
// inside the TLS session.

#include "core/log.hpp"
#include "core/text/base64.hpp"
#include "smtp/session.hpp"

namespace govmail::smtp {
namespace {

// The LOGIN mechanism's prompts, base64 of "Username:" and "Password:".
constexpr std::string_view kUsernamePrompt = "VXNlcm5hbWU6";
constexpr std::string_view kPasswordPrompt = "UGFzc3dvcmQ6";

}  // namespace

asio::awaitable<void> Session::cmd_auth(Command command) {
    Auth& auth = std::get<Auth>(command);
    if (config_.mode == Mode::Mx) {
        fail(Errc::CommandNotImplemented, "AUTH is not offered here: use the submission port");
        co_return;
    }
    if (client_.account) {
        fail(Errc::BadSequence, "already authenticated");  // RFC 4954 4
        co_return;
    }
    if (auth.mechanism != "PLAIN" && auth.mechanism != "LOGIN") {
        fail(Errc::UnknownMechanism);
        co_return;
    }
    if (!secure()) {
        fail(Errc::EncryptionRequired);  // RFC 4954 4, 6
        co_return;
    }
    const bool plain = auth.mechanism == "PLAIN";
    if (!auth.initial_response) {
        sasl_ = plain ? Sasl::PlainResponse : Sasl::LoginUser;
        input_ = Input::Sasl;
        reply(Reply(334, "", plain ? "" : kUsernamePrompt));
        co_return;
    }
    // RFC 4954 4: "=" is an initial response of zero length.
    std::string response = *auth.initial_response == "=" ? "" : *auth.initial_response;
    sasl_ = plain ? Sasl::PlainResponse : Sasl::LoginUser;
    co_await sasl_response(response);
}

asio::awaitable<void> Session::on_sasl(std::string_view line) {
    if (line == "*") {
        input_ = Input::Line;
        sasl_ = Sasl::None;
        sasl_user_.clear();
        fail(Errc::AuthCancelled);  // RFC 4954 4
        co_return;
    }
    co_await sasl_response(line);
}

asio::awaitable<void> Session::sasl_response(std::string_view base64) {
    const Sasl stage = sasl_;
    sasl_ = Sasl::None;
    input_ = Input::Line;
    auto decoded = text::decode_base64(base64);
    if (!decoded) {
        sasl_user_.clear();
        fail(Errc::BadBase64);  // RFC 4954 4
        co_return;
    }
    switch (stage) {
        case Sasl::PlainResponse: {
            // RFC 4616 2: [authzid] NUL authcid NUL passwd
            std::size_t first = decoded->find('\0');
            std::size_t second =
                first == std::string::npos ? first : decoded->find('\0', first + 1);
            if (second == std::string::npos ||
                decoded->find('\0', second + 1) != std::string::npos || second == first + 1 ||
                second + 1 == decoded->size()) {
                fail(Errc::BadCredentialsFormat);
                co_return;
            }
            std::string authzid = decoded->substr(0, first);
            std::string user = decoded->substr(first + 1, second - first - 1);
            if (!authzid.empty() && authzid != user) {
                // Acting for another identity is not offered: refused like wrong credentials.
                log::info(
                    "smtp.auth_failed",
                    {{"conn", client_.connection}, {"user", user}, {"reason", "authzid"}}
                );
                reply(reply_for(AuthResult::Invalid));
                co_return;
            }
            co_await authenticate(std::move(user), decoded->substr(second + 1));
            co_return;
        }
        case Sasl::LoginUser:
            if (decoded->empty() || decoded->find('\0') != std::string::npos) {
                fail(Errc::BadCredentialsFormat);
                co_return;
            }
            sasl_user_ = std::move(*decoded);
            sasl_ = Sasl::LoginPassword;
            input_ = Input::Sasl;
            reply(Reply(334, "", kPasswordPrompt));
            co_return;
        case Sasl::LoginPassword:
            co_await authenticate(std::exchange(sasl_user_, {}), std::move(*decoded));
            co_return;
        case Sasl::None:
            break;
    }
}

asio::awaitable<void> Session::authenticate(std::string user, std::string password) {
    AuthAnswer answer;
    try {
        answer = co_await services_.authenticate(client_, user, std::move(password));
    } catch (const std::exception& error) {
        log::error("smtp.auth_error", {{"conn", client_.connection}, {"error", error.what()}});
        answer.result = AuthResult::TemporaryFailure;
    }
    if (answer.result != AuthResult::Ok) {
        log::info(
            "smtp.auth_failed",
            {{"conn", client_.connection},
             {"peer", client_.address},
             {"user", user},
             {"result", static_cast<int>(answer.result)}}
        );
        reply(reply_for(answer.result));
        co_return;
    }
    log::info(
        "smtp.login",
        {{"conn", client_.connection}, {"peer", client_.address}, {"user", answer.account.login}}
    );
    services_.activity().record(events::ActivityEvent{
        .account_id = answer.account.id,
        .activity = events::Activity::Login,
        .protocol = events::Protocol::Smtp,
    });
    client_.account = std::move(answer.account);
    reply(Reply(235, "2.7.0", "authentication successful"));
}

}  // namespace govmail::smtp
