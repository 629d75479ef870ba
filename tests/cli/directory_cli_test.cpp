// govmailctl's directory commands, run as the real binary: the forms scripts depend on
// (issue 4), output formats, one-line errors and exit codes.

#include "mime/message_info.hpp"
#include "store/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sys/stat.h>

namespace govmail::test {
namespace {

class Govmailctl : public testing::Test {
protected:
    Govmailctl() {
        write_file(
            conf_,
            "hostname = \"mail.example.gov.vn\"\ndomains = [\"example.gov.vn\"]\n"
            "data_dir = \"" +
                (dir_.path() / "var").string() +
                "\"\n"
                "[directory]\nargon2_memory = \"64KB\"\nargon2_iterations = 1\n"
        );
    }

    RunResult ctl(std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), {bin("govmailctl"), "-c", conf_.string()});
        return run(args, input);
    }

    TempDir dir_;
    std::filesystem::path conf_ = dir_ / "govmail.toml";
};

TEST_F(Govmailctl, UnitAndUserContractForms) {
    auto unit = ctl(
        {"unit",
         "add",
         "000.00.15.H29",
         "--name",
         "Sở Thông tin và Truyền thông",
         "--kind",
         "department"}
    );
    ASSERT_EQ(unit.status, 0) << unit.output;
    EXPECT_NE(unit.output.find("stttt@example.gov.vn"), std::string::npos) << unit.output;

    auto explicit_add =
        ctl({"user",
             "add",
             "thanhnn.stttt@example.gov.vn",
             "--name",
             "Nguyễn Ngọc Thanh",
             "--unit",
             "000.00.15.H29",
             "--title",
             "Giám đốc",
             "--password-stdin"},
            "mat-khau-dai-123\n");
    ASSERT_EQ(explicit_add.status, 0) << explicit_add.output;

    auto generated = ctl(
        {"user", "add", "--name", "Đặng Đình Đức", "--unit", "000.00.15.H29", "--format", "json"}
    );
    ASSERT_EQ(generated.status, 0) << generated.output;
    auto created = nlohmann::json::parse(generated.output);
    EXPECT_EQ(created[0]["address"], "ducdd.stttt@example.gov.vn");
    EXPECT_EQ(created[0]["password"].get<std::string>().size(), 12U);

    auto list = ctl({"user", "list", "--unit", "000.00.15.H29", "--format", "json"});
    ASSERT_EQ(list.status, 0) << list.output;
    auto users = nlohmann::json::parse(list.output);
    ASSERT_EQ(users.size(), 2U);
    EXPECT_EQ(users[0]["name"], "Đặng Đình Đức");  // by given name: Đức < Thanh
    EXPECT_EQ(users[1]["title"], "Giám đốc");

    ASSERT_EQ(ctl({"user", "disable", "thanhnn.stttt@example.gov.vn"}).status, 0);
    auto csv = ctl({"user", "show", "thanhnn.stttt@example.gov.vn", "--format", "csv"});
    EXPECT_NE(csv.output.find("address,name,title,unit,state"), std::string::npos) << csv.output;
    EXPECT_NE(csv.output.find(",disabled,"), std::string::npos) << csv.output;
    ASSERT_EQ(ctl({"user", "enable", "thanhnn.stttt@example.gov.vn"}).status, 0);
    auto passwd =
        ctl({"user", "passwd", "thanhnn.stttt@example.gov.vn", "--password-stdin"},
            "moi-mat-khau-456\n");
    EXPECT_EQ(passwd.status, 0) << passwd.output;

    auto table = ctl({"search", "duc"});
    ASSERT_EQ(table.status, 0);
    EXPECT_NE(table.output.find("KIND    NAME"), std::string::npos) << table.output;
    EXPECT_NE(table.output.find("Đặng Đình Đức"), std::string::npos) << table.output;
}

TEST_F(Govmailctl, ErrorsAreOneLineWithNonZeroExit) {
    auto missing = ctl({"user", "show", "nobody@example.gov.vn"});
    EXPECT_EQ(missing.status, 2);
    EXPECT_EQ(missing.output, "govmailctl: no account nobody@example.gov.vn\n");
    auto bad_kind = ctl({"unit", "add", "X", "--name", "Y", "--kind", "galaxy"});
    EXPECT_EQ(bad_kind.status, 2);
    EXPECT_EQ(
        bad_kind.output,
        "govmailctl: unknown unit kind \"galaxy\" (ministry, province, department, district, "
        "commune, division, other)\n"
    );
    for (const char* group : {"unit", "user", "alias", "group", "staff", "search", "demo"}) {
        auto help = ctl({group, "--help"});
        EXPECT_EQ(help.status, 0) << group;
        EXPECT_NE(help.output.find("Usage"), std::string::npos) << group;
    }
}

