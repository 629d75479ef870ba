#pragma once
// The delivery pipeline: the real smtp::Services (the SMTP sessions' view of the world) and
// smtp::Submission (the webmail's), over the directory, the mail store and the outbound queue.
//
//     queue::QueueDb queue = queue::QueueDb::open(store.env());       // at start-up
//     Pipeline pipeline(config, store, directory_context, directory, queue, activity);
//     pipeline.on_queued([&runner] { runner.notify(); });
//     auto handler = std::make_shared<smtp::Handler>(session_config(...), pipeline, tls);
//
// What each call decides (services.hpp has the answers and their replies):
//
//   check_sender     MX: any sender. Submission: the account must be active and the sender
//                    its own address, an alias or a unit address it is a clerk of (NotOwned).
//   check_recipient  hosted domains: the directory resolves accounts, aliases, groups (their
//                    expansion) and unit addresses (their clerks); unknown: Unknown; "Postmaster"
//                    always exists (RFC 5321 4.5.1: the global admins when nobody holds the
//                    address); group send policies (Refused); a single mailbox already full:
//                    MailboxFull. Other domains: RelayDenied without authentication; with it,
//                    the account's external recipients count against [policy]
//                    external_send_limit per external_send_window: the first one over locks
//                    the account (LockReason::SendLimit), tells every global admin in their
//                    INBOX, logs "smtp.send_limit", and is RateLimited like the ones after.
//   deliver          adds Return-Path and Received (smtp/delivery/trace.hpp), parses the message
//                    once (mime::analyze, on a worker thread for large messages), checks the
//                    From header on submission (FromNotOwned) and automatic forwarding out of
//                    government (Refused), then in ONE store write: stores one blob and one
//                    record per distinct mailbox (an account reached through two groups gets
//                    one copy), and queues the remote recipients together with the local
//                    mailboxes that could not take it (full: retried by the queue), holding a
//                    blob reference. 250 only after that commit. If nothing could be accepted
//                    nothing is stored (452/451 and the client retries).
//
// Everything the session records is the session's; the pipeline records Receive events for the
// accounts that got a copy, and submit() the webmail's Send event.
//
// Thread-safety: all members may be called from many sessions at once (services.hpp). The
// pipeline must outlive the server's connections and the queue runner.

#include "core/config.hpp"
#include "core/events.hpp"
#include "directory/context.hpp"
#include "directory/directory.hpp"
#include "smtp/delivery/policy.hpp"
#include "smtp/queue/queue_db.hpp"
#include "smtp/services.hpp"
#include "smtp/submission.hpp"
#include "store/store.hpp"

#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace govmail::smtp {

// What check_recipient resolved an address to; kept in Recipient::target.
struct RecipientTarget {
    bool local = false;
    std::string address;  // as resolved: "postmaster@<primary domain>" for <Postmaster>
    std::string domain;   // remote: where the queue sends it
    std::vector<std::uint64_t> accounts;  // local: the accounts behind the address
    std::vector<std::uint64_t> inboxes;   // local: their INBOX mailbox ids (0: none)
};

class Pipeline final : public Services, public Submission {
public:
    Pipeline(
        const Config& config,
        store::MailStore& store,
        directory::Context& context,
        directory::Directory& directory,
        const queue::QueueDb& queue,
        events::ActivitySink& activity
    );
    ~Pipeline() override;

    // Called (from any thread) after each commit that queued something. Set before use.
    void on_queued(std::function<void()> callback) { on_queued_ = std::move(callback); }

    asio::awaitable<AuthAnswer> authenticate(Client client, std::string user, std::string password)
        override;
    asio::awaitable<SenderAnswer> check_sender(Client client, ReversePath sender) override;
    asio::awaitable<RecipientAnswer> check_recipient(
        Client client, ReversePath sender, Mailbox recipient
    ) override;
    asio::awaitable<DeliveryAnswer> deliver(Envelope envelope, std::string message) override;

    events::ActivitySink& activity() override { return activity_; }

    asio::awaitable<SubmitResult> submit(SubmitRequest request) override;

private:
    asio::awaitable<DeliveryAnswer> deliver_message(
        Envelope envelope,
        std::string message,
        bool automatic_forward,
        std::string via,
        events::Protocol protocol
    );
    asio::awaitable<void> lock_for_send_limit(std::uint64_t account, std::string login);
    std::vector<std::uint64_t> global_admin_inboxes() const;
    RecipientAnswer group_refusal(const std::string& address) const;

    const Config& config_;
    store::MailStore& store_;
    directory::Context& context_;
    directory::Directory& directory_;
    const queue::QueueDb& queue_;
    events::ActivitySink& activity_;
    std::function<void()> on_queued_;
    SendLimiter limiter_;
    // mime::analyze and SHA-256 of large messages run here, not on the I/O threads.
    asio::thread_pool workers_{1};
};

}  // namespace govmail::smtp
