#include "cli/context.hpp"

#include "store/error.hpp"

#include <cstdio>

namespace govmail::cli {

const Config& Context::config() {
    if (!config_) {
        auto loaded = load_config(config_path);
        if (!loaded) {
            throw CommandError(loaded.error().message);
        }
        config_ = std::move(*loaded);
    }
    return *config_;
}

void Context::run(const std::function<int()>& body) {
    try {
        exit_code = body();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "govmailctl: %s\n", e.what());
        exit_code = 2;
    }
}

}  // namespace govmail::cli
