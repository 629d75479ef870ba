#include "directory/admin.hpp"

#include "core/text/text.hpp"
#include "directory/mail_storage.hpp"
#include "directory/names.hpp"
#include "store/codec.hpp"

#include <algorithm>
#include <set>

namespace govmail::directory {
namespace {

// NFC with white space collapsed: how titles, phones and unit names are stored.
std::string clean(std::string_view text) {
    std::string out;
    for (const std::string& word : words(text)) {
        if (!out.empty()) {
            out += ' ';
        }
        out += word;
    }
    return out;
}

bool valid_unit_code(std::string_view code) {
    if (code.empty() || code.size() > 100) {
        return false;
    }
    return std::ranges::all_of(code, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '-' || c == '_';
    });
}

std::string normalize_or_fail(const Settings& settings, std::string_view address) {
    auto normalized = normalize_address(address);
    if (!normalized) {
        fail(Errc::Invalid, "invalid address \"" + std::string(address) + "\"");
    }
    if (!settings.hosts(address_domain(*normalized))) {
        fail(Errc::Invalid, *normalized + " is not in a domain hosted here");
    }
    return *normalized;
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

Account require_account(const View& v, std::string_view address) {
    auto account = v.account_by_address(lower(address));
    if (!account) {
        fail(Errc::NotFound, "no account " + std::string(address));
    }
    return *account;
}

Person require_person(const View& v, const Account& account) {
    auto person = v.person(account.person);
    if (!person) {
        fail(Errc::Corrupted, "account " + account.address + " has no person record");
    }
    return *person;
}

UserRecord record_of(const View& v, const Person& person) {
    UserRecord r;
    r.person = person;
    if (person.account != 0) {
        r.account = v.account(person.account);
        r.aliases = v.aliases(person.account);
    }
    if (auto unit = v.unit(person.unit)) {
        r.unit = *unit;
    }
    return r;
}

std::optional<Group> require_group(const View& v, std::string_view address) {
    auto group = v.group_by_address(lower(address));
    if (!group) {
        fail(Errc::NotFound, "no group " + std::string(address));
    }
    return group;
}

GroupRecord group_record(const View& v, const Group& group) {
    GroupRecord r;
    r.group = group;
    if (auto unit = v.unit(group.unit)) {
        r.unit_code = unit->code;
    }
    for (Id account : v.expand_group(group)) {
        if (auto a = v.account(account)) {
            r.members.push_back(a->address);
        }
    }
    for (Id account : v.group_senders(group.id)) {
        if (auto a = v.account(account)) {
            r.senders.push_back(a->address);
        }
    }
    return r;
}

// Removes an account and its person, with the mail; addresses stay issued, history stays.
void delete_person(
    Mutator& m, store::WriteScope& scope, store::MailStore& store, const Person& person, Time now
) {
    if (person.account != 0) {
        if (auto account = m.account(person.account)) {
            m.retire_address(account->address);
            for (const std::string& alias : m.aliases(account->id)) {
                m.retire_address(alias);
                m.erase_alias_record(account->id, alias);
            }
            for (const Group& group : m.all_groups()) {
                m.set_group_member(group.id, account->id, false);
                m.set_group_sender(group.id, account->id, false);
            }
            m.move_membership(account->id, 0, now);
            purge_mail_storage(scope, store, account->id);
            m.erase_account_record(account->id);
        }
    }
    unindex(m, HitKind::Person, person.id);
    m.erase_person(person);
}

void delete_group(Mutator& m, const Group& group) {
    m.retire_address(group.address);
    m.erase_group(group);
}

// Units in tree order: roots, then depth first, siblings by (display_order, vi collation).
void tree_order(const View& v, Id parent, std::vector<Unit>& out) {
    std::vector<Unit> level;
    for (Id id : v.children(parent)) {
        if (auto u = v.unit(id)) {
            level.push_back(std::move(*u));
        }
    }
    std::ranges::sort(level, [](const Unit& a, const Unit& b) {
        if (a.display_order != b.display_order) {
            return a.display_order < b.display_order;
        }
        return text::compare_vi(a.name, b.name) < 0;
    });
    for (Unit& u : level) {
        Id id = u.id;
        out.push_back(std::move(u));
        tree_order(v, id, out);
    }
}

void sort_people(std::vector<UserRecord>& records) {
    std::vector<std::pair<std::string, std::size_t>> keys;
    keys.reserve(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        const PersonName& n = records[i].person.name;
        // Vietnamese lists are ordered by given name, then family and middle names.
        keys.emplace_back(text::collation_key(n.given + " " + n.family + " " + n.middle), i);
    }
    std::ranges::sort(keys);
    std::vector<UserRecord> sorted;
    sorted.reserve(records.size());
    for (auto& [key, i] : keys) {
        sorted.push_back(std::move(records[i]));
    }
    records = std::move(sorted);
}

}  // namespace

std::string generate_address(
    const View& view,
    const Settings& settings,
    const PersonName& name,
    const Unit& unit,
    std::string_view domain,
    const std::unordered_set<std::string>* reserved
) {
    AddressPattern pattern(settings.directory.pattern_for(domain));
    std::string label = view.unit_label(unit);
    for (unsigned suffix = 1; suffix < 100000; ++suffix) {
        std::string local = pattern.render(name, label, suffix);
        if (local.empty()) {
            return {};
        }
        std::string address = local + "@" + std::string(domain);
        if (!view.issued(address) && !view.address(address) &&
            (reserved == nullptr || !reserved->contains(address))) {
            return address;
        }
    }
    return {};
}

UserRecord create_user(
    Mutator& m, store::WriteScope& scope, const Context& context, const NewUser& spec, Time now
) {
    const Settings& settings = context.settings;
    PersonName name = split_name(spec.full_name);
    if (name.full.empty()) {
        fail(Errc::Invalid, "the name is empty");
    }
    Unit unit = m.require_unit(spec.unit_code);
    std::string address;
    if (!spec.address.empty()) {
        address = normalize_or_fail(settings, spec.address);
    } else {
        std::string domain = spec.domain.empty() ? settings.primary_domain() : lower(spec.domain);
        if (!settings.hosts(domain)) {
            fail(Errc::Invalid, domain + " is not a domain hosted here");
        }
        address = generate_address(m, settings, name, unit, domain);
        if (address.empty()) {
            fail(Errc::Invalid, "cannot make an address from the name \"" + name.full + "\"");
        }
    }
    Person person;
    person.id = m.next_id("person");
    person.name = name;
    person.title = clean(spec.title);
    person.unit = unit.id;
    person.phone = clean(spec.phone);
    person.employee_id = clean(spec.employee_id);
    person.created_at = now;
    Account account;
    account.id = m.next_id("account");
    account.person = person.id;
    account.address = address;
    account.password_hash = spec.password_hash;
    account.must_change_password = true;
    account.password_changed_at = now;
    account.quota = spec.quota.value_or(settings.policy.default_quota);
    account.roles = static_cast<Roles>(spec.roles | kRoleUser);
    account.created_at = now;
    person.account = account.id;

    m.issue_address(address, {AddressKind::Account, account.id}, now);
    m.put_person(person, std::nullopt);
    m.put_account(account);
    m.move_membership(account.id, unit.id, now);
    index_person(m, person);
    provision_mail_storage(scope, context.mail_store, account.id, account.quota);

    UserRecord record;
    record.person = std::move(person);
    record.account = std::move(account);
    record.unit = std::move(unit);
    return record;
}

Unit create_unit(Mutator& m, const Settings& settings, const NewUnit& spec, Time now) {
    if (!valid_unit_code(spec.code)) {
        fail(
            Errc::Invalid,
            "invalid unit code \"" + spec.code + "\" (use letters, digits, '.', '-', '_')"
        );
    }
    std::string name = clean(spec.name);
    if (name.empty()) {
        fail(Errc::Invalid, "the unit name is empty");
    }
    std::string short_code = spec.short_code.empty() ? default_short_code(name) : spec.short_code;
    if (!valid_short_code(short_code)) {
        fail(
            Errc::Invalid,
            "invalid short code \"" + short_code + "\" (1-32 of a-z, 0-9, '-'; set --short)"
        );
    }
    if (m.unit_by_code(spec.code)) {
        fail(Errc::Exists, "a unit with code " + spec.code + " already exists");
    }
    Unit unit;
    unit.id = m.next_id("unit");
    unit.code = spec.code;
    for (char& c : unit.code) {
        c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    unit.name = name;
    unit.short_code = short_code;
    unit.kind = spec.kind;
    unit.display_order = spec.display_order;
    unit.created_at = now;
    if (!spec.parent_code.empty()) {
        unit.parent = m.require_unit(spec.parent_code).id;
    }
    unit.address = m.unit_label(unit) + "@" + settings.primary_domain();
    try {
        m.issue_address(unit.address, {AddressKind::Unit, unit.id}, now);
    } catch (const DirectoryException& e) {
        fail(e.code(), std::string(e.what()) + "; choose another short code (--short)");
    }
    m.put_unit(unit, std::nullopt);
    index_unit(m, unit);
    return unit;
}

DirResult<Unit> Admin::add_unit(const NewUnit& spec) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        return create_unit(m, context_.settings, spec, context_.now());
    });
}

