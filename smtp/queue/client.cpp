#include "smtp/queue/client.hpp"

#include "core/log.hpp"
#include "core/net/connect.hpp"

#include <algorithm>

namespace govmail::smtp::queue {
namespace {

namespace asio = net::asio;
using std::chrono::minutes;
using std::chrono::seconds;

// RFC 5321 4.5.3.2: how long a client waits for each reply.
constexpr std::chrono::milliseconds kGreetingTimeout = minutes(5);  // 4.5.3.2.1
constexpr std::chrono::milliseconds kMailTimeout = minutes(5);      // 4.5.3.2.2
constexpr std::chrono::milliseconds kRcptTimeout = minutes(5);      // 4.5.3.2.3
constexpr std::chrono::milliseconds kDataTimeout = minutes(2);      // 4.5.3.2.4
constexpr std::chrono::milliseconds kBlockTimeout = minutes(3);     // 4.5.3.2.5
constexpr std::chrono::milliseconds kEndTimeout = minutes(10);      // 4.5.3.2.6
constexpr std::chrono::milliseconds kQuitTimeout = seconds(10);

// Text goes out in blocks, each with its own deadline (RFC 5321 4.5.3.2.5: per "data block").
constexpr std::size_t kBlock = std::size_t{64} * 1024;

std::string endpoint_text(const net::tcp::endpoint& endpoint) {
    return RouteConfig{.host = endpoint.address().to_string(), .port = endpoint.port()}.to_string();
}

}  // namespace

SmtpClient::SmtpClient(std::shared_ptr<net::Connection> connection, ClientOptions options)
    : connection_(std::move(connection))
    , options_(std::move(options))
    , remote_name_(connection_->peer().address().to_string())
    , endpoint_(connection_->peer()) {}

SmtpClient::~SmtpClient() {
    connection_->close();
}

std::chrono::milliseconds SmtpClient::limit(std::chrono::milliseconds rfc) const {
    return std::min(rfc, options_.max_timeout);
}

asio::awaitable<OpenResult> SmtpClient::open(
    asio::any_io_executor strand, net::tcp::endpoint endpoint, ClientOptions options
) {
    OpenResult result;
    const std::string where = endpoint_text(endpoint);
    const auto greeting_timeout = std::min(kGreetingTimeout, options.max_timeout);
    auto connecting = net::connect(
        strand,
        endpoint,
        options.connect_timeout,
        net::Timeouts{greeting_timeout, greeting_timeout},
        options.id
    );
    auto connected = co_await std::move(connecting);
    if (!connected) {
        result.failure.reply =
            ClientReply::none("cannot connect to " + where + ": " + connected.error().message());
        co_return result;
    }
    std::unique_ptr<SmtpClient> client(new SmtpClient(std::move(*connected), std::move(options)));
    auto greeting_read = client->read_reply(greeting_timeout);
    ClientReply greeting = co_await std::move(greeting_read);
    if (greeting.code != 220) {
        // RFC 5321 3.1: a 554 greeting refuses the connection; say QUIT and go elsewhere.
        if (greeting.code != 0) {
            auto quitting = client->quit();
            co_await std::move(quitting);
        }
        result.failure.reply = std::move(greeting);
        co_return result;
    }
    if (!greeting.lines.empty() && !greeting.lines.front().empty()) {
        const std::string& first = greeting.lines.front();
        client->remote_name_ = first.substr(0, first.find(' '));
    }
    auto greeting_hello = client->hello();
    if (auto failure = co_await std::move(greeting_hello); failure) {
        result.failure = std::move(*failure);
        co_return result;
    }
    const ClientOptions& opts = client->options_;
    if (opts.tls != nullptr && client->caps_.starttls) {
        auto starting = client->command("STARTTLS\r\n", client->limit(kMailTimeout));
        ClientReply reply = co_await std::move(starting);
        if (reply.code == 220) {
            auto handshake = client->connection_->connect_tls(*opts.tls, opts.server_name);
            const bool secured = co_await std::move(handshake);
            if (!secured) {
                client->usable_ = false;
                result.failure.reply =
                    ClientReply::none("TLS handshake with " + where + " failed", "4.7.10");
                result.failure.tls_failed = true;
                co_return result;
            }
            // RFC 3207 4.2: forget what the server said before TLS and ask again.
            client->reader_ = net::LineReader(8192);
            auto tls_hello = client->hello();
            if (auto failure = co_await std::move(tls_hello); failure) {
                result.failure = std::move(*failure);
                co_return result;
            }
        } else if (reply.code == 0 || opts.require_tls) {
            result.failure.reply = std::move(reply);
            co_return result;
        }
    }
    if (opts.require_tls && !client->secure()) {
        auto quitting = client->quit();
        co_await std::move(quitting);
        result.failure.reply = ClientReply::none(
            where + " does not offer STARTTLS and the route requires TLS", "4.7.10"
        );
        co_return result;
    }
    result.client = std::move(client);
    co_return result;
}

asio::awaitable<std::optional<OpenFailure>> SmtpClient::hello() {
    // Awaitables are made in their own statement throughout: g++ 12 destroys temporaries of a
    // full-expression that contains co_await twice.
    auto ehlo = command("EHLO " + options_.helo + "\r\n", limit(kMailTimeout));
    ClientReply reply = co_await std::move(ehlo);
    if (reply.code == 250) {
        caps_ = Capabilities::from_ehlo(reply);
        co_return std::nullopt;
    }
    if (reply.code != 0) {
        // RFC 5321 4.1.4: a server that does not know EHLO may still know HELO.
        auto helo = command("HELO " + options_.helo + "\r\n", limit(kMailTimeout));
        reply = co_await std::move(helo);
        if (reply.code == 250) {
            caps_ = Capabilities{};
            co_return std::nullopt;
        }
    }
    usable_ = false;
    co_return OpenFailure{.reply = std::move(reply)};
}

asio::awaitable<ClientReply> SmtpClient::read_reply(std::chrono::milliseconds timeout) {
    connection_->set_timeouts({timeout, timeout});
    ReplyParser parser;
    for (;;) {
        net::Line line;
        switch (reader_.next(connection_->input(), line)) {
            case net::LineStatus::Complete:
                switch (parser.feed(line.text)) {
                    case ReplyParser::Result::Complete:
                        co_return parser.take();
                    case ReplyParser::Result::Malformed:
                        usable_ = false;
                        co_return ClientReply::none(
                            "malformed reply from " + remote_name_ + ": " +
                            std::string(line.text.substr(0, 100))
                        );
                    case ReplyParser::Result::NeedMore:
                        break;
                }
                break;
            case net::LineStatus::TooLong:
                usable_ = false;
                co_return ClientReply::none("reply line too long from " + remote_name_);
            case net::LineStatus::NeedMore:
                auto filling = connection_->fill(net::Wait::Command);
                const bool filled = co_await std::move(filling);
                if (!filled) {
                    usable_ = false;
                    co_return ClientReply::none(
                        "lost connection with " + remote_name_ + " (" +
                        std::string(net::to_string(connection_->reason())) + ")"
                    );
                }
                break;
        }
    }
}

asio::awaitable<bool> SmtpClient::write(std::string_view bytes, std::chrono::milliseconds timeout) {
    connection_->set_timeouts({timeout, timeout});
    while (!bytes.empty()) {
        std::string_view block = bytes.substr(0, kBlock);
        auto writing = connection_->write(block);
        const bool written = co_await std::move(writing);
        if (!written) {
            usable_ = false;
            co_return false;
        }
        bytes.remove_prefix(block.size());
    }
    co_return true;
}

asio::awaitable<ClientReply> SmtpClient::command(
    std::string line, std::chrono::milliseconds timeout
) {
    auto writing = write(line, timeout);
    const bool written = co_await std::move(writing);
    if (!written) {
        co_return ClientReply::none("lost connection with " + remote_name_ + " while sending");
    }
    auto reading = read_reply(timeout);
    ClientReply reply = co_await std::move(reading);
    co_return reply;
}

asio::awaitable<std::vector<ClientReply>> SmtpClient::send(Transaction t) {
    const std::size_t n = t.recipients.size();
    std::vector<ClientReply> rcpt(n);
    std::vector<ClientReply> results(n);
    const bool bdat = t.mail.body == BodyType::BinaryMime;
    const std::string mail = mail_command(t.mail, caps_);
    ClientReply mail_reply;
    ClientReply data_reply;
    bool data_sent = false;
    if (caps_.pipelining) {
        // RFC 2920 3.1: MAIL, RCPT and DATA go in one group; DATA (or BDAT) ends it.
        std::string batch = mail;
        for (const RecipientSpec& r : t.recipients) {
            batch += rcpt_command(r.address, r.notify, r.orcpt, caps_);
        }
        if (!bdat) {
            batch += "DATA\r\n";
            data_sent = true;
        }
        auto writing = write(batch, limit(kMailTimeout));
        const bool written = co_await std::move(writing);
        if (!written) {
            std::ranges::fill(results, ClientReply::none("lost connection with " + remote_name_));
            co_return results;
        }
        auto mail_read = read_reply(limit(kMailTimeout));
        mail_reply = co_await std::move(mail_read);
        for (ClientReply& reply : rcpt) {
            auto rcpt_read = read_reply(limit(kRcptTimeout));
            reply = co_await std::move(rcpt_read);
        }
        if (data_sent) {
            auto data_read = read_reply(limit(kDataTimeout));
            data_reply = co_await std::move(data_read);
        }
    } else {
        auto asking = command(mail, limit(kMailTimeout));
        mail_reply = co_await std::move(asking);
        if (mail_reply.positive()) {
            for (std::size_t i = 0; i < n; ++i) {
                const RecipientSpec& r = t.recipients[i];
                auto asking =
                    command(rcpt_command(r.address, r.notify, r.orcpt, caps_), limit(kRcptTimeout));
                rcpt[i] = co_await std::move(asking);
            }
        }
    }
    const bool any_accepted =
        mail_reply.positive() && std::ranges::any_of(rcpt, [](auto& r) { return r.positive(); });
    if (!bdat && !data_sent && any_accepted) {
        auto data = command("DATA\r\n", limit(kDataTimeout));
        data_reply = co_await std::move(data);
    }
    if (!mail_reply.positive()) {
        std::ranges::fill(results, mail_reply);
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            results[i] = rcpt[i];
        }
    }
    if (!any_accepted) {
        if (data_reply.code == 354) {
            // The server opened DATA without a recipient (RFC 2920 3.1 says it must not): end
            // an empty message so that the session can be reset.
            auto ending = write(".\r\n", limit(kBlockTimeout));
            co_await std::move(ending);
            auto end_read = read_reply(limit(kEndTimeout));
            co_await std::move(end_read);
        }
        co_return results;
    }
    ClientReply final;
    if (bdat) {
        // RFC 3030 2: the octets as they are, no dot-stuffing.
        std::string command = "BDAT " + std::to_string(t.message.size()) + " LAST\r\n";
        auto commanding = write(command, limit(kBlockTimeout));
        bool sent = co_await std::move(commanding);
        if (sent) {
            auto chunk = write(t.message, limit(kBlockTimeout));
            sent = co_await std::move(chunk);
        }
        if (sent) {
            auto end_read = read_reply(limit(kEndTimeout));
            final = co_await std::move(end_read);
        } else {
            final = ClientReply::none("lost connection with " + remote_name_ + " while sending");
        }
    } else if (data_reply.code != 354) {
        final = data_reply;
    } else {
        const std::string payload = data_payload(t.message);
        auto sending = write(payload, limit(kBlockTimeout));
        const bool sent = co_await std::move(sending);
        if (sent) {
            auto end_read = read_reply(limit(kEndTimeout));
            final = co_await std::move(end_read);
        } else {
            final = ClientReply::none(
                "lost connection with " + remote_name_ + " while sending the message"
            );
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (rcpt[i].positive()) {
            results[i] = final;
        }
    }
    co_return results;
}

asio::awaitable<bool> SmtpClient::reset() {
    if (!usable_) {
        co_return false;
    }
    auto resetting = command("RSET\r\n", limit(kMailTimeout));
    ClientReply reply = co_await std::move(resetting);
    usable_ = usable_ && reply.code == 250;
    co_return usable_;
}

asio::awaitable<void> SmtpClient::quit() {
    if (usable_) {
        usable_ = false;
        auto writing = write("QUIT\r\n", limit(kQuitTimeout));
        const bool written = co_await std::move(writing);
        if (written) {
            auto reading = read_reply(limit(kQuitTimeout));
            co_await std::move(reading);
        }
    }
    connection_->close();
}

}  // namespace govmail::smtp::queue
