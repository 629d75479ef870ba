// The outbound queue runner (smtp/queue/runner.hpp) against a real SMTP server on loopback: the
// session core and shell of smtp/ over the fake services (hosted domain test.gov.vn).

#include "smtp/queue/runner.hpp"

#include "core/log.hpp"
#include "mime/analyze.hpp"
#include "smtp/connection.hpp"
#include "smtp/queue/record.hpp"
#include "smtp/queue/resolver.hpp"
#include "tests/smtp/fake_services.hpp"
#include "tests/smtp/pipeline_fixture.hpp"
#include "tests/support/echo_server_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <thread>

namespace govmail::test {
namespace {

using namespace std::chrono_literals;

// An SMTP server for test.gov.vn on 127.0.0.1:0, answering with FakeServices.
class RemoteServer {
public:
    explicit RemoteServer(bool starttls = true)
        : config_(test_config(dir_.path())) {
        auto tls = tls::make_server_context(config_);
        if (!tls) {
            throw std::runtime_error(tls.error().message);
        }
        server_ = std::make_unique<net::Server>(config_);
        auto bound = server_->listen({
            .name = "remote",
            .address = ListenAddress{"127.0.0.1", 0},
            .handler = std::make_shared<smtp::Handler>(
                smtp::session_config(config_, smtp::Mode::Mx, starttls),
                services_,
                starttls ? *tls : nullptr
            ),
            .timeouts = smtp::timeouts(config_),
        });
        if (!bound) {
            throw std::runtime_error(bound.error().message);
        }
        port_ = bound->port();
        server_->start();
    }

    ~RemoteServer() {
        server_->shutdown();
        server_->wait();
    }

    std::uint16_t port() const { return port_; }

    FakeServices& services() { return services_; }

private:
    TempDir dir_;
    Config config_;
    FakeServices services_;
    std::unique_ptr<net::Server> server_;
    std::uint16_t port_ = 0;
};

class QueueRunner : public testing::Test {
protected:
    static void SetUpTestSuite() { log::init("error", LogFormat::Text); }

    // Builds the local side: routes test.gov.vn to the remote server, dead.test to a port where
    // nothing listens; short retries and lifetime.
    void start(const std::function<void(Config&)>& adjust = {}, bool remote_tls = true) {
        remote_ = std::make_unique<RemoteServer>(remote_tls);
        Config config = pipeline_config();
        config.routes["test.gov.vn"] = RouteConfig{.host = "127.0.0.1", .port = remote_->port()};
        config.routes["dead.test"] = RouteConfig{.host = "127.0.0.1", .port = free_port()};
        config.queue.retry_initial = 100ms;
        config.queue.retry_max = 300ms;
        config.queue.lifetime = 1500ms;
        config.queue.delay_notice = 0ms;
        config.queue.connect_timeout = 1s;
        if (adjust) {
            adjust(config);
        }
        f_ = std::make_unique<PipelineFixture>(config);
        an_ = f_->account("Nguyễn Văn An", "an@example.gov.vn");
        resolver_ = std::make_unique<smtp::queue::Resolver>(f_->config().dns);
        runner_ = std::make_unique<smtp::queue::Runner>(
            f_->config(), io_, f_->store(), f_->queue(), f_->directory(), f_->activity(), *resolver_
        );
        runner_->set_max_timeout_for_test(5s);
        f_->pipeline().on_queued([this] { runner_->notify(); });
    }

    void run() {
        runner_->start();
        thread_ = std::thread([this] { io_.run(); });
    }

    void TearDown() override {
        if (runner_) {
            runner_->stop();
        }
        work_.reset();
        if (thread_.joinable()) {
            std::this_thread::sleep_for(50ms);
            io_.stop();
            thread_.join();
        }
        runner_.reset();
        resolver_.reset();
    }

    static bool eventually(
        const std::function<bool()>& condition, std::chrono::milliseconds limit = 10s
    ) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < end) {
            if (condition()) {
                return true;
            }
            std::this_thread::sleep_for(20ms);
        }
        return condition();
    }

