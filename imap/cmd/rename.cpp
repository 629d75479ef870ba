// RENAME (RFC 9051 6.3.6): children and subscriptions follow; renaming INBOX moves its messages
// to the new mailbox and leaves INBOX empty (a session with INBOX selected sees them expunged).

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_rename(TaggedCommand& command) {
    auto& rename = std::get<Rename>(command.command);
    std::string from = normalize_name(rename.from);
    std::string to = normalize_name(rename.to);
    auto renaming = services_.store.rename_mailbox(account_id(), from, to);
    auto renamed = co_await std::move(renaming);
    if (!renamed) {
        throw failure(renamed.error(), Operation::Rename);
    }
    if (selected_ && selected_->name == from && from != store::kInbox) {
        selected_->name = to;
    }
}

}  // namespace govmail::imap
