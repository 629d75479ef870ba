#pragma once
// The govmailctl command groups. Each adds its subcommands to the app; cli/main.cpp calls them
// all. A new group gets its own file and function here.

#include "cli/context.hpp"

#include <CLI/CLI.hpp>

namespace govmail::cli {

// config check
void add_config_commands(CLI::App& app, Context& context);

// backup DEST, check [--quick]
void add_store_commands(CLI::App& app, Context& context);

// queue list | retry ID... | --all | delete ID... (also makes `check` count the queue's blob
// references)
void add_queue_commands(CLI::App& app, Context& context);

}  // namespace govmail::cli
