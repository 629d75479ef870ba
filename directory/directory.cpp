#include "directory/directory.hpp"

#include "core/log.hpp"
#include "directory/names.hpp"
#include "store/reader.hpp"

#include <algorithm>
#include <future>

namespace govmail::directory {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

// RFC 5233 subaddress: "local+detail@domain" -> "local@domain"; nullopt when there is none.
std::optional<std::string> without_detail(std::string_view address) {
    std::size_t at = address.rfind('@');
    std::size_t plus = address.find('+');
    if (at == std::string_view::npos || plus == std::string_view::npos || plus > at) {
        return std::nullopt;
    }
    return std::string(address.substr(0, plus)) + std::string(address.substr(at));
}

// The live address record for `address`, trying the address without its subaddress too.
std::optional<AddressTarget> lookup(const View& v, std::string_view address) {
    std::string key = lower(address);
    if (auto target = v.address(key)) {
        return target;
    }
    if (auto base = without_detail(key)) {
        return v.address(*base);
    }
    return std::nullopt;
}

std::int64_t seconds(std::chrono::milliseconds duration) {
    return std::chrono::duration_cast<std::chrono::seconds>(duration).count();
}

const char* protocol_name(events::Protocol protocol) {
    switch (protocol) {
        case events::Protocol::Imap:
            return "imap";
        case events::Protocol::Smtp:
            return "smtp";
        case events::Protocol::Webmail:
            return "webmail";
    }
    return "unknown";
}

}  // namespace

Directory::Directory(Context& context)
    : context_(context) {}

Directory::~Directory() {
    bookkeeping_.join();
}

Directory::Attempt Directory::prepare(std::string_view login) const {
    Attempt attempt;
    attempt.login = lower(login);
    attempt.account = context_.read([&](const View& v) -> std::optional<Account> {
        auto target = v.address(attempt.login);
        if (!target ||
            (target->kind != AddressKind::Account && target->kind != AddressKind::Alias)) {
            return std::nullopt;
        }
        return v.account(target->id);
    });
    if (attempt.account && !attempt.account->password_hash.empty()) {
        attempt.hash = attempt.account->password_hash;
    }
    return attempt;
}

std::optional<AccountInfo> Directory::conclude(
    const Attempt& attempt, bool password_ok, std::string_view password, const Peer& peer
) {
    auto refuse = [&](const char* reason) -> std::optional<AccountInfo> {
        log::info(
            "auth.refused",
            {{"login", attempt.login},
             {"reason", reason},
             {"peer", peer.address},
             {"protocol", protocol_name(peer.protocol)}}
        );
        return std::nullopt;
    };
    if (!attempt.account) {
        return refuse("unknown-user");
    }
    const Account& account = *attempt.account;
    if (!attempt.hash) {
        return refuse("no-password");
    }
    if (!password_ok) {
        record_outcome(account.id, Outcome::Failure);
        return refuse("wrong-password");
    }
    if (account.state != AccountState::Active) {
        return refuse(account.state == AccountState::Locked ? "locked" : "disabled");
    }
    const PolicyConfig& policy = context_.settings.policy;
    Time now = context_.now();
    Time age = now - account.password_changed_at;
    if (account.must_change_password && policy.initial_password_max_age.count() > 0 &&
        age > seconds(policy.initial_password_max_age)) {
        record_outcome(account.id, Outcome::InitialPasswordExpired);
        return refuse("initial-password-expired");
    }
    if (account.failed_logins > 0) {
        record_outcome(account.id, Outcome::Success);
    }
    password::Params params = context_.hasher.params();
    if (password::needs_rehash(*attempt.hash, params)) {
        rehash(account.id, std::string(password));
    }
    auto info = this->account(account.id);
    if (!info) {
        return refuse("deleted");
    }
    info->must_change_password =
        account.must_change_password ||
        (policy.password_max_age.count() > 0 && age > seconds(policy.password_max_age));
    return info;
}

