#include "directory/schema.hpp"

#include "core/text/text.hpp"
#include "store/codec.hpp"

#include <algorithm>
#include <set>

namespace govmail::directory {
namespace {

using store::Decoder;
using store::Encoder;
using store::Key;

Key id_key(Id id) {
    Key k;
    k.u64(id);
    return k;
}

Key pair_key(Id a, Id b) {
    Key k;
    k.u64(a).u64(b);
    return k;
}

void check_version(Decoder& d, const char* what) {
    std::uint8_t version = d.u8();
    if (version != kRecordVersion) {
        throw store::StoreException(
            version > kRecordVersion ? store::Errc::NewerSchema : store::Errc::Corrupted,
            std::string("directory ") + what + " record has version " + std::to_string(version)
        );
    }
}

std::string encode(const Unit& u) {
    Encoder e;
    e.u8(kRecordVersion)
        .bytes(u.code)
        .bytes(u.name)
        .bytes(u.short_code)
        .u8(static_cast<std::uint8_t>(u.kind))
        .varint(u.parent)
        .varint(u.head)
        .bytes(u.address)
        .svarint(u.display_order)
        .svarint(u.created_at);
    return e.take();
}

Unit decode_unit(Id id, std::string_view value) {
    Decoder d(value);
    check_version(d, "unit");
    Unit u;
    u.id = id;
    u.code = d.bytes();
    u.name = d.bytes();
    u.short_code = d.bytes();
    u.kind = static_cast<UnitKind>(d.u8());
    u.parent = d.varint();
    u.head = d.varint();
    u.address = d.bytes();
    u.display_order = static_cast<std::int32_t>(d.svarint());
    u.created_at = d.svarint();
    return u;
}

std::string encode(const Person& p) {
    Encoder e;
    e.u8(kRecordVersion)
        .bytes(p.name.full)
        .bytes(p.name.family)
        .bytes(p.name.middle)
        .bytes(p.name.given)
        .bytes(p.title)
        .varint(p.unit)
        .bytes(p.phone)
        .bytes(p.employee_id)
        .u8(static_cast<std::uint8_t>(p.status))
        .svarint(p.departed_at)
        .varint(p.account)
        .svarint(p.created_at);
    return e.take();
}

Person decode_person(Id id, std::string_view value) {
    Decoder d(value);
    check_version(d, "person");
    Person p;
    p.id = id;
    p.name.full = d.bytes();
    p.name.family = d.bytes();
    p.name.middle = d.bytes();
    p.name.given = d.bytes();
    p.title = d.bytes();
    p.unit = d.varint();
    p.phone = d.bytes();
    p.employee_id = d.bytes();
    p.status = static_cast<PersonStatus>(d.u8());
    p.departed_at = d.svarint();
    p.account = d.varint();
    p.created_at = d.svarint();
    return p;
}

std::string encode(const Account& a) {
    Encoder e;
    e.u8(kRecordVersion)
        .varint(a.person)
        .bytes(a.address)
        .bytes(a.password_hash)
        .u8(static_cast<std::uint8_t>(a.state))
        .u8(static_cast<std::uint8_t>(a.lock_reason))
        .boolean(a.must_change_password)
        .svarint(a.password_changed_at)
        .varint(a.failed_logins)
        .varint(a.quota)
        .u8(a.roles)
        .svarint(a.created_at);
    return e.take();
}

Account decode_account(Id id, std::string_view value) {
    Decoder d(value);
    check_version(d, "account");
    Account a;
    a.id = id;
    a.person = d.varint();
    a.address = d.bytes();
    a.password_hash = d.bytes();
    a.state = static_cast<AccountState>(d.u8());
    a.lock_reason = static_cast<LockReason>(d.u8());
    a.must_change_password = d.boolean();
    a.password_changed_at = d.svarint();
    a.failed_logins = static_cast<std::uint32_t>(d.varint());
    a.quota = d.varint();
    a.roles = d.u8();
    a.created_at = d.svarint();
    return a;
}

std::string encode(const Group& g) {
    Encoder e;
    e.u8(kRecordVersion)
        .bytes(g.name)
        .bytes(g.address)
        .u8(static_cast<std::uint8_t>(g.kind))
        .varint(g.unit)
        .boolean(g.include_subunits)
        .u8(static_cast<std::uint8_t>(g.policy))
        .bytes(g.description);
    return e.take();
}

Group decode_group(Id id, std::string_view value) {
    Decoder d(value);
    check_version(d, "group");
    Group g;
    g.id = id;
    g.name = d.bytes();
    g.address = d.bytes();
    g.kind = static_cast<GroupKind>(d.u8());
    g.unit = d.varint();
    g.include_subunits = d.boolean();
    g.policy = static_cast<SendPolicy>(d.u8());
    g.description = d.bytes();
    return g;
}

std::string encode(const AddressTarget& t) {
    Encoder e;
    e.u8(kRecordVersion).u8(static_cast<std::uint8_t>(t.kind)).varint(t.id);
    return e.take();
}

AddressTarget decode_target(std::string_view value) {
    Decoder d(value);
    check_version(d, "address");
    AddressTarget t;
    t.kind = static_cast<AddressKind>(d.u8());
    t.id = d.varint();
    return t;
}

std::string upper_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return out;
}

std::string name_key(Id unit, std::string_view full_name, Id person) {
    std::string key = std::string(id_key(unit).view()) + text::fold(full_name);
    key.resize(std::min<std::size_t>(key.size(), 400));
    key += '\0';
    key += id_key(person).view();
    return key;
}

// Walks every key of `dbi` that starts with `prefix`.
template <typename Fn>
void scan(const store::TxnBase& txn, MDB_dbi dbi, std::string_view prefix, Fn&& fn) {
    store::Cursor cursor = txn.cursor(dbi);
    for (bool ok = cursor.seek(prefix); ok && cursor.key().starts_with(prefix);
         ok = cursor.next()) {
        fn(cursor.key(), cursor.value());
    }
}

}  // namespace

