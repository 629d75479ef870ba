#include "imap/services.hpp"

#include <utility>

namespace govmail::imap {

AccountConnections::Slot::Slot(Slot&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr))
    , account_(other.account_) {}

AccountConnections::Slot& AccountConnections::Slot::operator=(Slot&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
        account_ = other.account_;
    }
    return *this;
}

AccountConnections::Slot::~Slot() {
    release();
}

void AccountConnections::Slot::release() {
    if (owner_ != nullptr) {
        std::exchange(owner_, nullptr)->release(account_);
    }
}

std::optional<AccountConnections::Slot> AccountConnections::acquire(
    std::uint64_t account, std::uint32_t max
) {
    std::lock_guard lock(mutex_);
    std::uint32_t& count = counts_[account];
    if (count >= max) {
        if (count == 0) {
            counts_.erase(account);
        }
        return std::nullopt;
    }
    ++count;
    return Slot(this, account);
}

std::uint32_t AccountConnections::count(std::uint64_t account) const {
    std::lock_guard lock(mutex_);
    auto found = counts_.find(account);
    return found == counts_.end() ? 0 : found->second;
}

void AccountConnections::release(std::uint64_t account) {
    std::lock_guard lock(mutex_);
    auto found = counts_.find(account);
    if (found != counts_.end() && --found->second == 0) {
        counts_.erase(found);
    }
}

}  // namespace govmail::imap
