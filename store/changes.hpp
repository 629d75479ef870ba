#pragma once
// The change feed: after each commit the writer publishes which mailboxes changed, so that IMAP
// sessions (selected or in IDLE) and webmail pages learn about new mail, flag changes and
// expunges at once instead of polling.
//
//     auto subscription = feed.subscribe(account_id, [strand, session](const MailboxChange& c) {
//         asio::post(strand, [session, c] { session->wake(c); });   // never work here
//     });
//
// Listeners run on the writer thread, right after a commit: they must only hand the change to
// their own executor (post, cancel a timer) and return. A listener is never called after its
// Subscription was destroyed. Changes made by another process (govmailctl) are not published;
// sessions also re-read the mailbox state at each command and on a slow poll during IDLE.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

namespace govmail::store {

struct MailboxChange {
    std::uint64_t account_id = 0;
    std::uint64_t mailbox_id = 0;
    std::uint64_t highest_modseq = 0;
};

class ChangeFeed {
public:
    using Listener = std::function<void(const MailboxChange&)>;

    class Subscription {
    public:
        Subscription() = default;
        Subscription(Subscription&& other) noexcept;
        Subscription& operator=(Subscription&& other) noexcept;
        Subscription(const Subscription&) = delete;
        ~Subscription();

    private:
        friend class ChangeFeed;

        Subscription(ChangeFeed* feed, std::uint64_t account_id, std::uint64_t id)
            : feed_(feed)
            , account_id_(account_id)
            , id_(id) {}

        ChangeFeed* feed_ = nullptr;
        std::uint64_t account_id_ = 0;
        std::uint64_t id_ = 0;
    };

    // Calls `listener` for every committed change of the account's mailboxes.
    [[nodiscard]] Subscription subscribe(std::uint64_t account_id, Listener listener);

    void publish(std::span<const MailboxChange> changes);

    std::size_t subscriber_count() const;

private:
    void unsubscribe(std::uint64_t account_id, std::uint64_t id);

    struct Entry {
        std::uint64_t id;
        Listener listener;
    };

    // Held while listeners run, so that unsubscribe() returning means "never called again".
    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, std::vector<Entry>> listeners_;
    std::uint64_t next_id_ = 1;
    std::size_t count_ = 0;
};

}  // namespace govmail::store
