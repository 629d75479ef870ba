// RCPT TO (RFC 5321 4.1.1.3): each recipient is resolved by the Services before it is accepted.

#include "core/log.hpp"
#include "smtp/session.hpp"

namespace govmail::smtp {

asio::awaitable<void> Session::cmd_rcpt(Command command) {
    Rcpt& rcpt = std::get<Rcpt>(command);
    if (!client_.esmtp && rcpt.params != RcptParams{}) {
        fail(Errc::UnknownParameter, "parameters need EHLO");  // RFC 5321 4.1.1.11
        co_return;
    }
    if (rcpt.path.utf8() && !txn_.params.smtputf8) {
        fail(Errc::NonAsciiAddress);  // RFC 6531 3.4
        co_return;
    }
    if (txn_.recipients.size() >= config_.max_recipients) {
        fail(Errc::TooManyRecipients);  // RFC 5321 4.5.3.1.10: the client sends the rest later
        co_return;
    }
    RecipientAnswer answer = co_await services_.check_recipient(client_, txn_.sender, rcpt.path);
    if (answer.result != RecipientResult::Ok) {
        log::info(
            "smtp.recipient_refused",
            {{"conn", client_.connection},
             {"to", rcpt.path.to_string()},
             {"result", static_cast<int>(answer.result)}}
        );
        reply(reply_for(answer.result, answer.reason));
        co_return;
    }
    std::string text = "recipient <" + rcpt.path.to_string() + "> ok";
    txn_.recipients.push_back(Recipient{
        std::move(rcpt.path), std::move(rcpt.params), std::move(answer.target)});
    txn_.own_account.push_back(answer.own_account);
    state_ = State::Rcpt;
    reply(Reply(250, "2.1.5", text));
}

}  // namespace govmail::smtp
