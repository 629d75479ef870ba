#pragma once
// The directory's LMDB databases and typed access to them, shared by the facade
// (directory/directory.hpp), the roster import and the store's consistency check.
//
// Named databases in the mail store's environment ("dir." prefix). Keys are big-endian integers
// or raw strings; every value starts with a schema-version byte (kRecordVersion).
//
//   dir.meta            "next.<kind>" -> u64 next id; "schema" -> u8 version
//   dir.units           id -> Unit                      dir.unit_codes   CODE -> id
//   dir.unit_children   parent id, child id -> ""       (roots have parent 0)
//   dir.unit_merges     from id -> into id, time        (unit merge: reports map old units)
//   dir.people          id -> Person                    dir.employee_ids employee id -> person id
//   dir.unit_people     unit id, person id -> ""
//   dir.person_names    unit id, folded full name, 0, person id -> ""   (import matching)
//   dir.accounts        id -> Account
//   dir.addresses       address -> AddressTarget        every live address (primary, alias,
//                                                       group, unit)
//   dir.issued          address -> time, kind, id       every address ever issued; never erased,
//                                                       so an address is never given again
//   dir.aliases         account id, address -> ""
//   dir.groups          id -> Group                     dir.group_members  group, account -> ""
//   dir.group_senders   group, account -> ""            dir.unit_groups    unit, group -> ""
//   dir.history         account, from -> unit, to       which unit an account was in, when
//   dir.unit_history    unit, account, from -> to       the same by unit (period reports)
//   dir.search          prefix, 0, collation key, 0, kind, id -> ""  (see directory/search.hpp)
//   dir.search_docs     kind, id -> tokens
//
// View reads through any transaction (a ReadTxn, or the WriteTxn of a write operation). It copies
// what it returns, so results outlive the transaction.

#include "directory/error.hpp"
#include "directory/types.hpp"
#include "store/lmdb.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::directory {

inline constexpr std::uint8_t kRecordVersion = 1;

struct Dbs {
    MDB_dbi meta, units, unit_codes, unit_children, unit_merges, people, employee_ids, unit_people,
        person_names, accounts, addresses, issued, aliases, groups, group_members, group_senders,
        unit_groups, history, unit_history, search, search_docs;

    // Opens (creating) every database. Call before the writer thread runs (Env::database).
    static Dbs open(store::Env& env);
};

// A record of dir.issued.
struct IssuedAddress {
    Time at = 0;
    AddressKind kind = AddressKind::Account;
    Id id = 0;
};

class View {
public:
    View(const store::TxnBase& txn, const Dbs& dbs)
        : txn_(txn)
        , dbs_(dbs) {}

    std::optional<Unit> unit(Id id) const;
    std::optional<Unit> unit_by_code(std::string_view code) const;
    // Throws DirectoryException(NotFound) naming the code.
    Unit require_unit(std::string_view code) const;
    std::vector<Id> children(Id parent) const;  // 0: the roots
    // Every unit in the subtree of `root`, `root` first, depth first.
    std::vector<Id> subtree(Id root) const;
    std::vector<Unit> all_units() const;
    // The unit's address label: its short code joined with its ancestors' ("vp.stttt"), stopping
    // below a unit of kind Province or Ministry, which stands for the whole domain.
    std::string unit_label(const Unit& unit) const;
    // The unit a merged unit was merged into (following chains), or `id` itself.
    Id merged_into(Id id) const;

    std::optional<Person> person(Id id) const;
    std::optional<Id> person_by_employee_id(std::string_view employee_id) const;
    std::vector<Id> people_in(Id unit) const;
    // People of `unit` whose folded full name equals fold(full_name).
    std::vector<Id> people_named(Id unit, std::string_view full_name) const;

    std::optional<Account> account(Id id) const;
    // The account an address or alias (lower case) belongs to.
    std::optional<Account> account_by_address(std::string_view address) const;
    std::vector<std::string> aliases(Id account) const;

    std::optional<AddressTarget> address(std::string_view address) const;
    std::optional<IssuedAddress> issued(std::string_view address) const;

    std::optional<Group> group(Id id) const;
    std::optional<Group> group_by_address(std::string_view address) const;
    std::vector<Group> all_groups() const;
    std::vector<Id> group_members(Id group) const;  // static members only
    std::vector<Id> group_senders(Id group) const;
    std::vector<Id> unit_groups(Id unit) const;
    // The accounts a group delivers to: static members, or the staff accounts of the unit (and
    // sub-units) whose person has not departed. Sorted, unique.
    std::vector<Id> expand_group(const Group& group) const;

    // Accounts with the given role in `unit` (people of the unit only, not sub-units).
    std::vector<Id> accounts_with_role(Id unit, Roles role) const;

    std::vector<Membership> history(Id account) const;
    // Accounts that belonged to `unit` at any time in [from, to).
    std::vector<Membership> members_during(Id unit, Time from, Time to) const;

    std::uint64_t peek_next_id(std::string_view kind) const;

    const store::TxnBase& txn() const { return txn_; }

    const Dbs& dbs() const { return dbs_; }

protected:
    const store::TxnBase& txn_;
    const Dbs& dbs_;
};

// Record writes that keep every index in step. Used inside write operations only.
class Mutator : public View {
public:
    Mutator(store::WriteTxn& txn, const Dbs& dbs)
        : View(txn, dbs)
        , w_(txn) {}

    store::WriteTxn& txn() { return w_; }

    Id next_id(std::string_view kind);

    // Insert or update; `before` is the stored record when updating (its index keys are removed).
    void put_unit(const Unit& unit, const std::optional<Unit>& before);
    void erase_unit(const Unit& unit);
    void put_person(const Person& person, const std::optional<Person>& before);
    void erase_person(const Person& person);
    void put_account(const Account& account);
    void erase_account_record(Id account);
    void put_group(const Group& group, const std::optional<Group>& before);
    void erase_group(const Group& group);
    void set_group_member(Id group, Id account, bool member);
    void set_group_sender(Id group, Id account, bool sender);
    void record_merge(Id from, Id into, Time at);

    // Makes `address` live, pointing at `target`, and records it as issued. Throws
    // DirectoryException(Exists) when it is live or was ever issued before (unless it was issued
    // to this very target, as when a unit's address is restored).
    void issue_address(std::string_view address, AddressTarget target, Time now);
    // Points a live address somewhere else (a merged unit's address to the unit it merged into).
    void retarget_address(std::string_view address, AddressTarget target);
    // Removes a live address; it stays issued forever.
    void retire_address(std::string_view address);
    void add_alias_record(Id account, std::string_view address);
    void erase_alias_record(Id account, std::string_view address);

    // Closes the open membership period of `account` (if any) at `now` and, when `unit` != 0,
    // opens one in `unit`.
    void move_membership(Id account, Id unit, Time now);

private:
    store::WriteTxn& w_;
};

}  // namespace govmail::directory