DirResult<Unit> Admin::update_unit(std::string_view code, const UnitChanges& changes) {
    std::optional<std::string> name;
    if (changes.name) {
        name = clean(*changes.name);
        if (name->empty()) {
            return Error{Errc::Invalid, "the unit name is empty"};
        }
    }
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Unit unit = m.require_unit(code);
        Unit before = unit;
        if (name) {
            unit.name = *name;
        }
        if (changes.kind) {
            unit.kind = *changes.kind;
        }
        if (changes.display_order) {
            unit.display_order = *changes.display_order;
        }
        if (changes.head_address) {
            if (changes.head_address->empty()) {
                unit.head = 0;
            } else {
                unit.head = require_account(m, *changes.head_address).person;
            }
        }
        m.put_unit(unit, before);
        index_unit(m, unit);
        return unit;
    });
}

DirResult<Unit> Admin::move_unit(std::string_view code, std::string_view new_parent_code) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Unit unit = m.require_unit(code);
        Unit before = unit;
        unit.parent = 0;
        if (!new_parent_code.empty()) {
            Unit parent = m.require_unit(new_parent_code);
            std::vector<Id> below = m.subtree(unit.id);
            if (std::ranges::find(below, parent.id) != below.end()) {
                fail(
                    Errc::Invalid,
                    "cannot move " + unit.code + " under " + parent.code + ", which is inside it"
                );
            }
            unit.parent = parent.id;
        }
        m.put_unit(unit, before);
        return unit;
    });
}

