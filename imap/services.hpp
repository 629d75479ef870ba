#pragma once
// What an IMAP session reaches outside itself: the mail store, the directory (logins), the
// activity sink (usage reporting) and the per-account connection counter. The daemon builds one
// Services for both IMAP listeners (daemon/imap_service.cpp); tests build one over a mail store
// in a temporary directory.
//
//     imap::AccountConnections connections;
//     imap::Services services{*shared.store, *shared.directory, *shared.activity, connections};
//     auto handler = std::make_shared<imap::Handler>(config, services, tls);
//
// Every member must outlive the sessions that use it. All of them are thread-safe.

#include "core/events.hpp"
#include "directory/directory.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace govmail::imap {

// Counts the authenticated IMAP connections of each account, so that one account cannot hold
// more than [imap] max_connections_per_user of them (a runaway client, a leaked password).
//
//     auto slot = connections.acquire(account_id, 50);
//     if (!slot) reply("NO [LIMIT] ...");       // the 51st connection
//     // the slot is released when it is destroyed (logout, disconnect)
//
// Thread-safe: sessions on every I/O thread acquire and release slots.
class AccountConnections {
public:
    class Slot {
    public:
        Slot() = default;
        Slot(Slot&& other) noexcept;
        Slot& operator=(Slot&& other) noexcept;
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        ~Slot();

        explicit operator bool() const { return owner_ != nullptr; }

    private:
        friend class AccountConnections;

        Slot(AccountConnections* owner, std::uint64_t account)
            : owner_(owner)
            , account_(account) {}

        void release();

        AccountConnections* owner_ = nullptr;
        std::uint64_t account_ = 0;
    };

    AccountConnections() = default;
    AccountConnections(const AccountConnections&) = delete;
    AccountConnections& operator=(const AccountConnections&) = delete;

    // A slot for one more connection of `account`, or nullopt when it already has `max`.
    [[nodiscard]] std::optional<Slot> acquire(std::uint64_t account, std::uint32_t max);

    // Connections `account` holds now.
    std::uint32_t count(std::uint64_t account) const;

private:
    void release(std::uint64_t account);

    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, std::uint32_t> counts_;
};

struct Services {
    store::MailStore& store;
    directory::Directory& directory;
    events::ActivitySink& activity;
    AccountConnections& connections;
};

}  // namespace govmail::imap
