// STATUS (RFC 9051 6.3.11) with RECENT (RFC 3501), DELETED and SIZE (RFC 9051, RFC 8438),
// HIGHESTMODSEQ (RFC 7162 3.1.2.3) and APPENDLIMIT (RFC 7889). The counters are kept exact by
// the store, so STATUS reads one record.

#include "imap/detail/status.hpp"

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

namespace detail {

void write_status(
    Response& response,
    std::string_view name,
    const store::MailboxRecord& record,
    std::span<const StatusItem> items,
    std::uint64_t append_limit
) {
    response.untagged().atom("STATUS").mailbox(name).open();
    for (StatusItem item : items) {
        response.atom(to_string(item));
        switch (item) {
            case StatusItem::Messages:
                response.number(record.messages);
                break;
            case StatusItem::Recent:
                response.number(record.recent);
                break;
            case StatusItem::UidNext:
                response.number(record.uidnext);
                break;
            case StatusItem::UidValidity:
                response.number(record.uidvalidity);
                break;
            case StatusItem::Unseen:
                response.number(record.unseen);
                break;
            case StatusItem::Deleted:
                response.number(record.deleted);
                break;
            case StatusItem::Size:
                response.number(record.size);
                break;
            case StatusItem::HighestModSeq:
                response.number(record.highest_modseq);
                break;
            case StatusItem::AppendLimit:
                response.number(append_limit);
                break;
        }
    }
    response.close().end();
}

}  // namespace detail

asio::awaitable<void> Session::cmd_status(TaggedCommand& command) {
    auto& status = std::get<Status>(command.command);
    if (std::ranges::find(status.items, StatusItem::HighestModSeq) != status.items.end()) {
        enable_condstore();
    }
    auto name = store::normalize_mailbox_name(status.mailbox);
    auto record = services_.store.read([&](const store::StoreReader& r) {
        std::optional<store::MailboxRecord> found;
        if (auto id = name ? r.find_mailbox(account_id(), *name) : std::nullopt) {
            found = r.mailbox(*id);
        }
        return found;
    });
    if (!record) {
        throw failure(record.error(), Operation::Select);
    }
    if (!*record) {
        throw no("NONEXISTENT", "Mailbox does not exist");
    }
    Response response = respond();
    detail::write_status(response, *name, **record, status.items, config_.max_append_size);
    co_return;
}

}  // namespace govmail::imap