DirResult<RemoveSummary> Admin::remove_unit(std::string_view code, bool recursive) {
    return context_.write([&](Mutator& m, store::WriteScope& scope) {
        Unit unit = m.require_unit(code);
        std::vector<Id> subtree = m.subtree(unit.id);
        std::size_t people = m.people_in(unit.id).size();
        if (!recursive && (subtree.size() > 1 || people > 0)) {
            fail(
                Errc::InUse,
                "unit " + unit.code + " has " + std::to_string(people) + " people and " +
                    std::to_string(subtree.size() - 1) + " sub-units; use --recursive"
            );
        }
        RemoveSummary summary;
        Time now = context_.now();
        for (auto it = subtree.rbegin(); it != subtree.rend(); ++it) {
            auto u = m.unit(*it);
            if (!u) {
                continue;
            }
            for (Id person_id : m.people_in(u->id)) {
                if (auto p = m.person(person_id)) {
                    summary.accounts += p->account != 0 ? 1 : 0;
                    ++summary.people;
                    delete_person(m, scope, context_.mail_store, *p, now);
                }
            }
            for (Id group_id : m.unit_groups(u->id)) {
                auto g = m.group(group_id);
                if (!g) {
                    continue;
                }
                if (g->kind == GroupKind::Unit) {
                    delete_group(m, *g);
                } else {
                    Group changed = *g;
                    changed.unit = 0;
                    m.put_group(changed, g);
                }
            }
            m.retire_address(u->address);
            unindex(m, HitKind::Unit, u->id);
            m.erase_unit(*u);
            ++summary.units;
        }
        return summary;
    });
}

