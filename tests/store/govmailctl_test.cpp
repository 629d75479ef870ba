// govmailctl backup and check against a store that a govmaild-like writer is using.

#include "store/detail/records.hpp"
#include "tests/store/store_fixture.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace govmail::store::test {
namespace {

using govmail::test::bin;
using govmail::test::run;
using govmail::test::write_file;

// A configuration whose data_dir holds the store of the fixture (dir_/store).
class GovmailctlTest : public StoreTest {
protected:
    std::string config_for(const std::filesystem::path& data_dir, const std::string& name) {
        std::filesystem::path file = dir_.path() / name;
        write_file(
            file,
            "hostname = \"mail.example.gov.vn\"\ndomains = [\"example.gov.vn\"]\ndata_dir = \"" +
                data_dir.string() + "\"\n"
        );
        return file.string();
    }

    std::string config() { return config_for(dir_.path(), "govmail.toml"); }
};

TEST_F(GovmailctlTest, BackupWhileWritingGivesACleanCopy) {
    MailboxId inbox = provision(1);
    for (int i = 0; i < 50; ++i) {
        append(inbox, message(20'000, i));
    }
    // Deliveries, flag changes and expunges keep going while the copy is made.
    std::atomic<bool> stop{false};
    std::atomic<int> written{0};
    std::thread writer([&] {
        for (int i = 1000; !stop; ++i) {
            auto r = store().write_blocking([&](StoreWriter& w) {
                w.append(inbox, message(30'000, i), {});
                w.store_flags(inbox, std::vector{UidRange{1, kMaxUid}}, {.flags = kSeen});
                if (i % 3 == 0) {
                    w.store_flags(
                        inbox,
                        std::vector{UidRange{1, static_cast<Uid>(i % 40 + 1)}},
                        {.flags = kDeleted}
                    );
                    w.expunge(inbox);
                }
            });
            ASSERT_TRUE(r);
            ++written;
        }
    });
    while (written < 5) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::filesystem::path restored = dir_.path() / "restored";
    auto backup = run({bin("govmailctl"), "-c", config(), "backup", (restored / "store").string()});
    stop = true;
    writer.join();
    ASSERT_EQ(backup.status, 0) << backup.output;
    EXPECT_NE(
        backup.output.find("wrote " + (restored / "store" / "data.mdb").string()), std::string::npos
    ) << backup.output;
    EXPECT_GT(written.load(), 5);

    auto checked = run({bin("govmailctl"), "-c", config_for(restored, "restored.toml"), "check"});
    EXPECT_EQ(checked.status, 0) << checked.output;
    EXPECT_NE(checked.output.find("no faults"), std::string::npos) << checked.output;

    // The copy opens as a store and holds the mail that was there before the backup.
    MailStore::Options copy_options = options();
    copy_options.path = restored / "store";
    auto copy = MailStore::open(copy_options);
    auto copied = copy->read([&](const StoreReader& r) { return r.mailbox(inbox); });
    ASSERT_TRUE(copied && *copied);
    EXPECT_GE((*copied)->uidnext, 56U);
}

TEST_F(GovmailctlTest, BackupRefusesANonEmptyDestination) {
    provision(1);
    std::filesystem::path dest = dir_.path() / "busy";
    write_file(dest / "something", "x");
    auto result = run({bin("govmailctl"), "-c", config(), "backup", dest.string()});
    EXPECT_EQ(result.status, 2);
    EXPECT_NE(result.output.find("is not an empty directory"), std::string::npos) << result.output;
}

TEST_F(GovmailctlTest, CheckIsCleanThenNamesTheDamagedBlob) {
    MailboxId inbox = provision(1);
    PreparedMessage msg = message(50'000, 1);
    append(inbox, msg);
    auto clean = run({bin("govmailctl"), "-c", config(), "check"});
    EXPECT_EQ(clean.status, 0) << clean.output;
    EXPECT_NE(clean.output.find("checked 1 accounts, 6 mailboxes, 1 messages"), std::string::npos)
        << clean.output;

    // A wrong reference count, and bytes that no longer match their hash.
    write([&](StoreWriter& w) {
        BlobInfo info = *w.reader().blob_info(msg.hash());
        info.refcount = 2;
        w.txn().put(
            store().schema().blob_info, detail::blob_key(msg.hash()), detail::encode_blob_info(info)
        );
        w.txn().put(
            store().schema().blob_chunks,
            detail::chunk_key(info.id, 1),
            std::string(kDefaultChunkSize, '#')
        );
    });
    auto damaged = run({bin("govmailctl"), "-c", config(), "check"});
    EXPECT_EQ(damaged.status, 1) << damaged.output;
    EXPECT_NE(
        damaged.output.find(
            "fault: blob " + msg.hash().hex() + ": reference count 2, but 1 message records"
        ),
        std::string::npos
    ) << damaged.output;
    EXPECT_NE(damaged.output.find("content does not match its SHA-256"), std::string::npos)
        << damaged.output;
    EXPECT_NE(damaged.output.find(": 2 faults"), std::string::npos) << damaged.output;

    // --quick skips hashing: only the reference count is left.
    auto quick = run({bin("govmailctl"), "-c", config(), "check", "--quick"});
    EXPECT_EQ(quick.status, 1) << quick.output;
    EXPECT_NE(quick.output.find(": 1 faults"), std::string::npos) << quick.output;
}

TEST_F(GovmailctlTest, CheckWithoutAStoreFails) {
    auto result =
        run({bin("govmailctl"), "-c", config_for(dir_.path() / "empty", "e.toml"), "check"});
    EXPECT_EQ(result.status, 2);
    EXPECT_NE(result.output.find("no mail store in"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace govmail::store::test
