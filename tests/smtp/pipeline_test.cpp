// The delivery pipeline over a real mail store and directory (smtp/delivery/pipeline.hpp).

#include "core/log.hpp"
#include "mime/analyze.hpp"
#include "smtp/queue/record.hpp"
#include "tests/smtp/pipeline_fixture.hpp"

#include <gtest/gtest.h>

namespace govmail::test {
namespace {

using smtp::Outcome;
using smtp::RecipientResult;

class Pipeline : public testing::Test {
protected:
    static void SetUpTestSuite() { log::init("error", LogFormat::Text); }

    smtp::RecipientAnswer rcpt(
        const smtp::Client& client, const std::string& address, const std::string& sender = ""
    ) {
        smtp::ReversePath from;
        if (!sender.empty()) {
            from.mailbox = *smtp::parse_mailbox(sender);
        }
        auto mailbox = smtp::parse_mailbox(address);
        if (!mailbox) {
            mailbox = smtp::Mailbox{address, ""};  // <Postmaster>
        }
        return f.run(f.pipeline().check_recipient(client, from, *mailbox));
    }

    PipelineFixture f;
};

TEST_F(Pipeline, MxDeliveryAddsTraceFieldsAndKeepsTheMessage) {
    auto an = f.account("Nguyễn Văn An", "an@example.gov.vn");
    const std::string message = message_from("Sender <x@other.example>", "Chào anh", "Nội dung");
    auto answer = f.send(f.mx(), "x@other.example", {an}, message);
    ASSERT_EQ(answer.result, smtp::MessageResult::Ok);
    ASSERT_EQ(answer.recipients, std::vector<Outcome>{Outcome::Accepted});
    EXPECT_EQ(answer.id.size(), 16U);
    auto inbox = f.inbox(an);
    ASSERT_EQ(inbox.size(), 1U);
    const std::string& stored = inbox[0];
    EXPECT_TRUE(stored.starts_with("Return-Path: <x@other.example>\r\nReceived: from "));
    EXPECT_TRUE(stored.ends_with(message)) << stored;
    EXPECT_NE(stored.find("from mx.other.example ([203.0.113.9])"), std::string::npos) << stored;
    EXPECT_NE(
        stored.find("by mail.example.gov.vn (govmail) with ESMTPS id " + answer.id),
        std::string::npos
    ) << stored;
    EXPECT_NE(stored.find("(TLSv1.3 TLS_AES_256_GCM_SHA384);"), std::string::npos) << stored;
    EXPECT_TRUE(f.queued().empty());
    EXPECT_TRUE(f.check().ok());
    auto events = f.activity().events();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].activity, events::Activity::Receive);
    EXPECT_EQ(events[0].account_id, f.id_of(an));
}

TEST_F(Pipeline, RecipientsOnMx) {
    auto an = f.account("Nguyễn Văn An", "an@example.gov.vn");
    EXPECT_EQ(rcpt(f.mx(), an).result, RecipientResult::Ok);
    EXPECT_EQ(rcpt(f.mx(), "AN+bao-cao@Example.gov.vn").result, RecipientResult::Ok);
    EXPECT_EQ(rcpt(f.mx(), "nobody@example.gov.vn").result, RecipientResult::Unknown);
    EXPECT_EQ(rcpt(f.mx(), "x@elsewhere.example").result, RecipientResult::RelayDenied);
    // RFC 5321 4.5.1: postmaster exists even when no account holds it (the global admins).
    auto admin = f.account("Trần Quản Trị", "qt@example.gov.vn", directory::kRoleGlobalAdmin);
    auto postmaster = rcpt(f.mx(), "Postmaster");
    ASSERT_EQ(postmaster.result, RecipientResult::Ok);
    auto* target = std::any_cast<smtp::RecipientTarget>(&postmaster.target);
    ASSERT_NE(target, nullptr);
    EXPECT_EQ(target->accounts, std::vector<std::uint64_t>{f.id_of(admin)});
    EXPECT_EQ(rcpt(f.mx(), "postmaster@example.gov.vn").result, RecipientResult::Ok);
}

