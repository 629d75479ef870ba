// govmaild: the govmail daemon. Reads the configuration, starts the configured listeners and runs
// until SIGTERM or SIGINT.

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/net/server.hpp"
#include "daemon/services.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"govmaild: the govmail mail server (SMTP, IMAP, webmail)"};
    std::string config_path = "conf/govmail.toml";
    bool check_only = false;
    app.add_option("-c,--config", config_path, "configuration file")->capture_default_str();
    app.add_flag("--check-config", check_only, "validate the configuration and exit");
    CLI11_PARSE(app, argc, argv);

    auto loaded = govmail::load_config(config_path);
    if (!loaded) {
        std::fprintf(stderr, "govmaild: %s\n", loaded.error().message.c_str());
        return 2;
    }
    const govmail::Config& config = *loaded;
    if (check_only) {
        std::printf("%s: configuration is valid\n", config_path.c_str());
        return 0;
    }
    govmail::log::init(config.log.level, config.log.format);

    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec) {
        std::fprintf(
            stderr,
            "govmaild: cannot create data_dir %s: %s\n",
            config.data_dir.c_str(),
            ec.message().c_str()
        );
        return 1;
    }

    govmail::net::Server server(config);
    auto services = govmail::daemon::start_services(config, server);
    if (!services) {
        std::fprintf(stderr, "govmaild: %s\n", services.error().message.c_str());
        return 1;
    }
    govmail::log::info(
        "started",
        {{"hostname", config.hostname},
         {"data_dir", config.data_dir.string()},
         {"config", config_path}}
    );
    server.run();
    (*services)->stop();
    govmail::log::info("stopped");
    return 0;
}
