// Accounts and mailboxes: provisioning, create, rename, delete, list, subscriptions, quota,
// removal of an account.

#include "tests/store/store_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace govmail::store::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> names(const std::vector<MailboxListEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) {
        out.push_back(e.name);
    }
    return out;
}

TEST_F(StoreTest, ProvisioningCreatesDefaultMailboxesWithSpecialUse) {
    auto result = write([&](StoreWriter& w) { return w.provision_account(7, 1 << 20); });
    EXPECT_TRUE(result.account_created);
    EXPECT_EQ(result.mailboxes_created, 6U);
    auto list = read([&](const StoreReader& r) { return r.list_mailboxes(7); });
    EXPECT_THAT(names(list), ElementsAre("Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash"));
    for (const auto& entry : list) {
        EXPECT_TRUE(entry.subscribed) << entry.name;
        EXPECT_FALSE(entry.has_children);
    }
    EXPECT_EQ(list[0].special_use, SpecialUse::Archive);
    EXPECT_EQ(list[2].special_use, SpecialUse::None);
    EXPECT_EQ(list[4].special_use, SpecialUse::Sent);
    EXPECT_EQ(
        read([&](const StoreReader& r) { return r.find_special_use(7, SpecialUse::Trash); }),
        mailbox(7, "Trash")
    );
    auto account = *read([&](const StoreReader& r) { return r.account(7); });
    EXPECT_EQ(account.quota, 1U << 20);

    // Provisioning again changes nothing, and restores a default mailbox that was deleted.
    write([&](StoreWriter& w) { w.delete_mailbox(7, "Junk"); });
    auto again = write([&](StoreWriter& w) { return w.provision_account(7, 5); });
    EXPECT_FALSE(again.account_created);
    EXPECT_EQ(again.mailboxes_created, 1U);
    EXPECT_EQ(read([&](const StoreReader& r) { return r.account(7); })->quota, 1U << 20);
    expect_consistent();
}

TEST_F(StoreTest, InboxIsCaseInsensitive) {
    MailboxId inbox = provision(1);
    EXPECT_EQ(mailbox(1, "inbox"), inbox);
    EXPECT_EQ(mailbox(1, "InBox"), inbox);
    MailboxId child = write([&](StoreWriter& w) { return w.create_mailbox(1, "inbox/Reports"); });
    EXPECT_EQ(mailbox(1, "INBOX/Reports"), child);
    EXPECT_EQ(status(child).name, "INBOX/Reports");
}

TEST_F(StoreTest, CreateMakesSuperiorsAndRefusesDuplicates) {
    provision(1);
    MailboxId leaf = write([&](StoreWriter& w) {
        return w.create_mailbox(1, "Dự án/2026/Quý 1", SpecialUse::None);
    });
    EXPECT_EQ(mailbox(1, "Dự án/2026/Quý 1"), leaf);
    auto list = read([&](const StoreReader& r) { return r.list_mailboxes(1); });
    std::map<std::string, bool> children;
    for (const auto& e : list) {
        children[e.name] = e.has_children;
    }
    EXPECT_TRUE(children.at("Dự án"));
    EXPECT_TRUE(children.at("Dự án/2026"));
    EXPECT_FALSE(children.at("Dự án/2026/Quý 1"));

    auto duplicate = try_write([&](StoreWriter& w) { return w.create_mailbox(1, "Dự án/2026"); });
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error(), make_error_code(Errc::Exists));
    // RFC 3501 6.3.3: a trailing delimiter is allowed.
    EXPECT_TRUE(try_write([&](StoreWriter& w) { return w.create_mailbox(1, "Lưu trữ/"); }));
    EXPECT_TRUE(read([&](const StoreReader& r) { return r.find_mailbox(1, "Lưu trữ"); }));

    for (std::string bad :
         std::vector<std::string>{"", "a//b", "/a", "a\tb", "a*", "50%", "bad\xff"}) {
        auto result = try_write([&](StoreWriter& w) { return w.create_mailbox(1, bad); });
        ASSERT_FALSE(result) << bad;
        EXPECT_EQ(result.error(), make_error_code(Errc::Invalid)) << bad;
    }
    auto no_account = try_write([&](StoreWriter& w) { return w.create_mailbox(2, "x"); });
    EXPECT_EQ(no_account.error(), make_error_code(Errc::NotFound));
    expect_consistent();
}