TEST_F(Govmailctl, StaffImportReportsBadRowsAndWritesPrivateCredentials) {
    ASSERT_EQ(ctl({"unit", "add", "SYT", "--name", "Sở Y tế"}).status, 0);
    auto roster = dir_ / "roster.csv";
    write_file(roster, "full_name,unit_code,employee_id\nLê Thị Lan,SYT,A1\nTrần Văn B,NOPE,A2\n");
    auto bad = ctl({"staff", "import", roster.string()});
    EXPECT_EQ(bad.status, 1);
    EXPECT_NE(bad.output.find(roster.string() + ":3: unknown unit code NOPE"), std::string::npos)
        << bad.output;
    EXPECT_FALSE(std::filesystem::exists(roster.string() + ".credentials.csv"));

    write_file(roster, "full_name,unit_code,employee_id\nLê Thị Lan,SYT,A1\n");
    auto dry = ctl({"staff", "import", roster.string(), "--dry-run"});
    EXPECT_EQ(dry.status, 0) << dry.output;
    EXPECT_NE(
        dry.output.find("line 2: add Lê Thị Lan (SYT) lanlt.syt@example.gov.vn"), std::string::npos
    ) << dry.output;

    auto credentials = dir_ / "credentials.csv";
    auto good = ctl({"staff", "import", roster.string(), "--credentials", credentials.string()});
    ASSERT_EQ(good.status, 0) << good.output;

    struct stat st {};

    ASSERT_EQ(::stat(credentials.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    EXPECT_NE(read_file(credentials).find("lanlt.syt@example.gov.vn,"), std::string::npos);
    auto again =
        ctl({"staff", "import", roster.string(), "--credentials", (dir_ / "c2.csv").string()});
    EXPECT_EQ(again.status, 0);
    EXPECT_NE(again.output.find("0 to add, 0 to update, 1 unchanged"), std::string::npos)
        << again.output;
}

// The demo province comes with mail: Vietnamese correspondence in the demo logins' INBOX and
// Sent, each message stored once however many hold it.
TEST_F(Govmailctl, DemoSeedDeliversMail) {
    auto seeded = ctl({"demo", "seed", "--staff", "20"});
    ASSERT_EQ(seeded.status, 0) << seeded.output;
    EXPECT_NE(seeded.output.find("6 demo messages delivered"), std::string::npos) << seeded.output;
    auto checked = ctl({"check"});
    ASSERT_EQ(checked.status, 0) << checked.output;

    auto mail = store::MailStore::open({.path = dir_ / "var" / "store"});
    std::uint32_t inbox_messages = 0;
    std::uint32_t unseen = 0;
    std::uint32_t sent_messages = 0;
    std::set<std::string> subjects;
    std::set<std::string> attachments;
    std::set<std::string> blobs;
    mail->read([&](const store::StoreReader& r) {
        for (store::AccountId account = 1; account < 1000; ++account) {
            for (const char* name : {"INBOX", "Sent"}) {
                auto box = r.find_mailbox(account, name);
                if (!box) {
                    continue;
                }
                auto record = r.mailbox(*box);
                ASSERT_TRUE(record);
                (std::string_view(name) == "INBOX" ? inbox_messages : sent_messages) +=
                    record->messages;
                if (std::string_view(name) == "INBOX") {
                    unseen += record->unseen;
                }
                for (const auto& message : r.messages(*box, std::vector{store::UidRange{}})) {
                    blobs.insert(message.blob.hex());
                    auto bytes = r.message_info(message.blob);
                    ASSERT_TRUE(bytes);
                    auto info = mime::MessageInfo::deserialize(bytes->view());
                    ASSERT_TRUE(info);
                    subjects.insert(info->subject);
                    for (const auto& part : info->parts) {
                        if (!part.filename.empty()) {
                            attachments.insert(part.filename);
                        }
                    }
                }
            }
        }
    });
    EXPECT_EQ(inbox_messages, 9U);  // six messages, to nine recipients
    EXPECT_EQ(sent_messages, 5U);   // one sender is outside the province
    EXPECT_GT(unseen, 0U);
    EXPECT_LT(unseen, inbox_messages);
    EXPECT_EQ(blobs.size(), 6U);
    EXPECT_TRUE(subjects.contains("Báo cáo tình hình sử dụng thư điện tử công vụ tháng 11"));
    EXPECT_TRUE(subjects.contains("Re: Báo cáo tình hình sử dụng thư điện tử công vụ tháng 11"));
    EXPECT_TRUE(attachments.contains("thong-ke-thang-11.csv"));
}

}  // namespace
}  // namespace govmail::test
