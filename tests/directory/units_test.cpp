#include "tests/directory/fixture.hpp"

#include <gtest/gtest.h>

namespace govmail::directory {
namespace {

using test::DirectoryFixture;

TEST(Units, AddGivesShortCodeAndOfficialAddress) {
    DirectoryFixture f;
    f.unit("H29", "Ủy ban nhân dân tỉnh", "", UnitKind::Province, "ubnd");
    Unit stttt = f.unit("000.00.15.h29", "Sở Thông tin và Truyền thông", "H29");
    EXPECT_EQ(stttt.code, "000.00.15.H29");
    EXPECT_EQ(stttt.short_code, "stttt");
    // A province parent stands for the whole domain: no ".ubnd" suffix.
    EXPECT_EQ(stttt.address, "stttt@example.gov.vn");
    Unit office = f.unit("000.01.15.H29", "Văn phòng", "000.00.15.H29", UnitKind::Division);
    EXPECT_EQ(office.address, "vp.stttt@example.gov.vn");
    EXPECT_EQ(f.admin.unit("000.00.15.h29")->name, "Sở Thông tin và Truyền thông");
}

TEST(Units, RefusesDuplicatesAndBadInput) {
    DirectoryFixture f;
    f.unit("A1", "Sở Tài chính");
    auto again = f.admin.add_unit({.code = "a1", .name = "Khác"});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::Exists);
    // Same initials as "Sở Tài chính" -> the address is taken; the message says what to do.
    auto same_short = f.admin.add_unit({.code = "A2", .name = "Sở Tư pháp Chung"});
    ASSERT_TRUE(same_short) << same_short.error().message;
    auto clash = f.admin.add_unit({.code = "A3", .name = "Sở Tài Chánh"});
    ASSERT_FALSE(clash);
    EXPECT_EQ(clash.error().code, Errc::Exists);
    EXPECT_NE(clash.error().message.find("--short"), std::string::npos);
    EXPECT_FALSE(f.admin.add_unit({.code = "A4", .name = "  "}));
    EXPECT_FALSE(f.admin.add_unit({.code = "A 5", .name = "X"}));
    EXPECT_FALSE(f.admin.add_unit({.code = "A6", .name = "X", .short_code = "Bad Code"}));
    auto orphan = f.admin.add_unit({.code = "A7", .name = "X", .parent_code = "NOPE"});
    ASSERT_FALSE(orphan);
    EXPECT_EQ(orphan.error().code, Errc::NotFound);
}

TEST(Units, RenameMoveAndTreeOrder) {
    DirectoryFixture f;
    f.unit("P", "Tỉnh", "", UnitKind::Province, "tinh");
    f.unit("B", "Sở Y tế", "P");
    f.unit("A", "Sở Giáo dục và Đào tạo", "P");
    f.unit("A.1", "Phòng Tổ chức", "A", UnitKind::Division);
    auto renamed = f.admin.update_unit("B", {.name = "Sở Y tế tỉnh"});
    ASSERT_TRUE(renamed);
    EXPECT_EQ(renamed->name, "Sở Y tế tỉnh");
    EXPECT_EQ(renamed->address, "syt@example.gov.vn");  // addresses do not follow renames
    std::vector<std::string> order;
    for (const Unit& u : f.admin.units()) {
        order.push_back(u.code);
    }
    EXPECT_EQ(order, (std::vector<std::string>{"P", "A", "A.1", "B"}));

    ASSERT_TRUE(f.admin.move_unit("A.1", "B"));
    EXPECT_EQ(f.admin.unit("A.1")->parent, f.admin.unit("B")->id);
    auto cycle = f.admin.move_unit("B", "A.1");
    ASSERT_FALSE(cycle);
    EXPECT_EQ(cycle.error().code, Errc::Invalid);
    ASSERT_TRUE(f.admin.move_unit("A.1", ""));
    EXPECT_EQ(f.admin.unit("A.1")->parent, 0U);
}

TEST(Units, RemoveRefusedWithMembersOrChildrenUnlessRecursive) {
    DirectoryFixture f;
    f.unit("D", "Huyện Bình Xuyên", "", UnitKind::District);
    f.unit("D.1", "Xã Bá Hiến", "D", UnitKind::Commune);
    std::string a = f.user("Trần Văn Bình", "D.1");
    auto refused = f.admin.remove_unit("D", false);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::InUse);
    EXPECT_EQ(refused.error().message, "unit D has 0 people and 1 sub-units; use --recursive");
    EXPECT_EQ(f.admin.remove_unit("D.1", false).error().code, Errc::InUse);

