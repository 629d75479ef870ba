#include "smtp/queue/runner.hpp"

#include "core/log.hpp"
#include "mime/analyze.hpp"
#include "smtp/delivery/trace.hpp"
#include "smtp/queue/dsn.hpp"

#include <boost/asio/bind_executor.hpp>

#include <algorithm>
#include <map>

namespace govmail::smtp::queue {
namespace {

namespace asio = net::asio;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How long a connection waits for the next message to the same address, and how many wait.
constexpr std::chrono::seconds kIdleTime{5};
constexpr std::size_t kMaxIdlePerAddress = 4;

std::chrono::system_clock::time_point time_of(Millis at) {
    return std::chrono::system_clock::time_point(milliseconds(at));
}

store::UnixTime unix_time(Millis at) {
    return std::chrono::time_point_cast<std::chrono::seconds>(time_of(at));
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

std::string domain_of(std::string_view address) {
    std::size_t at = address.rfind('@');
    return lower(at == std::string_view::npos ? std::string_view() : address.substr(at + 1));
}

// RFC 3461 4.1: without NOTIFY, failures and delays are reported; NEVER reports nothing.
bool wants_failure(const Notify& n) {
    return !n.never && (!n.given() || n.failure);
}

bool wants_delay(const Notify& n) {
    return !n.never && (!n.given() || n.delay);
}

bool wants_success(const Notify& n) {
    return !n.never && n.success;
}

store::PreparedMessage prepared_from(std::string bytes) {
    std::string info = mime::analyze(bytes).serialize();
    return store::PreparedMessage(std::move(bytes), std::move(info));
}

std::string endpoint_text(const net::tcp::endpoint& endpoint) {
    return RouteConfig{.host = endpoint.address().to_string(), .port = endpoint.port()}.to_string();
}

std::string pool_key(const Destination& destination, const net::tcp::endpoint& endpoint) {
    return endpoint_text(endpoint) + (destination.verify_tls    ? "+verify"
                                      : destination.require_tls ? "+tls"
                                                                : "");
}

asio::awaitable<void> close_client(std::unique_ptr<SmtpClient> client) {
    auto quitting = client->quit();
    co_await std::move(quitting);
}

}  // namespace

struct Runner::Result {
    enum class Kind : std::uint8_t { None, Delivered, Temporary, Permanent };
    Kind kind = Kind::None;
    bool relayed = false;
    std::string status;
    std::string diagnostic;
    std::string remote_mta;
};

struct Runner::Loaded {
    QueuedMessage message;
    std::string blob;  // all of it: local copies keep the Return-Path
    std::string info;  // the blob's stored MessageInfo

    std::string_view sent() const {
        return std::string_view(blob).substr(std::min<std::size_t>(message.skip, blob.size()));
    }
};

struct Runner::Notice {
    store::PreparedMessage message;  // "Return-Path: <>" and the notification
    std::uint32_t skip = 0;
    BodyType body = BodyType::SevenBit;
    std::uint64_t id = 0;  // the queue id it gets if it must be queued
};

Runner::Runner(
    const Config& config,
    asio::io_context& io,
    store::MailStore& store,
    const QueueDb& queue,
    directory::Directory& directory,
    events::ActivitySink& activity,
    Resolver& resolver
)
    : config_(config)
    , store_(store)
    , queue_(queue)
    , directory_(directory)
    , activity_(activity)
    , resolver_(resolver)
    , router_(config)
    , strand_(asio::make_strand(io))
    , timer_(strand_)
    , opportunistic_tls_(tls::make_client_context(false))
    , verified_tls_(tls::make_client_context(true)) {}

Runner::~Runner() = default;

void Runner::start() {
    asio::co_spawn(strand_, loop(), [](const std::exception_ptr& error) {
        if (error) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                log::error("queue.runner_failed", {{"error", e.what()}});
            }
        }
    });
}

void Runner::notify() {
    asio::post(strand_, [this] {
        wake_ = true;
        timer_.cancel();
    });
}

void Runner::stop() {
    stop_requested_ = true;
    asio::post(strand_, [this] {
        stopping_ = true;
        timer_.cancel();
        close_idle(true);
    });
}

