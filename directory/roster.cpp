#include "directory/roster.hpp"

#include "core/text/text.hpp"
#include "directory/admin.hpp"
#include "directory/names.hpp"
#include "directory/search.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace govmail::directory {
namespace {

constexpr std::array<std::string_view, 6> kColumns = {
    "full_name", "unit_code", "title", "phone", "email", "employee_id"};

// RFC 4180 records with the line each one starts on.
struct Record {
    std::size_t line = 0;
    std::vector<std::string> fields;
    bool bad_quote = false;
};

std::vector<Record> split_records(std::string_view csv) {
    std::vector<Record> records;
    std::size_t line = 1;
    std::size_t i = 0;
    while (i < csv.size()) {
        Record record;
        record.line = line;
        std::string field;
        bool end_of_record = false;
        while (!end_of_record) {
            field.clear();
            if (i < csv.size() && csv[i] == '"') {
                ++i;
                for (;;) {
                    if (i >= csv.size()) {
                        record.bad_quote = true;  // RFC 4180 2.5: the quote never closes
                        break;
                    }
                    char c = csv[i++];
                    if (c == '"') {
                        if (i < csv.size() && csv[i] == '"') {
                            field += '"';  // RFC 4180 2.7: "" inside quotes is one quote
                            ++i;
                            continue;
                        }
                        break;
                    }
                    if (c == '\n') {
                        ++line;
                    }
                    field += c;
                }
                // Anything between the closing quote and the separator is malformed.
                while (i < csv.size() && csv[i] != ',' && csv[i] != '\n' && csv[i] != '\r') {
                    record.bad_quote = true;
                    ++i;
                }
            } else {
                while (i < csv.size() && csv[i] != ',' && csv[i] != '\n' && csv[i] != '\r') {
                    field += csv[i++];
                }
            }
            record.fields.push_back(field);
            if (i < csv.size() && csv[i] == ',') {
                ++i;
                continue;
            }
            if (i < csv.size() && csv[i] == '\r') {
                ++i;
            }
            if (i < csv.size() && csv[i] == '\n') {
                ++i;
            }
            ++line;
            end_of_record = true;
        }
        bool blank = record.fields.size() == 1 && record.fields[0].empty() && !record.bad_quote;
        if (!blank) {
            records.push_back(std::move(record));
        }
    }
    return records;
}

std::string trim(std::string_view text) {
    std::size_t begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos) {
        return {};
    }
    std::size_t end = text.find_last_not_of(" \t");
    return std::string(text.substr(begin, end - begin + 1));
}

std::string csv_field(std::string_view value) {
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(value);
    }
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
    return out;
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

// What a good row will do, decided against one view of the directory.
struct Plan {
    std::size_t row = 0;  // index into the rows
    ChangeKind kind = ChangeKind::Unchanged;
    Id person = 0;
    Id unit = 0;
    std::string address;  // Add: the address to issue; Update: a new primary address or ""
    std::vector<std::string> details;
};

struct Planned {
    std::vector<Plan> plans;
    std::vector<RosterProblem> problems;
};

std::string change(std::string_view what, std::string_view from, std::string_view to) {
    return std::string(what) + ": " + (from.empty() ? "(none)" : std::string(from)) + " -> " +
           (to.empty() ? "(none)" : std::string(to));
}

