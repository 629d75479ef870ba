#include "smtp/connection.hpp"

#include "core/log.hpp"

namespace govmail::smtp {
namespace {

// Replies pending beyond this are written even in the middle of a pipelined batch.
constexpr std::size_t kFlushAt = std::size_t{16} * 1024;

}  // namespace

net::Timeouts timeouts(const Config& config) {
    return net::Timeouts{config.smtp.idle_timeout, config.limits.command_timeout};
}

Handler::Handler(SessionConfig config, Services& services, std::shared_ptr<tls::Context> starttls)
    : config_(std::move(config))
    , services_(services)
    , starttls_(std::move(starttls)) {
    config_.starttls = starttls_ != nullptr && config_.mode != Mode::Submissions;
}

std::string Handler::busy_reply() const {
    return closing_reply(Errc::Busy, config_.hostname).wire();
}

asio::awaitable<void> Handler::serve(std::shared_ptr<net::Connection> connection) {
    Session session(
        config_,
        services_,
        Client{
            .connection = connection->id(),
            .mode = config_.mode,
            .address = connection->peer().address().to_string(),
            .tls = connection->tls_description(),
        }
    );
    Framer framer(config_.max_line_length);
    net::InputBuffer& input = connection->input();
    std::string out = session.greeting().wire();
    for (;;) {
        while (auto event = framer.next(input)) {
            Step step = co_await session.handle(*event);
            for (const Reply& reply : step.replies) {
                reply.append_to(out);
            }
            framer.expect(step.next);
            if (step.action == Action::Close) {
                co_await connection->write(out);
                co_return;
            }
            if (step.action == Action::StartTls) {
                if (!co_await connection->write(out)) {
                    co_return;
                }
                out.clear();
                // accept_tls() drops the input buffered so far: what was pipelined behind
                // STARTTLS came in plaintext and is never executed.
                if (!co_await connection->accept_tls(*starttls_)) {
                    co_return;
                }
                framer.reset();
                session.tls_started(connection->tls_description());
                break;
            }
            if (out.size() >= kFlushAt) {
                if (!co_await connection->write(out)) {
                    co_return;
                }
                out.clear();
            }
        }
        if (!out.empty()) {
            if (!co_await connection->write(out)) {
                co_return;
            }
            out.clear();
        }
        const bool idle = framer.idle(input);
        if (!co_await connection->fill(idle ? net::Wait::Idle : net::Wait::Command)) {
            switch (connection->reason()) {
                case net::CloseReason::IdleTimeout:
                    co_await connection->write(session.closing(Errc::IdleTimeout).wire());
                    break;
                case net::CloseReason::Shutdown:
                    co_await connection->write(session.closing(Errc::ShuttingDown).wire());
                    break;
                default:
                    break;
            }
            log::debug(
                "smtp.closed",
                {{"conn", connection->id()}, {"reason", to_string(connection->reason())}}
            );
            co_return;
        }
    }
}

}  // namespace govmail::smtp