Dbs Dbs::open(store::Env& env) {
    Dbs d{};
    d.meta = env.database("dir.meta");
    d.units = env.database("dir.units");
    d.unit_codes = env.database("dir.unit_codes");
    d.unit_children = env.database("dir.unit_children");
    d.unit_merges = env.database("dir.unit_merges");
    d.people = env.database("dir.people");
    d.employee_ids = env.database("dir.employee_ids");
    d.unit_people = env.database("dir.unit_people");
    d.person_names = env.database("dir.person_names");
    d.accounts = env.database("dir.accounts");
    d.addresses = env.database("dir.addresses");
    d.issued = env.database("dir.issued");
    d.aliases = env.database("dir.aliases");
    d.groups = env.database("dir.groups");
    d.group_members = env.database("dir.group_members");
    d.group_senders = env.database("dir.group_senders");
    d.unit_groups = env.database("dir.unit_groups");
    d.history = env.database("dir.history");
    d.unit_history = env.database("dir.unit_history");
    d.search = env.database("dir.search");
    d.search_docs = env.database("dir.search_docs");
    return d;
}

std::optional<Unit> View::unit(Id id) const {
    auto value = txn_.get(dbs_.units, id_key(id));
    return value ? std::optional<Unit>(decode_unit(id, *value)) : std::nullopt;
}

std::optional<Unit> View::unit_by_code(std::string_view code) const {
    auto value = txn_.get(dbs_.unit_codes, upper_ascii(code));
    if (!value) {
        return std::nullopt;
    }
    return unit(store::read_u64(*value, 0));
}

Unit View::require_unit(std::string_view code) const {
    auto found = unit_by_code(code);
    if (!found) {
        fail(Errc::NotFound, "no unit with code " + std::string(code));
    }
    return *found;
}