Planned plan_rows(
    const View& v,
    const Settings& settings,
    const std::vector<RosterRow>& rows,
    const std::function<void(std::size_t)>& tick
) {
    Planned out;
    std::unordered_map<std::string, std::size_t> employee_lines;
    std::unordered_map<std::string, std::size_t> email_lines;
    std::unordered_set<Id> matched_people;
    std::unordered_set<std::string> reserved;
    std::unordered_map<std::string, std::optional<Unit>> units;
    std::vector<std::size_t> needs_address;  // plans whose address is generated below

    for (std::size_t index = 0; index < rows.size(); ++index) {
        if (tick && index % 256 == 0) {
            tick(index);
        }
        const RosterRow& row = rows[index];
        auto problem = [&](std::string reason) {
            out.problems.push_back({row.line, std::move(reason)});
        };
        PersonName name = split_name(row.full_name);
        if (name.full.empty()) {
            problem("full_name is empty");
            continue;
        }
        if (row.unit_code.empty()) {
            problem("unit_code is empty");
            continue;
        }
        auto cached = units.find(row.unit_code);
        if (cached == units.end()) {
            cached = units.emplace(row.unit_code, v.unit_by_code(row.unit_code)).first;
        }
        if (!cached->second) {
            problem("unknown unit code " + row.unit_code);
            continue;
        }
        const Unit& unit = *cached->second;
        std::string employee_id = clean(row.employee_id);
        if (!employee_id.empty()) {
            auto [it, fresh] = employee_lines.emplace(employee_id, row.line);
            if (!fresh) {
                problem(
                    "employee_id " + employee_id + " is also on line " + std::to_string(it->second)
                );
                continue;
            }
        }
        std::string email;
        if (!row.email.empty()) {
            auto normalized = normalize_address(row.email);
            if (!normalized) {
                problem("invalid address \"" + row.email + "\"");
                continue;
            }
            if (!settings.hosts(address_domain(*normalized))) {
                problem(*normalized + " is not in a domain hosted here");
                continue;
            }
            auto [it, fresh] = email_lines.emplace(*normalized, row.line);
            if (!fresh) {
                problem("email " + *normalized + " is also on line " + std::to_string(it->second));
                continue;
            }
            email = *normalized;
        }

        // Match an existing person.
        std::optional<Person> person;
        if (auto id = v.person_by_employee_id(employee_id)) {
            person = v.person(*id);
        }
        if (!person) {
            std::vector<Id> candidates;
            for (Id id : v.people_named(unit.id, name.full)) {
                auto p = v.person(id);
                if (p && p->employee_id.empty() && !matched_people.contains(id)) {
                    candidates.push_back(id);
                }
            }
            if (candidates.size() > 1) {
                problem(
                    std::to_string(candidates.size()) + " people named " +
                    v.person(candidates[0])->name.full + " in " + unit.code +
                    " have no employee_id; add one to tell them apart"
                );
                continue;
            }
            if (candidates.size() == 1) {
                person = v.person(candidates[0]);
            }
        }
        if (person && !matched_people.insert(person->id).second) {
            problem("this row matches the same person as an earlier row");
            continue;
        }

        Plan plan;
        plan.row = index;
        plan.unit = unit.id;
        std::optional<Account> account;
        if (person) {
            account = v.account(person->account);
        }
        if (!email.empty()) {
            auto owner = v.address(email);
            bool own = owner && account &&
                       (owner->kind == AddressKind::Account || owner->kind == AddressKind::Alias) &&
                       owner->id == account->id;
            if (!own && (owner || v.issued(email))) {
                problem("address " + email + " is already taken");
                continue;
            }
        }
        if (!person) {
            plan.kind = ChangeKind::Add;
            plan.address = email;
            if (email.empty()) {
                needs_address.push_back(out.plans.size());
            } else {
                reserved.insert(email);
            }
            out.plans.push_back(std::move(plan));
            continue;
        }
        plan.person = person->id;
        std::string title = clean(row.title);
        std::string phone = clean(row.phone);
        if (person->name.full != name.full) {
            plan.details.push_back(change("name", person->name.full, name.full));
        }
        if (person->title != title) {
            plan.details.push_back(change("title", person->title, title));
        }
        if (person->phone != phone) {
            plan.details.push_back(change("phone", person->phone, phone));
        }
        if (person->unit != unit.id) {
            auto from = v.unit(person->unit);
            plan.details.push_back(change("unit", from ? from->code : "", unit.code));
        }
        if (!employee_id.empty() && person->employee_id != employee_id) {
            plan.details.push_back(change("employee_id", person->employee_id, employee_id));
        }
        if (!email.empty() && account && account->address != email) {
            plan.address = email;
            reserved.insert(email);
            plan.details.push_back(change("address", account->address, email));
        }
        plan.kind = plan.details.empty() ? ChangeKind::Unchanged : ChangeKind::Update;
        out.plans.push_back(std::move(plan));
    }
    // Generated addresses last, so that they avoid every address given in the file.
    for (std::size_t i : needs_address) {
        Plan& plan = out.plans[i];
        const RosterRow& row = rows[plan.row];
        auto unit = v.unit(plan.unit);
        plan.address = generate_address(
            v, settings, split_name(row.full_name), *unit, settings.primary_domain(), &reserved
        );
        if (plan.address.empty()) {
            out.problems.push_back(
                {row.line, "cannot make an address from the name \"" + row.full_name + "\""}
            );
            plan.kind = ChangeKind::Unchanged;
            plan.row = SIZE_MAX;
            continue;
        }
        reserved.insert(plan.address);
    }
    std::erase_if(out.plans, [](const Plan& p) { return p.row == SIZE_MAX; });
    std::ranges::sort(out.problems, {}, &RosterProblem::line);
    return out;
}

