#pragma once
// The IMAP session state machine (RFC 3501 IMAP4rev1 and RFC 9051 IMAP4rev2 with the extensions
// of issue 6): framer events in, responses and what to do next out. No sockets, timers or TLS
// objects: the store, the directory and the activity sink are reached through Services, and the
// coroutine shell (imap/connection.hpp) does the I/O.
//
//     Session session(config, services, Client{.connection = 7, .address = "192.0.2.4",
//                                               .tls = true}, output);
//     session.greeting();                           // "* OK [CAPABILITY ...] ..." into output
//     Step step = co_await session.handle(framer.next(input));
//     if (step.literal == LiteralAnswer::Accept) framer.accept_literal();  // and so on
//
// Responses go into Output::buffer(). The shell writes the buffer when the framer needs more
// input (one write per pipelined batch); the session itself calls Output::flush() only in the
// middle of a long response (FETCH of many or large messages), so that a 30 MB BODY[] is sent in
// bounded pieces: the bytes are copied out of one short read transaction, written, and the next
// piece is read, never holding a transaction across the write.
//
// The shell must, for each Step:
//   - literal: call Framer::accept_literal() or reject_literal() (the session already wrote the
//     tagged refusal); for an accepted synchronising literal, write "+ Ready" at once (flush_now);
//   - expect_line: call Framer::expect_line() (AUTHENTICATE continuation, IDLE's DONE);
//   - action Idle: write the buffer, then while waiting for DONE call idle_update() whenever the
//     store's change feed reports a change of account() (and on a slow poll, for changes made by
//     other processes), writing what it adds;
//   - action StartTls: write the buffer, run the TLS handshake (dropping input buffered before
//     it), call tls_started();
//   - action Close: write the buffer and close.
// After the session became authenticated the shell switches to the [imap] idle timeout; when
// the connection is closed for idleness or shutdown it calls goodbye() and writes the BYE.
//
// Sequence numbers (RFC 9051 7.5.1, RFC 7162 3.2.10): changes made by other sessions (and by
// govmailctl) are read from the store after every command and during IDLE: new messages (EXISTS,
// RECENT), flag changes (FETCH with UID, FLAGS and MODSEQ once CONDSTORE is enabled), expunges
// (EXPUNGE, or VANISHED after ENABLE QRESYNC). Expunges are held back while a command that uses
// message numbers (FETCH, STORE, SEARCH, SORT, COPY, MOVE without UID) is answered, and reported
// at the next command that allows them, so the client's numbers stay valid.
//
// Not thread-safe: one session per connection, used on its strand. handle() and idle_update()
// must not overlap (await each one).

#include "core/config.hpp"
#include "core/net/asio.hpp"
#include "imap/command.hpp"
#include "imap/errors.hpp"
#include "imap/framer.hpp"
#include "imap/message_map.hpp"
#include "imap/response.hpp"
#include "imap/services.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::imap {

namespace asio = net::asio;

struct SessionConfig {
    std::string hostname = "localhost";  // in the greeting and BYE
    // STARTTLS is offered (a cleartext listener with a TLS context). Without TLS, logins are
    // refused (LOGINDISABLED, RFC 9051 6.2.3) whether or not STARTTLS is offered.
    bool starttls = false;
    std::uint64_t max_append_size = 30ULL << 20;             // APPENDLIMIT (RFC 7889)
    std::size_t max_command_length = std::size_t{64} << 10;  // command text without literals
    std::uint32_t max_connections_per_user = 50;
    std::chrono::milliseconds idle_timeout{std::chrono::minutes(30)};  // after login
    // Consecutive BAD responses after which the client is disconnected (it is not speaking
    // IMAP, or is badly broken).
    std::uint32_t max_bad_commands = 50;
};

// The session settings of one listener, from the [imap] section.
SessionConfig session_config(const Config& config, bool starttls);

// The framer limits that go with `config`.
FramerLimits framer_limits(const SessionConfig& config);

// The client as the shell knows it.
struct Client {
    std::uint64_t connection = 0;  // for the log
    std::string address;           // peer IP, for the log and the directory
    bool tls = false;              // TLS is up (implicit TLS, or after STARTTLS)
};

// Where the session writes responses. The shell owns it.
class Output {
public:
    virtual ~Output() = default;

    std::string& buffer() { return buffer_; }

    // Sends the buffered bytes now and empties the buffer; false when the connection is gone.
    virtual asio::awaitable<bool> flush() = 0;

protected:
    std::string buffer_;
};

enum class LiteralAnswer : std::uint8_t { None, Accept, Reject };

