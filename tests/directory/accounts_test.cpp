#include "tests/directory/fixture.hpp"

#include <gtest/gtest.h>

namespace govmail::directory {
namespace {

using test::DirectoryFixture;

const Peer kPeer{"192.0.2.7", events::Protocol::Imap};

struct AccountsTest : testing::Test {
    AccountsTest() {
        f.unit("H29", "Ủy ban nhân dân tỉnh", "", UnitKind::Province, "ubnd");
        f.unit("STTTT", "Sở Thông tin và Truyền thông", "H29");
    }

    DirectoryFixture f;
};

TEST_F(AccountsTest, AddUserGeneratesAddressAndProvisions) {
    auto added = f.admin.add_user(
        {.full_name = "Nguyễn Ngọc Thanh",
         .unit_code = "sttt"
                      "t",
         .title = "Phó Giám đốc",
         .employee_id = "NV001",
         .password = "mật khẩu dài"}
    );
    ASSERT_TRUE(added) << added.error().message;
    EXPECT_EQ(added->account->address, "thanhnn.stttt@example.gov.vn");
    EXPECT_EQ(added->person.name.family, "Nguyễn");
    EXPECT_EQ(added->person.title, "Phó Giám đốc");
    EXPECT_EQ(added->account->quota, 2ULL << 30);
    EXPECT_TRUE(added->account->must_change_password);
    EXPECT_TRUE(added->account->password_hash.starts_with("$argon2id$"));
    // Its mail storage was made in the same write: quota and the default mailboxes.
    auto storage = f.mail_store().read([&](const store::StoreReader& r) {
        return r.account(added->account->id);
    });
    ASSERT_TRUE(storage && *storage);
    EXPECT_EQ((*storage)->quota, 2ULL << 30);
    auto mailboxes = f.mail_store().read([&](const store::StoreReader& r) {
        return r.list_mailboxes(added->account->id).size();
    });
    EXPECT_EQ(*mailboxes, 6U);
    auto inbox = f.directory.resolve("thanhnn.stttt@example.gov.vn");
    ASSERT_TRUE(inbox);
    ASSERT_EQ(inbox->inboxes.size(), 1U);
    EXPECT_NE(inbox->inboxes[0], 0U);
    auto shown = f.admin.user("ThanhNN.STTTT@example.gov.vn");
    ASSERT_TRUE(shown);
    EXPECT_EQ(shown->unit.code, "STTTT");
    EXPECT_EQ(shown->person.employee_id, "NV001");
}

TEST_F(AccountsTest, CollisionsGetSuffixesAndAddressesAreNeverReused) {
    EXPECT_EQ(f.user("Nguyễn Ngọc Thanh", "STTTT"), "thanhnn.stttt@example.gov.vn");
    EXPECT_EQ(f.user("Nông Ngọc Thanh", "STTTT"), "thanhnn2.stttt@example.gov.vn");
    Id deleted = f.directory.find_account("thanhnn.stttt@example.gov.vn")->id;
    ASSERT_TRUE(f.admin.delete_user("thanhnn.stttt@example.gov.vn"));
    EXPECT_FALSE(f.directory.resolve("thanhnn.stttt@example.gov.vn"));
    // Its mail went with it.
    EXPECT_FALSE(*f.mail_store().read([&](const store::StoreReader& r) {
        return r.account(deleted);
    }));
    // A new Thanh does not inherit the deleted officer's address (or their mail).
    EXPECT_EQ(f.user("Nguyễn Ngọc Thanh", "STTTT"), "thanhnn3.stttt@example.gov.vn");
    auto explicit_reuse = f.admin.add_user(
        {.full_name = "Ngô Nam Thanh",
         .unit_code = "STTTT",
         .address = "thanhnn.stttt@example.gov.vn"}
    );
    ASSERT_FALSE(explicit_reuse);
    EXPECT_EQ(explicit_reuse.error().code, Errc::Exists);
    EXPECT_EQ(
        explicit_reuse.error().message,
        "address thanhnn.stttt@example.gov.vn was issued before and is never given to anyone else"
    );
}

TEST_F(AccountsTest, ExplicitAddressesAreCheckedAndOtherDomainsUseTheirPattern) {
    EXPECT_EQ(
        f.user("Lê Ngọc Hân", "STTTT", "", kRoleUser, "Han.Le@Other.gov.vn"), "han.le@other.gov.vn"
    );
    auto bad = f.admin.add_user({.full_name = "Lê Hân", .unit_code = "STTTT", .address = "lê@x"});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "invalid address \"lê@x\"");
    auto foreign =
        f.admin.add_user({.full_name = "Lê Hân", .unit_code = "STTTT", .address = "han@gmail.com"});
    EXPECT_EQ(foreign.error().message, "han@gmail.com is not in a domain hosted here");
    auto empty = f.admin.add_user({.full_name = " ", .unit_code = "STTTT"});
    EXPECT_EQ(empty.error().message, "the name is empty");
    auto nowhere = f.admin.add_user({.full_name = "Lê Hân", .unit_code = "NOPE"});
    EXPECT_EQ(nowhere.error().code, Errc::NotFound);