void apply_plan(
    Mutator& m,
    store::WriteScope& scope,
    const Context& context,
    const std::vector<RosterRow>& rows,
    const Plan& plan,
    const std::string& password_hash,
    Time now
) {
    const RosterRow& row = rows[plan.row];
    auto unit = m.unit(plan.unit);
    if (plan.kind == ChangeKind::Add) {
        NewUser spec;
        spec.full_name = row.full_name;
        spec.unit_code = unit->code;
        spec.title = row.title;
        spec.phone = row.phone;
        spec.employee_id = row.employee_id;
        spec.address = plan.address;
        spec.password_hash = password_hash;
        create_user(m, scope, context, spec, now);
        return;
    }
    auto before = m.person(plan.person);
    Person person = *before;
    person.name = split_name(row.full_name);
    person.title = clean(row.title);
    person.phone = clean(row.phone);
    if (std::string id = clean(row.employee_id); !id.empty()) {
        person.employee_id = id;
    }
    bool moved = person.unit != plan.unit;
    person.unit = plan.unit;
    m.put_person(person, before);
    if (auto account = m.account(person.account)) {
        if (moved) {
            m.move_membership(account->id, plan.unit, now);
        }
        if (!plan.address.empty() && plan.address != account->address) {
            auto existing = m.address(plan.address);
            if (existing && existing->kind == AddressKind::Alias) {
                m.retire_address(plan.address);
                m.erase_alias_record(account->id, plan.address);
            }
            m.retarget_address(account->address, {AddressKind::Alias, account->id});
            m.add_alias_record(account->id, account->address);
            m.issue_address(plan.address, {AddressKind::Account, account->id}, now);
            account->address = plan.address;
            m.put_account(*account);
        }
    }
    index_person(m, person);
}

}  // namespace

ParsedRoster parse_roster(std::string_view csv) {
    ParsedRoster out;
    if (csv.starts_with("\xEF\xBB\xBF")) {
        csv.remove_prefix(3);  // UTF-8 byte order mark (spreadsheet exports)
    }
    std::vector<Record> records = split_records(csv);
    if (records.empty()) {
        out.problems.push_back({1, "the file is empty (a header row is required)"});
        return out;
    }
    const Record& header = records.front();
    std::array<int, kColumns.size()> position;
    position.fill(-1);
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        std::string name = lower(trim(header.fields[i]));
        auto known = std::ranges::find(kColumns, name);
        if (known == kColumns.end()) {
            out.problems.push_back(
                {header.line,
                 "unknown column \"" + name +
                     "\" (columns: full_name, unit_code, title, phone, email, employee_id)"}
            );
            return out;
        }
        auto column = static_cast<std::size_t>(known - kColumns.begin());
        if (position[column] >= 0) {
            out.problems.push_back({header.line, "column " + name + " appears twice"});
            return out;
        }
        position[column] = static_cast<int>(i);
    }
    for (std::size_t column : {0U, 1U}) {
        if (position[column] < 0) {
            out.problems.push_back(
                {header.line, "the header has no " + std::string(kColumns[column]) + " column"}
            );
            return out;
        }
    }
    for (std::size_t r = 1; r < records.size(); ++r) {
        const Record& record = records[r];
        if (record.bad_quote) {
            out.problems.push_back({record.line, "malformed quoted field"});
            continue;
        }
        if (record.fields.size() != header.fields.size()) {
            out.problems.push_back(
                {record.line,
                 "expected " + std::to_string(header.fields.size()) + " columns, found " +
                     std::to_string(record.fields.size())}
            );
            continue;
        }
        bool utf8 = std::ranges::all_of(record.fields, [](const std::string& f) {
            return text::is_valid_utf8(f);
        });
        if (!utf8) {
            out.problems.push_back({record.line, "not valid UTF-8 (save the file as UTF-8)"});
            continue;
        }
        auto field = [&](std::size_t column) {
            return position[column] < 0
                       ? std::string()
                       : trim(record.fields[static_cast<std::size_t>(position[column])]);
        };
        RosterRow row;
        row.line = record.line;
        row.full_name = field(0);
        row.unit_code = field(1);
        row.title = field(2);
        row.phone = field(3);
        row.email = field(4);
        row.employee_id = field(5);
        out.rows.push_back(std::move(row));
    }
    return out;
}

