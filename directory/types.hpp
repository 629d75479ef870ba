#pragma once
// The directory's records, as plain values. Stored encodings live in directory/records.cpp;
// these types are what every caller sees.
//
// Identifiers are 64-bit numbers handed out in increasing order per kind and never reused. Times
// are seconds since the Unix epoch (UTC). Names are Unicode NFC.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::directory {

using Id = std::uint64_t;
using Time = std::int64_t;

enum class UnitKind : std::uint8_t {
    Ministry,
    Province,
    Department,
    District,
    Commune,
    Division,
    Other,
};

// "ministry", "province", "department", "district", "commune", "division", "other".
std::string_view to_string(UnitKind kind);
std::optional<UnitKind> parse_unit_kind(std::string_view text);

// A unit of the organisation tree (DESIGN.md, Directory).
struct Unit {
    Id id = 0;
    std::string code;        // official electronic identifier code; unique (stored upper case)
    std::string name;        // "Sở Thông tin và Truyền thông"
    std::string short_code;  // "stttt": used in addresses, [a-z0-9-]
    UnitKind kind = UnitKind::Other;
    Id parent = 0;  // 0: a root
    Id head = 0;    // person id of the unit's head; 0: none
    // The unit's official address, "stttt@example.gov.vn" or "vp.stttt@example.gov.vn".
    std::string address;
    std::int32_t display_order = 0;  // siblings are listed by (display_order, name)
    Time created_at = 0;
};

enum class PersonStatus : std::uint8_t { Active, Departed };

// A full name and its parts in Vietnamese order: family first, given name last.
// "Tôn Nữ Thị Ngọc Diệp" -> family "Tôn", middle "Nữ Thị Ngọc", given "Diệp".
struct PersonName {
    std::string full;
    std::string family;
    std::string middle;
    std::string given;
};

struct Person {
    Id id = 0;
    PersonName name;
    std::string title;  // "Chuyên viên", "Phó Giám đốc"
    Id unit = 0;
    std::string phone;
    std::string employee_id;  // the HR roster's identifier; empty when unknown; unique
    PersonStatus status = PersonStatus::Active;
    Time departed_at = 0;
    Id account = 0;  // 0: no mailbox
    Time created_at = 0;
};

enum class AccountState : std::uint8_t { Active, Disabled, Locked };

std::string_view to_string(AccountState state);

// Why a locked account was locked (shown to administrators, never to clients).
enum class LockReason : std::uint8_t {
    None,
    Administrator,    // govmailctl user lock
    FailedLogins,     // policy.lock_after_failures consecutive failures
    InitialPassword,  // first password unchanged after policy.initial_password_max_age
    Departed,         // govmailctl user depart
    SendLimit,        // more external recipients than policy.external_send_limit allows
};

std::string_view to_string(LockReason reason);

// Role flags. Every account has User; clerk and admin apply to the account's own unit.
enum Role : std::uint8_t {
    kRoleUser = 1,
    kRoleUnitClerk = 2,   // văn thư: may send as the unit's official address, receives its mail
    kRoleUnitAdmin = 4,   // manages the unit's accounts in the admin pages
    kRoleGlobalAdmin = 8  // manages everything
};

using Roles = std::uint8_t;

// "user,unit-clerk" etc.; parse accepts user, unit-clerk (clerk), unit-admin, global-admin (admin).
std::string roles_to_string(Roles roles);
std::optional<Roles> parse_roles(std::string_view text);

struct Account {
    Id id = 0;
    Id person = 0;
    std::string address;        // primary address, lower case
    std::string password_hash;  // Argon2id PHC string; empty: no password set (cannot log in)
    AccountState state = AccountState::Active;
    LockReason lock_reason = LockReason::None;
    // The current password was set by an administrator (or an import) and must be changed.
    bool must_change_password = true;
    Time password_changed_at = 0;
    std::uint32_t failed_logins = 0;  // consecutive; reset by a successful login
    std::uint64_t quota = 0;          // bytes
    Roles roles = kRoleUser;
    Time created_at = 0;
};

// Who can send to a group.
enum class SendPolicy : std::uint8_t {
    Anyone,      // anybody, including other servers' senders
    Members,     // only accounts the group expands to
    Senders,     // only the group's named senders
    UnitClerks,  // only the clerks of the group's unit
};

std::string_view to_string(SendPolicy policy);
std::optional<SendPolicy> parse_send_policy(std::string_view text);

enum class GroupKind : std::uint8_t {
    Static,  // an explicit list of accounts
    Unit,    // every account of a unit's staff (optionally of its sub-units too)
};

struct Group {
    Id id = 0;
    std::string name;
    std::string address;  // lower case
    GroupKind kind = GroupKind::Static;
    Id unit = 0;  // Unit groups: the unit; Static groups: optional, for the UnitClerks policy
    bool include_subunits = false;
    SendPolicy policy = SendPolicy::Members;
    std::string description;
};

// What a live address points at.
enum class AddressKind : std::uint8_t { Account, Alias, Group, Unit };

std::string_view to_string(AddressKind kind);

struct AddressTarget {
    AddressKind kind = AddressKind::Account;
    Id id = 0;  // account id for Account and Alias, group id, unit id
};

// One period of an account's membership of a unit: [from, to); to == 0 means "still".
struct Membership {
    Id account = 0;
    Id unit = 0;
    Time from = 0;
    Time to = 0;
};

}  // namespace govmail::directory
