#pragma once
// The SMTP session state machine (RFC 5321 with PIPELINING, SIZE, 8BITMIME, BINARYMIME,
// CHUNKING, SMTPUTF8, ENHANCEDSTATUSCODES, STARTTLS, AUTH, DSN): framer events in, replies and
// what to read next out. No sockets, timers or TLS objects: the world is reached only through
// Services, and the coroutine shell (smtp/connection.hpp) does the I/O.
//
//     Session session(session_config(config, Mode::Submission, true), services,
//                     Client{.connection = 7, .mode = Mode::Submission, .address = "192.0.2.4"});
//     out += session.greeting().wire();                   // 220 mail.tinh.gov.vn ESMTP govmail
//     Step step = co_await session.handle(Line{"EHLO client.example"});
//     // step.replies: the EHLO answer; step.next: Input::Line; step.action: Continue
//
// The shell must: write the replies (all of a pipelined batch in one write, RFC 2920 3.2), feed
// the framer step.next, on Action::StartTls write the replies, run the handshake (dropping any
// input buffered before it) and call tls_started(), and on Action::Close write and close.
//
// What the session enforces (the Services decide the rest, see services.hpp):
//   - command order through one table (session.cpp): 503 5.5.1 out of sequence;
//   - submission: TLS, then AUTH, before MAIL (530 5.7.0); AUTH only over TLS (538 5.7.11);
//   - SIZE at MAIL and the size actually received (552 5.3.4: the rest is read and discarded);
//   - recipients per message (452 4.5.3), Received fields per message (554 5.4.6);
//   - a CR or LF alone refused, in commands (500 5.5.2) and in DATA text (554 5.6.0);
//   - 421 and close after `max_errors` 5xx replies or `max_junk_commands` NOOP/RSET/VRFY/
//     EXPN/HELP without a delivered message, or when the first line is not SMTP at all.
//
// Not thread-safe: one session per connection, used on its strand. handle() calls must not
// overlap (await each one). Events view the shell's input buffer: handle() uses them before
// its first suspension or copies them.

#include "core/config.hpp"
#include "core/net/asio.hpp"
#include "smtp/command.hpp"
#include "smtp/detail/received_counter.hpp"
#include "smtp/errors.hpp"
#include "smtp/framer.hpp"
#include "smtp/reply.hpp"
#include "smtp/services.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace govmail::smtp {

struct SessionConfig {
    Mode mode = Mode::Mx;
    std::string hostname = "localhost";            // in the greeting, EHLO answer and 421 replies
    std::uint64_t max_message_size = 30ULL << 20;  // advertised as SIZE (RFC 1870)
    std::size_t max_recipients = 1000;             // RFC 5321 4.5.3.1.8: at least 100
    std::size_t max_received_headers = 100;        // RFC 5321 6.3: "at least 100"
    std::size_t max_errors = 20;
    std::size_t max_junk_commands = 100;
    std::size_t max_line_length = 4096;  // command lines, CRLF included
    bool starttls = false;               // a TLS context exists for STARTTLS
};

// The session settings of one listener, from the [smtp] and [limits] sections.
SessionConfig session_config(const Config& config, Mode mode, bool starttls);

enum class Action : std::uint8_t {
    Continue,
    StartTls,  // write the replies, then the server side TLS handshake
    Close,     // write the replies, then close
};

struct Step {
    std::vector<Reply> replies;
    NextInput next;
    Action action = Action::Continue;
};

class Session {
public:
    // `client`: connection id, mode, peer address, and `tls` when TLS is already up (implicit
    // TLS). `services` must outlive the session.
    Session(SessionConfig config, Services& services, Client client);

    // "220 <hostname> ESMTP govmail" (RFC 5321 4.2, 4.3.1).
    Reply greeting() const;

    // Handles one framer event; see the contract above.
    asio::awaitable<Step> handle(Event event);

    // The TLS handshake after STARTTLS succeeded: the session starts over (RFC 3207 4.2: all
    // knowledge from before TLS is discarded; the client must send EHLO again).
    void tls_started(std::string description);

    // The 421 the shell says before closing on IdleTimeout or ShuttingDown (closing_reply()).
    Reply closing(Errc why) const;

