#include "smtp/session.hpp"

#include "core/log.hpp"

namespace govmail::smtp {
namespace {

constexpr std::uint8_t bit(int state) {
    return static_cast<std::uint8_t>(1U << state);
}

// States, as bits of CommandSpec::allowed (the order of Session::State).
constexpr std::uint8_t kStart = bit(0);
constexpr std::uint8_t kReady = bit(1);
constexpr std::uint8_t kMail = bit(2);
constexpr std::uint8_t kRcpt = bit(3);
constexpr std::uint8_t kChunking = bit(4);
constexpr std::uint8_t kAnyState = kStart | kReady | kMail | kRcpt | kChunking;

// CommandSpec::flags
constexpr std::uint8_t kNeedsHello = 1;  // EHLO or HELO first (RFC 5321 4.1.4)
constexpr std::uint8_t kNeedsEhlo = 2;   // an extension's command: not after HELO
constexpr std::uint8_t kNeedsAuth = 4;   // submission: TLS and AUTH first (RFC 6409 4, 8314)
constexpr std::uint8_t kJunk = 8;        // counts against max_junk_commands (Postfix's junk)

}  // namespace

// The protocol at a glance. BDAT accepts every state: its chunk must be read even when it is
// refused (RFC 3030 2), so it checks the state itself once the octets are in.
const Session::CommandSpec& Session::command_spec(Verb verb) {
    static constexpr std::array<CommandSpec, 14> kCommands = {{
        {Verb::Helo, &Session::cmd_helo, kAnyState, 0, ""},
        {Verb::Ehlo, &Session::cmd_ehlo, kAnyState, 0, ""},
        {Verb::Mail,
         &Session::cmd_mail,
         kReady,
         kNeedsHello | kNeedsAuth,
         "a mail transaction is already in progress (send RSET to start over)"},
        {Verb::Rcpt, &Session::cmd_rcpt, kMail | kRcpt, kNeedsHello, "need MAIL before RCPT"},
        {Verb::Data,
         &Session::cmd_data,
         kMail | kRcpt | kChunking,
         kNeedsHello,
         "need MAIL and RCPT before DATA"},
        {Verb::Bdat, &Session::cmd_bdat, kAnyState, 0, ""},
        {Verb::Rset, &Session::cmd_rset, kAnyState, kJunk, ""},
        {Verb::Noop, &Session::cmd_noop, kAnyState, kJunk, ""},
        {Verb::Quit, &Session::cmd_quit, kAnyState, 0, ""},
        {Verb::Vrfy, &Session::cmd_vrfy, kAnyState, kJunk, ""},
        {Verb::Expn, &Session::cmd_expn, kAnyState, kJunk, ""},
        {Verb::Help, &Session::cmd_help, kAnyState, kJunk, ""},
        {Verb::StartTls,
         &Session::cmd_starttls,
         kReady,
         kNeedsHello | kNeedsEhlo,
         "STARTTLS is not allowed during a mail transaction"},
        {Verb::Auth,
         &Session::cmd_auth,
         kReady,
         kNeedsHello | kNeedsEhlo,
         "AUTH is not allowed during a mail transaction"},
    }};
    static_assert(
        [] {
            for (std::size_t i = 0; i < kCommands.size(); ++i) {
                if (kCommands[i].verb != static_cast<Verb>(i)) {
                    return false;
                }
            }
            return kCommands.size() == static_cast<std::size_t>(Verb::Unknown);
        }(),
        "one row per verb, in the order of Verb"
    );
    return kCommands[static_cast<std::size_t>(verb)];
}

SessionConfig session_config(const Config& config, Mode mode, bool starttls) {
    SessionConfig session;
    session.mode = mode;
    session.hostname = config.hostname;
    session.max_message_size = config.smtp.max_message_size;
    session.max_recipients = config.smtp.max_recipients;
    session.max_received_headers = config.smtp.max_received_headers;
    session.max_errors = config.smtp.max_errors;
    session.max_junk_commands = config.smtp.max_junk_commands;
    session.max_line_length = config.limits.max_line_length;
    session.starttls = starttls && mode != Mode::Submissions;
    return session;
}

Session::Session(SessionConfig config, Services& services, Client client)
    : config_(std::move(config))
    , services_(services)
    , client_(std::move(client)) {
    client_.mode = config_.mode;
}

Reply Session::greeting() const {
    // RFC 2034 4: no enhanced status code in the greeting.
    return {220, "", config_.hostname + " ESMTP govmail"};
}

Reply Session::closing(Errc why) const {
    return closing_reply(why, config_.hostname);
}

void Session::tls_started(std::string description) {
    // RFC 3207 4.2: discard everything learnt before TLS, as if just connected.
    client_.tls = std::move(description);
    client_.helo.clear();
    client_.esmtp = false;
    client_.account.reset();
    state_ = State::Start;
    input_ = Input::Line;
    sasl_ = Sasl::None;
    sasl_user_.clear();
    reset_transaction();
}

asio::awaitable<Step> Session::handle(Event event) {
    step_ = Step{};
    try {
        if (const auto* line = std::get_if<Line>(&event)) {
            if (input_ == Input::Sasl) {
                co_await on_sasl(line->text);
            } else {
                co_await on_command(line->text);
            }
        } else if (const auto* bad = std::get_if<BadLine>(&event)) {
            on_bad_line(*bad);
        } else if (const auto* body = std::get_if<Body>(&event)) {
            on_body(body->bytes);
        } else {
            co_await on_body_end(std::get<BodyEnd>(event));
        }
    } catch (const std::exception& error) {
        // A failure of a Services call or of the session itself: the client may retry, the
        // transaction is over, the details are for the log only.
        log::error("smtp.error", {{"conn", client_.connection}, {"error", error.what()}});
        step_.replies.clear();
        step_.action = Action::Continue;
        input_ = Input::Line;
        sasl_ = Sasl::None;
        reset_transaction();
        fail(Errc::InternalError);
    }
    for (const Reply& reply : step_.replies) {
        if (reply.code() >= 500) {
            ++errors_;
        }
    }
    if (errors_ >= config_.max_errors && step_.action != Action::Close) {
        log::info("smtp.too_many_errors", {{"conn", client_.connection}, {"errors", errors_}});
        close_with(closing(Errc::TooManyErrors));
    }
    step_.next = NextInput{input_, input_ == Input::Bdat ? chunk_size_ : 0};
    co_return std::move(step_);
}

asio::awaitable<void> Session::on_command(std::string_view line) {
    const Verb verb = parse_verb(line);
    if (verb == Verb::Unknown) {
        if (!any_command_) {
            // An HTTP request, a TLS client on the wrong port, a scanner: not worth talking to.
            log::info("smtp.not_smtp", {{"conn", client_.connection}, {"peer", client_.address}});
            close_with(reply_for(Errc::NotSmtp));
            co_return;
        }
        fail(Errc::UnknownCommand);
        co_return;
    }
    any_command_ = true;
    const CommandSpec& spec = command_spec(verb);
    if ((spec.flags & kJunk) != 0 && ++junk_ > config_.max_junk_commands) {
        close_with(closing(Errc::TooManyJunkCommands));
        co_return;
    }
    // The state comes before the syntax: "RCPT TO:<x" before MAIL is out of sequence first.
    if ((spec.flags & kNeedsHello) != 0 && state_ == State::Start) {
        fail(Errc::BadSequence, "send EHLO or HELO first");
        co_return;
    }
    if ((spec.flags & kNeedsEhlo) != 0 && !client_.esmtp) {
        fail(
            Errc::BadSequence,
            "send EHLO first: " + std::string(to_string(verb)) + " is an extension"
        );
        co_return;
    }
    if ((spec.allowed & bit(static_cast<int>(state_))) == 0) {
        fail(Errc::BadSequence, spec.out_of_sequence);
        co_return;
    }
    if ((spec.flags & kNeedsAuth) != 0 && config_.mode != Mode::Mx) {
        if (!secure()) {
            fail(Errc::StartTlsRequired);  // RFC 3207 4
            co_return;
        }
        if (!client_.account) {
            fail(Errc::AuthRequired);  // RFC 4954 6
            co_return;
        }
    }
    auto command = parse_command(line);
    if (!command) {
        if (command.error().errc == Errc::BadChunkSize) {
            // The chunk that follows cannot be told apart from commands: stop here.
            close_with(reply_for(Errc::BadChunkSize));
            co_return;
        }
        fail(command.error().errc, command.error().detail);
        co_return;
    }
    co_await (this->*spec.handler)(std::move(*command));
}

void Session::on_bad_line(BadLine bad) {
    const bool too_long = bad.problem == BadLine::Problem::TooLong;
    if (input_ == Input::Sasl) {
        // RFC 4954 4: a response longer than the server's buffer fails the AUTH command.
        input_ = Input::Line;
        sasl_ = Sasl::None;
        fail(too_long ? Errc::SaslLineTooLong : Errc::BareLineEnding);
        return;
    }
    fail(too_long ? Errc::LineTooLong : Errc::BareLineEnding);
}

void Session::on_body(std::string_view bytes) {
    if (input_ == Input::Bdat && chunk_error_) {
        return;  // a refused chunk: read and dropped
    }
    receive(bytes);
}

asio::awaitable<void> Session::on_body_end(BodyEnd end) {
    const Input input = input_;
    input_ = Input::Line;
    if (input == Input::Data) {
        co_await finish_message(end.bare_line_ending);
        co_return;
    }
    if (chunk_error_) {
        reply(std::move(*chunk_error_));
        chunk_error_.reset();
        co_return;
    }
    if (chunk_last_) {
        co_await finish_message(false);
        co_return;
    }
    if (txn_.received > config_.max_message_size) {
        // RFC 3030 2: after a failed chunk the client sends no more; those already pipelined
        // find no transaction and are read and refused.
        reset_transaction();
        fail(Errc::MessageTooBig);
        co_return;
    }
    state_ = State::Chunking;
    reply(Reply(250, "2.0.0", std::to_string(chunk_size_) + " octets received"));
}

void Session::receive(std::string_view bytes) {
    txn_.received += bytes.size();
    if (txn_.received <= config_.max_message_size) {
        txn_.message.append(bytes);
        txn_.received_fields.feed(bytes);
    } else if (!txn_.message.empty()) {
        // Too big: the rest is counted and dropped (the 552 comes at the end), never buffered.
        std::string().swap(txn_.message);
    }
}

asio::awaitable<void> Session::finish_message(bool bare_line_endings) {
    if (bare_line_endings) {
        // RFC 5321 2.3.8: the client broke the line rules; accepting it would let the text be
        // read differently by the next server (SMTP smuggling).
        log::info(
            "smtp.bare_line_ending", {{"conn", client_.connection}, {"peer", client_.address}}
        );
        reset_transaction();
        fail(Errc::MessageBareLineEnds);
        co_return;
    }
    if (txn_.received > config_.max_message_size) {
        reset_transaction();
        fail(Errc::MessageTooBig);
        co_return;
    }
    if (txn_.received_fields.count() > config_.max_received_headers) {
        log::info(
            "smtp.loop", {{"conn", client_.connection}, {"received", txn_.received_fields.count()}}
        );
        reset_transaction();
        fail(Errc::MailLoop);
        co_return;
    }
    co_await deliver();
}

// g++ 12 takes the frame of this coroutine for a mismatched new/delete pair in some builds (a
// false positive, GCC bug 109224: Asio's frame allocator pairs aligned_alloc with free).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
asio::awaitable<void> Session::deliver() {
    Transaction txn = std::move(txn_);
    reset_transaction();
    Delivery delivery{
        .sender = txn.sender.to_string(),
        .protocol = protocol(txn.params.smtputf8),
        .size = txn.message.size(),
        .own_account = std::move(txn.own_account),
    };
    Envelope envelope{
        client_,
        delivery.protocol,
        std::move(txn.sender),
        std::move(txn.params),
        std::move(txn.recipients),
    };
    DeliveryAnswer answer = co_await services_.deliver(std::move(envelope), std::move(txn.message));
    answer_delivery(delivery, answer);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void Session::answer_delivery(const Delivery& delivery, const DeliveryAnswer& answer) {
    if (answer.result != MessageResult::Ok) {
        log::info(
            "smtp.refused",
            {{"conn", client_.connection},
             {"from", delivery.sender},
             {"result", static_cast<int>(answer.result)}}
        );
        reply(reply_for(answer.result, answer.reason));
        return;
    }
    // One reply for all recipients (RFC 5321 3.3; the rule is documented in services.hpp).
    const std::size_t recipients = delivery.own_account.size();
    std::size_t accepted = 0;
    std::size_t sent_out = 0;
    std::size_t full = 0;
    std::size_t temporary = 0;
    for (std::size_t i = 0; i < recipients; ++i) {
        Outcome outcome =
            i < answer.recipients.size() ? answer.recipients[i] : Outcome::TemporaryFailure;
        if (outcome == Outcome::Accepted) {
            ++accepted;
            sent_out += delivery.own_account[i] ? 0 : 1;
        } else if (outcome == Outcome::MailboxFull) {
            ++full;
        } else if (outcome == Outcome::TemporaryFailure) {
            ++temporary;
        }
    }
    if (accepted == 0) {
        if (full + temporary == 0) {
            reply(Reply(554, "5.0.0", "delivery failed for every recipient"));
        } else if (temporary == 0) {
            reply(Reply(452, "4.2.2", "mailbox full, try again later"));
        } else {
            fail(Errc::InternalError, "cannot deliver now, try again later");
        }
        return;
    }
    log::info(
        "smtp.accepted",
        {{"conn", client_.connection},
         {"id", answer.id},
         {"from", delivery.sender},
         {"recipients", recipients},
         {"accepted", accepted},
         {"size", delivery.size},
         {"protocol", delivery.protocol}}
    );
    if (client_.account) {
        services_.activity().record(events::ActivityEvent{
            .account_id = client_.account->id,
            .activity = events::Activity::Send,
            .protocol = events::Protocol::Smtp,
            .count = static_cast<std::uint32_t>(sent_out),
        });
    }
    // A client that delivers mail is not a harvester: its error and junk counts start over.
    errors_ = 0;
    junk_ = 0;
    std::string text = "message accepted";
    if (!answer.id.empty()) {
        text += " as " + answer.id;
    }
    reply(Reply(250, "2.0.0", text));
}

void Session::reset_transaction() {
    txn_ = Transaction{};
    chunk_error_.reset();
    chunk_last_ = false;
    chunk_size_ = 0;
    if (state_ != State::Start) {
        state_ = State::Ready;
    }
}

std::string Session::protocol(bool smtputf8) const {
    // RFC 3848 and RFC 6531 4.3: the Received "with" keywords.
    if (!client_.esmtp) {
        return "SMTP";
    }
    std::string with = smtputf8 ? "UTF8SMTP" : "ESMTP";
    if (secure()) {
        with += 'S';
    }
    if (client_.account) {
        with += 'A';
    }
    return with;
}

void Session::reply(Reply reply) {
    step_.replies.push_back(std::move(reply));
}

void Session::fail(Errc errc, std::string_view text) {
    reply(reply_for(errc, text));
}

void Session::close_with(Reply last) {
    step_.replies.push_back(std::move(last));
    step_.action = Action::Close;
}

}  // namespace govmail::smtp