TEST_F(Pipeline, GroupsExpandWithoutDuplicateCopies) {
    auto an = f.account("Nguyễn Văn An", "an@example.gov.vn");
    auto binh = f.account("Trần Văn Bình", "binh@example.gov.vn");
    for (const char* group : {"g1@example.gov.vn", "g2@example.gov.vn"}) {
        auto added = f.admin().add_group(
            {.name = group, .address = group, .policy = directory::SendPolicy::Anyone}
        );
        ASSERT_TRUE(added) << added.error().message;
        ASSERT_TRUE(f.admin().set_group_member(group, an, true));
    }
    ASSERT_TRUE(f.admin().set_group_member("g2@example.gov.vn", binh, true));
    auto answer = f.send(
        f.mx(),
        "x@other.example",
        {"g1@example.gov.vn", "g2@example.gov.vn", an},
        message_from("x@other.example")
    );
    EXPECT_EQ(answer.recipients, std::vector<Outcome>(3, Outcome::Accepted));
    EXPECT_EQ(f.inbox(an).size(), 1U);
    EXPECT_EQ(f.inbox(binh).size(), 1U);
    EXPECT_EQ(f.blob_count(), 1U);
}

TEST_F(Pipeline, GroupSendPolicyIsEnforcedAtRcpt) {
    auto an = f.account("Nguyễn Văn An", "an@example.gov.vn");
    auto binh = f.account("Trần Văn Bình", "binh@example.gov.vn");
    ASSERT_TRUE(f.admin().add_group({.name = "Lãnh đạo", .address = "lanhdao@example.gov.vn"}));
    ASSERT_TRUE(f.admin().set_group_member("lanhdao@example.gov.vn", an, true));
    auto outsider = rcpt(f.mx(), "lanhdao@example.gov.vn");
    EXPECT_EQ(outsider.result, RecipientResult::Refused);
    EXPECT_EQ(outsider.reason, "only members of lanhdao@example.gov.vn may send to it");
    EXPECT_EQ(rcpt(f.submitter(binh), "lanhdao@example.gov.vn").result, RecipientResult::Refused);
    EXPECT_EQ(rcpt(f.submitter(an), "lanhdao@example.gov.vn").result, RecipientResult::Ok);
}

TEST_F(Pipeline, SubmissionSenderAndFromMustBeTheUsers) {
    auto an = f.account("Nguyễn Văn An", "an@example.gov.vn");
    auto clerk = f.account("Lê Thị Văn Thư", "vanthu@example.gov.vn", directory::kRoleUnitClerk);
    ASSERT_TRUE(f.admin().add_alias(an, "an.nguyen@example.gov.vn"));
    auto sender = [&](const smtp::Client& client, const std::string& address) {
        return f.run(f.pipeline().check_sender(client, {*smtp::parse_mailbox(address)})).result;
    };
    EXPECT_EQ(sender(f.submitter(an), an), smtp::SenderResult::Ok);
    EXPECT_EQ(sender(f.submitter(an), "an.nguyen@example.gov.vn"), smtp::SenderResult::Ok);
    EXPECT_EQ(sender(f.submitter(an), "stttt@example.gov.vn"), smtp::SenderResult::NotOwned);
    EXPECT_EQ(sender(f.submitter(clerk), "stttt@example.gov.vn"), smtp::SenderResult::Ok);
    EXPECT_EQ(sender(f.submitter(an), "giamdoc@example.gov.vn"), smtp::SenderResult::NotOwned);
    EXPECT_EQ(
        f.run(f.pipeline().check_sender(f.submitter(an), {})).result, smtp::SenderResult::NotOwned
    );
    EXPECT_EQ(sender(f.mx(), "anyone@other.example"), smtp::SenderResult::Ok);

    auto forged =
        f.send(f.submitter(an), an, {clerk}, message_from("Giám đốc <gd@example.gov.vn>"));
    EXPECT_EQ(forged.result, smtp::MessageResult::FromNotOwned);
    auto missing = f.send(f.submitter(an), an, {clerk}, "Subject: no from\r\n\r\nx\r\n");
    EXPECT_EQ(missing.result, smtp::MessageResult::FromNotOwned);
    EXPECT_TRUE(f.inbox(clerk).empty());
    auto as_unit = f.send(
        f.submitter(clerk),
        "stttt@example.gov.vn",
        {an},
        message_from("Sở TTTT <stttt@example.gov.vn>")
    );
    EXPECT_EQ(as_unit.recipients, std::vector<Outcome>{Outcome::Accepted});
    ASSERT_EQ(f.inbox(an).size(), 1U);
    EXPECT_NE(f.inbox(an)[0].find("with ESMTPSA id"), std::string::npos);
}

