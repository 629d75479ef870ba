#include "imap/connection.hpp"

#include "core/log.hpp"

namespace govmail::imap {
namespace {

// Responses pending beyond this are written even in the middle of a pipelined batch.
constexpr std::size_t kFlushAt = std::size_t{64} * 1024;

// An output buffer that grew past this is given back after it was written.
constexpr std::size_t kKeepCapacity = std::size_t{16} * 1024;

class ShellOutput final : public Output {
public:
    explicit ShellOutput(net::Connection& connection)
        : connection_(connection) {}

    asio::awaitable<bool> flush() override {
        if (buffer_.empty()) {
            co_return true;
        }
        bool ok = co_await connection_.write(buffer_);
        buffer_.clear();
        if (buffer_.capacity() > kKeepCapacity) {
            std::string().swap(buffer_);
        }
        co_return ok;
    }

    // Frees the buffer while the connection waits (thousands of idle clients hold nothing).
    void release() {
        if (buffer_.empty()) {
            std::string().swap(buffer_);
        }
    }

private:
    net::Connection& connection_;
};

}  // namespace

struct Handler::State {
    State(
        std::shared_ptr<net::Connection> connection,
        const SessionConfig& config,
        Services& services,
        std::chrono::milliseconds poll
    )
        : connection(std::move(connection))
        , output(*this->connection)
        , session(
              config,
              services,
              Client{
                  .connection = this->connection->id(),
                  .address = this->connection->peer().address().to_string(),
                  .tls = this->connection->secure(),
              },
              output
          )
        , framer(framer_limits(config))
        , wake(this->connection->executor())
        , finished(this->connection->executor())
        , poll(poll) {}

    std::shared_ptr<net::Connection> connection;
    ShellOutput output;
    Session session;
    Framer framer;
    asio::steady_timer wake;      // the notifier sleeps on it; cancel() wakes it
    asio::steady_timer finished;  // the main coroutine waits on it for the notifier to end
    store::ChangeFeed::Subscription subscription;
    std::chrono::milliseconds poll;
    bool idle = false;              // IDLE in progress
    bool stop = false;              // the notifier must end
    bool pending = false;           // a change arrived while the notifier was busy
    bool notifier_running = false;  // the notifier coroutine has not ended yet
};

net::Timeouts timeouts(const Config& config) {
    return net::Timeouts{config.limits.idle_timeout, config.limits.command_timeout};
}

Handler::Handler(
    SessionConfig config,
    Services& services,
    std::shared_ptr<tls::Context> starttls,
    HandlerOptions options
)
    : config_(std::move(config))
    , services_(services)
    , starttls_(std::move(starttls))
    , options_(options) {
    config_.starttls = starttls_ != nullptr;
}

std::string Handler::busy_reply() const {
    return "* BYE Too many connections, try again later\r\n";
}

asio::awaitable<void> Handler::notify(std::shared_ptr<State> state) {
    while (!state->stop) {
        if (!state->pending) {
            state->wake.expires_after(state->poll);
            co_await state->wake.async_wait(net::kNoThrow);
            if (state->stop) {
                break;
            }
        }
        state->pending = false;
        const bool keep = co_await state->session.idle_update();
        if (!co_await state->output.flush()) {
            break;
        }
        if (!keep) {
            // The selected mailbox is gone ("* BYE" was sent): end the reading side too.
            state->connection->close();
            break;
        }
    }
    state->notifier_running = false;
    state->finished.cancel();
}

asio::awaitable<void> Handler::serve(std::shared_ptr<net::Connection> connection) {
    auto state = std::make_shared<State>(connection, config_, services_, options_.idle_poll);
    Session& session = state->session;
    net::InputBuffer& input = connection->input();
    bool switched_timeouts = false;

    // Ends IDLE on this side: no more change events, and the notifier has finished writing.
    auto stop_idle = [](std::shared_ptr<State> s) -> asio::awaitable<void> {
        if (!s->idle) {
            co_return;
        }
        s->idle = false;
        s->stop = true;
        s->subscription = {};
        s->wake.cancel();
        if (s->notifier_running) {
            s->finished.expires_at(std::chrono::steady_clock::time_point::max());
            co_await s->finished.async_wait(net::kNoThrow);
        }
    };

    session.greeting();
    for (;;) {
        for (;;) {
            Event event = state->framer.next(input);
            if (std::holds_alternative<NeedMore>(event)) {
                break;
            }
            if (state->idle) {
                co_await stop_idle(state);
            }
            Step step = co_await session.handle(std::move(event));
            if (step.literal == LiteralAnswer::Accept) {
                state->framer.accept_literal();
            } else if (step.literal == LiteralAnswer::Reject) {
                state->framer.reject_literal();
            }
            if (step.expect_line) {
                state->framer.expect_line();
            }
            if (!switched_timeouts && session.authenticated()) {
                // RFC 9051 5.4: the autologout timer of a logged-in client.
                connection->set_timeouts({config_.idle_timeout, connection->timeouts().command});
                switched_timeouts = true;
            }
            if (step.action == Action::Close) {
                co_await state->output.flush();
                co_return;
            }
            if (step.action == Action::StartTls) {
                if (!co_await state->output.flush()) {
                    co_return;
                }
                // accept_tls() drops the input buffered so far: what was pipelined behind
                // STARTTLS came in plaintext and is never executed.
                if (!co_await connection->accept_tls(*starttls_)) {
                    co_return;
                }
                state->framer = Framer(framer_limits(config_));
                session.tls_started();
                break;
            }
            if (step.action == Action::Idle) {
                if (!co_await state->output.flush()) {
                    co_return;
                }
                state->idle = true;
                state->stop = false;
                state->pending = false;
                if (auto account = session.account()) {
                    std::weak_ptr<State> weak = state;
                    auto executor = connection->executor();
                    state->subscription = services_.store.feed().subscribe(
                        *account,
                        [weak, executor](const store::MailboxChange& change) {
                            // On the writer thread: hand over to the connection's strand.
                            asio::post(executor, [weak, mailbox = change.mailbox_id] {
                                auto s = weak.lock();
                                if (s && s->idle && s->session.selected_mailbox() == mailbox) {
                                    s->pending = true;
                                    s->wake.cancel();
                                }
                            });
                        }
                    );
                }
                state->notifier_running = true;
                asio::co_spawn(connection->executor(), notify(state), asio::detached);
                continue;
            }
            if (step.flush_now || state->output.buffer().size() >= kFlushAt) {
                if (!co_await state->output.flush()) {
                    co_return;
                }
            }
        }
        if (!co_await state->output.flush()) {
            co_return;
        }
        const bool waiting = state->idle || state->framer.idle();
        if (waiting) {
            state->output.release();
        }
        if (!co_await connection->fill(waiting ? net::Wait::Idle : net::Wait::Command)) {
            co_await stop_idle(state);
            switch (connection->reason()) {
                case net::CloseReason::IdleTimeout:
                    session.goodbye(Goodbye::IdleTimeout);
                    co_await state->output.flush();
                    break;
                case net::CloseReason::Shutdown:
                    session.goodbye(Goodbye::Shutdown);
                    co_await state->output.flush();
                    break;
                default:
                    break;
            }
            log::debug(
                "imap.closed",
                {{"conn", connection->id()}, {"reason", to_string(connection->reason())}}
            );
            co_return;
        }
    }
}

}  // namespace govmail::imap