void Directory::record_outcome(Id account, Outcome outcome) {
    net::asio::post(bookkeeping_, [this, account, outcome] {
        std::uint32_t threshold = context_.settings.policy.lock_after_failures;
        auto result = context_.write([&](Mutator& m, store::WriteScope&) {
            auto stored = m.account(account);
            if (!stored) {
                return;
            }
            switch (outcome) {
                case Outcome::Success:
                    stored->failed_logins = 0;
                    break;
                case Outcome::Failure:
                    ++stored->failed_logins;
                    if (threshold > 0 && stored->failed_logins >= threshold &&
                        stored->state == AccountState::Active) {
                        stored->state = AccountState::Locked;
                        stored->lock_reason = LockReason::FailedLogins;
                        log::warn(
                            "auth.locked",
                            {{"account", stored->address}, {"failures", stored->failed_logins}}
                        );
                    }
                    break;
                case Outcome::InitialPasswordExpired:
                    stored->state = AccountState::Locked;
                    stored->lock_reason = LockReason::InitialPassword;
                    log::warn("auth.locked", {{"account", stored->address}, {"reason", "initial"}});
                    break;
            }
            m.put_account(*stored);
        });
        if (!result) {
            log::error("auth.bookkeeping_failed", {{"error", result.error().message}});
        }
    });
}

void Directory::rehash(Id account, std::string password) {
    net::asio::post(bookkeeping_, [this, account, password = std::move(password)] {
        std::string fresh = context_.hasher.hash(password);
        auto result = context_.write([&](Mutator& m, store::WriteScope&) {
            if (auto stored = m.account(account)) {
                stored->password_hash = fresh;
                m.put_account(*stored);
            }
        });
        if (!result) {
            log::error("auth.rehash_failed", {{"error", result.error().message}});
        }
    });
}

net::asio::awaitable<std::optional<AccountInfo>> Directory::authenticate(
    std::string login, std::string password, Peer peer
) {
    Attempt attempt = prepare(login);
    // Awaitables are made in their own statements (g++ 12 destroys temporaries of a co_await
    // full-expression twice).
    auto verifying = context_.hasher.async_verify(attempt.hash, password);
    bool ok = co_await std::move(verifying);
    co_return conclude(attempt, ok, password, peer);
}

std::optional<AccountInfo> Directory::authenticate_blocking(
    std::string_view login, std::string_view password, const Peer& peer
) {
    Attempt attempt = prepare(login);
    bool ok = context_.hasher.verify(
        attempt.hash ? std::optional<std::string_view>(*attempt.hash) : std::nullopt, password
    );
    return conclude(attempt, ok, password, peer);
}

net::asio::awaitable<DirResult<void>> Directory::change_password(
    Id account, std::string old_password, std::string new_password
) {
    auto stored = context_.read([&](const View& v) { return v.account(account); });
    std::optional<std::string> hash;
    if (stored && !stored->password_hash.empty()) {
        hash = stored->password_hash;
    }
    auto verifying = context_.hasher.async_verify(hash, old_password);
    bool ok = co_await std::move(verifying);
    if (!stored || !ok || stored->state != AccountState::Active) {
        if (stored && hash && !ok) {
            record_outcome(account, Outcome::Failure);
        }
        co_return Error{Errc::Invalid, "the current password is wrong"};
    }
    if (new_password.size() < context_.settings.policy.password_min_length) {
        co_return Error{
            Errc::Invalid,
            "the new password must have at least " +
                std::to_string(context_.settings.policy.password_min_length) + " characters"};
    }
    if (new_password == old_password) {
        co_return Error{Errc::Invalid, "the new password must differ from the current one"};
    }
    auto hashing = context_.hasher.async_hash(new_password);
    std::string fresh = co_await std::move(hashing);
    Time now = context_.now();
    auto store_password = [account, fresh, now](Mutator& m, store::WriteScope&) {
        auto current = m.account(account);
        if (!current) {
            fail(Errc::NotFound, "the account no longer exists");
        }
        current->password_hash = fresh;
        current->must_change_password = false;
        current->password_changed_at = now;
        current->failed_logins = 0;
        m.put_account(*current);
    };
    auto writing = context_.async_write(std::move(store_password));
    co_return co_await std::move(writing);
}

std::optional<AccountInfo> Directory::account(Id id) const {
    return context_.read([&](const View& v) -> std::optional<AccountInfo> {
        auto account = v.account(id);
        if (!account) {
            return std::nullopt;
        }
        AccountInfo info;
        info.id = account->id;
        info.address = account->address;
        info.roles = account->roles;
        info.state = account->state;
        info.must_change_password = account->must_change_password;
        info.quota = account->quota;
        if (auto person = v.person(account->person)) {
            info.name = person->name.full;
            info.unit = person->unit;
        }
        return info;
    });
}