    Settings settings = test::test_settings();
    settings.directory.domain_patterns.emplace("other.gov.vn", "{given}.{family}");
    DirectoryFixture g(settings);
    g.unit("U", "Sở Nội vụ");
    auto other =
        g.admin.add_user({.full_name = "Đặng Đình Đức", .unit_code = "U", .domain = "other.gov.vn"}
        );
    ASSERT_TRUE(other);
    EXPECT_EQ(other->account->address, "duc.dang@other.gov.vn");
}

TEST_F(AccountsTest, PasswordPolicyAndStates) {
    std::string a = f.user("Trần Văn Minh", "STTTT", "first-password");
    auto ok = f.directory.authenticate_blocking(a, "first-password", kPeer);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->address, a);
    EXPECT_EQ(ok->name, "Trần Văn Minh");
    EXPECT_TRUE(ok->must_change_password);
    EXPECT_FALSE(f.directory.authenticate_blocking(a, "wrong-password", kPeer));
    EXPECT_FALSE(f.directory.authenticate_blocking("nobody@example.gov.vn", "x", kPeer));

    auto short_password = f.admin.set_password(a, "short");
    ASSERT_FALSE(short_password);
    EXPECT_EQ(short_password.error().message, "the password must have at least 9 characters");

    ASSERT_TRUE(f.admin.set_state(a, AccountState::Disabled));
    EXPECT_FALSE(f.directory.authenticate_blocking(a, "first-password", kPeer));
    ASSERT_TRUE(f.admin.set_state(a, AccountState::Active));
    ASSERT_TRUE(f.admin.set_state(a, AccountState::Locked));
    EXPECT_FALSE(f.directory.authenticate_blocking(a, "first-password", kPeer));
    // A locked or disabled account still receives mail.
    EXPECT_TRUE(f.directory.resolve(a));
    ASSERT_TRUE(f.admin.unlock(a));
    EXPECT_TRUE(f.directory.authenticate_blocking(a, "first-password", kPeer));
}

TEST_F(AccountsTest, LocksAfterConsecutiveFailuresAndSuccessResets) {
    std::string a = f.user("Phạm Thu Hà", "STTTT", "right-password");
    for (int i = 0; i < 11; ++i) {
        EXPECT_FALSE(f.directory.authenticate_blocking(a, "wrong", kPeer));
    }
    f.directory.wait_for_bookkeeping_for_test();
    EXPECT_EQ(f.admin.user(a)->account->failed_logins, 11U);
    ASSERT_TRUE(f.directory.authenticate_blocking(a, "right-password", kPeer));
    f.directory.wait_for_bookkeeping_for_test();
    EXPECT_EQ(f.admin.user(a)->account->failed_logins, 0U);
    for (int i = 0; i < 12; ++i) {
        EXPECT_FALSE(f.directory.authenticate_blocking(a, "wrong", kPeer));
    }
    f.directory.wait_for_bookkeeping_for_test();
    auto locked = f.admin.user(a)->account;
    EXPECT_EQ(locked->state, AccountState::Locked);
    EXPECT_EQ(locked->lock_reason, LockReason::FailedLogins);
    EXPECT_FALSE(f.directory.authenticate_blocking(a, "right-password", kPeer));
    ASSERT_TRUE(f.admin.unlock(a));
    EXPECT_TRUE(f.directory.authenticate_blocking(a, "right-password", kPeer));
}

