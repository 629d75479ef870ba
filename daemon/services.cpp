#include "daemon/services.hpp"

#include "core/log.hpp"

namespace govmail::daemon {
namespace {

class RunningServices : public Services {
public:
    void stop() override {}
};

// Listeners the configuration may name, and whether their protocol is built into this binary.
struct ListenerSlot {
    const char* name;
    const std::optional<ListenAddress>& address;
    bool built;
};

}  // namespace

Result<std::unique_ptr<Services>> start_services(const Config& config, net::Server&) {
    const ListenerSlot slots[] = {
        {"smtp", config.listen.smtp, false},
        {"submission", config.listen.submission, false},
        {"submissions", config.listen.submissions, false},
        {"imap", config.listen.imap, false},
        {"imaps", config.listen.imaps, false},
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
    return std::unique_ptr<Services>(std::make_unique<RunningServices>());
}

}  // namespace govmail::daemon
