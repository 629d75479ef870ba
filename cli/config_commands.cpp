#include "cli/commands.hpp"

#include <cstdio>

namespace govmail::cli {

void add_config_commands(CLI::App& app, Context& context) {
    CLI::App* config = app.add_subcommand("config", "configuration file tools");
    config->require_subcommand(1);
    CLI::App* check = config->add_subcommand("check", "validate the configuration file");
    check->callback([&context] {
        context.run([&] {
            context.config();
            std::printf("%s: configuration is valid\n", context.config_path.c_str());
            return 0;
        });
    });
}

}  // namespace govmail::cli
