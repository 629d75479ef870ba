// govmailctl: the administrator's command line. It opens the same data directory as govmaild
// (LMDB is safe across processes), so it works whether the daemon runs or not.

#include "core/config.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

int main(int argc, char** argv) {
    CLI::App app{"govmailctl: administer a govmail server"};
    app.require_subcommand(1);
    std::string config_path = "conf/govmail.toml";
    app.add_option("-c,--config", config_path, "configuration file")->capture_default_str();

    CLI::App* config_cmd = app.add_subcommand("config", "configuration file tools");
    config_cmd->require_subcommand(1);
    CLI::App* check = config_cmd->add_subcommand("check", "validate the configuration file");

    CLI11_PARSE(app, argc, argv);

    auto loaded = govmail::load_config(config_path);
    if (!loaded) {
        std::fprintf(stderr, "govmailctl: %s\n", loaded.error().message.c_str());
        return 2;
    }
    if (check->parsed()) {
        std::printf("%s: configuration is valid\n", config_path.c_str());
    }
    return 0;
}
