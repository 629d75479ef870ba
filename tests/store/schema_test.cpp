// Schema versions, migrations, mailbox names and keywords.

#include "store/schema.hpp"

#include "store/detail/records.hpp"
#include "store/names.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace govmail::store {
namespace {

using govmail::test::TempDir;

TEST(Schema, FreshEnvironmentGetsTheCurrentVersion) {
    TempDir dir;
    auto env = Env::open({.path = dir.path()});
    Schema schema = Schema::open(*env);
    EXPECT_EQ(
        env->read([&](const ReadTxn& tx) { return schema.stored_version(tx); }), kSchemaVersion
    );
}

TEST(Schema, OlderDataIsMigratedStepByStepAtOpen) {
    TempDir dir;
    auto env = Env::open({.path = dir.path()});
    Schema::open(*env);
    int runs = 0;
    std::vector<Migration> migrations = {
        {kSchemaVersion + 1, [&](WriteTxn&, const Schema&) { runs += 10; }},
        {kSchemaVersion,
         [&](WriteTxn& txn, const Schema& s) {
             ++runs;
             txn.put(s.meta, "migrated", detail::encode_u64(1));
         }},
    };
    Schema migrated = Schema::open(*env, kSchemaVersion + 2, migrations);
    EXPECT_EQ(runs, 11);
    env->read([&](const ReadTxn& tx) {
        EXPECT_EQ(migrated.stored_version(tx), kSchemaVersion + 2);
        EXPECT_TRUE(tx.get(migrated.meta, "migrated"));
    });
    // Opening again runs nothing.
    Schema::open(*env, kSchemaVersion + 2, migrations);
    EXPECT_EQ(runs, 11);
}

TEST(Schema, NewerDataIsRefused) {
    TempDir dir;
    auto env = Env::open({.path = dir.path()});
    Schema::open(*env, kSchemaVersion + 1, std::vector<Migration>{{kSchemaVersion, {}}});
    try {
        Schema::open(*env);
        FAIL() << "opened data of a newer schema";
    } catch (const StoreException& e) {
        EXPECT_EQ(e.code(), Errc::NewerSchema);
        EXPECT_NE(std::string(e.what()).find("newer govmail"), std::string::npos) << e.what();
    }
}

TEST(Schema, MissingMigrationStepIsAnError) {
    TempDir dir;
    auto env = Env::open({.path = dir.path()});
    Schema::open(*env);
    try {
        Schema::open(*env, kSchemaVersion + 1, {});
        FAIL() << "migrated without a step";
    } catch (const StoreException& e) {
        EXPECT_EQ(e.code(), Errc::Invalid);
    }
    // Nothing was changed by the failed attempt.
    Schema schema = Schema::open(*env);
    EXPECT_EQ(
        env->read([&](const ReadTxn& tx) { return schema.stored_version(tx); }), kSchemaVersion
    );
}

struct NameCase {
    std::string input;
    std::optional<std::string> expected;
};

class MailboxNames : public ::testing::TestWithParam<NameCase> {};

TEST_P(MailboxNames, NormalizeOrReject) {
    EXPECT_EQ(normalize_mailbox_name(GetParam().input), GetParam().expected) << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(
    Store,
    MailboxNames,
    ::testing::ValuesIn(std::vector<NameCase>{
        {"INBOX", "INBOX"},
        {"inbox", "INBOX"},
        {"iNbOx/Sub", "INBOX/Sub"},
        {"Inboxes", "Inboxes"},
        {"Hộp thư/Đã gửi", "Hộp thư/Đã gửi"},
        {"日本語", "日本語"},
        {"Ho\xcc\xa3\xcc\x82p thu\xcc\x9b", "Hộp thư"},  // decomposed: stored composed (NFC)
        {"a/b/c", "a/b/c"},
        {"", std::nullopt},
        {"/a", std::nullopt},
        {"a/", std::nullopt},
        {"a//b", std::nullopt},
        {"tab\there", std::nullopt},
        {"del\x7f", std::nullopt},
        {"c1\xc2\x85", std::nullopt},        // U+0085, a C1 control
        {"overlong\xc0\xaf", std::nullopt},  // "/" encoded in two bytes
        {"surrogate\xed\xa0\x80", std::nullopt},
        {"truncated\xe1\xbb", std::nullopt},
        {"star*", std::nullopt},
        {"per%cent", std::nullopt},
        {std::string(kMaxMailboxNameBytes, 'x'), std::string(kMaxMailboxNameBytes, 'x')},
        {std::string(kMaxMailboxNameBytes + 1, 'x'), std::nullopt},
    })
);

TEST(Names, ParentName) {
    EXPECT_EQ(parent_mailbox_name("a/b/c"), "a/b");
    EXPECT_EQ(parent_mailbox_name("a"), "");
}

TEST(Names, Keywords) {
    EXPECT_TRUE(valid_keyword("$Forwarded"));
    EXPECT_TRUE(valid_keyword("NonJunk"));
    EXPECT_FALSE(valid_keyword(""));
    EXPECT_FALSE(valid_keyword("\\Seen"));
    EXPECT_FALSE(valid_keyword("two words"));
    EXPECT_FALSE(valid_keyword("br]acket"));
    EXPECT_FALSE(valid_keyword("quo\"te"));
    EXPECT_FALSE(valid_keyword("Đã xem"));
    EXPECT_FALSE(valid_keyword(std::string(kMaxKeywordBytes + 1, 'k')));
    EXPECT_TRUE(same_keyword("$junk", "$Junk"));
    EXPECT_FALSE(same_keyword("$junk", "$junk2"));
}

TEST(Names, SpecialUse) {
    EXPECT_EQ(special_use_attribute(SpecialUse::Sent), "\\Sent");
    EXPECT_EQ(special_use_attribute(SpecialUse::None), "");
    EXPECT_EQ(parse_special_use("\\trash"), SpecialUse::Trash);
    EXPECT_EQ(parse_special_use("\\Important"), std::nullopt);
}

TEST(Names, BlobHashHex) {
    BlobHash h = sha256("abc");
    EXPECT_EQ(h.hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(BlobHash::from_hex(h.hex()), h);
    EXPECT_EQ(BlobHash::from_hex("zz"), std::nullopt);
}

}  // namespace
}  // namespace govmail::store