TEST_F(Pipeline, RemoteRecipientsAreQueuedInTheSameCommitWithABlobReference) {
    auto an = f.account("Nguyễn Văn An", "an@example.gov.vn");
    auto binh = f.account("Trần Văn Bình", "binh@example.gov.vn");
    std::size_t notified = 0;
    f.pipeline().on_queued([&] { ++notified; });
    const std::string message = message_from(an, "Gửi ra ngoài");
    auto answer = f.send(
        f.submitter(an), an, {binh, "x@other-agency.gov.vn", "X@Other-Agency.gov.vn"}, message
    );
    EXPECT_EQ(answer.recipients, std::vector<Outcome>(3, Outcome::Accepted));
    EXPECT_EQ(notified, 1U);
    auto queued = f.queued();
    ASSERT_EQ(queued.size(), 1U);
    const auto& q = queued[0];
    EXPECT_EQ(smtp::queue::format_id(q.id), answer.id);
    EXPECT_EQ(q.sender, an);
    ASSERT_EQ(q.recipients.size(), 1U);  // the same address twice goes once
    EXPECT_EQ(q.recipients[0].address, "x@other-agency.gov.vn");
    EXPECT_FALSE(q.recipients[0].local);
    // One blob for the local copy and the queued one; what goes out starts after Return-Path.
    EXPECT_EQ(f.blob_count(), 1U);
    auto local = f.inbox(binh);
    ASSERT_EQ(local.size(), 1U);
    EXPECT_EQ(q.skip, std::string("Return-Path: <" + an + ">\r\n").size());
    EXPECT_EQ(q.size, local[0].size() - q.skip);
    EXPECT_TRUE(local[0].substr(q.skip).starts_with("Received: "));
    EXPECT_TRUE(f.check().ok());
}

TEST_F(Pipeline, OverQuotaRecipientIsRetriedWhileTheOthersAreDelivered) {
    auto an = f.account("Nguyễn Văn An", "an@example.gov.vn");
    auto full = f.account("Đầy Hộp Thư", "full@example.gov.vn", directory::kRoleUser, 100);
    const std::string message = message_from("x@other.example", "Quota", std::string(200, 'q'));
    auto answer = f.send(f.mx(), "x@other.example", {an, full}, message);
    EXPECT_EQ(answer.recipients, (std::vector<Outcome>{Outcome::Accepted, Outcome::MailboxFull}));
    EXPECT_EQ(f.inbox(an).size(), 1U);
    EXPECT_TRUE(f.inbox(full).empty());
    auto queued = f.queued();
    ASSERT_EQ(queued.size(), 1U);
    ASSERT_EQ(queued[0].recipients.size(), 1U);
    EXPECT_EQ(queued[0].recipients[0].address, full);
    EXPECT_TRUE(queued[0].recipients[0].local);
    EXPECT_EQ(queued[0].recipients[0].status, "4.2.2");
    EXPECT_GT(queued[0].next_attempt, queued[0].created);
    EXPECT_TRUE(f.check().ok());
}

TEST_F(Pipeline, NothingIsStoredWhenNoRecipientCanTakeIt) {
    auto full = f.account("Đầy Hộp Thư", "full@example.gov.vn", directory::kRoleUser, 100);
    auto answer = f.send(
        f.mx(), "x@other.example", {full}, message_from("x@o.example", "Q", std::string(500, 'q'))
    );
    EXPECT_EQ(answer.recipients, std::vector<Outcome>{Outcome::MailboxFull});
    EXPECT_TRUE(f.queued().empty());
    EXPECT_EQ(f.blob_count(), 0U);
}