    auto removed = f.admin.remove_unit("D", true);
    ASSERT_TRUE(removed) << removed.error().message;
    EXPECT_EQ(removed->units, 2U);
    EXPECT_EQ(removed->accounts, 1U);
    EXPECT_FALSE(f.admin.unit("D"));
    EXPECT_FALSE(f.directory.resolve(a));
    EXPECT_FALSE(f.directory.resolve("hbx@example.gov.vn"));
    // The unit's address is never issued again.
    auto reuse = f.admin.add_unit({.code = "D2", .name = "Huyện Bình Xuyên", .short_code = "hbx"});
    ASSERT_FALSE(reuse);
    EXPECT_EQ(reuse.error().code, Errc::Exists);
}

TEST(Units, MergeMovesAccountsKeepsOldAddressesAndHistory) {
    DirectoryFixture f;
    f.unit("P", "Tỉnh", "", UnitKind::Province, "tinh");
    f.unit("X1", "Xã An Hòa", "P", UnitKind::Commune);
    f.unit("X2", "Xã Bình Minh", "P", UnitKind::Commune);
    f.unit("X1.1", "Thôn Một", "X1", UnitKind::Other, "t1");
    f.now = 1'700'000'000;
    std::string a = f.user("Nguyễn Văn An", "X1", "", kRoleUser | kRoleUnitClerk);
    std::string b = f.user("Lê Thị Bình", "X2");
    EXPECT_EQ(a, "annv.xah@example.gov.vn");
    Id a_id = f.directory.find_account(a)->id;

    f.now = 1'710'000'000;
    auto merged = f.admin.merge_units("X1", "X2");
    ASSERT_TRUE(merged) << merged.error().message;
    EXPECT_EQ(merged->accounts_moved, 1U);
    EXPECT_EQ(merged->units_moved, 1U);
    ASSERT_EQ(merged->readdressed.size(), 1U);
    EXPECT_EQ(merged->readdressed[0].first, a);
    EXPECT_EQ(merged->readdressed[0].second, "annv.xbm@example.gov.vn");

    // The old personal address and the old unit address still deliver.
    auto old_personal = f.directory.resolve(a);
    ASSERT_TRUE(old_personal);
    EXPECT_EQ(old_personal->kind, AddressKind::Alias);
    EXPECT_EQ(old_personal->accounts, std::vector<Id>{a_id});
    EXPECT_EQ(f.directory.find_account("annv.xbm@example.gov.vn")->id, a_id);
    auto old_unit = f.directory.resolve("xah@example.gov.vn");
    ASSERT_TRUE(old_unit);
    EXPECT_EQ(old_unit->id, f.admin.unit("X2")->id);
    EXPECT_EQ(old_unit->accounts, std::vector<Id>{a_id});  // the clerk moved with the unit
    EXPECT_FALSE(f.admin.unit("X1"));
    EXPECT_EQ(f.admin.unit("X1.1")->parent, f.admin.unit("X2")->id);
    EXPECT_EQ(f.directory.unit_of(a_id)->code, "X2");

    // History: X1 until the merge, X2 since.
    auto history = f.admin.history(a);
    ASSERT_EQ(history.size(), 2U);
    EXPECT_EQ(history[0].from, 1'700'000'000);
    EXPECT_EQ(history[0].to, 1'710'000'000);
    EXPECT_EQ(history[1].from, 1'710'000'000);
    EXPECT_EQ(history[1].to, 0);
    EXPECT_EQ(history[1].unit, f.admin.unit("X2")->id);
    Id x1 = history[0].unit;
    auto during = f.context().read([&](const View& v) {
        return std::pair(v.members_during(x1, 1'690'000'000, 1'705'000'000), v.merged_into(x1));
    });
    ASSERT_EQ(during.first.size(), 1U);
    EXPECT_EQ(during.first[0].account, a_id);
    EXPECT_EQ(during.second, f.admin.unit("X2")->id);

    EXPECT_FALSE(f.admin.merge_units("X2", "X2"));
    EXPECT_EQ(f.admin.merge_units("X2", "X1.1").error().code, Errc::Invalid);
    (void)b;
}

}  // namespace
}  // namespace govmail::directory
