#pragma once
// What every directory component shares: the mail store (its environment, writer and account
// storage), the password hasher, the databases, the settings from the configuration, and the clock.
//
//     directory::Context ctx(mail_store, hasher, directory::Settings::from(config));
//     directory::Directory dir(ctx);     // protocols
//     directory::Admin admin(ctx);       // govmailctl, admin pages
//
// read() runs a function over a View in one short read transaction; write() runs an operation
// `T op(Mutator&, store::WriteScope&)` on the writer thread inside its own child transaction:
// if it throws DirectoryException the child transaction is aborted (the operation leaves no
// trace) and the error comes back as the DirResult's error; otherwise it commits with the batch.
//
// Construct before the writer runs other databases' operations (Dbs::open opens databases).
// The Context must outlive everything built on it. Thread-safe.

#include "core/config.hpp"
#include "core/password.hpp"
#include "directory/error.hpp"
#include "directory/schema.hpp"
#include "store/store.hpp"
#include "store/writer.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

namespace govmail::directory {

// The parts of the configuration the directory uses.
struct Settings {
    std::vector<std::string> domains;  // hosted domains; the first is the primary one
    DirectoryConfig directory;
    PolicyConfig policy;

    static Settings from(const Config& config) {
        return {config.domains, config.directory, config.policy};
    }

    const std::string& primary_domain() const { return domains.front(); }

    bool hosts(std::string_view domain) const;
};

using Clock = std::function<Time()>;

// Seconds since the epoch from the system clock.
Time system_now();

class Context {
public:
    Context(
        store::MailStore& mail_store,
        password::Hasher& hasher,
        Settings settings,
        Clock clock = system_now
    );

    store::MailStore& mail_store;  // account storage: provisioned and removed with accounts
    store::Env& env;
    store::Writer& writer;
    password::Hasher& hasher;
    const Dbs dbs;
    const Settings settings;
    const Clock now;

    template <typename Fn>
    auto read(Fn&& fn) const {
        return env.read([&](const store::ReadTxn& txn) { return fn(View(txn, dbs)); });
    }

    template <typename Op>
    using WriteValue = std::invoke_result_t<Op&, Mutator&, store::WriteScope&>;

    // Blocking: runs `op` on the writer thread and waits for the durable commit.
    template <typename Op>
    DirResult<WriteValue<Op>> write(Op op) {
        return flatten<WriteValue<Op>>(writer.execute(wrap(std::move(op))));
    }

    // The same from a coroutine.
    template <typename Op>
    net::asio::awaitable<DirResult<WriteValue<Op>>> async_write(Op op) {
        // The awaitable is made in its own statement: g++ 12 destroys temporaries twice when a
        // capturing lambda and co_await share one full-expression.
        auto committing = writer.submit(wrap(std::move(op)));
        auto outcome = co_await std::move(committing);
        co_return flatten<WriteValue<Op>>(std::move(outcome));
    }

private:
    template <typename Op>
    auto wrap(Op op) {
        using T = WriteValue<Op>;
        return [this, op = std::move(op)](store::WriteScope& scope) mutable -> DirResult<T> {
            store::WriteTxn child = scope.txn().child();
            std::vector<store::MailboxChange> changes;
            store::WriteScope inner(child, changes);
            Mutator m(child, dbs);
            try {
                if constexpr (std::is_void_v<T>) {
                    op(m, inner);
                    child.commit();
                    for (const auto& change : changes) {
                        scope.changed(change);
                    }
                    return {};
                } else {
                    T value = op(m, inner);
                    child.commit();
                    for (const auto& change : changes) {
                        scope.changed(change);
                    }
                    return value;
                }
            } catch (const DirectoryException& e) {
                return e.error();  // `child` aborts on destruction
            }
        };
    }

    template <typename T>
    static DirResult<T> flatten(store::StoreResult<DirResult<T>> outcome) {
        if (!outcome) {
            return from_store(outcome.error());
        }
        return std::move(*outcome);
    }
};

}  // namespace govmail::directory