enum class Action : std::uint8_t {
    Continue,
    Idle,      // IDLE started: wait for DONE, pushing idle_update() meanwhile
    StartTls,  // write, then the server TLS handshake, then tls_started()
    Close,     // write, then close
};

struct Step {
    LiteralAnswer literal = LiteralAnswer::None;
    bool flush_now = false;    // write the buffer before reading on ("+ Ready")
    bool expect_line = false;  // Framer::expect_line()
    Action action = Action::Continue;
};

// Why the shell ends a connection the client did not end.
enum class Goodbye : std::uint8_t { IdleTimeout, Shutdown };

class Session {
public:
    // `config` and `services` must outlive the session; `output` too.
    Session(const SessionConfig& config, Services& services, Client client, Output& output);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // "* OK [CAPABILITY ...] <hostname> govmail IMAP ready" (RFC 9051 7.1.1).
    void greeting();

    // Handles one framer event (NeedMore is the shell's business). See the header comment.
    asio::awaitable<Step> handle(Event event);

    // After the STARTTLS handshake: the session starts over (RFC 9051 6.2.1: nothing learnt
    // before TLS is kept; the client asks for CAPABILITY again).
    void tls_started();

    // During IDLE: reports what changed in the selected mailbox. Returns false when the session
    // must end (the selected mailbox was deleted: "* BYE" was written).
    asio::awaitable<bool> idle_update();

    // Writes "* BYE ..." for a connection the server ends.
    void goodbye(Goodbye why);

    bool authenticated() const { return account_ != nullptr; }

    bool idling() const { return idling_; }

    // The logged-in account (the change feed to listen to), if any.
    std::optional<std::uint64_t> account() const;

    // The selected mailbox, if any.
    std::optional<std::uint64_t> selected_mailbox() const;

    // Bytes held by the session for its selected mailbox, beyond sizeof(Session) (benchmarks).
    std::size_t memory_for_test() const;

private:
    enum class State : std::uint8_t { NotAuthenticated, Authenticated, Selected, Logout };

    struct Account;
    struct Selected;
    struct CommandSpec;
    struct FetchPlan;
    struct FetchOutcome;

    // The tagged response a command ends with; set by handlers, written after the updates.
    struct Completion {
        Condition condition = Condition::Ok;
        std::string code;
        std::string text;
    };

    using Handler = asio::awaitable<void> (Session::*)(TaggedCommand&);

    static const CommandSpec& command_spec(const Command& command);

    // Events
    Step on_literal(const NeedLiteral& literal);
    asio::awaitable<Step> on_request(Request&& request);
    asio::awaitable<Step> on_line(std::string line);
    Step on_error(const Error& error);

    // Commands (imap/cmd/*.cpp)
    asio::awaitable<void> cmd_capability(TaggedCommand& command);
    asio::awaitable<void> cmd_noop(TaggedCommand& command);
    asio::awaitable<void> cmd_logout(TaggedCommand& command);
    asio::awaitable<void> cmd_starttls(TaggedCommand& command);
    asio::awaitable<void> cmd_login(TaggedCommand& command);
    asio::awaitable<void> cmd_authenticate(TaggedCommand& command);
    asio::awaitable<void> cmd_select(TaggedCommand& command);
    asio::awaitable<void> cmd_create(TaggedCommand& command);
    asio::awaitable<void> cmd_delete(TaggedCommand& command);
    asio::awaitable<void> cmd_rename(TaggedCommand& command);
    asio::awaitable<void> cmd_subscribe(TaggedCommand& command);
    asio::awaitable<void> cmd_unsubscribe(TaggedCommand& command);
    asio::awaitable<void> cmd_list(TaggedCommand& command);
    asio::awaitable<void> cmd_lsub(TaggedCommand& command);
    asio::awaitable<void> cmd_namespace(TaggedCommand& command);
    asio::awaitable<void> cmd_status(TaggedCommand& command);
    asio::awaitable<void> cmd_append(TaggedCommand& command);
    asio::awaitable<void> cmd_idle(TaggedCommand& command);
    asio::awaitable<void> cmd_check(TaggedCommand& command);
    asio::awaitable<void> cmd_close(TaggedCommand& command);
    asio::awaitable<void> cmd_unselect(TaggedCommand& command);
    asio::awaitable<void> cmd_expunge(TaggedCommand& command);
    asio::awaitable<void> cmd_uid_expunge(TaggedCommand& command);
    // Both expunges (cmd/expunge.cpp): every \Deleted message, or only those among `uids`.
    asio::awaitable<void> expunge_deleted(
        std::optional<std::vector<store::UidRange>> uids, const char* completed
    );
    asio::awaitable<void> cmd_search(TaggedCommand& command);
    asio::awaitable<void> cmd_fetch(TaggedCommand& command);
    asio::awaitable<void> cmd_store(TaggedCommand& command);
    asio::awaitable<void> cmd_copy(TaggedCommand& command);
    asio::awaitable<void> cmd_move(TaggedCommand& command);
    asio::awaitable<void> cmd_id(TaggedCommand& command);
    asio::awaitable<void> cmd_enable(TaggedCommand& command);
    asio::awaitable<void> cmd_sort(TaggedCommand& command);
    asio::awaitable<void> cmd_getquota(TaggedCommand& command);
    asio::awaitable<void> cmd_getquotaroot(TaggedCommand& command);
    asio::awaitable<void> cmd_setquota(TaggedCommand& command);

