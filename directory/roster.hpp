#pragma once
// Roster import: the HR department's staff list as CSV, applied to the directory in one write.
//
//     full_name,unit_code,title,phone,email,employee_id
//     Nguyễn Ngọc Thanh,000.00.15.H29,Giám đốc,0912345678,,NV0001
//     "Trần Thị Thu Hà",000.00.15.H29,"Văn thư, Văn phòng",,vanthu@example.gov.vn,NV0002
//
// Format: RFC 4180 (comma separated, double-quoted fields with "" for a quote, fields may hold
// line breaks, CRLF or LF), UTF-8 with or without a byte order mark, a header row naming the
// columns in any order (full_name and unit_code required; title, phone, email, employee_id
// optional). An empty email means "generate the address".
//
// Matching (idempotent re-import): a row is the person with its employee_id; failing that, the
// one person of the row's unit with the same name (case and diacritics aside) who has no
// employee_id yet. A matched person is updated (name, title, phone, unit, employee_id, and a
// given email becomes the primary address, the old one an alias); an unmatched row adds a person
// with an account and a random initial password. Importing the same file again changes nothing.
//
// Validation happens before anything is written: every bad row (unknown unit code, empty name,
// an employee_id or email used twice, an invalid or taken address, a wrong column count, bad
// UTF-8) is reported with its line number and reason, and nothing is applied unless all rows are
// good or `skip_bad` is set. Initial passwords are hashed on the password Hasher's threads before
// the single write transaction (one Argon2id hash costs ~22 ms; 10,000 in a row on the writer
// thread would stall all mail for minutes).

#include "directory/context.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::directory {

struct RosterRow {
    std::size_t line = 0;  // where the record starts in the file (1 = header)
    std::string full_name;
    std::string unit_code;
    std::string title;
    std::string phone;
    std::string email;
    std::string employee_id;
};

struct RosterProblem {
    std::size_t line = 0;  // 0: the file as a whole
    std::string reason;
};

struct ParsedRoster {
    std::vector<RosterRow> rows;
    std::vector<RosterProblem> problems;  // rows that could not be read at all
};

// Splits CSV text into rows (no directory look-ups). A missing or unusable header is one problem
// at line 1 and no rows.
ParsedRoster parse_roster(std::string_view csv);

// The header and rows of a roster, for writers (the demo generator, exports).
std::string roster_header();
std::string roster_csv_line(const RosterRow& row);

enum class ChangeKind { Add, Update, Unchanged };

struct RosterChange {
    std::size_t line = 0;
    ChangeKind kind = ChangeKind::Unchanged;
    std::string full_name;
    std::string unit_code;
    std::string address;               // the account's (new) primary address
    std::vector<std::string> details;  // "title: Chuyên viên -> Trưởng phòng", ...
};

struct Credential {
    std::string address;
    std::string password;
    std::string full_name;
    std::string unit_code;
};

struct ImportOptions {
    bool dry_run = false;
    bool skip_bad = false;
    // Called on the calling thread: phase ("checking", "hashing", "writing"), done, total.
    std::function<void(std::string_view, std::size_t, std::size_t)> progress;
};

struct ImportReport {
    std::vector<RosterChange> changes;    // one per good row, in file order
    std::vector<RosterProblem> problems;  // every bad row, in file order
    std::vector<Credential> credentials;  // initial passwords of added accounts (when applied)
    bool applied = false;                 // false: dry run, or refused because of problems
    std::size_t added = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
};

// Checks and (unless dry_run, or problems without skip_bad) applies a roster. Errors only for
// what is not about a row: a store failure, or the directory changing under the import.
DirResult<ImportReport> import_roster(
    Context& context, std::string_view csv, const ImportOptions& options
);

}  // namespace govmail::directory