    // Submits `message` from an@ to `recipients`, with NOTIFY for every recipient.
    smtp::DeliveryAnswer submit(
        const std::vector<std::string>& recipients,
        const std::string& message,
        smtp::Notify notify = {}
    ) {
        smtp::Client client = f_->submitter(an_);
        smtp::Envelope envelope{.client = client, .protocol = "ESMTPSA"};
        envelope.sender.mailbox = *smtp::parse_mailbox(an_);
        for (const std::string& address : recipients) {
            auto mailbox = *smtp::parse_mailbox(address);
            auto answer = f_->run(f_->pipeline().check_recipient(client, envelope.sender, mailbox));
            EXPECT_EQ(answer.result, smtp::RecipientResult::Ok) << address;
            smtp::Recipient recipient{mailbox, {}, std::move(answer.target)};
            recipient.params.notify = notify;
            envelope.recipients.push_back(std::move(recipient));
        }
        return f_->run(f_->pipeline().deliver(std::move(envelope), message));
    }

    // The delivery status notifications in an@'s INBOX.
    std::vector<std::string> reports() {
        std::vector<std::string> out;
        for (std::string& message : f_->inbox(an_)) {
            if (message.find("report-type=delivery-status") != std::string::npos) {
                out.push_back(std::move(message));
            }
        }
        return out;
    }

    net::asio::io_context io_;
    net::asio::executor_work_guard<net::asio::io_context::executor_type> work_ =
        net::asio::make_work_guard(io_);
    std::unique_ptr<RemoteServer> remote_;
    std::unique_ptr<PipelineFixture> f_;
    std::unique_ptr<smtp::queue::Resolver> resolver_;
    std::unique_ptr<smtp::queue::Runner> runner_;
    std::thread thread_;
    std::string an_;
};

TEST_F(QueueRunner, DeliversByStaticRouteOverTlsAndLeavesTheQueue) {
    start();
    const std::string message = message_from(an_, "Công văn", "Kính gửi Sở");
    auto answer = submit({"alice@test.gov.vn", "bob@test.gov.vn"}, message);
    ASSERT_EQ(answer.recipients.size(), 2U);
    run();
    ASSERT_TRUE(eventually([&] { return remote_->services().deliveries().size() == 1; }));
    ASSERT_TRUE(eventually([&] { return f_->queued().empty(); }));
    auto delivery = remote_->services().deliveries()[0];
    EXPECT_EQ(delivery.envelope.sender.to_string(), "<" + an_ + ">");
    EXPECT_EQ(delivery.envelope.recipients.size(), 2U);
    EXPECT_FALSE(delivery.envelope.client.tls.empty());  // STARTTLS was offered: used
    EXPECT_EQ(delivery.envelope.client.helo, "mail.example.gov.vn");
    // What went out: our Received field and the message, no Return-Path (RFC 5321 4.4).
    EXPECT_TRUE(delivery.message.starts_with("Received: from laptop ([192.0.2.4])"));
    EXPECT_TRUE(delivery.message.ends_with(message));
    EXPECT_TRUE(f_->check().ok());
    EXPECT_EQ(f_->blob_count(), 0U);  // the queue's reference was the blob's last one
}

TEST_F(QueueRunner, ReusesTheConnectionForTheNextMessage) {
    start([](Config& c) { c.queue.concurrency = 1; });
    submit({"alice@test.gov.vn"}, message_from(an_, "Một"));
    submit({"bob@test.gov.vn"}, message_from(an_, "Hai"));
    run();
    ASSERT_TRUE(eventually([&] { return remote_->services().deliveries().size() == 2; }));
    auto deliveries = remote_->services().deliveries();
    EXPECT_EQ(deliveries[0].envelope.client.connection, deliveries[1].envelope.client.connection);
}

