#include "directory/roster.hpp"

#include "directory/demo.hpp"
#include "tests/directory/fixture.hpp"

#include <gtest/gtest.h>

namespace govmail::directory {
namespace {

using test::DirectoryFixture;

struct RosterTest : testing::Test {
    RosterTest() {
        f.unit("STTTT", "Sở Thông tin và Truyền thông");
        f.unit("SYT", "Sở Y tế");
    }

    ImportReport import(std::string_view csv, ImportOptions options = {}) {
        auto report = import_roster(f.context(), csv, options);
        EXPECT_TRUE(report) << report.error().message;
        return report ? *report : ImportReport{};
    }

    std::size_t people() { return f.admin.list_users("", false).size(); }

    DirectoryFixture f;
};

std::string problems(const ImportReport& report) {
    std::string out;
    for (const RosterProblem& p : report.problems) {
        out += std::to_string(p.line) + ": " + p.reason + "\n";
    }
    return out;
}

TEST(RosterCsv, Rfc4180QuotingBomAndLineNumbers) {
    std::string csv =
        "\xEF\xBB\xBF"
        "Full_Name, unit_code ,title,email\r\n"
        "\"Trần Thị Thu Hà\",STTTT,\"Văn thư, \"\"Văn phòng\"\"\",\r\n"
        "\r\n"
        "\"Lê\nVăn Hùng\",STTTT,Chuyên viên,hung@example.gov.vn\n"
        "Ngô Minh,STTTT,Chuyên viên\n"
        "\"Bad\"x,STTTT,,\n";
    ParsedRoster parsed = parse_roster(csv);
    ASSERT_EQ(parsed.rows.size(), 2U);
    EXPECT_EQ(parsed.rows[0].line, 2U);
    EXPECT_EQ(parsed.rows[0].full_name, "Trần Thị Thu Hà");
    EXPECT_EQ(parsed.rows[0].title, "Văn thư, \"Văn phòng\"");
    EXPECT_EQ(parsed.rows[1].line, 4U);
    EXPECT_EQ(parsed.rows[1].full_name, "Lê\nVăn Hùng");
    EXPECT_EQ(parsed.rows[1].email, "hung@example.gov.vn");
    ASSERT_EQ(parsed.problems.size(), 2U);
    EXPECT_EQ(parsed.problems[0].line, 6U);
    EXPECT_EQ(parsed.problems[0].reason, "expected 4 columns, found 3");
    EXPECT_EQ(parsed.problems[1].line, 7U);
    EXPECT_EQ(parsed.problems[1].reason, "malformed quoted field");
}

TEST(RosterCsv, HeaderProblems) {
    EXPECT_EQ(parse_roster("").problems[0].reason, "the file is empty (a header row is required)");
    EXPECT_EQ(
        parse_roster("full_name,title\n").problems[0].reason, "the header has no unit_code column"
    );
    EXPECT_EQ(
        parse_roster("full_name,unit_code,salary\n").problems[0].reason,
        "unknown column \"salary\" (columns: full_name, unit_code, title, phone, email, "
        "employee_id)"
    );
    RosterRow row{.full_name = "A, \"B\"", .unit_code = "U"};
    EXPECT_EQ(roster_csv_line(row), "\"A, \"\"B\"\"\",U,,,,\r\n");
}

TEST_F(RosterTest, ImportsReimportsAndUpdates) {
    std::string csv = roster_header() +
                      "Nguyễn Ngọc Thanh,STTTT,Giám đốc,0912000001,,NV1\n"
                      "Trần Thị Thu Hà,STTTT,Văn thư,,vanthu.stttt@example.gov.vn,NV2\n"
                      "Nguyễn Ngọc Thanh,SYT,Bác sĩ,,,NV3\n"
                      "Lê Văn Hùng,SYT,Chuyên viên,,,\n";
    ImportReport first = import(csv);
    ASSERT_TRUE(first.applied) << problems(first);
    EXPECT_EQ(first.added, 4U);
    ASSERT_EQ(first.credentials.size(), 4U);
    EXPECT_EQ(first.credentials[0].address, "thanhnn.stttt@example.gov.vn");
    EXPECT_EQ(first.credentials[1].address, "vanthu.stttt@example.gov.vn");
    EXPECT_EQ(first.credentials[2].address, "thanhnn.syt@example.gov.vn");
    EXPECT_EQ(first.credentials[3].address, "hunglv.syt@example.gov.vn");
    auto who = f.directory.authenticate_blocking(
        first.credentials[0].address, first.credentials[0].password, {}
    );
    ASSERT_TRUE(who);
    EXPECT_TRUE(who->must_change_password);

    ImportReport again = import(csv);
    EXPECT_TRUE(again.applied);
    EXPECT_EQ(again.added, 0U);
    EXPECT_EQ(again.updated, 0U);
    EXPECT_EQ(again.unchanged, 4U);
    EXPECT_TRUE(again.credentials.empty());
    EXPECT_EQ(people(), 4U);

    std::string edited = roster_header() +
                         "Nguyễn Ngọc Thanh,STTTT,Giám đốc Sở,0912000001,,NV1\n"
                         "Trần Thị Thu Hà,SYT,Văn thư,,vanthu.stttt@example.gov.vn,NV2\n"
                         "Nguyễn Ngọc Thanh,SYT,Bác sĩ,,,NV3\n"
                         "Lê Văn Hùng,SYT,Chuyên viên,,,NV4\n";
    ImportReport dry = import(edited, {.dry_run = true});
    EXPECT_FALSE(dry.applied);
    EXPECT_EQ(dry.updated, 3U);
    ASSERT_EQ(dry.changes[0].details.size(), 1U);
    EXPECT_EQ(dry.changes[0].details[0], "title: Giám đốc -> Giám đốc Sở");
    EXPECT_EQ(dry.changes[1].details[0], "unit: STTTT -> SYT");
    EXPECT_EQ(dry.changes[3].details[0], "employee_id: (none) -> NV4");
    EXPECT_EQ(f.admin.user("thanhnn.stttt@example.gov.vn")->person.title, "Giám đốc");

    ImportReport applied = import(edited);
    EXPECT_TRUE(applied.applied);
    EXPECT_EQ(applied.updated, 3U);
    EXPECT_EQ(f.admin.user("thanhnn.stttt@example.gov.vn")->person.title, "Giám đốc Sở");
    EXPECT_EQ(f.admin.user("vanthu.stttt@example.gov.vn")->unit.code, "SYT");
    EXPECT_EQ(f.admin.user("hunglv.syt@example.gov.vn")->person.employee_id, "NV4");
    EXPECT_EQ(people(), 4U);
    EXPECT_EQ(import(edited).unchanged, 4U);
}

TEST_F(RosterTest, BadRowsAreReportedLineByLineAndNothingChanges) {
    f.user("Đỗ Văn Cũ", "STTTT");  // owns cudv.stttt@
    std::string csv = roster_header() +
                      "Nguyễn Văn Tốt,STTTT,Chuyên viên,,,E1\n"        // 2: good
                      "Trần Văn Lạc,NO-SUCH-UNIT,Chuyên viên,,,E2\n"   // 3: unknown unit
                      ",STTTT,Chuyên viên,,,E3\n"                      // 4: empty name
                      "Lê Thị Trùng,STTTT,Chuyên viên,,,E1\n"          // 5: duplicate employee_id
                      "Phạm Văn Sai,STTTT,,,phạm@example.gov.vn,E5\n"  // 6: invalid address
                      "Hoàng Văn Thiếu,STTTT,Chuyên viên\n"            // 7: wrong column count
                      "Vũ Văn Chiếm,STTTT,,,cudv.stttt@example.gov.vn,E7\n"  // 8: taken
                      "Bùi Văn Ngoài,STTTT,,,bui@gmail.com,E8\n";            // 9: foreign domain
    ImportReport report = import(csv);
    EXPECT_FALSE(report.applied);
    EXPECT_EQ(
        problems(report),
        "3: unknown unit code NO-SUCH-UNIT\n"
        "4: full_name is empty\n"
        "5: employee_id E1 is also on line 2\n"
        "6: invalid address \"phạm@example.gov.vn\"\n"
        "7: expected 6 columns, found 3\n"
        "8: address cudv.stttt@example.gov.vn is already taken\n"
        "9: bui@gmail.com is not in a domain hosted here\n"
    );
    EXPECT_EQ(people(), 1U);

    ImportReport skipped = import(csv, {.skip_bad = true});
    EXPECT_TRUE(skipped.applied);
    EXPECT_EQ(skipped.added, 1U);
    EXPECT_EQ(skipped.problems.size(), 7U);
    EXPECT_EQ(people(), 2U);
}

TEST_F(RosterTest, AmbiguousNamesWithoutEmployeeIdAreProblems) {
    f.user("Nguyễn Văn An", "STTTT");
    f.user("Nguyễn Văn An", "STTTT");
    ImportReport report = import(roster_header() + "nguyen van an,STTTT,,,,\n");
    ASSERT_EQ(report.problems.size(), 1U);
    EXPECT_EQ(
        report.problems[0].reason,
        "2 people named Nguyễn Văn An in STTTT have no employee_id; add one to tell them apart"
    );
}

// Acceptance: a 10,000-officer roster written by the demo generator imports in one transaction;
// importing it again changes nothing.
TEST(RosterAcceptance, TenThousandOfficersFromTheDemoGenerator) {
    DirectoryFixture f;
    DemoProvince province = generate_demo({.staff = 10000, .seed = 7});
    auto seeded = seed_demo(f.context(), province, {.import_staff = false});
    ASSERT_TRUE(seeded) << seeded.error().message;
    EXPECT_GE(seeded->units, 100U);
    std::string csv = demo_roster_csv(province);
    EXPECT_EQ(generate_demo({.staff = 10000, .seed = 7}).staff.size(), 10000U);
    EXPECT_EQ(demo_roster_csv(generate_demo({.staff = 10000, .seed = 7})), csv);  // deterministic

    std::vector<std::string> phases;
    auto report = import_roster(
        f.context(),
        csv,
        {.progress =
             [&](std::string_view phase, std::size_t, std::size_t) {
                 if (phases.empty() || phases.back() != phase) {
                     phases.emplace_back(phase);
                 }
             }}
    );
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_TRUE(report->problems.empty())
        << report->problems[0].line << ": " << report->problems[0].reason;
    EXPECT_TRUE(report->applied);
    EXPECT_EQ(report->added, 10004U);
    EXPECT_EQ(report->credentials.size(), 10004U);
    EXPECT_EQ(phases, (std::vector<std::string>{"checking", "hashing", "writing"}));
    std::set<std::string> addresses;
    for (const Credential& c : report->credentials) {
        addresses.insert(c.address);
    }
    EXPECT_EQ(addresses.size(), 10004U);

    auto again = import_roster(f.context(), csv, {});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->added, 0U);
    EXPECT_EQ(again->updated, 0U);
    EXPECT_EQ(again->unchanged, 10004U);

