#include "tests/smtp/pipeline_fixture.hpp"

#include <gtest/gtest.h>

namespace govmail::test {

void RecordingSink::record(const events::ActivityEvent& event) noexcept {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
}

std::vector<events::ActivityEvent> RecordingSink::events() const {
    std::lock_guard lock(mutex_);
    return events_;
}

Config pipeline_config() {
    Config config;
    config.hostname = "mail.example.gov.vn";
    config.domains = {"example.gov.vn"};
    config.queue.retry_initial = std::chrono::milliseconds(200);
    config.queue.retry_max = std::chrono::seconds(1);
    return config;
}

namespace {

directory::Settings settings_of(const Config& config) {
    directory::Settings settings = directory::test::test_settings();
    settings.domains = config.domains;
    settings.policy = config.policy;
    return settings;
}

}  // namespace

PipelineFixture::PipelineFixture(Config config)
    : config_(std::move(config))
    , dir_(settings_of(config_))
    , queue_(smtp::queue::QueueDb::open(dir_.mail_store().env())) {
    pipeline_ = std::make_unique<smtp::Pipeline>(
        config_, dir_.mail_store(), dir_.context(), dir_.directory, queue_, activity_
    );
    dir_.unit("000.00.15.H29", "Sở Thông tin và Truyền thông");
}

std::string PipelineFixture::account(
    const std::string& name,
    const std::string& address,
    directory::Roles roles,
    std::optional<std::uint64_t> quota
) {
    auto added = dir_.admin.add_user({
        .full_name = name,
        .unit_code = "000.00.15.H29",
        .address = address,
        .password = "mat-khau-dai-123",
        .roles = roles,
        .quota = quota,
    });
    EXPECT_TRUE(added) << added.error().message;
    return added ? added->account->address : std::string();
}

std::vector<std::string> PipelineFixture::accounts(const std::string& prefix, int count) {
    auto made = dir_.context().write([&](directory::Mutator& m, store::WriteScope& scope) {
        std::vector<std::string> addresses;
        for (int i = 0; i < count; ++i) {
            directory::NewUser spec{
                .full_name = "Cán bộ Số " + std::to_string(i),
                .unit_code = "000.00.15.H29",
                .address = prefix + std::to_string(i) + "@example.gov.vn",
            };
            addresses.push_back(
                directory::create_user(m, scope, dir_.context(), spec, dir_.now.load())
                    .account->address
            );
        }
        return addresses;
    });
    EXPECT_TRUE(made) << made.error().message;
    return made ? *made : std::vector<std::string>{};
}

std::uint64_t PipelineFixture::id_of(const std::string& address) {
    auto found = dir_.directory.find_account(address);
    EXPECT_TRUE(found) << address;
    return found ? found->id : 0;
}

smtp::Client PipelineFixture::mx() const {
    return smtp::Client{
        .connection = 1,
        .mode = smtp::Mode::Mx,
        .address = "203.0.113.9",
        .helo = "mx.other.example",
        .esmtp = true,
        .tls = "TLSv1.3 TLS_AES_256_GCM_SHA384",
    };
}

smtp::Client PipelineFixture::submitter(const std::string& login) {
    return smtp::Client{
        .connection = 2,
        .mode = smtp::Mode::Submission,
        .address = "192.0.2.4",
        .helo = "laptop",
        .esmtp = true,
        .tls = "TLSv1.3 TLS_AES_256_GCM_SHA384",
        .account = smtp::Account{id_of(login), login},
    };
}

smtp::DeliveryAnswer PipelineFixture::send(
    const smtp::Client& client,
    const std::string& sender,
    const std::vector<std::string>& recipients,
    const std::string& message
) {
    smtp::Envelope envelope{
        .client = client,
        .protocol = client.account ? "ESMTPSA" : "ESMTPS",
    };
    if (!sender.empty()) {
        envelope.sender.mailbox = *smtp::parse_mailbox(sender);
    }
    for (const std::string& address : recipients) {
        auto mailbox = smtp::parse_mailbox(address);
        EXPECT_TRUE(mailbox) << address;
        auto answer = run(pipeline_->check_recipient(client, envelope.sender, *mailbox));
        EXPECT_EQ(answer.result, smtp::RecipientResult::Ok) << address;
        envelope.recipients.push_back({*mailbox, {}, std::move(answer.target)});
    }
    return run(pipeline_->deliver(std::move(envelope), message));
}

std::vector<std::string> PipelineFixture::inbox(const std::string& address) {
    const std::uint64_t account = id_of(address);
    auto read = store().read([&](const store::StoreReader& r) {
        std::vector<std::string> out;
        auto mailbox = r.find_mailbox(account, "INBOX");
        if (!mailbox) {
            return out;
        }
        store::UidRange all;
        for (const store::MessageRecord& record : r.messages(*mailbox, {&all, 1})) {
            if (auto blob = r.blob(record.blob)) {
                out.push_back(blob->copy());
            }
        }
        return out;
    });
    EXPECT_TRUE(read);
    return read ? *read : std::vector<std::string>{};
}

std::vector<smtp::queue::QueuedMessage> PipelineFixture::queued() {
    auto read = store().read([&](const store::StoreReader& r) {
        std::vector<smtp::queue::QueuedMessage> out;
        queue_.for_each(r.txn(), [&](const smtp::queue::QueuedMessage& m) { out.push_back(m); });
        return out;
    });
    EXPECT_TRUE(read);
    return read ? *read : std::vector<smtp::queue::QueuedMessage>{};
}

store::CheckReport PipelineFixture::check() {
    store::CheckOptions options;
    options.external_references.push_back(smtp::queue::QueueDb::blob_references());
    return store().env().read([&](const store::ReadTxn& txn) {
        return store::check_store(txn, store().schema(), options);
    });
}

std::uint64_t PipelineFixture::blob_count() {
    return check().blobs;
}

std::string message_from(
    const std::string& from, const std::string& subject, const std::string& body
) {
    return "From: " + from + "\r\nTo: undisclosed-recipients:;\r\nSubject: " + subject +
           "\r\nMessage-ID: <t-" + subject + "@example.gov.vn>\r\n\r\n" + body + "\r\n";
}

}  // namespace govmail::test