TEST_F(QueueRunner, RefusedRecipientIsReportedToTheLocalSender) {
    start();
    submit({"alice@test.gov.vn", "nobody@test.gov.vn"}, message_from(an_, "Hỏi"));
    run();
    ASSERT_TRUE(eventually([&] { return reports().size() == 1; }));
    ASSERT_TRUE(eventually([&] { return f_->queued().empty(); }));
    EXPECT_EQ(remote_->services().deliveries().size(), 1U);  // alice got it
    const std::string report = reports()[0];
    mime::MessageInfo info = mime::analyze(report);
    // RFC 3464 / RFC 6522: multipart/report with the human-readable part, the machine-readable
    // status and the returned message (parts lists the leaves: "1", "2", "3", ...).
    EXPECT_NE(
        report.find("Content-Type: multipart/report; report-type=delivery-status;"),
        std::string::npos
    );
    ASSERT_GE(info.parts.size(), 3U);
    EXPECT_EQ(info.parts[0].type + "/" + info.parts[0].subtype, "text/plain");
    EXPECT_EQ(info.parts[1].type + "/" + info.parts[1].subtype, "message/delivery-status");
    EXPECT_EQ(info.parts[2].section, "3");
    EXPECT_EQ(info.subject, "Undelivered Mail Returned to Sender");
    EXPECT_NE(report.find("Return-Path: <>"), std::string::npos);
    EXPECT_NE(report.find("Final-Recipient: rfc822; nobody@test.gov.vn"), std::string::npos);
    EXPECT_NE(report.find("Action: failed"), std::string::npos);
    EXPECT_NE(report.find("Status: 5.1.1"), std::string::npos);
    EXPECT_NE(report.find("Diagnostic-Code: smtp; 550 5.1.1"), std::string::npos);
    EXPECT_EQ(report.find("alice@test.gov.vn>"), std::string::npos);  // only the failed one
    EXPECT_TRUE(f_->check().ok());
}

TEST_F(QueueRunner, UnreachableRouteIsRetriedThenReturnedAfterTheLifetime) {
    start();
    submit({"x@dead.test"}, message_from(an_, "Không tới"));
    run();
    ASSERT_TRUE(eventually([&] {
        auto queued = f_->queued();
        return !queued.empty() && queued[0].attempts >= 2;
    }));
    auto queued = f_->queued();
    ASSERT_EQ(queued.size(), 1U);
    EXPECT_EQ(queued[0].recipients[0].state, smtp::queue::RecipientState::Pending);
    EXPECT_NE(queued[0].recipients[0].diagnostic.find("cannot connect"), std::string::npos);
    EXPECT_TRUE(reports().empty());
    ASSERT_TRUE(eventually([&] { return reports().size() == 1; }));
    EXPECT_TRUE(f_->queued().empty());
    EXPECT_NE(reports()[0].find("Status: 4.4.7"), std::string::npos);
    EXPECT_NE(reports()[0].find("Action: failed"), std::string::npos);
}

TEST_F(QueueRunner, DelayNoticeThenFailure) {
    start([](Config& c) {
        c.queue.delay_notice = 300ms;
        c.queue.lifetime = 1200ms;
    });
    submit({"x@dead.test"}, message_from(an_, "Chậm"));
    run();
    ASSERT_TRUE(eventually([&] { return reports().size() == 2; }));
    auto all = reports();
    EXPECT_NE(all[0].find("Action: delayed"), std::string::npos);
    EXPECT_NE(all[0].find("Will-Retry-Until: "), std::string::npos);
    EXPECT_NE(all[0].find("Subject: Delayed Mail"), std::string::npos);
    EXPECT_NE(all[1].find("Action: failed"), std::string::npos);
}

TEST_F(QueueRunner, NotifyNeverIsNeverReported) {
    start();
    submit({"x@dead.test"}, message_from(an_, "Im lặng"), smtp::Notify{.never = true});
    run();
    ASSERT_TRUE(eventually([&] { return f_->queued().empty(); }));
    EXPECT_TRUE(reports().empty());
}

TEST_F(QueueRunner, TemporaryRefusalAtRcptIsRetried) {
    start();
    submit({"directory-down@test.gov.vn"}, message_from(an_, "Thử lại"));
    run();
    ASSERT_TRUE(eventually([&] {
        auto queued = f_->queued();
        return !queued.empty() && queued[0].attempts >= 1;
    }));
    auto queued = f_->queued();
    ASSERT_EQ(queued.size(), 1U);
    EXPECT_EQ(queued[0].recipients[0].status, "4.4.3");
    EXPECT_NE(queued[0].recipients[0].diagnostic.find("smtp; 451"), std::string::npos);
}

