#include "daemon/smtp_service.hpp"

#include "core/log.hpp"
#include "smtp/connection.hpp"
#include "smtp/delivery/pipeline.hpp"
#include "smtp/queue/queue_db.hpp"
#include "smtp/queue/resolver.hpp"
#include "smtp/queue/runner.hpp"

namespace govmail::daemon {
namespace {

// Everything the SMTP listeners and the queue runner use, alive from start to the stop hook.
struct SmtpService {
    SmtpService(Shared& shared, net::Server& server)
        : queue(smtp::queue::QueueDb::open(shared.store->env()))
        , resolver(shared.config.dns)
        , pipeline(
              shared.config,
              *shared.store,
              *shared.directory_context,
              *shared.directory,
              queue,
              *shared.activity
          )
        , runner(
              shared.config,
              server.context(),
              *shared.store,
              queue,
              *shared.directory,
              *shared.activity,
              resolver
          ) {}

    smtp::queue::QueueDb queue;
    smtp::queue::Resolver resolver;
    smtp::Pipeline pipeline;
    smtp::queue::Runner runner;
};

}  // namespace

Result<void> start_smtp(Shared& shared, net::Server& server) {
    const Config& config = shared.config;
    std::shared_ptr<SmtpService> service;
    try {
        service = std::make_shared<SmtpService>(shared, server);
    } catch (const std::exception& e) {
        return Error{std::string("cannot open the outbound queue: ") + e.what()};
    }
    service->pipeline.on_queued([runner = &service->runner] { runner->notify(); });

    const net::Timeouts timeouts = smtp::timeouts(config);

    struct Listener {
        const char* name;
        const std::optional<ListenAddress>& address;
        smtp::Mode mode;
    };

    const Listener listeners[] = {
        {"smtp", config.listen.smtp, smtp::Mode::Mx},
        {"submission", config.listen.submission, smtp::Mode::Submission},
        {"submissions", config.listen.submissions, smtp::Mode::Submissions},
    };
    for (const Listener& listener : listeners) {
        auto handler = std::make_shared<smtp::Handler>(
            smtp::session_config(config, listener.mode, true), service->pipeline, shared.tls
        );
        auto bound = listen(
            server,
            shared,
            listener.name,
            listener.address,
            std::move(handler),
            listener.mode == smtp::Mode::Submissions,
            timeouts
        );
        if (!bound) {
            return bound.error();
        }
    }

    service->runner.start();
    // The runner takes no new work once the server shuts down; what is in flight ends with it.
    server.on_shutdown([runner = &service->runner] { runner->stop(); });
    shared.stop_hooks.emplace_back([service]() mutable {
        service->resolver.stop();
        service.reset();
    });
    return {};
}

}  // namespace govmail::daemon
