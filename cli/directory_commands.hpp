#pragma once
// The directory's govmailctl command groups (cli/main.cpp registers them).

#include "cli/context.hpp"

#include <CLI/CLI.hpp>

namespace govmail::cli {

// unit add|list|show|rename|set|move|remove|merge
void add_unit_commands(CLI::App& app, Context& context);

// user add|list|show|disable|enable|lock|unlock|depart|passwd|roles|quota|move|history|delete|purge
void add_user_commands(CLI::App& app, Context& context);

// alias add|remove|list
void add_alias_commands(CLI::App& app, Context& context);

// group add|list|show|remove|policy, group member add|remove, group sender add|remove
void add_group_commands(CLI::App& app, Context& context);

// staff import FILE [--dry-run] [--skip-bad] [--credentials FILE]
void add_staff_commands(CLI::App& app, Context& context);

// search QUERY... [--limit N] [--people|--units]
void add_search_commands(CLI::App& app, Context& context);

// demo seed [--staff N] [--seed S] [--roster-csv FILE] [--password PW]
void add_demo_commands(CLI::App& app, Context& context);

}  // namespace govmail::cli