    const Client& client() const { return client_; }

private:
    enum class State : std::uint8_t {
        Start,     // before EHLO/HELO
        Ready,     // after EHLO/HELO, no transaction
        Mail,      // MAIL accepted, no recipient yet
        Rcpt,      // at least one recipient accepted
        Chunking,  // BDAT chunks received, waiting for more or LAST
    };

    enum class Sasl : std::uint8_t { None, PlainResponse, LoginUser, LoginPassword };

    using Handler = asio::awaitable<void> (Session::*)(Command);

    struct CommandSpec {
        Verb verb;
        Handler handler;
        std::uint8_t allowed;              // bit (1 << State) for each state it is valid in
        std::uint8_t flags;                // kNeedsHello, kNeedsEhlo, kNeedsAuth, kJunk
        std::string_view out_of_sequence;  // the 503 text when the state is wrong
    };

    // The command table (session.cpp): one row per verb.
    static const CommandSpec& command_spec(Verb verb);

    // One mail transaction (RFC 5321 3.3), from MAIL to the end of the message or RSET.
    struct Transaction {
        ReversePath sender;
        MailParams params;
        std::vector<Recipient> recipients;
        std::vector<bool> own_account;  // per recipient: RecipientAnswer::own_account
        std::string message;
        std::uint64_t received = 0;  // octets of message text, kept or not
        detail::ReceivedCounter received_fields;
    };

    // What deliver() remembers of the transaction to answer and log.
    struct Delivery {
        std::string sender;
        std::string protocol;
        std::size_t size = 0;
        std::vector<bool> own_account;
    };

    // Events
    asio::awaitable<void> on_command(std::string_view line);
    asio::awaitable<void> on_sasl(std::string_view line);
    void on_bad_line(BadLine bad);
    void on_body(std::string_view bytes);
    asio::awaitable<void> on_body_end(BodyEnd end);

    // Commands (smtp/cmd/*.cpp)
    asio::awaitable<void> cmd_helo(Command command);
    asio::awaitable<void> cmd_ehlo(Command command);
    asio::awaitable<void> cmd_mail(Command command);
    asio::awaitable<void> cmd_rcpt(Command command);
    asio::awaitable<void> cmd_data(Command command);
    asio::awaitable<void> cmd_bdat(Command command);
    asio::awaitable<void> cmd_rset(Command command);
    asio::awaitable<void> cmd_noop(Command command);
    asio::awaitable<void> cmd_quit(Command command);
    asio::awaitable<void> cmd_vrfy(Command command);
    asio::awaitable<void> cmd_expn(Command command);
    asio::awaitable<void> cmd_help(Command command);
    asio::awaitable<void> cmd_starttls(Command command);
    asio::awaitable<void> cmd_auth(Command command);

    // Shared steps
    void hello(std::string domain, bool esmtp);
    asio::awaitable<void> sasl_response(std::string_view base64);
    asio::awaitable<void> authenticate(std::string user, std::string password);
    asio::awaitable<void> finish_message(bool bare_line_endings);
    asio::awaitable<void> deliver();
    void answer_delivery(const Delivery& delivery, const DeliveryAnswer& answer);
    void receive(std::string_view bytes);
    void reset_transaction();
    void reply(Reply reply);
    void fail(Errc errc, std::string_view text = {});
    void close_with(Reply last);
    std::string protocol(bool smtputf8) const;

    bool secure() const { return !client_.tls.empty(); }

    SessionConfig config_;
    Services& services_;
    Client client_;
    State state_ = State::Start;
    Input input_ = Input::Line;         // what the framer reads next
    std::uint64_t chunk_size_ = 0;      // Input::Bdat: octets of the chunk announced
    bool chunk_last_ = false;           // BDAT ... LAST
    std::optional<Reply> chunk_error_;  // the reply owed after a chunk that is read and dropped
    Sasl sasl_ = Sasl::None;
    std::string sasl_user_;
    Transaction txn_;
    bool any_command_ = false;  // a known verb was seen: the client speaks SMTP
    std::size_t errors_ = 0;
    std::size_t junk_ = 0;
    Step step_;  // the step being built by handle()
};

}  // namespace govmail::smtp
