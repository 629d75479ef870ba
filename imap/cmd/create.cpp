// CREATE (RFC 9051 6.3.4) with special-use attributes (RFC 6154 3, CREATE-SPECIAL-USE).

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_create(TaggedCommand& command) {
    auto& create = std::get<Create>(command.command);
    std::string name = normalize_name(create.mailbox);
    store::SpecialUse use = store::SpecialUse::None;
    // The store keeps one special-use attribute per mailbox (RFC 6154 3: NO [USEATTR] otherwise).
    if (create.special_use.size() > 1) {
        throw no("USEATTR", "One special-use attribute per mailbox");
    }
    if (!create.special_use.empty()) {
        auto parsed = store::parse_special_use(create.special_use.front());
        if (!parsed) {
            throw no("USEATTR", "Unsupported special-use attribute " + create.special_use.front());
        }
        use = *parsed;
    }
    auto creating = services_.store.create_mailbox(account_id(), std::move(name), use);
    auto created = co_await std::move(creating);
    if (!created) {
        throw failure(created.error(), Operation::Create);
    }
}

}  // namespace govmail::imap