TEST_F(AccountsTest, FirstPasswordUnchangedAfterAMonthLocks) {
    std::string a = f.user("Vũ Quang Huy", "STTTT", "initial-password");
    f.now = f.now + 31 * 86400;
    EXPECT_FALSE(f.directory.authenticate_blocking(a, "initial-password", kPeer));
    f.directory.wait_for_bookkeeping_for_test();
    EXPECT_EQ(f.admin.user(a)->account->lock_reason, LockReason::InitialPassword);
    // An administrator's new password unlocks it (and must itself be changed).
    ASSERT_TRUE(f.admin.set_password(a, "another-initial"));
    EXPECT_TRUE(f.directory.authenticate_blocking(a, "another-initial", kPeer));
}

TEST_F(AccountsTest, ChangePasswordClearsMustChangeAndMaxAgeAsksAgain) {
    std::string a = f.user("Hồ Thị Lan", "STTTT", "initial-password");
    Id id = f.directory.find_account(a)->id;
    net::asio::io_context io;
    DirResult<void> wrong = Error{};
    DirResult<void> changed = Error{};
    net::asio::co_spawn(
        io,
        [&]() -> net::asio::awaitable<void> {
            // Each awaitable in its own statement (g++ 12 and temporaries in co_await).
            auto first = f.directory.change_password(id, "not-it", "new-password-1");
            wrong = co_await std::move(first);
            auto second = f.directory.change_password(id, "initial-password", "new-password-1");
            changed = co_await std::move(second);
        },
        net::asio::detached
    );
    io.run();
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().message, "the current password is wrong");
    ASSERT_TRUE(changed) << changed.error().message;
    auto who = f.directory.authenticate_blocking(a, "new-password-1", kPeer);
    ASSERT_TRUE(who);
    EXPECT_FALSE(who->must_change_password);
    f.now = f.now + 181 * 86400;
    who = f.directory.authenticate_blocking(a, "new-password-1", kPeer);
    ASSERT_TRUE(who);
    EXPECT_TRUE(who->must_change_password);
}

TEST_F(AccountsTest, AuthenticateCoroutineRunsOnTheHasherPool) {
    std::string a = f.user("Đỗ Minh Khoa", "STTTT", "pool-password");
    net::asio::io_context io;
    std::optional<AccountInfo> ok;
    std::optional<AccountInfo> refused = AccountInfo{};
    net::asio::co_spawn(
        io,
        [&]() -> net::asio::awaitable<void> {
            auto first = f.directory.authenticate(a, "pool-password", kPeer);
            ok = co_await std::move(first);
            auto second = f.directory.authenticate("nobody@example.gov.vn", "x", kPeer);
            refused = co_await std::move(second);
        },
        net::asio::detached
    );
    io.run();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->address, a);
    EXPECT_FALSE(refused);
}

