// DELETE (RFC 9051 6.3.5). INBOX cannot be deleted; a mailbox with children neither (govmail
// keeps no \Noselect placeholders: delete the children first). Deleting the selected mailbox
// deselects it.

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_delete(TaggedCommand& command) {
    auto& del = std::get<Delete>(command.command);
    std::string name = normalize_name(del.mailbox);
    std::optional<store::MailboxId> id = find_mailbox(name);
    if (!id) {
        throw no("NONEXISTENT", "Mailbox does not exist");
    }
    auto deleting = services_.store.delete_mailbox(account_id(), std::move(name));
    auto deleted = co_await std::move(deleting);
    if (!deleted) {
        throw failure(deleted.error(), Operation::Delete);
    }
    if (selected_ && selected_->id == *id) {
        deselect();
    }
}

}  // namespace govmail::imap
