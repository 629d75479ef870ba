// DATA (RFC 5321 4.1.1.4): the message text follows, dot-stuffed, up to CRLF "." CRLF. The text
// is taken in by on_body() and finished by finish_message() (smtp/session.cpp).

#include "smtp/session.hpp"

namespace govmail::smtp {

asio::awaitable<void> Session::cmd_data(Command /*command*/) {
    if (state_ == State::Chunking) {
        // RFC 3030 2: DATA and BDAT cannot share a transaction; the state after this error is
        // undefined there, so the transaction ends here.
        reset_transaction();
        fail(Errc::BadSequence, "DATA cannot follow BDAT in one transaction");
        co_return;
    }
    if (txn_.recipients.empty()) {
        fail(Errc::NoValidRecipients);  // RFC 5321 3.3, RFC 2920 3.1
        co_return;
    }
    if (txn_.params.body == BodyType::BinaryMime) {
        fail(Errc::BadSequence, "BODY=BINARYMIME needs BDAT");  // RFC 3030 3
        co_return;
    }
    input_ = Input::Data;
    // RFC 2034 4: 3xx replies carry no enhanced status code.
    reply(Reply(354, "", "end data with <CR><LF>.<CR><LF>"));
}

}  // namespace govmail::smtp