DirResult<MergeSummary> Admin::merge_units(std::string_view from_code, std::string_view into_code) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Unit from = m.require_unit(from_code);
        Unit into = m.require_unit(into_code);
        if (from.id == into.id) {
            fail(Errc::Invalid, "cannot merge a unit into itself");
        }
        std::vector<Id> below = m.subtree(from.id);
        if (std::ranges::find(below, into.id) != below.end()) {
            fail(
                Errc::Invalid, "cannot merge " + from.code + " into its own sub-unit " + into.code
            );
        }
        Time now = context_.now();
        MergeSummary summary;
        for (Id person_id : m.people_in(from.id)) {
            auto before = m.person(person_id);
            if (!before) {
                continue;
            }
            Person person = *before;
            person.unit = into.id;
            m.put_person(person, before);
            if (auto account = m.account(person.account)) {
                std::string old_address = account->address;
                std::string new_address = generate_address(
                    m, context_.settings, person.name, into, address_domain(old_address)
                );
                if (!new_address.empty()) {
                    m.retarget_address(old_address, {AddressKind::Alias, account->id});
                    m.add_alias_record(account->id, old_address);
                    m.issue_address(new_address, {AddressKind::Account, account->id}, now);
                    account->address = new_address;
                    m.put_account(*account);
                    summary.readdressed.emplace_back(old_address, new_address);
                }
                m.move_membership(account->id, into.id, now);
                ++summary.accounts_moved;
            }
            index_person(m, person);
        }
        for (Id child_id : m.children(from.id)) {
            auto child = m.unit(child_id);
            if (!child) {
                continue;
            }
            Unit moved = *child;
            moved.parent = into.id;
            m.put_unit(moved, child);
            ++summary.units_moved;
        }
        for (Id group_id : m.unit_groups(from.id)) {
            if (auto g = m.group(group_id)) {
                Group changed = *g;
                changed.unit = into.id;
                m.put_group(changed, g);
            }
        }
        m.retarget_address(from.address, {AddressKind::Unit, into.id});
        m.record_merge(from.id, into.id, now);
        unindex(m, HitKind::Unit, from.id);
        m.erase_unit(from);
        summary.into = into;
        return summary;
    });
}

std::optional<Unit> Admin::unit(std::string_view code) const {
    return context_.read([&](const View& v) { return v.unit_by_code(code); });
}

std::vector<Unit> Admin::units() const {
    return context_.read([&](const View& v) {
        std::vector<Unit> out;
        tree_order(v, 0, out);
        return out;
    });
}

DirResult<UserRecord> Admin::add_user(const NewUser& spec) {
    NewUser hashed = spec;
    if (!spec.password.empty()) {
        if (spec.password.size() < context_.settings.policy.password_min_length) {
            return Error{
                Errc::Invalid,
                "the password must have at least " +
                    std::to_string(context_.settings.policy.password_min_length) + " characters"};
        }
        hashed.password_hash = context_.hasher.hash(spec.password);
        hashed.password.clear();
    }
    return context_.write([&](Mutator& m, store::WriteScope& scope) {
        return create_user(m, scope, context_, hashed, context_.now());
    });
}

std::vector<UserRecord> Admin::list_users(std::string_view unit_code, bool subunits) const {
    return context_.read([&](const View& v) {
        std::vector<Unit> units;
        if (unit_code.empty()) {
            tree_order(v, 0, units);
        } else if (auto unit = v.unit_by_code(unit_code)) {
            units.push_back(*unit);
            if (subunits) {
                tree_order(v, unit->id, units);
            }
        }
        std::vector<UserRecord> out;
        for (const Unit& unit : units) {
            std::vector<UserRecord> level;
            for (Id person_id : v.people_in(unit.id)) {
                if (auto p = v.person(person_id)) {
                    level.push_back(record_of(v, *p));
                }
            }
            sort_people(level);
            std::ranges::move(level, std::back_inserter(out));
        }
        return out;
    });
}

DirResult<UserRecord> Admin::user(std::string_view address) const {
    return context_.read([&](const View& v) -> DirResult<UserRecord> {
        try {
            return record_of(v, require_person(v, require_account(v, address)));
        } catch (const DirectoryException& e) {
            return e.error();
        }
    });
}

DirResult<Account> Admin::set_state(std::string_view address, AccountState state) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Account account = require_account(m, address);
        account.state = state;
        account.lock_reason =
            state == AccountState::Locked ? LockReason::Administrator : LockReason::None;
        if (state == AccountState::Active) {
            account.failed_logins = 0;
        }
        m.put_account(account);
        return account;
    });
}

DirResult<Account> Admin::unlock(std::string_view address) {
    return set_state(address, AccountState::Active);
}

