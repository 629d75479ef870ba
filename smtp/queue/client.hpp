#pragma once
// The outbound SMTP client (RFC 5321) the queue runner delivers with: one connection to one
// server, over which any number of transactions may run (connection reuse), all on the
// strand it was opened on.
//
//     auto opened = co_await SmtpClient::open(strand, endpoint, {.helo = "mail.tinh.gov.vn",
//                                             .tls = tls_context.get(), .server_name = "mx1..."});
//     if (!opened.client) ...opened.failure...        // connect, greeting, EHLO, TLS problems
//     Transaction t{.mail = {.sender = "an@tinh.gov.vn", ...}, .message = bytes};
//     t.recipients.push_back({.address = "x@other.gov.vn"});
//     std::vector<ClientReply> replies = co_await opened.client->send(t);   // one per recipient
//     co_await opened.client->quit();
//
// open(): connect (bounded by connect_timeout), read the greeting, EHLO (HELO when EHLO is
// refused), then STARTTLS whenever offered and a TLS context is given (RFC 3207), and EHLO again
// over TLS. With require_tls, a server without STARTTLS or a failed handshake is a failure
// (4.7.10), never a plaintext fallback. Without it, a failed handshake is reported with
// tls_failed so the caller may reconnect in plaintext.
//
// send(): MAIL, every RCPT and DATA in one write when the server offers PIPELINING (RFC 2920),
// else one command at a time; then the text (smtp/queue/client_protocol.hpp data_payload). The
// result has one reply per recipient: the RCPT reply when it was refused, else the reply to the
// end of DATA (or to MAIL when that failed). A lost connection gives replies with code 0.
// Timeouts are RFC 5321 4.5.3.2's: 5 minutes for the greeting, MAIL and RCPT, 2 for the DATA
// command, 3 for each block of text, 10 for the final reply.
//
// Thread-safety: one client is used by one coroutine at a time, on the strand given to open().

#include "core/net/asio.hpp"
#include "core/net/connection.hpp"
#include "core/net/line_reader.hpp"
#include "core/tls.hpp"
#include "smtp/queue/client_protocol.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace govmail::smtp::queue {

struct ClientOptions {
    std::string helo;             // our host name, for EHLO
    tls::Context* tls = nullptr;  // STARTTLS with this context when offered; null: never
    bool require_tls = false;     // no plaintext: fail without STARTTLS or a handshake
    std::string server_name;      // SNI and, with a verifying context, the name checked
    std::chrono::milliseconds connect_timeout{std::chrono::seconds(30)};
    std::uint64_t id = 0;  // connection id for the logs
    // Test hook: scales RFC 5321's timeouts down.
    std::chrono::milliseconds max_timeout{std::chrono::minutes(10)};
};

// Why a connection could not be used.
struct OpenFailure {
    ClientReply reply;        // the server's refusal (greeting, EHLO), or code 0 with the reason
    bool tls_failed = false;  // STARTTLS was offered but the handshake failed
};

struct RecipientSpec {
    std::string address;
    Notify notify;
    std::optional<Orcpt> orcpt;
};

struct Transaction {
    MailSpec mail;
    std::vector<RecipientSpec> recipients;
    std::string_view message;  // the text to send, before dot-stuffing
};

class SmtpClient;

struct OpenResult {
    std::unique_ptr<SmtpClient> client;
    OpenFailure failure;
};

class SmtpClient {
public:
    static net::asio::awaitable<OpenResult> open(
        net::asio::any_io_executor strand, net::tcp::endpoint endpoint, ClientOptions options
    );

    ~SmtpClient();
    SmtpClient(const SmtpClient&) = delete;
    SmtpClient& operator=(const SmtpClient&) = delete;

    // One transaction; see the contract above. Precondition: usable(), at least one recipient.
    net::asio::awaitable<std::vector<ClientReply>> send(Transaction transaction);

    // RSET (RFC 5321 4.1.1.5): before reusing the connection. False when it is not usable.
    net::asio::awaitable<bool> reset();

    // QUIT, waiting briefly for 221, then close.
    net::asio::awaitable<void> quit();

    bool usable() const { return usable_; }

    const Capabilities& capabilities() const { return caps_; }

    bool secure() const { return connection_->secure(); }

    // The server's name from its greeting ("mx1.other.gov.vn"), else its address.
    const std::string& remote_name() const { return remote_name_; }

    const net::tcp::endpoint& endpoint() const { return endpoint_; }

private:
    SmtpClient(std::shared_ptr<net::Connection> connection, ClientOptions options);

    net::asio::awaitable<ClientReply> read_reply(std::chrono::milliseconds timeout);
    net::asio::awaitable<bool> write(std::string_view bytes, std::chrono::milliseconds timeout);
    net::asio::awaitable<ClientReply> command(std::string line, std::chrono::milliseconds timeout);
    net::asio::awaitable<std::optional<OpenFailure>> hello();
    std::chrono::milliseconds limit(std::chrono::milliseconds rfc) const;

    std::shared_ptr<net::Connection> connection_;
    ClientOptions options_;
    net::LineReader reader_{8192};
    Capabilities caps_;
    std::string remote_name_;
    net::tcp::endpoint endpoint_;
    bool usable_ = true;
};

}  // namespace govmail::smtp::queue