std::optional<AccountInfo> Directory::find_account(std::string_view address) const {
    auto target = context_.read([&](const View& v) { return lookup(v, address); });
    if (!target || (target->kind != AddressKind::Account && target->kind != AddressKind::Alias)) {
        return std::nullopt;
    }
    return account(target->id);
}

std::optional<Recipients> Directory::resolve(std::string_view address) const {
    return context_.read([&](const View& v) -> std::optional<Recipients> {
        auto target = lookup(v, address);
        if (!target) {
            return std::nullopt;
        }
        Recipients out;
        out.kind = target->kind;
        out.id = target->id;
        switch (target->kind) {
            case AddressKind::Account:
            case AddressKind::Alias:
                if (!v.account(target->id)) {
                    return std::nullopt;
                }
                out.accounts.push_back(target->id);
                break;
            case AddressKind::Group: {
                auto group = v.group(target->id);
                if (!group) {
                    return std::nullopt;
                }
                out.accounts = v.expand_group(*group);
                break;
            }
            case AddressKind::Unit: {
                if (!v.unit(target->id)) {
                    return std::nullopt;
                }
                out.accounts = v.accounts_with_role(target->id, kRoleUnitClerk);
                if (out.accounts.empty()) {
                    out.accounts = v.accounts_with_role(target->id, kRoleUnitAdmin);
                }
                std::ranges::sort(out.accounts);
                break;
            }
        }
        store::StoreReader mail(v.txn(), context_.mail_store.schema());
        out.inboxes.reserve(out.accounts.size());
        for (Id account : out.accounts) {
            out.inboxes.push_back(mail.find_mailbox(account, "INBOX").value_or(0));
        }
        return out;
    });
}

bool Directory::may_send_as(Id account, std::string_view address) const {
    return context_.read([&](const View& v) {
        auto target = v.address(lower(address));
        if (!target) {
            return false;
        }
        switch (target->kind) {
            case AddressKind::Account:
            case AddressKind::Alias:
                return target->id == account;
            case AddressKind::Unit: {
                auto a = v.account(account);
                auto p = a ? v.person(a->person) : std::nullopt;
                return p && p->unit == target->id && p->status == PersonStatus::Active &&
                       (a->roles & kRoleUnitClerk) != 0;
            }
            case AddressKind::Group:
                return false;
        }
        return false;
    });
}

bool Directory::may_send_to(std::optional<Id> sender_account, std::string_view recipient) const {
    return context_.read([&](const View& v) {
        auto target = lookup(v, recipient);
        if (!target || target->kind != AddressKind::Group) {
            return true;
        }
        auto group = v.group(target->id);
        if (!group || group->policy == SendPolicy::Anyone) {
            return true;
        }
        if (!sender_account) {
            return false;
        }
        switch (group->policy) {
            case SendPolicy::Anyone:
                return true;
            case SendPolicy::Members: {
                std::vector<Id> members = v.expand_group(*group);
                return std::ranges::binary_search(members, *sender_account);
            }
            case SendPolicy::Senders: {
                std::vector<Id> senders = v.group_senders(group->id);
                return std::ranges::find(senders, *sender_account) != senders.end();
            }
            case SendPolicy::UnitClerks: {
                std::vector<Id> clerks = v.accounts_with_role(group->unit, kRoleUnitClerk);
                return std::ranges::find(clerks, *sender_account) != clerks.end();
            }
        }
        return false;
    });
}

std::optional<Unit> Directory::unit_of(Id account) const {
    return context_.read([&](const View& v) -> std::optional<Unit> {
        auto a = v.account(account);
        auto p = a ? v.person(a->person) : std::nullopt;
        return p ? v.unit(p->unit) : std::nullopt;
    });
}

bool Directory::is_local_domain(std::string_view domain) const {
    return context_.settings.hosts(lower(domain));
}

void Directory::wait_for_bookkeeping_for_test() {
    std::promise<void> done;
    net::asio::post(bookkeeping_, [&done] { done.set_value(); });
    done.get_future().wait();
}

}  // namespace govmail::directory