TEST_F(Pipeline, AFullMailboxIsToldAtRcpt) {
    auto full = f.account("Đầy Hộp Thư", "full@example.gov.vn", directory::kRoleUser, 1000);
    EXPECT_EQ(rcpt(f.mx(), full).result, RecipientResult::Ok);
    f.send(f.mx(), "", {full}, message_from("x@o.example", "Q", std::string(600, 'q')));
    ASSERT_TRUE(f.admin().set_quota(full, 500));
    EXPECT_EQ(rcpt(f.mx(), full).result, RecipientResult::MailboxFull);
}

TEST_F(Pipeline, CircularToFiveHundredIsOneBlob) {
    std::vector<std::string> recipients = f.accounts("cb", 500);
    auto answer = f.send(
        f.mx(),
        "vanphong@ubnd.example",
        recipients,
        message_from("vanphong@ubnd.example", "Thông báo")
    );
    EXPECT_EQ(answer.recipients, std::vector<Outcome>(500, Outcome::Accepted));
    auto report = f.check();
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.blobs, 1U);
    EXPECT_EQ(report.messages, 500U);
}

TEST_F(Pipeline, AutomaticForwardingLeavesGovernmentOnly) {
    auto an = f.account("Nguyễn Văn An", "an@example.gov.vn");
    const std::string forwarded =
        "From: " + an + "\r\nAuto-Submitted: auto-forwarded\r\nSubject: Fwd\r\n\r\nx\r\n";
    auto to_gmail = f.send(f.submitter(an), an, {"me@gmail.example"}, forwarded);
    EXPECT_EQ(to_gmail.result, smtp::MessageResult::Refused);
    EXPECT_EQ(to_gmail.reason, "automatic forwarding outside government domains is not allowed");
    auto to_agency = f.send(f.submitter(an), an, {"vt@so-yte.hanoi.gov.vn"}, forwarded);
    EXPECT_EQ(to_agency.recipients, std::vector<Outcome>{Outcome::Accepted});
    const std::string resent = "Resent-From: " + an + "\r\nFrom: " + an + "\r\n\r\nx\r\n";
    EXPECT_EQ(
        f.send(f.submitter(an), an, {"me@gmail.example"}, resent).result,
        smtp::MessageResult::Refused
    );
    // A person's own message goes anywhere.
    EXPECT_EQ(
        f.send(f.submitter(an), an, {"me@gmail.example"}, message_from(an)).recipients,
        std::vector<Outcome>{Outcome::Accepted}
    );
}

TEST_F(Pipeline, ExternalSendLimitLocksTheAccountAndTellsTheAdmins) {
    Config config = pipeline_config();
    config.policy.external_send_limit = 3;
    PipelineFixture g(config);
    auto an = g.account("Nguyễn Văn An", "an@example.gov.vn");
    auto admin = g.account("Quản Trị", "qt@example.gov.vn", directory::kRoleGlobalAdmin);
    auto client = g.submitter(an);
    auto external = [&](int i) {
        return g.run(g.pipeline().check_recipient(
            client, {}, *smtp::parse_mailbox("r" + std::to_string(i) + "@gmail.example")
        ));
    };
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(external(i).result, RecipientResult::Ok) << i;
    }
    // Local recipients do not count.
    EXPECT_EQ(
        g.run(g.pipeline().check_recipient(client, {}, *smtp::parse_mailbox(admin))).result,
        RecipientResult::Ok
    );
    EXPECT_EQ(external(4).result, RecipientResult::RateLimited);
    EXPECT_EQ(external(5).result, RecipientResult::RateLimited);
    auto account = g.directory().account(g.id_of(an));
    ASSERT_TRUE(account);
    EXPECT_EQ(account->state, directory::AccountState::Locked);
    auto user = g.admin().user(an);
    ASSERT_TRUE(user);
    EXPECT_EQ(user->account->lock_reason, directory::LockReason::SendLimit);
    auto notices = g.inbox(admin);
    ASSERT_EQ(notices.size(), 1U);  // told once
    EXPECT_NE(notices[0].find(an), std::string::npos);
    EXPECT_EQ(
        g.run(g.pipeline().check_sender(client, {*smtp::parse_mailbox(an)})).result,
        smtp::SenderResult::AccountDisabled
    );
    EXPECT_TRUE(g.check().ok());
}

