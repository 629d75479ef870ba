// libFuzzer target for the SMTP protocol core: framer, command parser, address parser and the
// session with a small built-in fake of the Services, driven the way smtp::Handler drives them.
//
// Input: byte 0 picks the listener (% 3: MX, submission, submissions) and whether STARTTLS is
// offered (/ 3 % 2); byte 1 seeds the sizes of the reads the rest is cut into; the rest is what
// a client sends. The seed corpus (tests/fuzz/corpus/smtp_fuzz, made by tests/fuzz/smtp_seed.sh)
// holds what the transcripts send, in this format.
//
// Besides crashes and sanitizer reports it checks invariants and traps when one breaks: every
// reply line fits in 512 octets and holds no CR or LF (RFC 5321 4.5.3.1.5), the framer never
// holds more than one line of input, a delivered message is never over the size limit.

#include "core/log.hpp"
#include "core/text/base64.hpp"
#include "smtp/command.hpp"
#include "smtp/framer.hpp"
#include "smtp/session.hpp"

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using namespace govmail;
using namespace govmail::smtp;

constexpr std::size_t kMaxLine = 512;
constexpr std::size_t kMaxMessage = 4096;

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

// A directory of two accounts on test.gov.vn (as in tests/smtp/fake_services.hpp, so that the
// transcripts' credentials reach the authenticated states) and a store that takes everything.
class FuzzServices final : public Services {
public:
    asio::awaitable<AuthAnswer> authenticate(Client, std::string user, std::string password)
        override {
        AuthAnswer answer;
        if (user == "alice@test.gov.vn" && password == "alice-pw") {
            answer = {AuthResult::Ok, Account{1, user}};
        } else if (user == "bob@test.gov.vn" && password == "bob-pw") {
            answer = {AuthResult::Ok, Account{2, user}};
        } else if (user.starts_with("locked")) {
            answer.result = AuthResult::Disabled;
        } else if (user.starts_with("tempfail")) {
            answer.result = AuthResult::TemporaryFailure;
        }
        co_return answer;
    }

    asio::awaitable<SenderAnswer> check_sender(Client client, ReversePath sender) override {
        SenderAnswer answer;
        std::string address = sender.to_string();
        if (client.account && address != "<" + client.account->login + ">") {
            answer.result = SenderResult::NotOwned;
        } else if (address.find("tempfail") != std::string::npos) {
            answer.result = SenderResult::TemporaryFailure;
        }
        co_return answer;
    }

    asio::awaitable<RecipientAnswer> check_recipient(Client client, ReversePath, Mailbox recipient)
        override {
        RecipientAnswer answer;
        answer.result = RecipientResult::Ok;
        answer.target = recipient.local_part;
        if (!recipient.is_postmaster() && recipient.domain != "test.gov.vn") {
            answer.result = client.account ? RecipientResult::Ok : RecipientResult::RelayDenied;
        } else if (recipient.local_part == "nobody") {
            answer.result = RecipientResult::Unknown;
        } else if (recipient.local_part == "quota") {
            answer.result = RecipientResult::MailboxFull;
        } else if (recipient.local_part == "group") {
            answer.result = RecipientResult::Refused;
            answer.reason = "members only\r\n250 injected";
        }
        co_return answer;
    }

    asio::awaitable<DeliveryAnswer> deliver(Envelope envelope, std::string message) override {
        check(message.size() <= kMaxMessage);
        check(!envelope.recipients.empty());
        if (message.find("X-Test: throw") != std::string::npos) {
            throw std::runtime_error("fuzz store failure");
        }
        DeliveryAnswer answer;
        if (message.find("X-Test: tempfail") != std::string::npos) {
            answer.result = MessageResult::TemporaryFailure;
            co_return answer;
        }
        for (const Recipient& recipient : envelope.recipients) {
            const auto* name = std::any_cast<std::string>(&recipient.target);
            check(name != nullptr);
            answer.recipients.push_back(
                *name == "full"   ? Outcome::MailboxFull
                : *name == "gone" ? Outcome::Failed
                                  : Outcome::Accepted
            );
        }
        answer.id = "F1";
        co_return answer;
    }