asio::awaitable<void> Runner::loop() {
    log::info("queue.started", {{"concurrency", config_.queue.concurrency}});
    while (!stopping_) {
        wake_ = false;
        close_idle(false);
        const Millis now = now_millis();
        std::optional<Millis> next;
        auto looked = store_.read([&](const store::StoreReader& r) {
            std::vector<std::uint64_t> due;
            if (active_ < config_.queue.concurrency) {
                due = queue_.due(r.txn(), now, config_.queue.concurrency - active_, busy_);
            }
            return due;
        });
        if (!looked) {
            log::error("queue.read_failed", {{"error", looked.error().message()}});
        } else {
            for (std::uint64_t id : *looked) {
                busy_.insert(id);
                ++active_;
                asio::co_spawn(
                    strand_,
                    attempt(id),
                    asio::bind_executor(
                        strand_,
                        [this, id](const std::exception_ptr& error) {
                            if (error) {
                                try {
                                    std::rethrow_exception(error);
                                } catch (const std::exception& e) {
                                    log::error(
                                        "queue.attempt_failed",
                                        {{"id", format_id(id)}, {"error", e.what()}}
                                    );
                                }
                            }
                            busy_.erase(id);
                            --active_;
                            wake_ = true;
                            timer_.cancel();
                        }
                    )
                );
            }
        }
        auto earliest = store_.read([&](const store::StoreReader& r) {
            return queue_.earliest(r.txn(), busy_);
        });
        if (earliest && *earliest) {
            next = **earliest;
        }
        milliseconds wait = kRescan;
        if (next && active_ < config_.queue.concurrency) {
            wait = std::clamp(milliseconds(*next - now_millis()), milliseconds(0), wait);
        }
        if (!idle_.empty()) {
            wait = std::min<milliseconds>(wait, kIdleTime);
        }
        if (wake_ || stopping_ || (wait.count() == 0 && next)) {
            continue;
        }
        timer_.expires_after(wait);
        auto waiting = timer_.async_wait(net::kNoThrow);
        co_await std::move(waiting);
    }
    log::info("queue.stopped", {{"attempts_in_progress", active_}});
}

void Runner::release(const std::string& key, std::unique_ptr<SmtpClient> client) {
    auto& idle = idle_[key];
    if (!stopping_ && client->usable() && idle.size() < kMaxIdlePerAddress) {
        idle.push_back({std::move(client), SteadyClock::now()});
        return;
    }
    if (idle.empty()) {
        idle_.erase(key);
    }
    asio::co_spawn(strand_, close_client(std::move(client)), asio::detached);
}

void Runner::close_idle(bool all) {
    const auto now = SteadyClock::now();
    for (auto it = idle_.begin(); it != idle_.end();) {
        auto& idle = it->second;
        for (auto item = idle.begin(); item != idle.end();) {
            if (all || item->since + kIdleTime <= now) {
                asio::co_spawn(strand_, close_client(std::move(item->client)), asio::detached);
                item = idle.erase(item);
            } else {
                ++item;
            }
        }
        it = idle.empty() ? idle_.erase(it) : std::next(it);
    }
}

asio::awaitable<std::unique_ptr<SmtpClient>> Runner::connection(
    const Destination& destination,
    const std::string& host,
    net::tcp::endpoint endpoint,
    ClientReply& failure
) {
    const std::string key = pool_key(destination, endpoint);
    if (auto found = idle_.find(key); found != idle_.end()) {
        while (!found->second.empty()) {
            Idle item = std::move(found->second.back());
            found->second.pop_back();
            if (item.since + kIdleTime > SteadyClock::now()) {
                auto resetting = item.client->reset();
                const bool reset = co_await std::move(resetting);
                if (reset) {
                    co_return std::move(item.client);
                }
            }
            asio::co_spawn(strand_, close_client(std::move(item.client)), asio::detached);
        }
        idle_.erase(key);
    }
    ClientOptions options{
        .helo = config_.hostname,
        .tls = destination.verify_tls ? verified_tls_.get() : opportunistic_tls_.get(),
        .require_tls = destination.require_tls,
        .server_name = host,
        .connect_timeout = config_.queue.connect_timeout,
        .id = next_connection_++,
        .max_timeout = max_timeout_,
    };
    auto opening = SmtpClient::open(strand_, endpoint, options);
    OpenResult opened = co_await std::move(opening);
    if (!opened.client && opened.failure.tls_failed && !destination.require_tls) {
        // Opportunistic TLS (RFC 3207 leaves it to the client): a server whose TLS is broken
        // still gets its mail, in plaintext, as Postfix does. Routes that require TLS never.
        log::info("queue.tls_fallback", {{"server", endpoint_text(endpoint)}});
        options.tls = nullptr;
        options.id = next_connection_++;
        auto reopening = SmtpClient::open(strand_, endpoint, options);
        opened = co_await std::move(reopening);
    }
    if (!opened.client) {
        failure = std::move(opened.failure.reply);
    }
    co_return std::move(opened.client);
}

