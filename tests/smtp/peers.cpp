#include "tests/smtp/peers.hpp"

#include "smtp/connection.hpp"
#include "tests/support/echo_server_fixture.hpp"

#include <stdexcept>

namespace govmail::test {

CorePeer::CorePeer(smtp::SessionConfig config)
    : config_(std::move(config))
    , session_(
          config_,
          services_,
          smtp::Client{
              .connection = 1,
              .address = "192.0.2.10",
              .tls = config_.mode == smtp::Mode::Submissions ? std::string(kCoreTls) : "",
          }
      )
    , framer_(config_.max_line_length) {
    output(session_.greeting());
}

void CorePeer::send(std::string_view bytes) {
    if (closed_) {
        return;
    }
    auto space = input_.prepare(bytes.size());
    std::copy(bytes.begin(), bytes.end(), space.begin());
    input_.commit(bytes.size());
    net::asio::co_spawn(io_, pump(), [](std::exception_ptr error) {
        if (error) {
            std::rethrow_exception(error);
        }
    });
    io_.run();
    io_.restart();
}

std::optional<std::string> CorePeer::read_line() {
    if (lines_.empty()) {
        return std::nullopt;
    }
    std::string line = std::move(lines_.front());
    lines_.pop_front();
    return line;
}

net::asio::awaitable<void> CorePeer::pump() {
    while (auto event = framer_.next(input_)) {
        smtp::Step step = co_await session_.handle(*event);
        for (const smtp::Reply& reply : step.replies) {
            output(reply);
        }
        framer_.expect(step.next);
        if (step.action == smtp::Action::Close) {
            closed_ = true;
            input_.clear();
            co_return;
        }
        if (step.action == smtp::Action::StartTls) {
            // What Connection::accept_tls() does: the rest of the input is dropped.
            input_.clear();
            framer_.reset();
            session_.tls_started(std::string(kCoreTls));
            tls_started_ = true;
            co_return;
        }
    }
}

void CorePeer::output(const smtp::Reply& reply) {
    std::string wire = reply.wire();
    std::size_t start = 0;
    while (start < wire.size()) {
        std::size_t end = wire.find("\r\n", start);
        lines_.push_back(wire.substr(start, end - start));
        start = end + 2;
    }
}

LoopbackPeer::LoopbackPeer(smtp::SessionConfig session, const std::function<void(Config&)>& adjust)
    : config_(test_config(dir_.path())) {
    config_.hostname = session.hostname;
    if (adjust) {
        adjust(config_);
    }
    auto tls = tls::make_server_context(config_);
    if (!tls) {
        throw std::runtime_error(tls.error().message);
    }
    const bool implicit = session.mode == smtp::Mode::Submissions;
    std::shared_ptr<tls::Context> starttls = session.starttls ? *tls : nullptr;
    server_ = std::make_unique<net::Server>(config_);
    auto bound = server_->listen({
        .name = "smtp-test",
        .address = ListenAddress{"127.0.0.1", 0},
        .handler = std::make_shared<smtp::Handler>(session, services_, starttls),
        .implicit_tls = implicit ? *tls : nullptr,
        .timeouts = smtp::timeouts(config_),
    });
    if (!bound) {
        throw std::runtime_error(bound.error().message);
    }
    port_ = bound->port();
    server_->start();
    if (!client_.connect(port_) || (implicit && !client_.start_tls())) {
        throw std::runtime_error("cannot connect to the test server");
    }
}

LoopbackPeer::~LoopbackPeer() {
    client_.close();
    server_->shutdown();
    server_->wait();
}

}  // namespace govmail::test