    events::ActivitySink& activity() override { return sink_; }

private:
    events::NullActivitySink sink_;
};

void check_reply(const Reply& reply) {
    std::string wire = reply.wire();
    std::size_t start = 0;
    while (start < wire.size()) {
        std::size_t end = wire.find("\r\n", start);
        check(end != std::string::npos && end - start + 2 <= 512);
        for (std::size_t i = start; i < end; ++i) {
            check(wire[i] != '\r' && wire[i] != '\n');
        }
        start = end + 2;
    }
}

// The pure parsers on every line of the input, whatever state the session is in.
void parse_lines(std::string_view input) {
    std::size_t start = 0;
    while (start < input.size()) {
        std::size_t end = input.find('\n', start);
        std::string_view line = input.substr(start, end - start);
        (void)parse_command(line);
        (void)parse_path(line, PathKind::Reverse);
        (void)parse_path(line, PathKind::Forward);
        (void)parse_mailbox(line);
        (void)text::decode_base64(line);
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
}

SessionConfig fuzz_config(std::uint8_t mode) {
    SessionConfig config;
    config.mode = static_cast<Mode>(mode % 3);
    config.hostname = "mail.test.gov.vn";
    config.max_message_size = kMaxMessage;
    config.max_recipients = 5;
    config.max_received_headers = 3;
    config.max_line_length = kMaxLine;
    config.starttls = (mode / 3) % 2 == 0 && config.mode != Mode::Submissions;
    return config;
}

// One client conversation, the way smtp::Handler runs it, without the socket.
class Conversation {
public:
    Conversation(std::string_view stream, std::uint8_t mode, std::uint8_t seed)
        : stream_(stream)
        , session_(
              fuzz_config(mode),
              services_,
              Client{
                  .connection = 1,
                  .address = "192.0.2.1",
                  .tls = mode % 3 == 2 ? "TLSv1.3 FUZZ" : "",
              }
          )
        , seed_(seed) {}

    asio::awaitable<void> run() {
        check_reply(session_.greeting());
        while (!stream_.empty()) {
            read();
            while (auto event = framer_.next(input_)) {
                Step step = co_await session_.handle(*event);
                if (!apply(step)) {
                    co_return;
                }
            }
            check(input_.size() <= std::max(kMaxLine, kMaxSaslLine));
        }
    }

private:
    // The next read: 1 to 257 octets, sizes drawn from the seed.
    void read() {
        seed_ = seed_ * 1103515245U + 12345U;
        std::size_t size = std::min<std::size_t>(stream_.size(), 1 + (seed_ >> 16) % 257);
        auto space = input_.prepare(size);
        std::copy_n(stream_.data(), size, space.begin());
        input_.commit(size);
        stream_.remove_prefix(size);
    }

    // False when the conversation is over.
    bool apply(const Step& step) {
        for (const Reply& reply : step.replies) {
            check_reply(reply);
        }
        framer_.expect(step.next);
        if (step.action == Action::StartTls) {
            input_.clear();  // Connection::accept_tls() drops what came before the handshake
            framer_.reset();
            session_.tls_started("TLSv1.3 FUZZ");
        }
        return step.action != Action::Close;
    }

    std::string_view stream_;
    FuzzServices services_;
    Session session_;
    Framer framer_{kMaxLine};
    net::InputBuffer input_;
    std::uint32_t seed_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool quiet = [] {
        log::init("error", LogFormat::Text);  // the session logs every message it accepts
        return true;
    }();
    if (size < 2 || !quiet) {
        return 0;
    }
    std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);
    parse_lines(stream);
    Conversation conversation(stream, data[0], data[1]);
    asio::io_context io;
    asio::co_spawn(io, conversation.run(), [](std::exception_ptr error) {
        if (error) {
            std::rethrow_exception(error);  // the session catches everything: this is a bug
        }
    });
    io.run();
    return 0;
}