DirResult<Account> Admin::set_password(
    std::string_view address, std::string_view password, bool must_change
) {
    if (password.size() < context_.settings.policy.password_min_length) {
        return Error{
            Errc::Invalid,
            "the password must have at least " +
                std::to_string(context_.settings.policy.password_min_length) + " characters"};
    }
    std::string hash = context_.hasher.hash(password);
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Account account = require_account(m, address);
        account.password_hash = hash;
        account.must_change_password = must_change;
        account.password_changed_at = context_.now();
        account.failed_logins = 0;
        if (account.state == AccountState::Locked &&
            (account.lock_reason == LockReason::FailedLogins ||
             account.lock_reason == LockReason::InitialPassword)) {
            account.state = AccountState::Active;
            account.lock_reason = LockReason::None;
        }
        m.put_account(account);
        return account;
    });
}

DirResult<Account> Admin::set_roles(std::string_view address, Roles roles) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Account account = require_account(m, address);
        account.roles = static_cast<Roles>(roles | kRoleUser);
        m.put_account(account);
        return account;
    });
}

DirResult<Account> Admin::set_quota(std::string_view address, std::uint64_t quota) {
    return context_.write([&](Mutator& m, store::WriteScope& scope) {
        Account account = require_account(m, address);
        account.quota = quota;
        m.put_account(account);
        set_mail_quota(scope, context_.mail_store, account.id, quota);
        return account;
    });
}

DirResult<UserRecord> Admin::move_user(std::string_view address, std::string_view unit_code) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Account account = require_account(m, address);
        Person before = require_person(m, account);
        Unit unit = m.require_unit(unit_code);
        Person person = before;
        if (person.unit != unit.id) {
            person.unit = unit.id;
            m.put_person(person, before);
            m.move_membership(account.id, unit.id, context_.now());
            index_person(m, person);
        }
        return record_of(m, person);
    });
}

DirResult<UserRecord> Admin::update_person(
    std::string_view address,
    std::optional<std::string> full_name,
    std::optional<std::string> title,
    std::optional<std::string> phone
) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Account account = require_account(m, address);
        Person before = require_person(m, account);
        Person person = before;
        if (full_name) {
            person.name = split_name(*full_name);
            if (person.name.full.empty()) {
                fail(Errc::Invalid, "the name is empty");
            }
        }
        if (title) {
            person.title = clean(*title);
        }
        if (phone) {
            person.phone = clean(*phone);
        }
        m.put_person(person, before);
        index_person(m, person);
        return record_of(m, person);
    });
}

DirResult<Account> Admin::add_alias(std::string_view address, std::string_view alias) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Account account = require_account(m, address);
        std::string normalized = normalize_or_fail(context_.settings, alias);
        m.issue_address(normalized, {AddressKind::Alias, account.id}, context_.now());
        m.add_alias_record(account.id, normalized);
        return account;
    });
}

DirResult<Account> Admin::remove_alias(std::string_view alias) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        std::string normalized = lower(alias);
        auto target = m.address(normalized);
        if (!target || target->kind != AddressKind::Alias) {
            fail(Errc::NotFound, "no alias " + std::string(alias));
        }
        auto account = m.account(target->id);
        if (!account) {
            fail(Errc::Corrupted, "alias " + normalized + " points at no account");
        }
        m.retire_address(normalized);
        m.erase_alias_record(account->id, normalized);
        return *account;
    });
}

DirResult<UserRecord> Admin::depart(std::string_view address) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Account account = require_account(m, address);
        Person before = require_person(m, account);
        Person person = before;
        person.status = PersonStatus::Departed;
        person.departed_at = context_.now();
        account.state = AccountState::Locked;
        account.lock_reason = LockReason::Departed;
        m.put_person(person, before);
        m.put_account(account);
        return record_of(m, person);
    });
}

DirResult<void> Admin::delete_user(std::string_view address) {
    return context_.write([&](Mutator& m, store::WriteScope& scope) {
        Account account = require_account(m, address);
        delete_person(m, scope, context_.mail_store, require_person(m, account), context_.now());
    });
}

