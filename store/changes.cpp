#include "store/changes.hpp"

#include <algorithm>

namespace govmail::store {

ChangeFeed::Subscription::Subscription(Subscription&& other) noexcept
    : feed_(other.feed_)
    , account_id_(other.account_id_)
    , id_(other.id_) {
    other.feed_ = nullptr;
}

ChangeFeed::Subscription& ChangeFeed::Subscription::operator=(Subscription&& other) noexcept {
    if (this != &other) {
        if (feed_ != nullptr) {
            feed_->unsubscribe(account_id_, id_);
        }
        feed_ = other.feed_;
        account_id_ = other.account_id_;
        id_ = other.id_;
        other.feed_ = nullptr;
    }
    return *this;
}

ChangeFeed::Subscription::~Subscription() {
    if (feed_ != nullptr) {
        feed_->unsubscribe(account_id_, id_);
    }
}

ChangeFeed::Subscription ChangeFeed::subscribe(std::uint64_t account_id, Listener listener) {
    std::lock_guard lock(mutex_);
    std::uint64_t id = next_id_++;
    listeners_[account_id].push_back(Entry{id, std::move(listener)});
    ++count_;
    return Subscription(this, account_id, id);
}

void ChangeFeed::unsubscribe(std::uint64_t account_id, std::uint64_t id) {
    std::lock_guard lock(mutex_);
    auto found = listeners_.find(account_id);
    if (found == listeners_.end()) {
        return;
    }
    auto& entries = found->second;
    auto removed =
        std::remove_if(entries.begin(), entries.end(), [id](const Entry& e) { return e.id == id; });
    count_ -= static_cast<std::size_t>(entries.end() - removed);
    entries.erase(removed, entries.end());
    if (entries.empty()) {
        listeners_.erase(found);
    }
}

void ChangeFeed::publish(std::span<const MailboxChange> changes) {
    std::lock_guard lock(mutex_);
    for (const MailboxChange& change : changes) {
        auto found = listeners_.find(change.account_id);
        if (found == listeners_.end()) {
            continue;
        }
        for (const Entry& entry : found->second) {
            entry.listener(change);
        }
    }
}

std::size_t ChangeFeed::subscriber_count() const {
    std::lock_guard lock(mutex_);
    return count_;
}

}  // namespace govmail::store
