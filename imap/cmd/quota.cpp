// QUOTA (RFC 9208) with the STORAGE resource: one quota root per account, named "" (the whole
// account, every mailbox counted). Quotas are set by administrators (govmailctl user quota), so
// SETQUOTA is refused.

#include "imap/detail/session_state.hpp"

namespace govmail::imap {
namespace {

// RFC 9208 5.1: STORAGE in units of 1024 octets, rounded up.
std::uint64_t kibibytes(std::uint64_t bytes) {
    return (bytes + 1023) / 1024;
}

}  // namespace

asio::awaitable<void> Session::cmd_getquota(TaggedCommand& command) {
    auto& get = std::get<GetQuota>(command.command);
    auto storage =
        services_.store.read([&](const store::StoreReader& r) { return r.account(account_id()); });
    if (!storage) {
        throw failure(storage.error(), Operation::Other);
    }
    if (!get.root.empty() || !*storage || (*storage)->quota == 0) {
        throw no("NONEXISTENT", "No such quota root");
    }
    Response response = untagged().atom("QUOTA").string("").open();
    response.atom("STORAGE").number(kibibytes((*storage)->used_bytes));
    response.number((*storage)->quota / 1024).close().end();
    co_return;
}

asio::awaitable<void> Session::cmd_getquotaroot(TaggedCommand& command) {
    auto& get = std::get<GetQuotaRoot>(command.command);
    auto name = store::normalize_mailbox_name(get.mailbox);

    struct Found {
        bool exists = false;
        std::optional<store::AccountStorage> storage;
    };

    auto found = services_.store.read([&](const store::StoreReader& r) {
        return Found{
            name && r.find_mailbox(account_id(), *name).has_value(), r.account(account_id())};
    });
    if (!found) {
        throw failure(found.error(), Operation::Select);
    }
    if (!found->exists) {
        throw no("NONEXISTENT", "Mailbox does not exist");
    }
    const bool limited = found->storage && found->storage->quota != 0;
    // RFC 9208 4.3: the roots of the mailbox (none when the account has no limit), then each.
    Response roots = untagged().atom("QUOTAROOT").mailbox(*name);
    if (limited) {
        roots.string("");
    }
    roots.end();
    if (limited) {
        Response response = untagged().atom("QUOTA").string("").open();
        response.atom("STORAGE").number(kibibytes(found->storage->used_bytes));
        response.number(found->storage->quota / 1024).close().end();
    }
    co_return;
}

asio::awaitable<void> Session::cmd_setquota(TaggedCommand& /*command*/) {
    // RFC 9208 4.1: a user may not change their own limits.
    throw no("NOPERM", "Quotas are set by the administrator");
    co_return;
}

}  // namespace govmail::imap
