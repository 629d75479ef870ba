#pragma once
// A fake smtp::Services: a small fixed directory and a recording mail store, so that transcripts
// and unit tests can reach every answer the real services can give. Thread-safe (the loopback
// transcripts call it from server threads while the test thread reads what it recorded).
//
// Hosted domain: test.gov.vn. Accounts (login = address, password = "<local>-pw"):
//   alice@ (1): aliases a.nguyen@, clerk of the unit address vanthu@; bob@ (2);
//   thư@ (4, a UTF-8 local part); locked@ (3): password right but Disabled;
//   tempfail@: authentication TemporaryFailure.
// Recipients at test.gov.vn:
//   alice, a.nguyen, vanthu, bob, thư, postmaster, <Postmaster>  Ok
//   group      Ok for alice (a member), Refused with a policy text for anyone else
//   quota      MailboxFull at RCPT        disabled   Disabled     directory-down  TemporaryFailure
//   full       Ok, then MailboxFull at delivery      later  Ok, then TemporaryFailure
//   gone       Ok, then Failed at delivery           others  Unknown
// Other domains: RelayDenied without an account; with one Ok ("remote"), RateLimited once more
// than `rate_limit` remote recipients were accepted. Senders: on MX anything but
// <spammer@blocked.example> (Refused) and <slow@directory.example> (TemporaryFailure); with an
// account only its own addresses (NotOwned otherwise, including <>).
// Delivery: with an account the From header must be one of its addresses (FromNotOwned); a
// header "X-Test: tempfail" fails the message (TemporaryFailure), "X-Test: throw" throws.

#include "smtp/services.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace govmail::test {

class FakeServices final : public smtp::Services, public events::ActivitySink {
public:
    struct Delivery {
        smtp::Envelope envelope;
        std::string message;
    };

    // Remote recipients accepted before RateLimited.
    void set_rate_limit(std::size_t limit);

    std::vector<Delivery> deliveries() const;
    std::vector<events::ActivityEvent> events() const;

    // The target of an accepted recipient, as this fake resolves it: "account:1", "group",
    // "remote", ...
    static std::string target_name(const std::any& target);

    smtp::asio::awaitable<smtp::AuthAnswer> authenticate(
        smtp::Client client, std::string user, std::string password
    ) override;
    smtp::asio::awaitable<smtp::SenderAnswer> check_sender(
        smtp::Client client, smtp::ReversePath sender
    ) override;
    smtp::asio::awaitable<smtp::RecipientAnswer> check_recipient(
        smtp::Client client, smtp::ReversePath sender, smtp::Mailbox recipient
    ) override;
    smtp::asio::awaitable<smtp::DeliveryAnswer> deliver(
        smtp::Envelope envelope, std::string message
    ) override;

    events::ActivitySink& activity() override { return *this; }

    void record(const events::ActivityEvent& event) noexcept override;

private:
    mutable std::mutex mutex_;
    std::vector<Delivery> deliveries_;
    std::vector<events::ActivityEvent> events_;
    std::size_t rate_limit_ = 1000;
    std::size_t remote_accepted_ = 0;
};

}  // namespace govmail::test
