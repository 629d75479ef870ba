// MAIL FROM (RFC 5321 4.1.1.2): starts a transaction once the sender is acceptable.

#include "core/log.hpp"
#include "smtp/session.hpp"

namespace govmail::smtp {

asio::awaitable<void> Session::cmd_mail(Command command) {
    Mail& mail = std::get<Mail>(command);
    if (!client_.esmtp && mail.params != MailParams{}) {
        fail(Errc::UnknownParameter, "parameters need EHLO");  // RFC 5321 4.1.1.11
        co_return;
    }
    if (mail.params.size && *mail.params.size > config_.max_message_size) {
        fail(Errc::MessageTooBig);  // RFC 1870 6.1
        co_return;
    }
    if (mail.path.mailbox && mail.path.mailbox->utf8() && !mail.params.smtputf8) {
        fail(Errc::NonAsciiAddress);  // RFC 6531 3.4
        co_return;
    }
    SenderAnswer answer = co_await services_.check_sender(client_, mail.path);
    if (answer.result != SenderResult::Ok) {
        log::info(
            "smtp.sender_refused",
            {{"conn", client_.connection},
             {"from", mail.path.to_string()},
             {"result", static_cast<int>(answer.result)}}
        );
        reply(reply_for(answer.result, answer.reason));
        co_return;
    }
    reset_transaction();
    txn_.sender = std::move(mail.path);
    txn_.params = std::move(mail.params);
    state_ = State::Mail;
    reply(Reply(250, "2.1.0", "sender " + txn_.sender.to_string() + " ok"));
}

}  // namespace govmail::smtp