asio::awaitable<void> Runner::deliver_remote(
    const Loaded& loaded,
    const std::vector<std::size_t>& indexes,
    Destination destination,
    std::vector<Result>& results
) {
    const QueuedMessage& m = loaded.message;
    const std::string_view text = loaded.sent();
    auto settle = [&](Result::Kind kind, std::string status, std::string diagnostic, std::string mta
                  ) {
        for (std::size_t i : indexes) {
            results[i] = Result{kind, false, status, diagnostic, mta};
        }
    };

    // RFC 5321 5.1: the MX hosts by preference; without MX records, the domain itself.
    std::vector<std::string> hosts;
    if (destination.kind == Destination::Kind::Mx) {
        auto looking_up = resolver_.mx(destination.host);
        MxAnswer mx = co_await std::move(looking_up);
        switch (mx.status) {
            case DnsStatus::Ok:
                for (const MxHost& host : mx.hosts) {
                    hosts.push_back(host.host);
                }
                break;
            case DnsStatus::NoRecords:
                hosts.push_back(destination.host);
                break;
            case DnsStatus::NullMx:
                settle(
                    Result::Kind::Permanent,
                    "5.1.10",
                    "x-govmail; " + destination.host + ": " + mx.error,
                    ""
                );
                co_return;
            case DnsStatus::NotFound:
                settle(
                    Result::Kind::Permanent,
                    "5.1.2",
                    "x-govmail; the domain " + destination.host + " does not exist (" + mx.error +
                        ")",
                    ""
                );
                co_return;
            case DnsStatus::Temporary:
                settle(
                    Result::Kind::Temporary,
                    "4.4.3",
                    "x-govmail; MX lookup for " + destination.host + " failed: " + mx.error,
                    ""
                );
                co_return;
        }
    } else {
        hosts.push_back(destination.host);
    }

    // What the text needs, whatever the client declared: 8-bit text sent without BODY is
    // labelled for what it is; a declared 8BITMIME message of 7-bit text needs nothing.
    const BodyType body = m.body == BodyType::BinaryMime ? BodyType::BinaryMime
                          : has_eight_bit(text)          ? BodyType::EightBitMime
                                                         : BodyType::SevenBit;
    ClientReply last = ClientReply::none("no address found for " + destination.host, "4.4.4");
    std::string last_host;
    for (const std::string& host : hosts) {
        auto looking_up = resolver_.addresses(host);
        AddressAnswer addresses = co_await std::move(looking_up);
        if (addresses.status != DnsStatus::Ok) {
            last = ClientReply::none(
                "cannot find the address of " + host + ": " + addresses.error,
                addresses.status == DnsStatus::Temporary ? "4.4.3" : "4.4.4"
            );
            last_host = host;
            continue;
        }
        for (const auto& address : addresses.addresses) {
            if (stopping_) {
                settle(
                    Result::Kind::Temporary, "4.3.2", "x-govmail; the server is shutting down", ""
                );
                co_return;
            }
            const net::tcp::endpoint endpoint(address, destination.port);
            ClientReply failure;
            auto connecting = connection(destination, host, endpoint, failure);
            auto client = co_await std::move(connecting);
            if (!client) {
                last = std::move(failure);
                last_host = host;
                continue;
            }
            const std::string mta = client->remote_name();
            const Capabilities& caps = client->capabilities();
            const std::string key = pool_key(destination, endpoint);
            auto refuse = [&](const char* status, const std::string& why) {
                settle(Result::Kind::Permanent, status, "x-govmail; " + why, mta);
                release(key, std::move(client));
            };
            if (lower(mta) == config_.hostname) {
                refuse(
                    "5.4.6",
                    "mail for " + domain_of(m.recipients[indexes.front()].address) +
                        " loops back to myself"
                );
                co_return;
            }
            if (caps.size && caps.max_size > 0 && m.size > caps.max_size) {
                refuse(
                    "5.3.4",
                    "the message is larger than " + mta + " accepts (SIZE " +
                        std::to_string(caps.max_size) + ")"
                );
                co_return;
            }
            if (body == BodyType::BinaryMime && !(caps.chunking && caps.binary_mime)) {
                refuse("5.6.3", mta + " cannot take binary content (no BINARYMIME)");
                co_return;
            }
            if (body == BodyType::EightBitMime && !caps.eight_bit_mime) {
                refuse("5.6.3", mta + " cannot take 8-bit content (no 8BITMIME)");
                co_return;
            }
            if (m.smtputf8 && !caps.smtputf8) {
                refuse("5.6.7", mta + " does not support internationalised mail (no SMTPUTF8)");
                co_return;
            }
            Transaction transaction{
                .mail =
                    {.sender = m.sender,
                     .size = m.size,
                     .body = body,
                     .smtputf8 = m.smtputf8,
                     .ret = m.ret,
                     .envid = m.envid},
                .message = text,
            };
            for (std::size_t i : indexes) {
                const QueuedRecipient& r = m.recipients[i];
                transaction.recipients.push_back({r.address, r.notify, r.orcpt});
            }
            auto sending = client->send(std::move(transaction));
            std::vector<ClientReply> replies = co_await std::move(sending);
            if (std::ranges::all_of(replies, [](auto& reply) { return reply.code == 0; })) {
                // Lost before any answer: the next address may do better (RFC 5321 5.1).
                last = replies.front();
                last_host = host;
                continue;
            }
            for (std::size_t k = 0; k < indexes.size(); ++k) {
                const ClientReply& reply = replies[k];
                Result& result = results[indexes[k]];
                result.remote_mta = mta;
                result.status = reply.status();
                result.diagnostic = (reply.code != 0 ? "smtp; " : "x-govmail; ") + reply.text();
                if (reply.positive()) {
                    result.kind = Result::Kind::Delivered;
                    result.relayed = !caps.dsn;
                } else {
                    result.kind =
                        reply.permanent() ? Result::Kind::Permanent : Result::Kind::Temporary;
                }
            }
            release(key, std::move(client));
            co_return;
        }
    }
    settle(
        last.permanent() ? Result::Kind::Permanent : Result::Kind::Temporary,
        last.status(),
        (last.code != 0 ? "smtp; " : "x-govmail; ") + last.text(),
        last_host
    );
}