    // Authentication (cmd/login.cpp)
    asio::awaitable<void> log_in(std::string user, std::string password);
    asio::awaitable<void> sasl_response(std::string line);

    // Mailbox state (session.cpp)
    asio::awaitable<bool> report_updates(bool allow_expunge);
    void report_expunged(std::span<const store::Uid> uids);
    void write_flags_and_permanent(const std::vector<std::string>& keywords);
    void deselect();
    void enable_condstore();
    asio::awaitable<std::vector<store::UidRange>> claim_recent();

    // Shared by handlers
    Response respond() { return Response(output_.buffer(), utf8()); }

    Response untagged() { return respond().untagged(); }

    void complete(Condition condition, std::string code, std::string text);
    void write_capabilities(Response& response) const;
    std::string capability_list() const;
    Selected& selected();
    std::uint64_t account_id() const;
    std::vector<store::UidRange> resolve(const SequenceSet& set, bool uid);
    std::vector<store::UidRange> resolve_saved() const;
    // FLAGS of a message: system flags, keywords named by `table`, \Recent (IMAP4rev1).
    std::vector<std::string> flag_names(
        store::SystemFlags flags,
        store::KeywordBits keywords,
        const std::vector<std::string>& table,
        store::Uid uid
    ) const;
    bool is_recent(store::Uid uid) const;
    std::uint32_t recent_count() const;
    std::optional<store::MailboxId> find_mailbox(std::string_view name);
    std::string normalize_name(std::string_view name) const;
    void record_reads(std::uint32_t count);
    asio::awaitable<void> maybe_flush();
    // True once a flush's worth of response is buffered.
    bool output_full() const;

    // FETCH (cmd/fetch.cpp): a message's response from item `first_item` on, up to a body that
    // must be streamed; many whole messages in one read transaction; the rest of a message
    // whose body is streamed in pieces.
    struct FetchTarget {
        std::uint32_t seq = 0;
        store::Uid uid = 0;
    };
    struct FetchBatch;
    FetchOutcome render_message(
        const store::StoreReader& r,
        const FetchPlan& plan,
        FetchTarget target,
        std::size_t first_item,
        std::optional<std::vector<std::string>>& keywords
    );
    FetchOutcome render_guarded(const FetchPlan& plan, FetchTarget target, std::size_t item);
    FetchBatch render_batch(const FetchPlan& plan, std::span<const FetchTarget> targets);
    asio::awaitable<bool> stream_message(
        const FetchPlan& plan, FetchTarget target, FetchOutcome outcome
    );
    asio::awaitable<void> send_blob(
        store::BlobHash hash, std::uint64_t offset, std::uint64_t length, bool mask_nul
    );

    // SEARCH and SORT (cmd/search.cpp)
    asio::awaitable<std::vector<std::pair<std::uint32_t, store::MessageRecord>>> run_search(
        const SearchKey& key, const std::optional<std::string>& charset
    );

    bool utf8() const { return utf8_accept_ || rev2_; }

    const SessionConfig& config_;
    Services& services_;
    Client client_;
    Output& output_;
    State state_ = State::NotAuthenticated;
    // Extensions the client enabled (RFC 5161, RFC 7162 3.1 CONDSTORE enabling commands).
    bool rev2_ = false;
    bool utf8_accept_ = false;
    bool condstore_ = false;
    bool qresync_ = false;
    bool idling_ = false;
    bool in_sasl_ = false;
    bool close_after_ = false;
    bool starttls_pending_ = false;
    std::uint32_t bad_commands_ = 0;  // consecutive BAD responses
    std::string tag_;                 // of the command in progress
    std::unique_ptr<Account> account_;
    std::unique_ptr<Selected> selected_;
    Completion completion_;
};

// Capability names this server implements, in the order advertised after login.
std::string_view authenticated_capabilities();

}  // namespace govmail::imap