TEST_F(QueueRunner, RouteRequiringTlsNeverFallsBackToPlaintext) {
    start(
        [](Config& c) {
            c.routes["test.gov.vn"].require_tls = true;
            c.queue.lifetime = 5s;
        },
        false
    );
    submit({"alice@test.gov.vn"}, message_from(an_, "Mật"));
    run();
    ASSERT_TRUE(eventually([&] {
        auto queued = f_->queued();
        return !queued.empty() && queued[0].attempts >= 1;
    }));
    EXPECT_TRUE(remote_->services().deliveries().empty());
    EXPECT_EQ(f_->queued()[0].recipients[0].status, "4.7.10");
}

TEST_F(QueueRunner, OpportunisticTlsSendsInPlaintextWhenNotOffered) {
    start({}, false);
    submit({"alice@test.gov.vn"}, message_from(an_, "Thường"));
    run();
    ASSERT_TRUE(eventually([&] { return remote_->services().deliveries().size() == 1; }));
    EXPECT_TRUE(remote_->services().deliveries()[0].envelope.client.tls.empty());
}

TEST_F(QueueRunner, FullMailboxIsDeliveredOnceThereIsRoom) {
    start([](Config& c) { c.queue.lifetime = 10s; });
    auto full = f_->account("Đầy", "full@example.gov.vn", directory::kRoleUser, 100);
    auto answer = f_->send(
        f_->mx(),
        "alice@test.gov.vn",
        {an_, full},
        message_from("alice@test.gov.vn", "Q", std::string(300, 'q'))
    );
    ASSERT_EQ(answer.recipients[1], smtp::Outcome::MailboxFull);
    run();
    ASSERT_TRUE(eventually([&] {
        auto queued = f_->queued();
        return !queued.empty() && queued[0].attempts >= 1;
    }));
    EXPECT_TRUE(f_->inbox(full).empty());
    ASSERT_TRUE(f_->admin().set_quota(full, 1ULL << 20));
    runner_->notify();
    ASSERT_TRUE(eventually([&] { return f_->inbox(full).size() == 1; }));
    ASSERT_TRUE(eventually([&] { return f_->queued().empty(); }));
    EXPECT_TRUE(f_->check().ok());
}

TEST_F(QueueRunner, RemoteSenderGetsTheReportFromTheNullSender) {
    start();
    auto full = f_->account("Đầy", "full@example.gov.vn", directory::kRoleUser, 100);
    f_->send(
        f_->mx(),
        "alice@test.gov.vn",
        {an_, full},
        message_from("alice@test.gov.vn", "Q", std::string(300, 'q'))
    );
    run();
    // After the lifetime the full mailbox fails; the report goes back through the queue.
    ASSERT_TRUE(eventually([&] { return remote_->services().deliveries().size() == 1; }));
    auto delivery = remote_->services().deliveries()[0];
    EXPECT_TRUE(delivery.envelope.sender.null());
    EXPECT_EQ(delivery.envelope.recipients[0].address.to_string(), "alice@test.gov.vn");
    EXPECT_NE(
        delivery.message.find("Final-Recipient: rfc822; full@example.gov.vn"), std::string::npos
    );
    EXPECT_NE(delivery.message.find("Status: 4.4.7"), std::string::npos);
    ASSERT_TRUE(eventually([&] { return f_->queued().empty(); }));
}

TEST_F(QueueRunner, QueueSurvivesARestartOfTheRunner) {
    start();
    submit({"x@dead.test"}, message_from(an_, "Bền"));
    // No runner ran: the record waits in LMDB; a runner started later picks it up.
    ASSERT_EQ(f_->queued().size(), 1U);
    run();
    ASSERT_TRUE(eventually([&] {
        auto queued = f_->queued();
        return !queued.empty() && queued[0].attempts >= 1;
    }));
}

}  // namespace
}  // namespace govmail::test
