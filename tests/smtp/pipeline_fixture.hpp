#pragma once
// The real delivery pipeline over a fresh mail store and directory (cheap Argon2), for unit
// tests of smtp/delivery and smtp/queue: a province with one unit, accounts made on demand,
// coroutines run to completion on a private io_context.
//
//     PipelineFixture f;
//     auto an = f.account("Nguyễn Văn An", "an@example.gov.vn");
//     auto answer = f.run(f.pipeline().check_recipient(f.mx(), {}, *smtp::parse_mailbox(an)));
//     f.inbox(an);   // the bytes of every message in the INBOX
//
// Hosted domain: example.gov.vn (hostname mail.example.gov.vn); unit 000.00.15.H29 (stttt).

#include "core/config.hpp"
#include "core/events.hpp"
#include "core/net/asio.hpp"
#include "directory/admin.hpp"
#include "smtp/delivery/pipeline.hpp"
#include "smtp/queue/queue_db.hpp"
#include "smtp/services.hpp"
#include "store/check.hpp"
#include "tests/directory/fixture.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace govmail::test {

// Records activity events (thread-safe).
class RecordingSink final : public events::ActivitySink {
public:
    void record(const events::ActivityEvent& event) noexcept override;
    std::vector<events::ActivityEvent> events() const;

private:
    mutable std::mutex mutex_;
    std::vector<events::ActivityEvent> events_;
};

Config pipeline_config();

class PipelineFixture {
public:
    explicit PipelineFixture(Config config = pipeline_config());

    const Config& config() const { return config_; }

    smtp::Pipeline& pipeline() { return *pipeline_; }

    store::MailStore& store() { return dir_.mail_store(); }

    directory::Admin& admin() { return dir_.admin; }

    directory::Directory& directory() { return dir_.directory; }

    directory::Context& context() { return dir_.context(); }

    const smtp::queue::QueueDb& queue() const { return queue_; }

    RecordingSink& activity() { return activity_; }

    // Adds an account in the unit (password "mat-khau-dai-123"); returns its address.
    std::string account(
        const std::string& name,
        const std::string& address,
        directory::Roles roles = directory::kRoleUser,
        std::optional<std::uint64_t> quota = std::nullopt
    );

    // `count` accounts "<prefix><i>@example.gov.vn" in one write (no password).
    std::vector<std::string> accounts(const std::string& prefix, int count);

    std::uint64_t id_of(const std::string& address);

    // Runs a coroutine to its end on a private io_context (rethrows its exception).
    template <typename T>
    T run(net::asio::awaitable<T> task) {
        net::asio::io_context io;
        std::optional<T> result;
        std::exception_ptr failure;
        net::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
            failure = e;
            if (!e) {
                result.emplace(std::move(value));
            }
        });
        io.run();
        if (failure) {
            std::rethrow_exception(failure);
        }
        return std::move(*result);
    }

    // An MX client, and a submission client authenticated as `login`.
    smtp::Client mx() const;
    smtp::Client submitter(const std::string& login);

    // check_recipient for each address and deliver(), as a session would; the recipients'
    // answers must all be Ok.
    smtp::DeliveryAnswer send(
        const smtp::Client& client,
        const std::string& sender,
        const std::vector<std::string>& recipients,
        const std::string& message
    );

    // Every message in the INBOX of `address`, oldest first.
    std::vector<std::string> inbox(const std::string& address);

    std::vector<smtp::queue::QueuedMessage> queued();

    // govmailctl check, with the queue's blob references.
    store::CheckReport check();

    std::uint64_t blob_count();

private:
    Config config_;
    directory::test::DirectoryFixture dir_;
    smtp::queue::QueueDb queue_;
    RecordingSink activity_;
    std::unique_ptr<smtp::Pipeline> pipeline_;
};

// "From: <from>\r\nTo: ...\r\nSubject: <subject>\r\n\r\n<body>\r\n"
std::string message_from(
    const std::string& from, const std::string& subject = "Test", const std::string& body = "x"
);

}  // namespace govmail::test
