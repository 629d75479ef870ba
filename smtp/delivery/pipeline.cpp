#include "smtp/delivery/pipeline.hpp"

#include "core/log.hpp"
#include "directory/schema.hpp"
#include "mime/analyze.hpp"
#include "smtp/delivery/trace.hpp"
#include "smtp/queue/record.hpp"

#include <boost/asio/co_spawn.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>

namespace govmail::smtp {
namespace {

using Clock = std::chrono::system_clock;

// Larger messages are parsed and hashed on the pipeline's worker thread, so that a 30 MB
// attachment does not hold up the other sessions of an I/O thread; smaller ones take less time
// than the two thread switches would.
constexpr std::size_t kOffloadAbove = std::size_t{256} * 1024;

std::string lower(std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

store::UnixTime unix_time(Clock::time_point at) {
    return std::chrono::time_point_cast<std::chrono::seconds>(at);
}

// The message as stored, parsed once, with what the policies need from its header.
struct Prepared {
    store::PreparedMessage message;
    std::vector<std::string> from;  // the From header's addresses
    bool automatic_forward = false;
};

std::optional<Prepared> prepare(std::string bytes) {
    mime::MessageInfo info = mime::analyze(bytes);
    std::vector<std::string> from;
    for (const mime::Address& address : info.from) {
        from.push_back(address.address);
    }
    const bool forward = is_automatic_forward(info.header.slice(bytes));
    std::string serialized = info.serialize();
    return Prepared{
        store::PreparedMessage(std::move(bytes), std::move(serialized)), std::move(from), forward};
}

asio::awaitable<std::optional<Prepared>> prepare_async(std::string bytes) {
    co_return prepare(std::move(bytes));
}

// The directory's address for a recipient: local part and domain as sent (it folds case).
std::string directory_address(const Mailbox& mailbox) {
    return mailbox.local_part + "@" + mailbox.domain;
}

}  // namespace

Pipeline::Pipeline(
    const Config& config,
    store::MailStore& store,
    directory::Context& context,
    directory::Directory& directory,
    const queue::QueueDb& queue,
    events::ActivitySink& activity
)
    : config_(config)
    , store_(store)
    , context_(context)
    , directory_(directory)
    , queue_(queue)
    , activity_(activity)
    , limiter_(config.policy.external_send_limit, config.policy.external_send_window) {}

Pipeline::~Pipeline() {
    workers_.join();
}

asio::awaitable<AuthAnswer> Pipeline::authenticate(
    Client client, std::string user, std::string password
) {
    // The directory gives one answer for unknown, wrong and locked alike (no account probing).
    directory::Peer peer{client.address, events::Protocol::Smtp};
    // Awaitables are made in their own statement throughout: g++ 12 destroys temporaries of a
    // full-expression that contains co_await twice.
    auto checking = directory_.authenticate(std::move(user), std::move(password), std::move(peer));
    auto who = co_await std::move(checking);
    if (!who) {
        co_return AuthAnswer{.result = AuthResult::Invalid};
    }
    co_return AuthAnswer{.result = AuthResult::Ok, .account = {who->id, who->address}};
}

asio::awaitable<SenderAnswer> Pipeline::check_sender(Client client, ReversePath sender) {
    if (!client.account) {
        co_return SenderAnswer{};  // MX: other servers' senders are theirs to vouch for
    }
    auto account = directory_.account(client.account->id);
    if (!account || account->state != directory::AccountState::Active) {
        co_return SenderAnswer{.result = SenderResult::AccountDisabled};
    }
    if (sender.null()) {
        co_return SenderAnswer{
            .result = SenderResult::NotOwned,
            .reason = "the null sender <> is for delivery reports, not for submission"};
    }
    if (!directory_.may_send_as(account->id, directory_address(*sender.mailbox))) {
        co_return SenderAnswer{
            .result = SenderResult::NotOwned,
            .reason = "<" + sender.mailbox->to_string() + "> is not your address"};
    }
    co_return SenderAnswer{};
}

RecipientAnswer Pipeline::group_refusal(const std::string& address) const {
    auto group =
        context_.read([&](const directory::View& v) { return v.group_by_address(lower(address)); });
    std::string reason = "you may not send to " + address;
    if (group) {
        switch (group->policy) {
            case directory::SendPolicy::Members:
                reason = "only members of " + address + " may send to it";
                break;
            case directory::SendPolicy::Senders:
                reason = "only the designated senders of " + address + " may send to it";
                break;
            case directory::SendPolicy::UnitClerks:
                reason = "only the unit's clerks may send to " + address;
                break;
            case directory::SendPolicy::Anyone:
                break;
        }
    }
    return {.result = RecipientResult::Refused, .reason = std::move(reason)};
}

std::vector<std::uint64_t> Pipeline::global_admin_inboxes() const {
    std::vector<std::uint64_t> accounts = context_.read([](const directory::View& v) {
        std::vector<std::uint64_t> admins;
        for (const directory::Unit& unit : v.all_units()) {
            for (directory::Id id : v.accounts_with_role(unit.id, directory::kRoleGlobalAdmin)) {
                admins.push_back(id);
            }
        }
        std::ranges::sort(admins);
        admins.erase(std::unique(admins.begin(), admins.end()), admins.end());
        return admins;
    });
    return accounts;
}

asio::awaitable<RecipientAnswer> Pipeline::check_recipient(
    Client client, ReversePath sender, Mailbox recipient
) {
    (void)sender;
    const bool postmaster = recipient.is_postmaster();
    const std::string domain = postmaster ? config_.domains.front() : lower(recipient.domain);
    if (postmaster || directory_.is_local_domain(domain)) {
        std::string address = postmaster ? "postmaster@" + domain : directory_address(recipient);
        RecipientTarget target{.local = true, .address = address, .domain = domain};
        auto resolved = directory_.resolve(address);
        if (resolved) {
            target.accounts = resolved->accounts;
            target.inboxes = resolved->inboxes;
        } else if (lower(recipient.local_part) == "postmaster") {
            // RFC 5321 4.5.1: postmaster must exist; when no account holds it, the global
            // admins read its mail.
            std::vector<std::uint64_t> admins = global_admin_inboxes();
            for (std::uint64_t admin : admins) {
                auto inbox = store_.read([&](const store::StoreReader& r) {
                    return r.find_mailbox(admin, "INBOX");
                });
                target.accounts.push_back(admin);
                target.inboxes.push_back(inbox && *inbox ? **inbox : 0);
            }
        } else {
            co_return RecipientAnswer{.result = RecipientResult::Unknown};
        }
        if (target.accounts.empty()) {
            co_return RecipientAnswer{
                .result = RecipientResult::Unknown, .reason = "no mailbox behind this address"};
        }
        if (std::ranges::all_of(target.inboxes, [](std::uint64_t inbox) { return inbox == 0; })) {
            co_return RecipientAnswer{.result = RecipientResult::Disabled};
        }
        std::optional<directory::Id> sender_account;
        if (client.account) {
            sender_account = client.account->id;
        }
        if (!directory_.may_send_to(sender_account, address)) {
            co_return group_refusal(address);
        }
        if (target.accounts.size() == 1) {
            // A mailbox that is already full is told now (RFC 5321 4.5.3.1.10 lets RCPT say
            // 452), rather than after the client sent the whole message.
            auto storage = store_.read([&](const store::StoreReader& r) {
                return r.account(target.accounts.front());
            });
            if (storage && *storage && (*storage)->quota != 0 &&
                (*storage)->used_bytes >= (*storage)->quota) {
                co_return RecipientAnswer{.result = RecipientResult::MailboxFull};
            }
        }
        const bool own = client.account && target.accounts.size() == 1 &&
                         target.accounts.front() == client.account->id;
        co_return RecipientAnswer{
            .result = RecipientResult::Ok, .target = std::move(target), .own_account = own};
    }
    if (!client.account) {
        co_return RecipientAnswer{.result = RecipientResult::RelayDenied};
    }
    if (recipient.is_address_literal()) {
        co_return RecipientAnswer{
            .result = RecipientResult::Refused,
            .reason = "mail to address literals is not relayed; use a domain name"};
    }
    switch (limiter_.take(client.account->id, SendLimiter::Clock::now())) {
        case SendLimiter::Verdict::Ok:
            break;
        case SendLimiter::Verdict::Exceeded: {
            auto locking = lock_for_send_limit(client.account->id, client.account->login);
            co_await std::move(locking);
        }
            [[fallthrough]];
        case SendLimiter::Verdict::Refused:
            co_return RecipientAnswer{
                .result = RecipientResult::RateLimited,
                .reason =
                    "too many external recipients: the account is locked, ask your "
                    "administrator"};
    }
    co_return RecipientAnswer{
        .result = RecipientResult::Ok,
        .target =
            RecipientTarget{.local = false, .address = recipient.to_string(), .domain = domain}};
}

asio::awaitable<void> Pipeline::lock_for_send_limit(std::uint64_t account, std::string login) {
    const auto now = Clock::now();
    const std::string domain = config_.domains.front();
    const std::string window = std::to_string(
        std::chrono::duration_cast<std::chrono::minutes>(config_.policy.external_send_window)
            .count()
    );
    const std::string limit = std::to_string(config_.policy.external_send_limit);
    std::string text =
        "Tài khoản " + login + " đã gửi thư tới hơn " + limit + " người nhận bên ngoài trong " +
        window +
        " phút và đã bị khóa tự động: mật khẩu có thể đã bị lộ. Hãy kiểm tra, đổi mật khẩu và "
        "mở khóa bằng: govmailctl user unlock " +
        login + "\r\n\r\n" + "The account " + login + " sent to more than " + limit +
        " external recipients within " + window +
        " minutes and was locked automatically: its password may have been stolen. Check it, "
        "reset the password and unlock it with: govmailctl user unlock " +
        login + "\r\n";
    std::string message = return_path_field("");
    message += "From: Mail System <postmaster@" + domain + ">\r\n";
    message += "To: Global administrators <postmaster@" + domain + ">\r\n";
    message +=
        "Subject: " + encode_header_text("Tài khoản bị khóa / Account locked: " + login) + "\r\n";
    message += "Date: " + rfc5322_date(now) + "\r\n";
    message +=
        "Message-ID: <" + queue::format_id(queue::new_id()) + "@" + config_.hostname + ">\r\n";
    message += "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n";
    message += "Content-Type: text/plain; charset=utf-8\r\n";
    message += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    message += quoted_printable(text);
    std::optional<Prepared> notice = prepare(std::move(message));

    // The lock and the notices commit together: admins are told exactly when it happened.
    auto locking = context_.async_write([&](directory::Mutator& m, store::WriteScope& scope) {
        auto record = m.account(account);
        if (!record || record->state == directory::AccountState::Locked) {
            return std::size_t{0};
        }
        record->state = directory::AccountState::Locked;
        record->lock_reason = directory::LockReason::SendLimit;
        m.put_account(*record);
        store::StoreWriter w(scope, store_.schema(), store_.settings());
        std::vector<store::DeliveryTarget> targets;
        store::StoreReader reader = w.reader();
        for (const directory::Unit& unit : m.all_units()) {
            for (directory::Id admin : m.accounts_with_role(unit.id, directory::kRoleGlobalAdmin)) {
                if (auto inbox = reader.find_mailbox(admin, "INBOX")) {
                    if (std::ranges::none_of(targets, [&](auto& t) {
                            return t.mailbox == *inbox;
                        })) {
                        targets.push_back({.mailbox = *inbox});
                    }
                }
            }
        }
        auto delivered = w.deliver(notice->message, targets, unix_time(now));
        return static_cast<std::size_t>(std::ranges::count_if(delivered, [](const auto& d) {
            return d.has_value();
        }));
    });
    auto told = co_await std::move(locking);
    log::warn(
        "smtp.send_limit",
        {{"account", login},
         {"limit", limit},
         {"window_minutes", window},
         {"locked", told ? "yes" : "failed: " + told.error().message},
         {"admins_told", told ? *told : 0}}
    );
}

asio::awaitable<DeliveryAnswer> Pipeline::deliver(Envelope envelope, std::string message) {
    auto delivering = deliver_message(
        std::move(envelope), std::move(message), false, std::string(), events::Protocol::Smtp
    );
    co_return co_await std::move(delivering);
}

asio::awaitable<DeliveryAnswer> Pipeline::deliver_message(
    Envelope envelope,
    std::string message,
    bool automatic_forward,
    std::string via,
    events::Protocol protocol
) {
    DeliveryAnswer answer;
    const auto now = Clock::now();
    const std::uint64_t id = queue::new_id();
    answer.id = queue::format_id(id);
    const std::string sender =
        envelope.sender.null() ? std::string() : envelope.sender.mailbox->to_string();
    const std::optional<Account>& account = envelope.client.account;
    if (account) {
        // The account may have been locked since it authenticated (by the sending limit).
        auto info = directory_.account(account->id);
        if (!info || info->state != directory::AccountState::Active) {
            answer.result = MessageResult::Refused;
            answer.reason = "your account is locked or disabled; ask your administrator";
            co_return answer;
        }
    }

    // RFC 5321 4.4: Return-Path at final delivery, Received by every server the message passes.
    // Both precede the message as received, so that it stays byte for byte what the client
    // sent; the queue sends what follows Return-Path.
    const std::string return_path = return_path_field(sender);
    std::string bytes = return_path;
    bytes += received_field({
        .helo = envelope.client.helo,
        .address = envelope.client.address,
        .tls = envelope.client.tls,
        .protocol = envelope.protocol,
        .via = via,
        .hostname = config_.hostname,
        .id = answer.id,
        .at = now,
    });
    bytes.reserve(bytes.size() + message.size());
    bytes += message;
    std::string().swap(message);
    std::optional<Prepared> prepared;
    if (bytes.size() > kOffloadAbove) {
        auto preparing = asio::co_spawn(
            workers_.get_executor(), prepare_async(std::move(bytes)), asio::use_awaitable
        );
        prepared = co_await std::move(preparing);
    } else {
        prepared = prepare(std::move(bytes));
    }

    if (account) {
        // Submission: the From header must be the user's too (RFC 6409 8.1 lets the server
        // check it), or anyone could write as the director.
        if (prepared->from.empty()) {
            answer.result = MessageResult::FromNotOwned;
            answer.reason = "the message has no From header";
            co_return answer;
        }
        for (const std::string& from : prepared->from) {
            if (!directory_.may_send_as(account->id, from)) {
                answer.result = MessageResult::FromNotOwned;
                co_return answer;
            }
        }
    }

    std::vector<const RecipientTarget*> targets_of;
    for (const Recipient& recipient : envelope.recipients) {
        const auto* target = std::any_cast<RecipientTarget>(&recipient.target);
        if (target == nullptr) {
            throw std::logic_error("recipient without a pipeline target");
        }
        targets_of.push_back(target);
    }
    if (!config_.policy.allow_external_auto_forward &&
        (automatic_forward || prepared->automatic_forward)) {
        for (const RecipientTarget* target : targets_of) {
            if (!target->local &&
                !is_government_domain(target->domain, config_.policy.government_domains)) {
                log::info(
                    "smtp.auto_forward_refused",
                    {{"id", answer.id}, {"from", sender}, {"to", target->address}}
                );
                answer.result = MessageResult::Refused;
                answer.reason = "automatic forwarding outside government domains is not allowed";
                co_return answer;
            }
        }
    }

    // One copy per distinct mailbox, whichever recipients (groups, aliases) lead to it.
    const std::size_t n = envelope.recipients.size();
    std::vector<store::DeliveryTarget> targets;
    std::vector<std::uint64_t> target_accounts;
    std::vector<std::size_t> target_recipient;  // the first recipient that reached it
    std::vector<std::vector<std::size_t>> reaches(n);
    std::unordered_map<std::uint64_t, std::size_t> by_inbox;
    for (std::size_t i = 0; i < n; ++i) {
        const RecipientTarget& target = *targets_of[i];
        for (std::size_t k = 0; target.local && k < target.inboxes.size(); ++k) {
            if (target.inboxes[k] == 0) {
                continue;
            }
            auto [slot, added] = by_inbox.emplace(target.inboxes[k], targets.size());
            if (added) {
                targets.push_back({.mailbox = target.inboxes[k]});
                target_accounts.push_back(target.accounts[k]);
                target_recipient.push_back(i);
            }
            reaches[i].push_back(slot->second);
        }
    }

    const queue::Millis created = queue::now_millis();

    struct Written {
        std::vector<Outcome> outcomes;
        std::vector<bool> stored;
        std::size_t queued = 0;
    };

    auto op = [&](store::StoreWriter& w) {
        Written out;
        // A child transaction: when nothing can be accepted, nothing at all is stored.
        store::WriteTxn child = w.txn().child();
        std::vector<store::MailboxChange> changes;
        store::WriteScope scope(child, changes);
        store::StoreWriter inner(scope, store_.schema(), store_.settings());
        std::vector<store::StoreResult<store::Appended>> results;
        if (!targets.empty()) {
            results = inner.deliver(prepared->message, targets, unix_time(now));
        }
        out.stored.resize(targets.size());
        for (std::size_t k = 0; k < targets.size(); ++k) {
            out.stored[k] = results[k].has_value();
        }
        out.outcomes.assign(n, Outcome::Failed);
        bool any = false;
        for (std::size_t i = 0; i < n; ++i) {
            if (!targets_of[i]->local) {
                out.outcomes[i] = Outcome::Accepted;  // queued below, in this same commit
                any = true;
                continue;
            }
            if (reaches[i].empty()) {
                continue;
            }
            bool stored = false;
            bool full = true;
            for (std::size_t k : reaches[i]) {
                stored = stored || out.stored[k];
                full = full && !out.stored[k] && results[k].error() == store::Errc::OverQuota;
            }
            out.outcomes[i] = stored ? Outcome::Accepted
                                     : (full ? Outcome::MailboxFull : Outcome::TemporaryFailure);
            any = any || stored;
        }
        if (!any) {
            return out;  // `child` aborts: the client is told to try again, nothing is kept
        }
        queue::QueuedMessage record{
            .id = id,
            .blob = prepared->message.hash(),
            .skip = static_cast<std::uint32_t>(return_path.size()),
            .size = prepared->message.size() - return_path.size(),
            .sender = sender,
            .body = envelope.params.body,
            .smtputf8 = envelope.params.smtputf8,
            .ret = envelope.params.ret,
            .envid = envelope.params.envid,
            .created = created,
            .next_attempt = created,
        };
        std::set<std::string> remote;
        for (std::size_t i = 0; i < n; ++i) {
            const RecipientTarget& target = *targets_of[i];
            if (!target.local && remote.insert(lower(target.address)).second) {
                record.recipients.push_back({
                    .address = target.address,
                    .notify = envelope.recipients[i].params.notify,
                    .orcpt = envelope.recipients[i].params.orcpt,
                });
            }
        }
        // Mailboxes that could not take the message now: the queue retries them (RFC 5321 3.3:
        // a 250 makes every recipient ours). The account's own address is retried, with the
        // address the sender used as the original recipient.
        directory::View view(child, context_.dbs);
        bool only_local = record.recipients.empty();
        for (std::size_t k = 0; k < targets.size(); ++k) {
            if (out.stored[k]) {
                continue;
            }
            const Recipient& original = envelope.recipients[target_recipient[k]];
            auto holder = view.account(target_accounts[k]);
            queue::QueuedRecipient retry{
                .address = holder ? holder->address : targets_of[target_recipient[k]]->address,
                .local = true,
                .notify = original.params.notify,
                .orcpt = original.params.orcpt,
                .status = results[k].error() == store::Errc::OverQuota ? "4.2.2" : "4.3.0",
                .diagnostic = results[k].error() == store::Errc::OverQuota
                                  ? "x-govmail; mailbox full"
                                  : "x-govmail; mailbox not available",
            };
            if (!retry.orcpt && lower(retry.address) != lower(original.address.to_string())) {
                retry.orcpt = Orcpt{"rfc822", encode_xtext(original.address.to_string())};
            }
            if (!holder) {
                retry.state = queue::RecipientState::Failed;  // deleted since RCPT
                retry.status = "5.1.1";
                retry.diagnostic = "x-govmail; the mailbox no longer exists";
            }
            record.recipients.push_back(std::move(retry));
        }
        if (!record.recipients.empty()) {
            if (only_local && record.count(queue::RecipientState::Failed) == 0) {
                record.next_attempt =
                    created + static_cast<queue::Millis>(config_.queue.retry_initial.count());
            }
            queue_.insert(inner, record, prepared->message);
            out.queued = record.recipients.size();
        }
        child.commit();
        for (const store::MailboxChange& change : changes) {
            w.scope().changed(change);
        }
        return out;
    };
    auto writing = store_.write(op);
    auto written = co_await std::move(writing);
    if (!written) {
        log::error("smtp.store_failed", {{"id", answer.id}, {"error", written.error().message()}});
        answer.result = MessageResult::TemporaryFailure;
        co_return answer;
    }
    answer.recipients = std::move(written->outcomes);
    if (written->queued > 0 && on_queued_) {
        on_queued_();
    }
    std::size_t stored = 0;
    for (std::size_t k = 0; k < targets.size(); ++k) {
        if (written->stored[k]) {
            ++stored;
            activity_.record(events::ActivityEvent{
                .account_id = target_accounts[k],
                .activity = events::Activity::Receive,
                .protocol = protocol,
            });
        }
    }
    log::info(
        "smtp.delivered",
        {{"id", answer.id},
         {"from", sender},
         {"size", prepared->message.size() - return_path.size()},
         {"mailboxes", stored},
         {"queued", written->queued}}
    );
    co_return answer;
}

asio::awaitable<SubmitResult> Pipeline::submit(SubmitRequest request) {
    SubmitResult result;
    auto account = directory_.account(request.account);
    if (!account) {
        result.status = SubmitStatus::SenderRefused;
        result.reason = "unknown account";
        co_return result;
    }
    if (request.message.size() > config_.smtp.max_message_size) {
        result.status = SubmitStatus::TooBig;
        result.reason = "the message is larger than the limit of " +
                        std::to_string(config_.smtp.max_message_size >> 20) + " MB";
        co_return result;
    }
    if (request.recipients.empty() || request.recipients.size() > config_.smtp.max_recipients) {
        result.status = SubmitStatus::TooManyRecipients;
        result.reason =
            request.recipients.empty()
                ? "no recipients"
                : "more than " + std::to_string(config_.smtp.max_recipients) + " recipients";
        co_return result;
    }
    Client client{
        .mode = Mode::Submission,
        .address = request.client_address,
        .account = Account{account->id, account->address},
    };
    auto sender_box = parse_mailbox(request.sender.empty() ? account->address : request.sender);
    if (!sender_box) {
        result.status = SubmitStatus::SenderRefused;
        result.reason = "not a valid sender address";
        co_return result;
    }
    ReversePath sender{*sender_box};
    auto checking = check_sender(client, sender);
    SenderAnswer checked = co_await std::move(checking);
    if (checked.result != SenderResult::Ok) {
        result.status = SubmitStatus::SenderRefused;
        result.reason =
            checked.reason.empty() ? "you may not send as this address" : checked.reason;
        co_return result;
    }
    Envelope envelope{.client = client, .sender = sender};
    envelope.params.smtputf8 = sender_box->utf8();
    std::uint32_t external = 0;
    for (const std::string& address : request.recipients) {
        auto mailbox = parse_mailbox(address);
        if (!mailbox) {
            result.refused.push_back({address, RecipientResult::Unknown, "not a valid address"});
            continue;
        }
        auto resolving = check_recipient(client, sender, *mailbox);
        RecipientAnswer answer = co_await std::move(resolving);
        if (answer.result != RecipientResult::Ok) {
            result.refused.push_back({address, answer.result, answer.reason});
            continue;
        }
        external += answer.own_account ? 0 : 1;
        envelope.params.smtputf8 = envelope.params.smtputf8 || mailbox->utf8();
        envelope.recipients.push_back({*mailbox, {}, std::move(answer.target)});
    }
    if (!result.refused.empty()) {
        result.status = SubmitStatus::RecipientRefused;
        result.reason = "some recipients were refused";
        co_return result;
    }
    for (char c : request.message) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            envelope.params.body = BodyType::EightBitMime;
            break;
        }
    }
    auto delivering = deliver_message(
        std::move(envelope),
        std::move(request.message),
        request.automatic_forward,
        std::string("govmail webmail"),
        events::Protocol::Webmail
    );
    DeliveryAnswer answer = co_await std::move(delivering);
    switch (answer.result) {
        case MessageResult::Ok:
            break;
        case MessageResult::FromNotOwned:
            result.status = SubmitStatus::FromNotOwned;
            result.reason = answer.reason.empty() ? "the From address is not yours" : answer.reason;
            co_return result;
        case MessageResult::Refused:
            result.status = SubmitStatus::Refused;
            result.reason = answer.reason;
            co_return result;
        case MessageResult::TemporaryFailure:
            result.status = SubmitStatus::TemporaryFailure;
            result.reason = "the message could not be stored; try again later";
            co_return result;
    }
    if (std::ranges::none_of(answer.recipients, [](Outcome o) { return o == Outcome::Accepted; })) {
        result.status = SubmitStatus::TemporaryFailure;
        result.reason = std::ranges::all_of(
                            answer.recipients, [](Outcome o) { return o == Outcome::MailboxFull; }
                        )
                            ? "the recipients' mailboxes are full; try again later"
                            : "the message could not be delivered now; try again later";
        co_return result;
    }
    activity_.record(events::ActivityEvent{
        .account_id = account->id,
        .activity = events::Activity::Send,
        .protocol = events::Protocol::Webmail,
        .count = external,
    });
    result.status = SubmitStatus::Accepted;
    result.id = answer.id;
    co_return result;
}

}  // namespace govmail::smtp