std::vector<Id> View::children(Id parent) const {
    std::vector<Id> out;
    scan(txn_, dbs_.unit_children, id_key(parent), [&](std::string_view key, std::string_view) {
        out.push_back(store::read_u64(key, 8));
    });
    return out;
}

std::vector<Id> View::subtree(Id root) const {
    std::vector<Id> out{root};
    for (std::size_t i = 0; i < out.size(); ++i) {
        for (Id child : children(out[i])) {
            out.push_back(child);
        }
    }
    return out;
}

std::vector<Unit> View::all_units() const {
    std::vector<Unit> out;
    store::Cursor cursor = txn_.cursor(dbs_.units);
    for (bool ok = cursor.first(); ok; ok = cursor.next()) {
        out.push_back(decode_unit(store::read_u64(cursor.key(), 0), cursor.value()));
    }
    return out;
}

std::string View::unit_label(const Unit& start) const {
    std::string label = start.short_code;
    Id parent = start.parent;
    for (int depth = 0; parent != 0 && depth < 64; ++depth) {
        auto up = unit(parent);
        if (!up || up->kind == UnitKind::Province || up->kind == UnitKind::Ministry) {
            break;
        }
        label += '.';
        label += up->short_code;
        parent = up->parent;
    }
    return label;
}

Id View::merged_into(Id id) const {
    for (int depth = 0; depth < 64; ++depth) {
        auto value = txn_.get(dbs_.unit_merges, id_key(id));
        if (!value) {
            break;
        }
        Decoder d(*value);
        check_version(d, "merge");
        id = d.varint();
    }
    return id;
}

std::optional<Person> View::person(Id id) const {
    auto value = txn_.get(dbs_.people, id_key(id));
    return value ? std::optional<Person>(decode_person(id, *value)) : std::nullopt;
}

std::optional<Id> View::person_by_employee_id(std::string_view employee_id) const {
    if (employee_id.empty()) {
        return std::nullopt;
    }
    auto value = txn_.get(dbs_.employee_ids, employee_id);
    return value ? std::optional<Id>(store::read_u64(*value, 0)) : std::nullopt;
}

std::vector<Id> View::people_in(Id unit) const {
    std::vector<Id> out;
    scan(txn_, dbs_.unit_people, id_key(unit), [&](std::string_view key, std::string_view) {
        out.push_back(store::read_u64(key, 8));
    });
    return out;
}

std::vector<Id> View::people_named(Id unit, std::string_view full_name) const {
    std::string prefix = name_key(unit, full_name, 0);
    prefix.resize(prefix.size() - 8);
    std::vector<Id> out;
    scan(txn_, dbs_.person_names, prefix, [&](std::string_view key, std::string_view) {
        if (key.size() == prefix.size() + 8) {
            out.push_back(store::read_u64(key, prefix.size()));
        }
    });
    return out;
}

std::optional<Account> View::account(Id id) const {
    auto value = txn_.get(dbs_.accounts, id_key(id));
    return value ? std::optional<Account>(decode_account(id, *value)) : std::nullopt;
}

std::optional<Account> View::account_by_address(std::string_view address) const {
    auto target = this->address(address);
    if (!target || (target->kind != AddressKind::Account && target->kind != AddressKind::Alias)) {
        return std::nullopt;
    }
    return account(target->id);
}

std::vector<std::string> View::aliases(Id account) const {
    std::vector<std::string> out;
    scan(txn_, dbs_.aliases, id_key(account), [&](std::string_view key, std::string_view) {
        out.emplace_back(key.substr(8));
    });
    return out;
}

std::optional<AddressTarget> View::address(std::string_view address) const {
    if (address.empty() || address.size() > store::kMaxKeySize) {
        return std::nullopt;
    }
    auto value = txn_.get(dbs_.addresses, address);
    return value ? std::optional<AddressTarget>(decode_target(*value)) : std::nullopt;
}

