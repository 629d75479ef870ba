#include "store/store.hpp"

namespace govmail::store {

using net::asio::awaitable;

MailStore::Options MailStore::options_for(const Config& config) {
    Options options;
    options.path = config.data_dir / "store";
    options.map_size = config.store.map_size;
    options.max_map_size = config.store.max_map_size;
    return options;
}

MailStore::MailStore(const Options& options)
    : options_(options) {}

std::unique_ptr<MailStore> MailStore::open(const Options& options) {
    if (options.settings.chunk_size < kMinChunkSize ||
        options.settings.chunk_size > kMaxChunkSize) {
        throw StoreException(Errc::Invalid, "blob chunk size out of range");
    }
    std::unique_ptr<MailStore> store(new MailStore(options));
    store->env_ = Env::open(
        {.path = options.path, .map_size = options.map_size, .max_map_size = options.max_map_size}
    );
    store->schema_ = Schema::open(*store->env_);
    store->writer_ = std::make_unique<Writer>(*store->env_, store->feed_, options.writer);
    return store;
}

MailStore::~MailStore() {
    if (writer_) {
        writer_->stop();
    }
}

awaitable<StoreResult<ProvisionResult>> MailStore::provision_account(
    AccountId account, std::uint64_t quota
) {
    co_return co_await write([&](StoreWriter& w) { return w.provision_account(account, quota); });
}

awaitable<StoreResult<void>> MailStore::set_quota(AccountId account, std::uint64_t quota) {
    co_return co_await write([&](StoreWriter& w) { w.set_quota(account, quota); });
}

awaitable<StoreResult<std::uint64_t>> MailStore::remove_account(AccountId account) {
    co_return co_await write([&](StoreWriter& w) { return w.remove_account(account); });
}

awaitable<StoreResult<MailboxId>> MailStore::create_mailbox(
    AccountId account, std::string name, SpecialUse special_use
) {
    co_return co_await write([&](StoreWriter& w) {
        return w.create_mailbox(account, name, special_use);
    });
}

awaitable<StoreResult<void>> MailStore::rename_mailbox(
    AccountId account, std::string from, std::string to
) {
    co_return co_await write([&](StoreWriter& w) { w.rename_mailbox(account, from, to); });
}

awaitable<StoreResult<void>> MailStore::delete_mailbox(AccountId account, std::string name) {
    co_return co_await write([&](StoreWriter& w) { w.delete_mailbox(account, name); });
}

awaitable<StoreResult<bool>> MailStore::subscribe(AccountId account, std::string name) {
    co_return co_await write([&](StoreWriter& w) { return w.subscribe(account, name); });
}

awaitable<StoreResult<bool>> MailStore::unsubscribe(AccountId account, std::string name) {
    co_return co_await write([&](StoreWriter& w) { return w.unsubscribe(account, name); });
}

awaitable<StoreResult<std::vector<StoreResult<Appended>>>> MailStore::deliver(
    PreparedMessage message, std::vector<DeliveryTarget> targets, UnixTime internal_date
) {
    co_return co_await write([&](StoreWriter& w) {
        return w.deliver(message, targets, internal_date);
    });
}

awaitable<StoreResult<Appended>> MailStore::append(
    MailboxId mailbox, PreparedMessage message, AppendOptions options
) {
    co_return co_await write([&](StoreWriter& w) { return w.append(mailbox, message, options); });
}

awaitable<StoreResult<FlagResult>> MailStore::store_flags(
    MailboxId mailbox, std::vector<UidRange> uids, FlagUpdate update
) {
    co_return co_await write([&](StoreWriter& w) { return w.store_flags(mailbox, uids, update); });
}

awaitable<StoreResult<CopyResult>> MailStore::copy(
    MailboxId from, std::vector<UidRange> uids, MailboxId to
) {
    co_return co_await write([&](StoreWriter& w) { return w.copy(from, uids, to); });
}

awaitable<StoreResult<MoveResult>> MailStore::move(
    MailboxId from, std::vector<UidRange> uids, MailboxId to
) {
    co_return co_await write([&](StoreWriter& w) { return w.move(from, uids, to); });
}

awaitable<StoreResult<ExpungeResult>> MailStore::expunge(
    MailboxId mailbox, std::optional<std::vector<UidRange>> uids
) {
    co_return co_await write([&](StoreWriter& w) {
        if (uids) {
            return w.expunge(mailbox, std::span<const UidRange>(*uids));
        }
        return w.expunge(mailbox);
    });
}

awaitable<StoreResult<std::optional<UidRange>>> MailStore::claim_recent(MailboxId mailbox) {
    auto pending = read([&](const StoreReader& r) -> std::optional<bool> {
        auto record = r.mailbox(mailbox);
        if (!record) {
            return std::nullopt;
        }
        return record->first_recent_uid < record->uidnext;
    });
    if (!pending) {
        co_return pending.error();
    }
    if (!*pending) {
        co_return make_error_code(Errc::NotFound);
    }
    if (!**pending) {
        co_return std::optional<UidRange>();
    }
    co_return co_await write([&](StoreWriter& w) { return w.claim_recent(mailbox); });
}

}  // namespace govmail::store