TEST_F(Pipeline, SubmitForTheWebmail) {
    auto an = f.account("Nguyễn Văn An", "an@example.gov.vn");
    auto binh = f.account("Trần Văn Bình", "binh@example.gov.vn");
    const std::string message = message_from("Nguyễn Văn An <" + an + ">", "Từ webmail", "Chào");
    auto sent = f.run(f.pipeline().submit({
        .account = f.id_of(an),
        .recipients = {binh, "x@other.gov.vn"},
        .message = message,
        .client_address = "192.0.2.77",
    }));
    ASSERT_EQ(sent.status, smtp::SubmitStatus::Accepted) << sent.reason;
    auto inbox = f.inbox(binh);
    ASSERT_EQ(inbox.size(), 1U);
    EXPECT_TRUE(inbox[0].ends_with(message));
    EXPECT_NE(inbox[0].find("from [192.0.2.77] ([192.0.2.77])"), std::string::npos) << inbox[0];
    EXPECT_NE(inbox[0].find("(govmail webmail) id " + sent.id), std::string::npos) << inbox[0];
    EXPECT_EQ(f.queued().size(), 1U);
    auto sends = f.activity().events();
    EXPECT_TRUE(std::ranges::any_of(sends, [&](const events::ActivityEvent& e) {
        return e.activity == events::Activity::Send && e.protocol == events::Protocol::Webmail &&
               e.count == 2;
    }));

    auto refused = f.run(f.pipeline().submit({
        .account = f.id_of(an),
        .recipients = {binh, "nobody@example.gov.vn"},
        .message = message,
    }));
    EXPECT_EQ(refused.status, smtp::SubmitStatus::RecipientRefused);
    ASSERT_EQ(refused.refused.size(), 1U);
    EXPECT_EQ(refused.refused[0].address, "nobody@example.gov.vn");
    EXPECT_EQ(refused.refused[0].result, RecipientResult::Unknown);

    auto forward = f.run(f.pipeline().submit({
        .account = f.id_of(an),
        .recipients = {"me@gmail.example"},
        .message = message,
        .automatic_forward = true,
    }));
    EXPECT_EQ(forward.status, smtp::SubmitStatus::Refused);
    auto forged = f.run(f.pipeline().submit({
        .account = f.id_of(an),
        .recipients = {binh},
        .message = message_from("gd@example.gov.vn"),
    }));
    EXPECT_EQ(forged.status, smtp::SubmitStatus::FromNotOwned);
    auto other_sender = f.run(f.pipeline().submit({
        .account = f.id_of(an),
        .sender = binh,
        .recipients = {binh},
        .message = message,
    }));
    EXPECT_EQ(other_sender.status, smtp::SubmitStatus::SenderRefused);
    EXPECT_EQ(f.inbox(binh).size(), 1U);
}

TEST_F(Pipeline, LargeMessagesAreParsedOffTheCallersThread) {
    auto an = f.account("Nguyễn Văn An", "an@example.gov.vn");
    std::string body;
    for (int i = 0; i < 20000; ++i) {
        body += "Dòng thứ " + std::to_string(i) + " của một tệp đính kèm dài\r\n";
    }
    auto answer =
        f.send(f.mx(), "x@other.example", {an}, message_from("x@other.example", "Lớn", body));
    EXPECT_EQ(answer.recipients, std::vector<Outcome>{Outcome::Accepted});
    auto inbox = f.inbox(an);
    ASSERT_EQ(inbox.size(), 1U);
    EXPECT_GT(inbox[0].size(), 256U * 1024);
    EXPECT_EQ(mime::analyze(inbox[0]).subject, "Lớn");
}

}  // namespace
}  // namespace govmail::test