std::optional<IssuedAddress> View::issued(std::string_view address) const {
    if (address.empty() || address.size() > store::kMaxKeySize) {
        return std::nullopt;
    }
    auto value = txn_.get(dbs_.issued, address);
    if (!value) {
        return std::nullopt;
    }
    Decoder d(*value);
    check_version(d, "issued address");
    IssuedAddress out;
    out.at = d.svarint();
    out.kind = static_cast<AddressKind>(d.u8());
    out.id = d.varint();
    return out;
}

std::optional<Group> View::group(Id id) const {
    auto value = txn_.get(dbs_.groups, id_key(id));
    return value ? std::optional<Group>(decode_group(id, *value)) : std::nullopt;
}

std::optional<Group> View::group_by_address(std::string_view address) const {
    auto target = this->address(address);
    if (!target || target->kind != AddressKind::Group) {
        return std::nullopt;
    }
    return group(target->id);
}

std::vector<Group> View::all_groups() const {
    std::vector<Group> out;
    store::Cursor cursor = txn_.cursor(dbs_.groups);
    for (bool ok = cursor.first(); ok; ok = cursor.next()) {
        out.push_back(decode_group(store::read_u64(cursor.key(), 0), cursor.value()));
    }
    return out;
}

std::vector<Id> View::group_members(Id group) const {
    std::vector<Id> out;
    scan(txn_, dbs_.group_members, id_key(group), [&](std::string_view key, std::string_view) {
        out.push_back(store::read_u64(key, 8));
    });
    return out;
}

std::vector<Id> View::group_senders(Id group) const {
    std::vector<Id> out;
    scan(txn_, dbs_.group_senders, id_key(group), [&](std::string_view key, std::string_view) {
        out.push_back(store::read_u64(key, 8));
    });
    return out;
}

std::vector<Id> View::unit_groups(Id unit) const {
    std::vector<Id> out;
    scan(txn_, dbs_.unit_groups, id_key(unit), [&](std::string_view key, std::string_view) {
        out.push_back(store::read_u64(key, 8));
    });
    return out;
}