std::string roster_header() {
    return "full_name,unit_code,title,phone,email,employee_id\r\n";
}

std::string roster_csv_line(const RosterRow& row) {
    return csv_field(row.full_name) + "," + csv_field(row.unit_code) + "," + csv_field(row.title) +
           "," + csv_field(row.phone) + "," + csv_field(row.email) + "," +
           csv_field(row.employee_id) + "\r\n";
}

DirResult<ImportReport> import_roster(
    Context& context, std::string_view csv, const ImportOptions& options
) {
    ImportReport report;
    ParsedRoster parsed = parse_roster(csv);
    auto tick = [&](std::string_view phase, std::size_t done, std::size_t total) {
        if (options.progress) {
            options.progress(phase, done, total);
        }
    };
    std::size_t total = parsed.rows.size();
    Planned planned = context.read([&](const View& v) {
        return plan_rows(v, context.settings, parsed.rows, [&](std::size_t done) {
            tick("checking", done, total);
        });
    });
    tick("checking", total, total);
    report.problems = std::move(parsed.problems);
    std::ranges::move(planned.problems, std::back_inserter(report.problems));
    std::ranges::stable_sort(report.problems, {}, &RosterProblem::line);
    std::size_t adds = 0;
    context.read([&](const View& v) {
        for (const Plan& plan : planned.plans) {
            const RosterRow& row = parsed.rows[plan.row];
            auto unit = v.unit(plan.unit);
            std::string address = plan.address;
            if (address.empty()) {
                auto person = v.person(plan.person);
                auto account = person ? v.account(person->account) : std::nullopt;
                address = account ? account->address : "";
            }
            report.changes.push_back(
                {row.line,
                 plan.kind,
                 clean(row.full_name),
                 unit ? unit->code : "",
                 address,
                 plan.details}
            );
            if (plan.kind == ChangeKind::Add) {
                ++adds;
                ++report.added;
            } else if (plan.kind == ChangeKind::Update) {
                ++report.updated;
            } else {
                ++report.unchanged;
            }
        }
        return true;
    });
    if (options.dry_run || (!report.problems.empty() && !options.skip_bad)) {
        return report;
    }
    if (report.added == 0 && report.updated == 0) {
        report.applied = true;
        return report;
    }

    std::vector<std::string> passwords;
    passwords.reserve(adds);
    for (std::size_t i = 0; i < adds; ++i) {
        passwords.push_back(password::random_password());
    }
    tick("hashing", 0, adds);
    std::vector<std::string> hashes =
        context.hasher.hash_all(passwords, [&](std::size_t done) { tick("hashing", done, adds); });

    tick("writing", 0, 1);
    auto written = context.write([&](Mutator& m, store::WriteScope& scope) {
        // Planned again inside the write: if the directory changed since the check, the plan
        // (and so the number of pre-hashed passwords) may differ, and the import is refused.
        Planned again = plan_rows(m, context.settings, parsed.rows, {});
        bool same =
            again.plans.size() == planned.plans.size() &&
            std::ranges::equal(again.plans, planned.plans, [](const Plan& a, const Plan& b) {
                return a.row == b.row && a.kind == b.kind && a.address == b.address;
            });
        if (!same) {
            fail(Errc::Temporary, "the directory changed during the import; run it again");
        }
        Time now = context.now();
        std::size_t next_password = 0;
        for (const Plan& plan : again.plans) {
            if (plan.kind == ChangeKind::Unchanged) {
                continue;
            }
            const std::string& hash =
                plan.kind == ChangeKind::Add ? hashes[next_password++] : std::string();
            try {
                apply_plan(m, scope, context, parsed.rows, plan, hash, now);
            } catch (const DirectoryException& e) {
                fail(
                    e.code(), "line " + std::to_string(parsed.rows[plan.row].line) + ": " + e.what()
                );
            }
        }
    });
    if (!written) {
        return written.error();
    }
    tick("writing", 1, 1);
    std::size_t next_password = 0;
    for (const RosterChange& c : report.changes) {
        if (c.kind == ChangeKind::Add) {
            report.credentials.push_back(
                {c.address, passwords[next_password++], c.full_name, c.unit_code}
            );
        }
    }
    report.applied = true;
    return report;
}

}  // namespace govmail::directory