TEST_F(StoreTest, UidvalidityChangesOnlyWhenAMailboxIsRecreated) {
    provision(1);
    MailboxId first = write([&](StoreWriter& w) { return w.create_mailbox(1, "Projects"); });
    Uid validity = status(first).uidvalidity;
    append(first, message(100, 1));
    write([&](StoreWriter& w) { w.rename_mailbox(1, "Projects", "Old projects"); });
    EXPECT_EQ(status(first).uidvalidity, validity);  // renamed, not recreated
    reopen();
    EXPECT_EQ(status(first).uidvalidity, validity);

    write([&](StoreWriter& w) { w.delete_mailbox(1, "Old projects"); });
    MailboxId again = write([&](StoreWriter& w) { return w.create_mailbox(1, "Old projects"); });
    EXPECT_NE(again, first);
    EXPECT_GT(status(again).uidvalidity, validity);
    EXPECT_EQ(append(again, message(100, 2)).uid, 1U);  // a new UIDVALIDITY may start again at 1
    expect_consistent();
}

TEST_F(StoreTest, RenameMovesChildrenAndSubscriptions) {
    provision(1);
    write([&](StoreWriter& w) {
        w.create_mailbox(1, "Work/Budget/2026");
        w.create_mailbox(1, "Work/Staff");
        w.create_mailbox(1, "Workshop");  // shares the prefix "Work" but is not a child
        w.subscribe(1, "Work/Staff");
        w.subscribe(1, "Work/Gone");  // subscriptions may name mailboxes that do not exist
    });
    MailboxId budget = mailbox(1, "Work/Budget");
    append(budget, message(100, 1));

    write([&](StoreWriter& w) { w.rename_mailbox(1, "Work", "Archive/Công việc"); });
    auto list = read([&](const StoreReader& r) { return r.list_mailboxes(1); });
    EXPECT_THAT(
        names(list),
        ElementsAre(
            "Archive",
            "Archive/Công việc",
            "Archive/Công việc/Budget",
            "Archive/Công việc/Budget/2026",
            "Archive/Công việc/Staff",
            "Drafts",
            "INBOX",
            "Junk",
            "Sent",
            "Trash",
            "Workshop"
        )
    );
    EXPECT_EQ(mailbox(1, "Archive/Công việc/Budget"), budget);
    EXPECT_EQ(status(budget).messages, 1U);
    auto subscribed = read([&](const StoreReader& r) { return r.subscriptions(1); });
    EXPECT_THAT(
        subscribed,
        ElementsAre(
            "Archive",
            "Archive/Công việc/Gone",
            "Archive/Công việc/Staff",
            "Drafts",
            "INBOX",
            "Junk",
            "Sent",
            "Trash"
        )
    );
    expect_consistent();
}

TEST_F(StoreTest, RenameRefusesExistingTargetsAndItsOwnChildren) {
    provision(1);
    write([&](StoreWriter& w) {
        w.create_mailbox(1, "A/x");
        w.create_mailbox(1, "B/x");
    });
    auto exists = try_write([&](StoreWriter& w) { w.rename_mailbox(1, "A", "Sent"); });
    EXPECT_EQ(exists.error(), make_error_code(Errc::Exists));
    auto inside = try_write([&](StoreWriter& w) { w.rename_mailbox(1, "A", "A/x/y"); });
    EXPECT_EQ(inside.error(), make_error_code(Errc::Invalid));
    auto missing = try_write([&](StoreWriter& w) { w.rename_mailbox(1, "Nope", "Other"); });
    EXPECT_EQ(missing.error(), make_error_code(Errc::NotFound));
    expect_consistent();
}

TEST_F(StoreTest, RenamingInboxMovesItsMessagesAndLeavesItEmpty) {
    MailboxId inbox = provision(1);
    write([&](StoreWriter& w) { w.create_mailbox(1, "INBOX/Keep"); });
    Uid validity = status(inbox).uidvalidity;
    for (int i = 0; i < 3; ++i) {
        append(inbox, message(100, i));
    }
    write([&](StoreWriter& w) { w.rename_mailbox(1, "INBOX", "Old mail/2025"); });
    MailboxId old = mailbox(1, "Old mail/2025");
    EXPECT_EQ(status(old).messages, 3U);
    EXPECT_EQ(mailbox(1, "INBOX"), inbox);
    EXPECT_EQ(status(inbox).messages, 0U);
    EXPECT_EQ(status(inbox).uidvalidity, validity);
    EXPECT_EQ(status(inbox).uidnext, 4U);
    EXPECT_TRUE(read([&](const StoreReader& r) { return r.find_mailbox(1, "INBOX/Keep"); }));
    EXPECT_THAT(
        read([&](const StoreReader& r) { return r.changes_since(inbox, 0); }).vanished,
        ElementsAre(1, 2, 3)
    );
    expect_consistent();
}

