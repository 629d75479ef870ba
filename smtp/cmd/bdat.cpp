// BDAT (RFC 3030 2): a chunk of exactly n octets follows the command, then the reply. The chunk
// is read even when the command is refused, so that its octets are never taken for commands.

#include "smtp/session.hpp"

namespace govmail::smtp {

asio::awaitable<void> Session::cmd_bdat(Command command) {
    const Bdat& bdat = std::get<Bdat>(command);
    input_ = Input::Bdat;
    chunk_size_ = bdat.size;
    chunk_last_ = bdat.last;
    if (!client_.esmtp) {
        chunk_error_ = reply_for(Errc::BadSequence, "send EHLO first: BDAT is an extension");
    } else if (state_ == State::Start || state_ == State::Ready) {
        chunk_error_ = reply_for(Errc::BadSequence, "need MAIL and RCPT before BDAT");
    } else if (txn_.recipients.empty()) {
        chunk_error_ = reply_for(Errc::NoValidRecipients);
    }
    co_return;
}

}  // namespace govmail::smtp