asio::awaitable<void> Runner::attempt(std::uint64_t id) {
    auto read = store_.read([&](const store::StoreReader& r) -> std::optional<Loaded> {
        auto message = queue_.get(r.txn(), id);
        if (!message) {
            return std::nullopt;
        }
        Loaded loaded{.message = std::move(*message)};
        if (auto blob = r.blob(loaded.message.blob)) {
            loaded.blob = blob->copy();
        }
        if (auto info = r.message_info(loaded.message.blob)) {
            loaded.info = std::string(info->view());
        }
        return loaded;
    });
    if (!read) {
        log::error("queue.read_failed", {{"id", format_id(id)}, {"error", read.error().message()}});
        co_return;
    }
    if (!*read) {
        co_return;  // removed meanwhile (govmailctl queue delete)
    }
    const Loaded loaded = std::move(**read);
    const QueuedMessage& m = loaded.message;
    const std::string qid = format_id(id);
    const std::size_t n = m.recipients.size();
    std::vector<Result> results(n);
    bool attempted = false;

    // Remote recipients, one transaction per destination.
    std::map<std::string, std::pair<Destination, std::vector<std::size_t>>> groups;
    for (std::size_t i = 0; i < n; ++i) {
        const QueuedRecipient& r = m.recipients[i];
        if (r.state == RecipientState::Pending && !r.local) {
            Destination d = router_.route(domain_of(r.address));
            auto& group = groups[d.key()];
            group.first = d;
            group.second.push_back(i);
        }
    }
    for (auto& [key, group] : groups) {
        attempted = true;
        auto delivering = deliver_remote(loaded, group.second, group.first, results);
        co_await std::move(delivering);
    }

    // Local recipients whose mailbox was full: where their mail goes now.
    std::vector<store::DeliveryTarget> targets;
    std::vector<std::uint64_t> target_accounts;
    std::vector<std::vector<std::size_t>> reaches(n);
    for (std::size_t i = 0; i < n; ++i) {
        const QueuedRecipient& r = m.recipients[i];
        if (r.state != RecipientState::Pending || !r.local) {
            continue;
        }
        attempted = true;
        auto resolved = directory_.resolve(r.address);
        for (std::size_t k = 0; resolved && k < resolved->inboxes.size(); ++k) {
            if (resolved->inboxes[k] == 0) {
                continue;
            }
            auto slot = std::ranges::find_if(targets, [&](auto& t) {
                return t.mailbox == resolved->inboxes[k];
            });
            reaches[i].push_back(static_cast<std::size_t>(slot - targets.begin()));
            if (slot == targets.end()) {
                targets.push_back({.mailbox = resolved->inboxes[k]});
                target_accounts.push_back(resolved->accounts[k]);
            }
        }
        if (reaches[i].empty()) {
            results[i] = {
                Result::Kind::Permanent,
                false,
                "5.1.1",
                "x-govmail; no mailbox for " + r.address + " any more",
                ""};
        }
    }

    // The new state of every recipient decided so far (local ones are decided in the write).
    const Millis now = now_millis();
    const Millis expiry = m.created + static_cast<Millis>(config_.queue.lifetime.count());
    const bool expired = now >= expiry;
    std::vector<QueuedRecipient> after = m.recipients;
    std::vector<bool> keep(n, true);
    std::vector<DsnRecipient> failed;
    std::vector<DsnRecipient> delayed;
    std::vector<DsnRecipient> succeeded;
    const bool can_report = !m.sender.empty();  // never a notification about <>
    auto report_line = [&](const QueuedRecipient& r, DsnAction action) {
        return DsnRecipient{
            .address = r.address,
            .orcpt = r.orcpt,
            .action = action,
            .status =
                r.status.empty() ? (action == DsnAction::Failed ? "5.0.0" : "4.0.0") : r.status,
            .diagnostic = r.diagnostic,
            .remote_mta = r.remote_mta,
            .last_attempt = attempted ? std::optional(time_of(now)) : std::nullopt,
        };
    };
    for (std::size_t i = 0; i < n; ++i) {
        QueuedRecipient& r = after[i];
        const Result& result = results[i];
        if (result.kind != Result::Kind::None) {
            r.status = result.status;
            r.diagnostic = result.diagnostic;
            r.remote_mta = result.remote_mta;
        }
        switch (result.kind) {
            case Result::Kind::Delivered:
                r.state = RecipientState::Delivered;
                r.relayed = result.relayed;
                log::info(
                    "queue.delivered",
                    {{"id", qid},
                     {"to", r.address},
                     {"relay", r.remote_mta},
                     {"reply", r.diagnostic}}
                );
                break;
            case Result::Kind::Permanent:
                r.state = RecipientState::Failed;
                break;
            case Result::Kind::Temporary:
                if (expired) {
                    // RFC 3463 X.4.7: delivery time expired.
                    r.state = RecipientState::Failed;
                    r.status = "4.4.7";
                    r.diagnostic =
                        r.diagnostic.empty() ? "x-govmail; delivery time expired" : r.diagnostic;
                } else {
                    log::info(
                        "queue.deferred",
                        {{"id", qid},
                         {"to", r.address},
                         {"relay", r.remote_mta},
                         {"reason", r.diagnostic}}
                    );
                }
                break;
            case Result::Kind::None:
                break;
        }
        if (r.local && r.state == RecipientState::Pending) {
            continue;  // decided by the write
        }
        if (r.state == RecipientState::Failed) {
            log::info(
                "queue.bounced",
                {{"id", qid}, {"to", r.address}, {"status", r.status}, {"reason", r.diagnostic}}
            );
            if (can_report && wants_failure(r.notify)) {
                failed.push_back(report_line(r, DsnAction::Failed));
            }
            keep[i] = false;
        } else if (r.state == RecipientState::Delivered) {
            if (can_report && wants_success(r.notify)) {
                succeeded.push_back(
                    report_line(r, r.relayed ? DsnAction::Relayed : DsnAction::Delivered)
                );
            }
            keep[i] = false;
        } else if (
            can_report && !expired && config_.queue.delay_notice.count() > 0 &&
            now >= m.created + static_cast<Millis>(config_.queue.delay_notice.count()) &&
            !r.delay_notified && wants_delay(r.notify)
        ) {
            DsnRecipient line = report_line(r, DsnAction::Delayed);
            line.retry_until = time_of(expiry);
            delayed.push_back(std::move(line));
            r.delay_notified = true;
        }
    }

    // The notifications, built before the write (they are parsed once like any message).
    std::vector<Notice> notices;
    for (auto* list : {&failed, &delayed, &succeeded}) {
        if (list->empty()) {
            continue;
        }
        const std::uint64_t notice_id = new_id();
        Dsn dsn = build_dsn({
            .reporting_mta = config_.hostname,
            .from_domain = config_.domains.front(),
            .recipient = m.sender,
            .envid = m.envid,
            .ret = m.ret,
            .smtputf8 = m.smtputf8,
            .arrival = time_of(m.created),
            .now = time_of(now),
            .original = loaded.sent(),
            .body = m.body,
            .message_id = format_id(notice_id),
            .recipients = std::move(*list),
        });
        std::string bytes = return_path_field("");
        const auto skip = static_cast<std::uint32_t>(bytes.size());
        bytes += dsn.message;
        notices.push_back({prepared_from(std::move(bytes)), skip, dsn.body, notice_id});
    }
    std::vector<store::DeliveryTarget> sender_inboxes;
    std::vector<std::uint64_t> sender_accounts;
    bool sender_local = false;
    if (!notices.empty()) {
        sender_local = directory_.is_local_domain(domain_of(m.sender));
        if (auto resolved = sender_local ? directory_.resolve(m.sender) : std::nullopt) {
            for (std::size_t k = 0; k < resolved->inboxes.size(); ++k) {
                if (resolved->inboxes[k] != 0) {
                    sender_inboxes.push_back({.mailbox = resolved->inboxes[k]});
                    sender_accounts.push_back(resolved->accounts[k]);
                }
            }
        }
        if (sender_local && sender_inboxes.empty()) {
            log::warn("queue.notice_undeliverable", {{"id", qid}, {"sender", m.sender}});
            notices.clear();
        }
    }
    std::optional<store::PreparedMessage> local_copy;
    if (!targets.empty()) {
        local_copy.emplace(loaded.blob, loaded.info);
    }

    struct Written {
        bool gone = false;
        std::vector<std::uint64_t> received;  // accounts that got a copy (activity)
        std::size_t queued = 0;
        bool removed = false;
    };

    auto op = [&](store::StoreWriter& w) {
        Written out;
        auto current = queue_.get(w.txn(), id);
        if (!current || current->recipients.size() != n) {
            out.gone = true;
            return out;
        }
        std::vector<QueuedRecipient> recipients = after;
        std::vector<bool> stays = keep;
        std::vector<store::StoreResult<store::Appended>> stored;
        if (local_copy) {
            stored = w.deliver(*local_copy, targets, unix_time(now));
        }
        for (std::size_t k = 0; k < stored.size(); ++k) {
            if (stored[k]) {
                out.received.push_back(target_accounts[k]);
            }
        }
        for (std::size_t i = 0; i < n; ++i) {
            QueuedRecipient& r = recipients[i];
            if (!r.local || m.recipients[i].state != RecipientState::Pending ||
                results[i].kind == Result::Kind::Permanent) {
                continue;
            }
            bool delivered = false;
            bool full = false;
            for (std::size_t k : reaches[i]) {
                delivered = delivered || stored[k].has_value();
                full = full || (!stored[k] && stored[k].error() == store::Errc::OverQuota);
            }
            if (delivered) {
                r.state = RecipientState::Delivered;
                r.status = "2.0.0";
                r.diagnostic = "x-govmail; delivered to the mailbox";
                // A success notice is owed: it goes out on the next pass, right away.
                stays[i] = can_report && wants_success(r.notify);
            } else {
                r.status = full ? "4.2.2" : "4.3.0";
                r.diagnostic =
                    full ? "x-govmail; mailbox full" : "x-govmail; mailbox not available";
                if (expired) {
                    r.state = RecipientState::Failed;
                    r.status = "4.4.7";
                    stays[i] = can_report && wants_failure(r.notify);
                }
            }
        }
        for (const Notice& notice : notices) {
            std::vector<store::StoreResult<store::Appended>> told;
            if (sender_local) {
                told = w.deliver(notice.message, sender_inboxes, unix_time(now));
                for (std::size_t k = 0; k < told.size(); ++k) {
                    if (told[k]) {
                        out.received.push_back(sender_accounts[k]);
                    }
                }
            }
            if (!sender_local ||
                std::ranges::none_of(told, [](auto& t) { return t.has_value(); })) {
                // A remote sender, or a local one whose mailbox is full: through the queue,
                // from <> (so that no notification is ever made about it).
                QueuedMessage queued{
                    .id = notice.id,
                    .blob = notice.message.hash(),
                    .skip = notice.skip,
                    .size = notice.message.size() - notice.skip,
                    .body = notice.body,
                    .smtputf8 = m.smtputf8 && has_eight_bit(m.sender),
                    .created = now,
                    .next_attempt = now,
                };
                queued.recipients.push_back({.address = m.sender, .local = sender_local});
                queue_.insert(w, queued, notice.message);
                ++out.queued;
            }
        }
        QueuedMessage updated = *current;
        updated.recipients.clear();
        for (std::size_t i = 0; i < n; ++i) {
            if (stays[i]) {
                updated.recipients.push_back(std::move(recipients[i]));
            }
        }
        if (updated.recipients.empty()) {
            queue_.remove(w, id);
            out.removed = true;
            return out;
        }
        updated.attempts += attempted ? 1 : 0;
        const bool report_due = std::ranges::any_of(updated.recipients, [](auto& r) {
            return r.state != RecipientState::Pending;
        });
        if (report_due) {
            updated.next_attempt = now;
        } else {
            // Exponential backoff: retry_initial, doubling, at most retry_max; the last attempt
            // at the end of the lifetime, and a planned delay notice on time.
            const std::uint32_t doublings =
                std::min<std::uint32_t>(updated.attempts > 0 ? updated.attempts - 1 : 0, 30);
            const auto backoff = std::min<milliseconds>(
                config_.queue.retry_initial * (std::int64_t{1} << doublings),
                config_.queue.retry_max
            );
            Millis next = std::min<Millis>(now + backoff.count(), std::max(expiry, now));
            const Millis notice_at =
                m.created + static_cast<Millis>(config_.queue.delay_notice.count());
            const bool notice_pending = can_report && config_.queue.delay_notice.count() > 0 &&
                                        std::ranges::any_of(updated.recipients, [](auto& r) {
                                            return !r.delay_notified && wants_delay(r.notify);
                                        });
            if (notice_pending && notice_at > now) {
                next = std::min(next, notice_at);
            }
            updated.next_attempt = next;
        }
        queue_.update(w.txn(), updated);
        return out;
    };
    // Made in its own statement: g++ 12 destroys temporaries of a co_await full-expression
    // twice.
    auto writing = store_.write(op);
    auto written = co_await std::move(writing);
    if (!written) {
        log::error("queue.write_failed", {{"id", qid}, {"error", written.error().message()}});
        co_return;
    }
    for (std::uint64_t account : written->received) {
        activity_.record(events::ActivityEvent{
            .account_id = account,
            .activity = events::Activity::Receive,
            .protocol = events::Protocol::Smtp,
        });
    }
    if (!notices.empty() && !written->gone) {
        log::info(
            "queue.notified", {{"id", qid}, {"sender", m.sender}, {"notices", notices.size()}}
        );
    }
    if (written->removed) {
        log::info("queue.done", {{"id", qid}});
    }
}

}  // namespace govmail::smtp::queue