TEST_F(StoreTest, DeleteRefusesInboxAndMailboxesWithChildren) {
    provision(1);
    write([&](StoreWriter& w) { w.create_mailbox(1, "Parent/Child"); });
    auto inbox_result = try_write([&](StoreWriter& w) { w.delete_mailbox(1, "inbox"); });
    EXPECT_EQ(inbox_result.error(), make_error_code(Errc::NoPermission));
    auto parent = try_write([&](StoreWriter& w) { w.delete_mailbox(1, "Parent"); });
    EXPECT_EQ(parent.error(), make_error_code(Errc::InUse));
    auto missing = try_write([&](StoreWriter& w) { w.delete_mailbox(1, "Nope"); });
    EXPECT_EQ(missing.error(), make_error_code(Errc::NotFound));

    MailboxId child = mailbox(1, "Parent/Child");
    append(child, message(1000, 1));
    append(child, message(1000, 2));
    write([&](StoreWriter& w) {
        w.delete_mailbox(1, "Parent/Child");
        w.delete_mailbox(1, "Parent");
    });
    EXPECT_FALSE(read([&](const StoreReader& r) { return r.mailbox(child); }));
    EXPECT_EQ(read([&](const StoreReader& r) { return r.account(1); })->used_bytes, 0U);
    EXPECT_FALSE(read([&](const StoreReader& r) {
        return r.blob(message(1000, 1).hash()).has_value();
    }));
    expect_consistent();
}

TEST_F(StoreTest, SubscribeAndUnsubscribe) {
    provision(1);
    EXPECT_TRUE(write([&](StoreWriter& w) { return w.subscribe(1, "Shared/Announcements"); }));
    EXPECT_FALSE(write([&](StoreWriter& w) { return w.subscribe(1, "Shared/Announcements"); }));
    EXPECT_TRUE(write([&](StoreWriter& w) { return w.unsubscribe(1, "Sent"); }));
    EXPECT_FALSE(write([&](StoreWriter& w) { return w.unsubscribe(1, "Sent"); }));
    auto list = read([&](const StoreReader& r) { return r.list_mailboxes(1); });
    for (const auto& e : list) {
        EXPECT_EQ(e.subscribed, e.name != "Sent") << e.name;
    }
    // Deleting a mailbox keeps its subscription (RFC 3501 6.3.6).
    write([&](StoreWriter& w) { w.delete_mailbox(1, "Junk"); });
    auto subscribed = read([&](const StoreReader& r) { return r.subscriptions(1); });
    EXPECT_NE(std::ranges::find(subscribed, "Junk"), subscribed.end());
    expect_consistent();
}

TEST_F(StoreTest, RemovingAnAccountPurgesItsMailAndReleasesBlobs) {
    MailboxId one = provision(1);
    MailboxId two = provision(2);
    PreparedMessage shared = message(10'000, 1);
    std::vector<DeliveryTarget> targets = {{.mailbox = one}, {.mailbox = two}};
    auto delivered = write([&](StoreWriter& w) { return w.deliver(shared, targets, UnixTime{}); });
    ASSERT_TRUE(delivered[0] && delivered[1]);
    append(one, message(20'000, 2));

    EXPECT_EQ(write([&](StoreWriter& w) { return w.remove_account(1); }), 2U);
    EXPECT_FALSE(read([&](const StoreReader& r) { return r.account(1); }));
    EXPECT_THAT(read([&](const StoreReader& r) { return r.list_mailboxes(1); }), IsEmpty());
    EXPECT_THAT(read([&](const StoreReader& r) { return r.subscriptions(1); }), IsEmpty());
    EXPECT_EQ(read([&](const StoreReader& r) { return r.blob_info(shared.hash()); })->refcount, 1U);
    EXPECT_FALSE(read([&](const StoreReader& r) {
        return r.blob(message(20'000, 2).hash()).has_value();
    }));
    EXPECT_EQ(status(two).messages, 1U);
    auto again = try_write([&](StoreWriter& w) { return w.remove_account(1); });
    EXPECT_EQ(again.error(), make_error_code(Errc::NotFound));
    expect_consistent();
}

}  // namespace
}  // namespace govmail::store::test