std::vector<Id> View::expand_group(const Group& group) const {
    std::vector<Id> out;
    if (group.kind == GroupKind::Static) {
        out = group_members(group.id);
    } else {
        std::vector<Id> units =
            group.include_subunits ? subtree(group.unit) : std::vector<Id>{group.unit};
        for (Id unit : units) {
            for (Id person_id : people_in(unit)) {
                auto p = person(person_id);
                // Locked and disabled accounts still receive mail; departed staff do not get
                // new circulars.
                if (p && p->account != 0 && p->status == PersonStatus::Active) {
                    out.push_back(p->account);
                }
            }
        }
    }
    std::ranges::sort(out);
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<Id> View::accounts_with_role(Id unit, Roles role) const {
    std::vector<Id> out;
    for (Id person_id : people_in(unit)) {
        auto p = person(person_id);
        if (!p || p->account == 0 || p->status != PersonStatus::Active) {
            continue;
        }
        auto a = account(p->account);
        if (a && (a->roles & role) != 0) {
            out.push_back(a->id);
        }
    }
    return out;
}

std::vector<Membership> View::history(Id account) const {
    std::vector<Membership> out;
    scan(txn_, dbs_.history, id_key(account), [&](std::string_view key, std::string_view value) {
        Decoder d(value);
        check_version(d, "history");
        Membership m;
        m.account = account;
        m.from = static_cast<Time>(store::read_u64(key, 8));
        m.unit = d.varint();
        m.to = d.svarint();
        out.push_back(m);
    });
    return out;
}

std::vector<Membership> View::members_during(Id unit, Time from, Time to) const {
    std::vector<Membership> out;
    scan(txn_, dbs_.unit_history, id_key(unit), [&](std::string_view key, std::string_view value) {
        Decoder d(value);
        check_version(d, "unit history");
        Membership m;
        m.unit = unit;
        m.account = store::read_u64(key, 8);
        m.from = static_cast<Time>(store::read_u64(key, 16));
        m.to = d.svarint();
        if (m.from < to && (m.to == 0 || m.to > from)) {
            out.push_back(m);
        }
    });
    return out;
}

std::uint64_t View::peek_next_id(std::string_view kind) const {
    std::string key = "next." + std::string(kind);
    auto value = txn_.get(dbs_.meta, key);
    return value ? store::read_u64(*value, 0) : 1;
}

Id Mutator::next_id(std::string_view kind) {
    Id id = peek_next_id(kind);
    w_.put(dbs_.meta, "next." + std::string(kind), id_key(id + 1).view());
    return id;
}

void Mutator::put_unit(const Unit& unit, const std::optional<Unit>& before) {
    if (before) {
        w_.erase(dbs_.unit_codes, upper_ascii(before->code));
        w_.erase(dbs_.unit_children, pair_key(before->parent, before->id));
    }
    if (!w_.insert(dbs_.unit_codes, upper_ascii(unit.code), id_key(unit.id).view())) {
        fail(Errc::Exists, "a unit with code " + unit.code + " already exists");
    }
    w_.put(dbs_.unit_children, pair_key(unit.parent, unit.id), "");
    w_.put(dbs_.units, id_key(unit.id), encode(unit));
}

void Mutator::erase_unit(const Unit& unit) {
    w_.erase(dbs_.unit_codes, upper_ascii(unit.code));
    w_.erase(dbs_.unit_children, pair_key(unit.parent, unit.id));
    w_.erase(dbs_.units, id_key(unit.id));
}

void Mutator::put_person(const Person& person, const std::optional<Person>& before) {
    if (before) {
        if (!before->employee_id.empty()) {
            w_.erase(dbs_.employee_ids, before->employee_id);
        }
        w_.erase(dbs_.unit_people, pair_key(before->unit, before->id));
        w_.erase(dbs_.person_names, name_key(before->unit, before->name.full, before->id));
    }
    if (!person.employee_id.empty()) {
        if (person.employee_id.size() > 200) {
            fail(Errc::Invalid, "employee id is longer than 200 bytes");
        }
        if (!w_.insert(dbs_.employee_ids, person.employee_id, id_key(person.id).view())) {
            fail(Errc::Exists, "employee id " + person.employee_id + " is already in use");
        }
    }
    w_.put(dbs_.unit_people, pair_key(person.unit, person.id), "");
    w_.put(dbs_.person_names, name_key(person.unit, person.name.full, person.id), "");
    w_.put(dbs_.people, id_key(person.id), encode(person));
}

void Mutator::erase_person(const Person& person) {
    if (!person.employee_id.empty()) {
        w_.erase(dbs_.employee_ids, person.employee_id);
    }
    w_.erase(dbs_.unit_people, pair_key(person.unit, person.id));
    w_.erase(dbs_.person_names, name_key(person.unit, person.name.full, person.id));
    w_.erase(dbs_.people, id_key(person.id));
}

void Mutator::put_account(const Account& account) {
    w_.put(dbs_.accounts, id_key(account.id), encode(account));
}

void Mutator::erase_account_record(Id account) {
    w_.erase(dbs_.accounts, id_key(account));
}

void Mutator::put_group(const Group& group, const std::optional<Group>& before) {
    if (before && before->unit != 0) {
        w_.erase(dbs_.unit_groups, pair_key(before->unit, before->id));
    }
    if (group.unit != 0) {
        w_.put(dbs_.unit_groups, pair_key(group.unit, group.id), "");
    }
    w_.put(dbs_.groups, id_key(group.id), encode(group));
}

void Mutator::erase_group(const Group& group) {
    for (Id member : group_members(group.id)) {
        set_group_member(group.id, member, false);
    }
    for (Id sender : group_senders(group.id)) {
        set_group_sender(group.id, sender, false);
    }
    if (group.unit != 0) {
        w_.erase(dbs_.unit_groups, pair_key(group.unit, group.id));
    }
    w_.erase(dbs_.groups, id_key(group.id));
}

void Mutator::set_group_member(Id group, Id account, bool member) {
    if (member) {
        w_.put(dbs_.group_members, pair_key(group, account), "");
    } else {
        w_.erase(dbs_.group_members, pair_key(group, account));
    }
}

void Mutator::set_group_sender(Id group, Id account, bool sender) {
    if (sender) {
        w_.put(dbs_.group_senders, pair_key(group, account), "");
    } else {
        w_.erase(dbs_.group_senders, pair_key(group, account));
    }
}

void Mutator::record_merge(Id from, Id into, Time at) {
    Encoder e;
    e.u8(kRecordVersion).varint(into).svarint(at);
    w_.put(dbs_.unit_merges, id_key(from), e.view());
}

void Mutator::issue_address(std::string_view address, AddressTarget target, Time now) {
    if (address.size() > 254) {
        fail(Errc::Invalid, "address " + std::string(address) + " is too long");
    }
    if (this->address(address)) {
        fail(Errc::Exists, "address " + std::string(address) + " is already in use");
    }
    if (auto before = issued(address)) {
        auto personal = [](AddressKind k) {
            return k == AddressKind::Account || k == AddressKind::Alias;
        };
        // The same owner may get it back: an alias made primary, a unit address restored.
        bool same = before->id == target.id && (before->kind == target.kind ||
                                                (personal(before->kind) && personal(target.kind)));
        if (!same) {
            fail(
                Errc::Exists,
                "address " + std::string(address) +
                    " was issued before and is never given to anyone else"
            );
        }
    } else {
        Encoder e;
        e.u8(kRecordVersion)
            .svarint(now)
            .u8(static_cast<std::uint8_t>(target.kind))
            .varint(target.id);
        w_.put(dbs_.issued, address, e.view());
    }
    w_.put(dbs_.addresses, address, encode(target));
}

void Mutator::retarget_address(std::string_view address, AddressTarget target) {
    w_.put(dbs_.addresses, address, encode(target));
}

void Mutator::retire_address(std::string_view address) {
    w_.erase(dbs_.addresses, address);
}

void Mutator::add_alias_record(Id account, std::string_view address) {
    Key k;
    k.u64(account).bytes(address);
    w_.put(dbs_.aliases, k, "");
}

void Mutator::erase_alias_record(Id account, std::string_view address) {
    Key k;
    k.u64(account).bytes(address);
    w_.erase(dbs_.aliases, k);
}

void Mutator::move_membership(Id account, Id unit, Time now) {
    for (const Membership& m : history(account)) {
        if (m.to != 0) {
            continue;
        }
        Encoder closed;
        closed.u8(kRecordVersion).varint(m.unit).svarint(now);
        w_.put(dbs_.history, pair_key(account, static_cast<std::uint64_t>(m.from)), closed.view());
        Key uk;
        uk.u64(m.unit).u64(account).u64(static_cast<std::uint64_t>(m.from));
        Encoder unit_closed;
        unit_closed.u8(kRecordVersion).svarint(now);
        w_.put(dbs_.unit_history, uk, unit_closed.view());
    }
    if (unit == 0) {
        return;
    }
    // Two moves within the same second: the later one wins that second.
    Encoder open;
    open.u8(kRecordVersion).varint(unit).svarint(0);
    w_.put(dbs_.history, pair_key(account, static_cast<std::uint64_t>(now)), open.view());
    Key uk;
    uk.u64(unit).u64(account).u64(static_cast<std::uint64_t>(now));
    Encoder unit_open;
    unit_open.u8(kRecordVersion).svarint(0);
    w_.put(dbs_.unit_history, uk, unit_open.view());
}

}  // namespace govmail::directory