    // Search over the imported province.
    auto hits = f.admin.search("nguyen", {.limit = 5});
    EXPECT_EQ(hits.size(), 5U);
}

TEST(Demo, SeedsAProvinceWithLoginsAndLists) {
    DirectoryFixture f;
    DemoProvince province = generate_demo({.staff = 60, .seed = 1});
    auto seeded = seed_demo(f.context(), province, {.demo_password = "demo-password"});
    ASSERT_TRUE(seeded) << seeded.error().message;
    EXPECT_EQ(seeded->people, 64U);
    ASSERT_EQ(seeded->logins.size(), 4U);
    EXPECT_EQ(seeded->logins[0].address, "thanhnn.stttt@example.gov.vn");
    EXPECT_EQ(seeded->logins[1].address, "hattt.stttt@example.gov.vn");
    auto admin =
        f.directory.authenticate_blocking("thanhnn.stttt@example.gov.vn", "demo-password", {});
    ASSERT_TRUE(admin);
    EXPECT_NE(admin->roles & kRoleGlobalAdmin, 0);
    EXPECT_FALSE(admin->must_change_password);
    Id clerk = f.directory.find_account("hattt.stttt@example.gov.vn")->id;
    EXPECT_TRUE(f.directory.may_send_as(clerk, "stttt@example.gov.vn"));
    EXPECT_TRUE(f.directory.resolve("all.stttt@example.gov.vn"));
    EXPECT_TRUE(f.directory.may_send_to(admin->id, "toantinh@example.gov.vn"));
    EXPECT_FALSE(f.directory.may_send_to(clerk, "toantinh@example.gov.vn"));
    EXPECT_EQ(f.directory.resolve("toantinh@example.gov.vn")->accounts.size(), 64U);
    EXPECT_EQ(seed_demo(f.context(), province, {}).error().code, Errc::Exists);
}

}  // namespace
}  // namespace govmail::directory
