#include "directory/types.hpp"

#include "directory/context.hpp"
#include "directory/error.hpp"

#include <array>
#include <utility>

namespace govmail::directory {
namespace {

constexpr std::array<std::pair<UnitKind, std::string_view>, 7> kUnitKinds{{
    {UnitKind::Ministry, "ministry"},
    {UnitKind::Province, "province"},
    {UnitKind::Department, "department"},
    {UnitKind::District, "district"},
    {UnitKind::Commune, "commune"},
    {UnitKind::Division, "division"},
    {UnitKind::Other, "other"},
}};

constexpr std::array<std::pair<SendPolicy, std::string_view>, 4> kPolicies{{
    {SendPolicy::Anyone, "anyone"},
    {SendPolicy::Members, "members"},
    {SendPolicy::Senders, "senders"},
    {SendPolicy::UnitClerks, "unit-clerks"},
}};

constexpr std::array<std::pair<Roles, std::string_view>, 4> kRoles{{
    {kRoleUser, "user"},
    {kRoleUnitClerk, "unit-clerk"},
    {kRoleUnitAdmin, "unit-admin"},
    {kRoleGlobalAdmin, "global-admin"},
}};
}  // namespace

std::string_view to_string(UnitKind kind) {
    for (auto [k, name] : kUnitKinds) {
        if (k == kind) {
            return name;
        }
    }
    return "other";
}

std::optional<UnitKind> parse_unit_kind(std::string_view text) {
    for (auto [k, name] : kUnitKinds) {
        if (name == text) {
            return k;
        }
    }
    return std::nullopt;
}

std::string_view to_string(AccountState state) {
    switch (state) {
        case AccountState::Active:
            return "active";
        case AccountState::Disabled:
            return "disabled";
        case AccountState::Locked:
            return "locked";
    }
    return "unknown";
}

std::string_view to_string(LockReason reason) {
    switch (reason) {
        case LockReason::None:
            return "";
        case LockReason::Administrator:
            return "administrator";
        case LockReason::FailedLogins:
            return "failed-logins";
        case LockReason::InitialPassword:
            return "initial-password-unchanged";
        case LockReason::Departed:
            return "departed";
        case LockReason::SendLimit:
            return "external-send-limit";
    }
    return "unknown";
}

std::string roles_to_string(Roles roles) {
    std::string out;
    for (auto [role, name] : kRoles) {
        if ((roles & role) != 0) {
            if (!out.empty()) {
                out += ',';
            }
            out += name;
        }
    }
    return out;
}

std::optional<Roles> parse_roles(std::string_view text) {
    Roles roles = kRoleUser;
    while (!text.empty()) {
        std::size_t comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        if (item == "clerk") {
            item = "unit-clerk";
        } else if (item == "admin") {
            item = "global-admin";
        }
        bool known = false;
        for (auto [role, name] : kRoles) {
            if (name == item) {
                roles = static_cast<Roles>(roles | role);
                known = true;
            }
        }
        if (!known && !item.empty()) {
            return std::nullopt;
        }
    }
    return roles;
}

std::string_view to_string(SendPolicy policy) {
    for (auto [p, name] : kPolicies) {
        if (p == policy) {
            return name;
        }
    }
    return "members";
}

std::optional<SendPolicy> parse_send_policy(std::string_view text) {
    for (auto [p, name] : kPolicies) {
        if (name == text) {
            return p;
        }
    }
    return std::nullopt;
}

std::string_view to_string(AddressKind kind) {
    switch (kind) {
        case AddressKind::Account:
            return "account";
        case AddressKind::Alias:
            return "alias";
        case AddressKind::Group:
            return "group";
        case AddressKind::Unit:
            return "unit";
    }
    return "unknown";
}

const char* to_string(Errc code) {
    switch (code) {
        case Errc::NotFound:
            return "not found";
        case Errc::Exists:
            return "already exists";
        case Errc::Invalid:
            return "invalid";
        case Errc::InUse:
            return "in use";
        case Errc::Temporary:
            return "temporary failure";
        case Errc::Corrupted:
            return "corrupted record";
    }
    return "unknown error";
}

void throw_exception_from_error(const Error& error, const boost::source_location&) {
    throw DirectoryException(error.code, error.message);
}

Error from_store(boost::system::error_code ec) {
    Errc code = Errc::Temporary;
    if (ec == store::Errc::Corrupted || ec == store::Errc::NewerSchema) {
        code = Errc::Corrupted;
    }
    return {code, "store: " + ec.message()};
}

bool Settings::hosts(std::string_view domain) const {
    for (const std::string& d : domains) {
        if (d == domain) {
            return true;
        }
    }
    return false;
}

Time system_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch()
    )
        .count();
}

Context::Context(
    store::MailStore& mail_store, password::Hasher& hasher, Settings settings, Clock clock
)
    : mail_store(mail_store)
    , env(mail_store.env())
    , writer(mail_store.writer())
    , hasher(hasher)
    , dbs(Dbs::open(env))
    , settings(std::move(settings))
    , now(std::move(clock)) {}

}  // namespace govmail::directory
