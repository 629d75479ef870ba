#include "tests/directory/fixture.hpp"

#include <gtest/gtest.h>

namespace govmail::directory {
namespace {

using test::DirectoryFixture;

struct GroupsTest : testing::Test {
    GroupsTest() {
        f.unit("S", "Sở Tài chính");
        f.unit("S.1", "Phòng Ngân sách", "S", UnitKind::Division);
        a = f.user("Nguyễn Văn An", "S", "", kRoleUser | kRoleUnitClerk);
        b = f.user("Trần Thị Bích", "S");
        c = f.user("Lê Văn Cảnh", "S.1");
        ids = {id(a), id(b), id(c)};
    }

    Id id(const std::string& address) { return f.directory.find_account(address)->id; }

    DirectoryFixture f;
    std::string a, b, c;
    std::vector<Id> ids;
};

TEST_F(GroupsTest, UnitListsExpandToStaffOptionallySubunits) {
    auto direct = f.admin.add_group({.name = "Toàn sở", .kind = GroupKind::Unit, .unit_code = "S"});
    ASSERT_TRUE(direct) << direct.error().message;
    EXPECT_EQ(direct->group.address, "all.stc@example.gov.vn");
    EXPECT_EQ(
        f.directory.resolve("all.stc@example.gov.vn")->accounts, (std::vector<Id>{ids[0], ids[1]})
    );
    auto deep = f.admin.add_group(
        {.name = "Toàn sở và phòng",
         .address = "tatca.stc@example.gov.vn",
         .kind = GroupKind::Unit,
         .unit_code = "S",
         .include_subunits = true}
    );
    ASSERT_TRUE(deep);
    EXPECT_EQ(f.directory.resolve("tatca.stc@example.gov.vn")->accounts, ids);
    // Departed staff leave the lists; locked ones stay (they still receive mail).
    ASSERT_TRUE(f.admin.depart(b));
    ASSERT_TRUE(f.admin.set_state(c, AccountState::Locked));
    EXPECT_EQ(
        f.directory.resolve("tatca.stc@example.gov.vn")->accounts, (std::vector<Id>{ids[0], ids[2]})
    );
    EXPECT_EQ(
        f.admin.set_group_member("all.stc@example.gov.vn", a, true).error().code, Errc::Invalid
    );
}

TEST_F(GroupsTest, StaticListsAndSendPolicies) {
    auto leaders = f.admin.add_group(
        {.name = "Lãnh đạo", .address = "lanhdao.stc@example.gov.vn", .policy = SendPolicy::Members}
    );
    ASSERT_TRUE(leaders) << leaders.error().message;
    ASSERT_TRUE(f.admin.set_group_member("lanhdao.stc@example.gov.vn", a, true));
    ASSERT_TRUE(f.admin.set_group_member("lanhdao.stc@example.gov.vn", b, true));
    const std::string list = "lanhdao.stc@example.gov.vn";
    EXPECT_EQ(f.directory.resolve(list)->accounts, (std::vector<Id>{ids[0], ids[1]}));
    EXPECT_TRUE(f.directory.may_send_to(ids[0], list));
    EXPECT_FALSE(f.directory.may_send_to(ids[2], list));
    EXPECT_FALSE(f.directory.may_send_to(std::nullopt, list));
    EXPECT_TRUE(f.directory.may_send_to(std::nullopt, a));  // ordinary addresses are open

    ASSERT_TRUE(f.admin.set_group_policy(list, SendPolicy::Senders));
    EXPECT_FALSE(f.directory.may_send_to(ids[0], list));
    ASSERT_TRUE(f.admin.set_group_sender(list, c, true));
    EXPECT_TRUE(f.directory.may_send_to(ids[2], list));

    EXPECT_FALSE(f.admin.set_group_policy(list, SendPolicy::UnitClerks));  // no unit
    ASSERT_TRUE(f.admin.set_group_policy(list, SendPolicy::Anyone));
    EXPECT_TRUE(f.directory.may_send_to(std::nullopt, list));

    auto circulars = f.admin.add_group(
        {.name = "Công văn",
         .address = "congvan.stc@example.gov.vn",
         .kind = GroupKind::Unit,
         .unit_code = "S",
         .include_subunits = true,
         .policy = SendPolicy::UnitClerks}
    );
    ASSERT_TRUE(circulars);
    EXPECT_TRUE(f.directory.may_send_to(ids[0], "congvan.stc@example.gov.vn"));
    EXPECT_FALSE(f.directory.may_send_to(ids[1], "congvan.stc@example.gov.vn"));

    auto record = f.admin.group(list);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->members, (std::vector<std::string>{a, b}));
    EXPECT_EQ(record->senders, (std::vector<std::string>{c}));
    EXPECT_EQ(f.admin.groups().size(), 2U);

    ASSERT_TRUE(f.admin.remove_group(list));
    EXPECT_FALSE(f.directory.resolve(list));
    auto reuse = f.admin.add_group({.name = "X", .address = list});
    EXPECT_EQ(reuse.error().code, Errc::Exists);
    EXPECT_EQ(f.admin.add_group({.name = "Y"}).error().message, "a static list needs an address");
}

TEST_F(GroupsTest, DeletedAccountsLeaveStaticLists) {
    ASSERT_TRUE(f.admin.add_group({.name = "L", .address = "l@example.gov.vn"}));
    ASSERT_TRUE(f.admin.set_group_member("l@example.gov.vn", b, true));
    ASSERT_TRUE(f.admin.delete_user(b));
    EXPECT_TRUE(f.directory.resolve("l@example.gov.vn")->accounts.empty());
}

}  // namespace
}  // namespace govmail::directory
