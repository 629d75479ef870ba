#pragma once
// A demo province, "tỉnh Sơn Hà" (fictional), for trying govmail and for load tests: the
// people's committee and its office, twenty departments with their offices and divisions, nine
// districts with their communes, officers with realistic Vietnamese names and titles, a unit list
// per department and district, clerks and unit admins. Deterministic: the same seed gives the same
// province, byte for byte.
//
//     DemoProvince p = generate_demo({.staff = 10000, .seed = 1});
//     std::string csv = demo_roster_csv(p);                 // a roster for `staff import`
//     auto summary = seed_demo(ctx, p, {.import_staff = true, .demo_password = "…"});
//
// A few named demo logins (a global admin, a clerk, an officer) get `demo_password`; every other
// account gets a random password that nobody is shown (an administrator sets one with
// `govmailctl user passwd` when needed).

#include "directory/context.hpp"
#include "directory/roster.hpp"
#include "directory/types.hpp"

#include <string>
#include <vector>

namespace govmail::directory {

struct DemoOptions {
    std::size_t staff = 300;  // officers besides the named demo logins
    std::uint64_t seed = 1;
};

struct DemoUnit {
    std::string code;
    std::string name;
    std::string short_code;
    std::string parent_code;
    UnitKind kind = UnitKind::Other;
    std::int32_t display_order = 0;
};

// A named account for people trying the demo.
struct DemoLogin {
    std::string full_name;
    std::string unit_code;
    std::string title;
    std::string employee_id;
    Roles roles = kRoleUser;
    std::string address;  // filled in by seed_demo
};

struct DemoProvince {
    std::vector<DemoUnit> units;  // parents before children
    std::vector<RosterRow> staff;
    std::vector<DemoLogin> logins;
    std::vector<std::string> list_units;  // codes of units that get an "all.<label>" list
};

DemoProvince generate_demo(const DemoOptions& options);

// The staff and the demo logins as a roster (header included).
std::string demo_roster_csv(const DemoProvince& province);

struct SeedOptions {
    bool import_staff = true;  // false: units and lists only (the roster goes to a file instead)
    std::string demo_password;
    ImportOptions import;  // progress reporting for the staff import
};

struct SeedSummary {
    std::size_t units = 0;
    std::size_t people = 0;
    std::size_t groups = 0;
    std::vector<DemoLogin> logins;  // with their addresses
};

// Refused (Exists) when the province is already there.
DirResult<SeedSummary> seed_demo(
    Context& context, const DemoProvince& province, const SeedOptions& options
);

}  // namespace govmail::directory
