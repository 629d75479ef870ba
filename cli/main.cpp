// govmailctl: the administrator's command line. It opens the same data directory as govmaild
// (LMDB is safe across processes), so it works whether the daemon runs or not.

#include "cli/commands.hpp"
#include "cli/directory_commands.hpp"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
    CLI::App app{"govmailctl: administer a govmail server"};
    app.require_subcommand(1);
    govmail::cli::Context context;
    app.add_option("-c,--config", context.config_path, "configuration file")->capture_default_str();

    govmail::cli::add_config_commands(app, context);
    govmail::cli::add_store_commands(app, context);
    govmail::cli::add_queue_commands(app, context);
    govmail::cli::add_unit_commands(app, context);
    govmail::cli::add_user_commands(app, context);
    govmail::cli::add_alias_commands(app, context);
    govmail::cli::add_group_commands(app, context);
    govmail::cli::add_staff_commands(app, context);
    govmail::cli::add_search_commands(app, context);
    govmail::cli::add_demo_commands(app, context);

    CLI11_PARSE(app, argc, argv);
    return context.exit_code;
}
