#include "daemon/services.hpp"

#include "core/log.hpp"
#include "daemon/imap_service.hpp"
#include "daemon/shared.hpp"
#include "daemon/smtp_service.hpp"

#include <thread>

namespace govmail::daemon {

Shared::Shared(const Config& config)
    : config(config) {
    auto context = tls::make_server_context(config);
    if (!context) {
        throw std::runtime_error(context.error().message);
    }
    tls = *context;
    store = store::MailStore::open(store::MailStore::options_for(config));
    // Logins hash Argon2id on these threads, never on the io threads.
    unsigned hash_threads = std::max(2U, std::thread::hardware_concurrency());
    hasher = std::make_unique<password::Hasher>(
        password::Params{
            config.directory.argon2_memory_kib,
            config.directory.argon2_iterations,
            config.directory.argon2_parallelism},
        hash_threads
    );
    directory_context =
        std::make_unique<directory::Context>(*store, *hasher, directory::Settings::from(config));
    directory = std::make_unique<directory::Directory>(*directory_context);
}

Shared::~Shared() = default;

Result<void> listen(
    net::Server& server,
    const Shared& shared,
    const char* name,
    const std::optional<ListenAddress>& address,
    std::shared_ptr<net::ConnectionHandler> handler,
    bool implicit_tls,
    net::Timeouts timeouts
) {
    if (!address) {
        return {};
    }
    auto bound = server.listen({
        .name = name,
        .address = *address,
        .handler = std::move(handler),
        .implicit_tls = implicit_tls ? shared.tls : nullptr,
        .timeouts = timeouts,
    });
    if (!bound) {
        return bound.error();
    }
    return {};
}

namespace {

class RunningServices : public Services {
public:
    explicit RunningServices(std::unique_ptr<Shared> shared)
        : shared_(std::move(shared)) {}

    void stop() override {
        for (auto hook = shared_->stop_hooks.rbegin(); hook != shared_->stop_hooks.rend(); ++hook) {
            (*hook)();
        }
        shared_->stop_hooks.clear();
    }

    ~RunningServices() override { stop(); }

private:
    std::unique_ptr<Shared> shared_;
};

// Listeners the configuration may name, and whether their protocol is built into this binary.
struct ListenerSlot {
    const char* name;
    const std::optional<ListenAddress>& address;
    bool built;
};

void log_skipped_listeners(const Config& config) {
    const ListenerSlot slots[] = {
        {"smtp", config.listen.smtp, true},
        {"submission", config.listen.submission, true},
        {"submissions", config.listen.submissions, true},
        {"imap", config.listen.imap, true},
        {"imaps", config.listen.imaps, true},
        {"http", config.listen.http, false},
        {"https", config.listen.https, false},
    };
    for (const ListenerSlot& slot : slots) {
        if (slot.address && !slot.built) {
            log::info(
                "listener.skipped",
                {{"service", slot.name},
                 {"address", slot.address->to_string()},
                 {"reason", "protocol not built yet"}}
            );
        }
    }
}

}  // namespace

Result<std::unique_ptr<Services>> start_services(const Config& config, net::Server& server) {
    std::unique_ptr<Shared> shared;
    try {
        shared = std::make_unique<Shared>(config);
    } catch (const store::StoreException& e) {
        return Error{
            "cannot open the mail store in " + (config.data_dir / "store").string() + ": " +
            e.what()};
    } catch (const std::exception& e) {
        return Error{e.what()};
    }
    if (auto smtp = start_smtp(*shared, server); !smtp) {
        return smtp.error();
    }
    if (auto imap = start_imap(*shared, server); !imap) {
        return imap.error();
    }
    log_skipped_listeners(config);
    return std::unique_ptr<Services>(std::make_unique<RunningServices>(std::move(shared)));
}

}  // namespace govmail::daemon
