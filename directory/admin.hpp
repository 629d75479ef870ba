#pragma once
// Administration of the directory: what govmailctl and the admin pages do. Every change is one
// write operation through the store's Writer (atomic: all of it or nothing), blocking the calling
// thread until it is durable. Refusals come back as DirResult errors with one line of text.
//
//     directory::Admin admin(ctx);
//     auto unit = admin.add_unit({.code = "000.00.15.H29", .name = "Sở Thông tin và Truyền thông",
//                                 .kind = UnitKind::Department});       // short "stttt"
//     auto user = admin.add_user({.full_name = "Nguyễn Ngọc Thanh", .unit_code = "000.00.15.H29",
//                                 .password = "…"});
//     user->account.address == "thanhnn.stttt@example.gov.vn";
//
// Addresses given by callers are matched case-insensitively. Generated addresses use the pattern
// of their domain (DirectoryConfig::pattern_for) and a numeric suffix on collision; no address is
// ever issued twice (dir.issued), even after its account was deleted.
//
// Provisioning an account creates its mail storage (quota and default mailboxes) in the same
// write; deleting one deletes its mail in the same write (directory/mail_storage.hpp).
//
// Thread-safety: any thread, but not the writer thread (the calls block on it).

#include "directory/context.hpp"
#include "directory/search.hpp"
#include "directory/types.hpp"

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace govmail::directory {

struct NewUnit {
    std::string code;
    std::string name;
    std::string short_code;   // empty: default_short_code(name)
    std::string parent_code;  // empty: a root
    UnitKind kind = UnitKind::Other;
    std::int32_t display_order = 0;
};

struct UnitChanges {
    std::optional<std::string> name;
    std::optional<UnitKind> kind;
    std::optional<std::int32_t> display_order;
    std::optional<std::string> head_address;  // "" clears the head
};

struct NewUser {
    std::string full_name;
    std::string unit_code;
    std::string title;
    std::string phone;
    std::string employee_id;
    std::string address;  // empty: generated
    std::string domain;   // for a generated address; empty: the primary domain
    // Plain password (checked against policy.password_min_length and hashed before the write),
    // or a ready PHC hash in password_hash, or neither: the account cannot log in until
    // `user passwd`.
    std::string password;
    std::string password_hash;
    Roles roles = kRoleUser;
    std::optional<std::uint64_t> quota;  // default: policy.default_quota
};

// A person with their account (if any) and unit, as listed and shown.
struct UserRecord {
    Person person;
    std::optional<Account> account;
    Unit unit;
    std::vector<std::string> aliases;
};

struct NewGroup {
    std::string name;
    std::string address;  // empty for unit groups: "all.<unit label>@<primary domain>"
    GroupKind kind = GroupKind::Static;
    std::string unit_code;  // Unit groups: required; Static: optional (for UnitClerks)
    bool include_subunits = false;
    SendPolicy policy = SendPolicy::Members;
    std::string description;
};

struct GroupRecord {
    Group group;
    std::string unit_code;
    std::vector<std::string> members;  // addresses the group expands to now
    std::vector<std::string> senders;  // named senders' addresses
};

struct MergeSummary {
    Unit into;
    std::size_t accounts_moved = 0;
    std::size_t units_moved = 0;
    // (old address, new address) of every moved account; the old one is now an alias.
    std::vector<std::pair<std::string, std::string>> readdressed;
};

struct RemoveSummary {
    std::size_t units = 0;
    std::size_t people = 0;
    std::size_t accounts = 0;
};

class Admin {
public:
    explicit Admin(Context& context)
        : context_(context) {}

    // Units. The official address is issued when the unit is added: its short code, below a
    // parent "<short>.<parent label>" (a Province or Ministry parent adds nothing, since the
    // domain stands for it); it does not change on rename or move.
    DirResult<Unit> add_unit(const NewUnit& spec);
    DirResult<Unit> update_unit(std::string_view code, const UnitChanges& changes);
    DirResult<Unit> move_unit(std::string_view code, std::string_view new_parent_code);
    // Refused (InUse) while the unit has people or sub-units, unless `recursive`: then the whole
    // subtree goes, with its people, accounts (and their mail) and unit groups. Addresses stay
    // issued.
    DirResult<RemoveSummary> remove_unit(std::string_view code, bool recursive);
    // Moves FROM's people (their accounts get addresses generated in INTO, the old ones stay as
    // aliases) and sub-units into INTO, points FROM's official address and unit groups at INTO,
    // closes the members' history periods in FROM and opens them in INTO, records the merge
    // (View::merged_into) and removes FROM.
    DirResult<MergeSummary> merge_units(std::string_view from_code, std::string_view into_code);
    std::optional<Unit> unit(std::string_view code) const;
    // Every unit, tree order (roots, then each one's children by display order and name).
    std::vector<Unit> units() const;

    // People and accounts.
    DirResult<UserRecord> add_user(const NewUser& spec);
    // `unit_code` empty: everyone; else that unit (and its sub-units when `subunits`).
    std::vector<UserRecord> list_users(std::string_view unit_code, bool subunits) const;
    DirResult<UserRecord> user(std::string_view address) const;
    DirResult<Account> set_state(std::string_view address, AccountState state);
    // Unlocking also clears the failure counter.
    DirResult<Account> unlock(std::string_view address);
    // An administrator-set password: must be changed at next login unless `must_change` is false.
    DirResult<Account> set_password(
        std::string_view address, std::string_view password, bool must_change = true
    );
    DirResult<Account> set_roles(std::string_view address, Roles roles);
    DirResult<Account> set_quota(std::string_view address, std::uint64_t quota);
    DirResult<UserRecord> move_user(std::string_view address, std::string_view unit_code);
    DirResult<UserRecord> update_person(
        std::string_view address,
        std::optional<std::string> full_name,
        std::optional<std::string> title,
        std::optional<std::string> phone
    );
    DirResult<Account> add_alias(std::string_view address, std::string_view alias);
    DirResult<Account> remove_alias(std::string_view alias);
    // The officer left: account locked (reason Departed), person marked departed now.
    DirResult<UserRecord> depart(std::string_view address);
    // Deletes the person and account now, with the mail. The addresses are never reissued.
    DirResult<void> delete_user(std::string_view address);
    // Deletes every account departed longer than policy.purge_departed_after; their addresses.
    DirResult<std::vector<std::string>> purge_departed();

    // Groups.
    DirResult<GroupRecord> add_group(const NewGroup& spec);
    DirResult<void> remove_group(std::string_view address);
    DirResult<GroupRecord> set_group_policy(std::string_view address, SendPolicy policy);
    DirResult<GroupRecord> set_group_member(
        std::string_view group, std::string_view account, bool member
    );
    DirResult<GroupRecord> set_group_sender(
        std::string_view group, std::string_view account, bool sender
    );
    DirResult<GroupRecord> group(std::string_view address) const;
    std::vector<GroupRecord> groups() const;

    std::vector<SearchHit> search(std::string_view query, const SearchOptions& options) const {
        return context_.read([&](const View& v) { return directory::search(v, query, options); });
    }

    std::vector<Membership> history(std::string_view address) const;

    Context& context() { return context_; }

private:
    Context& context_;
};

// Inside a write operation: creates the person and account (generating the address unless
// given), issues the address, opens the membership history, indexes the person for search and
// provisions the mail storage. `password_hash` may be empty. Used by Admin::add_user, the roster
// import and the demo seed.
UserRecord create_user(
    Mutator& m, store::WriteScope& scope, const Context& context, const NewUser& spec, Time now
);

// Inside a write operation: validates and adds a unit, issues its official address and indexes
// it. Used by Admin::add_unit and the demo seed.
Unit create_unit(Mutator& m, const Settings& settings, const NewUnit& spec, Time now);

// The address pattern rendering loop: the first local part not yet issued, suffixes 2, 3, …
// `reserved` (may be null) holds addresses planned but not yet written (dry runs).
std::string generate_address(
    const View& view,
    const Settings& settings,
    const PersonName& name,
    const Unit& unit,
    std::string_view domain,
    const std::unordered_set<std::string>* reserved = nullptr
);

}  // namespace govmail::directory
