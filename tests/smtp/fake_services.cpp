#include "tests/smtp/fake_services.hpp"

#include <algorithm>
#include <stdexcept>

namespace govmail::test {
namespace {

constexpr std::string_view kDomain = "test.gov.vn";

struct FakeAccount {
    std::uint64_t id;
    std::string_view login;
    std::string_view password;
    std::vector<std::string_view> addresses;  // the login first, then aliases and unit addresses
};

const std::vector<FakeAccount>& accounts() {
    static const std::vector<FakeAccount> list = {
        {1,
         "alice@test.gov.vn",
         "alice-pw",
         {"alice@test.gov.vn", "a.nguyen@test.gov.vn", "vanthu@test.gov.vn"}},
        {2, "bob@test.gov.vn", "bob-pw", {"bob@test.gov.vn"}},
        {3, "locked@test.gov.vn", "locked-pw", {"locked@test.gov.vn"}},
        {4, "thư@test.gov.vn", "thư-pw", {"thư@test.gov.vn"}},
    };
    return list;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

const FakeAccount* account_by_id(std::uint64_t id) {
    for (const FakeAccount& account : accounts()) {
        if (account.id == id) {
            return &account;
        }
    }
    return nullptr;
}

bool owns(const smtp::Client& client, std::string_view address) {
    const FakeAccount* account = client.account ? account_by_id(client.account->id) : nullptr;
    if (account == nullptr) {
        return false;
    }
    return std::ranges::any_of(account->addresses, [&](std::string_view mine) {
        return lower(mine) == lower(address);
    });
}

// The address of the From field of the message header; crude, enough for the fake.
std::string from_header(std::string_view message) {
    std::string_view header = message.substr(0, message.find("\r\n\r\n"));
    std::size_t at = 0;
    while (at < header.size()) {
        std::size_t end = header.find("\r\n", at);
        std::string_view line = header.substr(at, end - at);
        if (lower(line.substr(0, 5)) == "from:") {
            std::string_view value = line.substr(5);
            std::size_t open = value.find('<');
            std::size_t close = value.find('>');
            if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
                return std::string(value.substr(open + 1, close - open - 1));
            }
            while (!value.empty() && value.front() == ' ') {
                value.remove_prefix(1);
            }
            return std::string(value);
        }
        if (end == std::string_view::npos) {
            break;
        }
        at = end + 2;
    }
    return {};
}

bool header_has(std::string_view message, std::string_view field) {
    std::string_view header = message.substr(0, message.find("\r\n\r\n"));
    return header.find(field) != std::string_view::npos;
}

}  // namespace

void FakeServices::set_rate_limit(std::size_t limit) {
    std::lock_guard lock(mutex_);
    rate_limit_ = limit;
}

std::vector<FakeServices::Delivery> FakeServices::deliveries() const {
    std::lock_guard lock(mutex_);
    return deliveries_;
}

std::vector<events::ActivityEvent> FakeServices::events() const {
    std::lock_guard lock(mutex_);
    return events_;
}

std::string FakeServices::target_name(const std::any& target) {
    const auto* name = std::any_cast<std::string>(&target);
    return name == nullptr ? "?" : *name;
}

void FakeServices::record(const events::ActivityEvent& event) noexcept {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
}

smtp::asio::awaitable<smtp::AuthAnswer> FakeServices::authenticate(
    smtp::Client, std::string user, std::string password
) {
    smtp::AuthAnswer answer;
    if (lower(user) == "tempfail@test.gov.vn") {
        answer.result = smtp::AuthResult::TemporaryFailure;
        co_return answer;
    }
    for (const FakeAccount& account : accounts()) {
        if (lower(account.login) == lower(user) && account.password == password) {
            if (account.id == 3) {
                answer.result = smtp::AuthResult::Disabled;
            } else {
                answer.result = smtp::AuthResult::Ok;
                answer.account = smtp::Account{account.id, std::string(account.login)};
            }
        }
    }
    co_return answer;
}

smtp::asio::awaitable<smtp::SenderAnswer> FakeServices::check_sender(
    smtp::Client client, smtp::ReversePath sender
) {
    smtp::SenderAnswer answer;
    if (client.account) {
        if (sender.null() || !owns(client, sender.mailbox->to_string())) {
            answer.result = smtp::SenderResult::NotOwned;
        }
        co_return answer;
    }
    const std::string address = sender.null() ? "" : lower(sender.mailbox->to_string());
    if (address == "spammer@blocked.example") {
        answer.result = smtp::SenderResult::Refused;
    } else if (address == "slow@directory.example") {
        answer.result = smtp::SenderResult::TemporaryFailure;
    }
    co_return answer;
}

smtp::asio::awaitable<smtp::RecipientAnswer> FakeServices::check_recipient(
    smtp::Client client, smtp::ReversePath, smtp::Mailbox recipient
) {
    smtp::RecipientAnswer answer;
    const std::string local = lower(recipient.local_part);
    if (recipient.is_postmaster()) {
        answer.result = smtp::RecipientResult::Ok;
        answer.target = std::string("postmaster");
        co_return answer;
    }
    if (recipient.domain != kDomain) {
        std::lock_guard lock(mutex_);
        if (!client.account) {
            answer.result = smtp::RecipientResult::RelayDenied;
        } else if (remote_accepted_ >= rate_limit_) {
            answer.result = smtp::RecipientResult::RateLimited;
        } else {
            ++remote_accepted_;
            answer.result = smtp::RecipientResult::Ok;
            answer.target = std::string("remote");
        }
        co_return answer;
    }
    for (const FakeAccount& account : accounts()) {
        for (std::string_view address : account.addresses) {
            if (lower(address) == local + "@" + std::string(kDomain) && account.id != 3) {
                answer.result = smtp::RecipientResult::Ok;
                answer.target = "account:" + std::to_string(account.id);
                answer.own_account = client.account && client.account->id == account.id;
                co_return answer;
            }
        }
    }
    answer.result = smtp::RecipientResult::Ok;
    answer.target = local;
    if (local == "postmaster" || local == "full" || local == "later" || local == "gone") {
        co_return answer;
    }
    if (local == "group") {
        if (!client.account || client.account->id != 1) {
            answer.result = smtp::RecipientResult::Refused;
            answer.reason = "only members of group@test.gov.vn may send to it";
        }
    } else if (local == "quota") {
        answer.result = smtp::RecipientResult::MailboxFull;
    } else if (local == "disabled") {
        answer.result = smtp::RecipientResult::Disabled;
    } else if (local == "directory-down") {
        answer.result = smtp::RecipientResult::TemporaryFailure;
    } else {
        answer.result = smtp::RecipientResult::Unknown;
    }
    co_return answer;
}

smtp::asio::awaitable<smtp::DeliveryAnswer> FakeServices::deliver(
    smtp::Envelope envelope, std::string message
) {
    smtp::DeliveryAnswer answer;
    if (header_has(message, "X-Test: throw")) {
        throw std::runtime_error("fake store failure");
    }
    if (header_has(message, "X-Test: tempfail")) {
        answer.result = smtp::MessageResult::TemporaryFailure;
        co_return answer;
    }
    if (envelope.client.account && !owns(envelope.client, from_header(message))) {
        answer.result = smtp::MessageResult::FromNotOwned;
        co_return answer;
    }
    bool stored = false;
    for (const smtp::Recipient& recipient : envelope.recipients) {
        std::string target = target_name(recipient.target);
        if (target == "full") {
            answer.recipients.push_back(smtp::Outcome::MailboxFull);
        } else if (target == "later") {
            answer.recipients.push_back(smtp::Outcome::TemporaryFailure);
        } else if (target == "gone") {
            answer.recipients.push_back(smtp::Outcome::Failed);
        } else {
            answer.recipients.push_back(smtp::Outcome::Accepted);
            stored = true;
        }
    }
    if (!stored) {
        co_return answer;  // the contract: nothing stored unless someone accepted it
    }
    std::lock_guard lock(mutex_);
    deliveries_.push_back(Delivery{std::move(envelope), std::move(message)});
    answer.id = "M" + std::to_string(deliveries_.size());
    co_return answer;
}

}  // namespace govmail::test