DirResult<std::vector<std::string>> Admin::purge_departed() {
    return context_.write([&](Mutator& m, store::WriteScope& scope) {
        Time now = context_.now();
        auto period = std::chrono::duration_cast<std::chrono::seconds>(
                          context_.settings.policy.purge_departed_after
        )
                          .count();
        std::vector<Person> due;
        store::Cursor cursor = m.txn().cursor(m.dbs().people);
        for (bool ok = cursor.first(); ok; ok = cursor.next()) {
            Id id = store::read_u64(cursor.key(), 0);
            auto person = m.person(id);
            if (person && person->status == PersonStatus::Departed &&
                person->departed_at + period <= now) {
                due.push_back(*person);
            }
        }
        std::vector<std::string> purged;
        for (const Person& person : due) {
            if (auto account = m.account(person.account)) {
                purged.push_back(account->address);
            }
            delete_person(m, scope, context_.mail_store, person, now);
        }
        return purged;
    });
}

DirResult<GroupRecord> Admin::add_group(const NewGroup& spec) {
    std::string name = clean(spec.name);
    if (name.empty()) {
        return Error{Errc::Invalid, "the group name is empty"};
    }
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Group group;
        group.name = name;
        group.kind = spec.kind;
        group.include_subunits = spec.include_subunits;
        group.policy = spec.policy;
        group.description = clean(spec.description);
        std::optional<Unit> unit;
        if (!spec.unit_code.empty()) {
            unit = m.require_unit(spec.unit_code);
            group.unit = unit->id;
        }
        if (group.kind == GroupKind::Unit && !unit) {
            fail(Errc::Invalid, "a unit list needs a unit (--unit CODE)");
        }
        if (group.policy == SendPolicy::UnitClerks && !unit) {
            fail(Errc::Invalid, "the unit-clerks policy needs a unit (--unit CODE)");
        }
        if (!spec.address.empty()) {
            group.address = normalize_or_fail(context_.settings, spec.address);
        } else if (unit) {
            group.address = "all." + m.unit_label(*unit) + "@" + context_.settings.primary_domain();
        } else {
            fail(Errc::Invalid, "a static list needs an address");
        }
        group.id = m.next_id("group");
        m.issue_address(group.address, {AddressKind::Group, group.id}, context_.now());
        m.put_group(group, std::nullopt);
        return group_record(m, group);
    });
}

DirResult<void> Admin::remove_group(std::string_view address) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        delete_group(m, *require_group(m, address));
    });
}

DirResult<GroupRecord> Admin::set_group_policy(std::string_view address, SendPolicy policy) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Group before = *require_group(m, address);
        if (policy == SendPolicy::UnitClerks && before.unit == 0) {
            fail(Errc::Invalid, "the unit-clerks policy needs a group with a unit");
        }
        Group group = before;
        group.policy = policy;
        m.put_group(group, before);
        return group_record(m, group);
    });
}

DirResult<GroupRecord> Admin::set_group_member(
    std::string_view group_address, std::string_view account_address, bool member
) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Group group = *require_group(m, group_address);
        if (group.kind != GroupKind::Static) {
            fail(
                Errc::Invalid, group.address + " is a unit list: its members are the unit's staff"
            );
        }
        Account account = require_account(m, account_address);
        m.set_group_member(group.id, account.id, member);
        return group_record(m, group);
    });
}

DirResult<GroupRecord> Admin::set_group_sender(
    std::string_view group_address, std::string_view account_address, bool sender
) {
    return context_.write([&](Mutator& m, store::WriteScope&) {
        Group group = *require_group(m, group_address);
        Account account = require_account(m, account_address);
        m.set_group_sender(group.id, account.id, sender);
        return group_record(m, group);
    });
}

DirResult<GroupRecord> Admin::group(std::string_view address) const {
    return context_.read([&](const View& v) -> DirResult<GroupRecord> {
        try {
            return group_record(v, *require_group(v, address));
        } catch (const DirectoryException& e) {
            return e.error();
        }
    });
}

std::vector<GroupRecord> Admin::groups() const {
    return context_.read([&](const View& v) {
        std::vector<GroupRecord> out;
        for (const Group& g : v.all_groups()) {
            out.push_back(group_record(v, g));
        }
        std::ranges::sort(out, [](const GroupRecord& a, const GroupRecord& b) {
            return a.group.address < b.group.address;
        });
        return out;
    });
}

std::vector<Membership> Admin::history(std::string_view address) const {
    return context_.read([&](const View& v) {
        auto account = v.account_by_address(lower(address));
        return account ? v.history(account->id) : std::vector<Membership>{};
    });
}

}  // namespace govmail::directory