TEST_F(AccountsTest, AliasesRolesQuotaAndSendAs) {
    f.unit("VP", "Văn phòng", "STTTT", UnitKind::Division);
    std::string clerk = f.user("Ngô Thị Thu", "STTTT", "", kRoleUser | kRoleUnitClerk);
    std::string officer = f.user("Bùi Văn Nam", "STTTT");
    Id clerk_id = f.directory.find_account(clerk)->id;
    Id officer_id = f.directory.find_account(officer)->id;

    ASSERT_TRUE(f.admin.add_alias(officer, "vanthu.stttt@example.gov.vn"));
    EXPECT_EQ(f.directory.find_account("VanThu.STTTT@example.gov.vn")->id, officer_id);
    EXPECT_EQ(
        f.directory.resolve("vanthu.stttt+so-12@example.gov.vn")->accounts,
        std::vector<Id>{officer_id}
    );
    EXPECT_EQ(f.admin.add_alias(clerk, "vanthu.stttt@example.gov.vn").error().code, Errc::Exists);
    EXPECT_TRUE(f.directory.may_send_as(officer_id, "vanthu.stttt@example.gov.vn"));
    EXPECT_TRUE(f.directory.may_send_as(officer_id, officer));
    EXPECT_FALSE(f.directory.may_send_as(officer_id, clerk));
    // Unit address: only its clerks, who also receive its mail.
    EXPECT_TRUE(f.directory.may_send_as(clerk_id, "stttt@example.gov.vn"));
    EXPECT_FALSE(f.directory.may_send_as(officer_id, "stttt@example.gov.vn"));
    EXPECT_FALSE(f.directory.may_send_as(clerk_id, "vp.stttt@example.gov.vn"));
    EXPECT_EQ(f.directory.resolve("stttt@example.gov.vn")->accounts, std::vector<Id>{clerk_id});

    ASSERT_TRUE(f.admin.remove_alias("vanthu.stttt@example.gov.vn"));
    EXPECT_FALSE(f.directory.resolve("vanthu.stttt@example.gov.vn"));
    EXPECT_EQ(f.admin.add_alias(clerk, "vanthu.stttt@example.gov.vn").error().code, Errc::Exists);

    ASSERT_TRUE(f.admin.set_roles(officer, kRoleUnitAdmin));
    EXPECT_EQ(f.directory.account(officer_id)->roles, kRoleUser | kRoleUnitAdmin);
    ASSERT_TRUE(f.admin.set_quota(officer, 5ULL << 30));
    EXPECT_EQ(f.directory.account(officer_id)->quota, 5ULL << 30);
    EXPECT_FALSE(f.directory.resolve("nobody@example.gov.vn"));
}

TEST_F(AccountsTest, DepartLocksAndPurgeDeletesAfterThePeriod) {
    std::string a = f.user("Lý Văn Tâm", "STTTT", "some-password");
    std::string b = f.user("Dương Thị Hoa", "STTTT");
    ASSERT_TRUE(f.admin.depart(a));
    auto record = f.admin.user(a);
    EXPECT_EQ(record->person.status, PersonStatus::Departed);
    EXPECT_EQ(record->account->state, AccountState::Locked);
    EXPECT_EQ(record->account->lock_reason, LockReason::Departed);
    EXPECT_FALSE(f.directory.authenticate_blocking(a, "some-password", kPeer));

    f.now = f.now + 89 * 86400;
    EXPECT_TRUE(f.admin.purge_departed()->empty());
    f.now = f.now + 2 * 86400;
    auto purged = f.admin.purge_departed();
    ASSERT_TRUE(purged);
    EXPECT_EQ(*purged, std::vector<std::string>{a});
    EXPECT_FALSE(f.directory.resolve(a));
    EXPECT_TRUE(f.directory.resolve(b));
}

TEST_F(AccountsTest, ListAndMove) {
    f.unit("VP", "Văn phòng", "STTTT", UnitKind::Division);
    f.user("Trần Văn Bảo", "STTTT");
    f.user("Nguyễn Thị An", "STTTT");
    std::string c = f.user("Lê Văn Cường", "VP");
    auto direct = f.admin.list_users("STTTT", false);
    ASSERT_EQ(direct.size(), 2U);
    EXPECT_EQ(direct[0].person.name.given, "An");  // by given name first
    EXPECT_EQ(f.admin.list_users("STTTT", true).size(), 3U);
    EXPECT_EQ(f.admin.list_users("", false).size(), 3U);
    f.now = f.now + 60;
    ASSERT_TRUE(f.admin.move_user(c, "STTTT"));
    EXPECT_EQ(f.admin.list_users("STTTT", false).size(), 3U);
    EXPECT_EQ(f.admin.history(c).size(), 2U);
}

}  // namespace
}  // namespace govmail::directory
