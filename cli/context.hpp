#pragma once
// What every govmailctl command group shares.
//
// Each group (config_commands.cpp, store_commands.cpp, ...) registers its subcommands on the
// CLI11 app with an add_*_commands(app, context) function (cli/commands.hpp) and runs them from
// CLI11 callbacks through Context::run(), which turns failures into one line on standard error
// and the exit code 2:
//
//     CLI::App* check = app.add_subcommand("check", "verify the mail store");
//     check->callback([&context] {
//         context.run([&] { return run_check(context); });   // returns the exit code
//     });
//
// Exit codes: 0 success, 1 the command ran and found problems (e.g. check found faults),
// 2 the command could not run (bad configuration, unreadable store, bad arguments).

#include "core/config.hpp"
#include "store/check.hpp"

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace govmail::cli {

// A failure to report to the administrator as is (one line, no "error:" prefix added).
class CommandError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Context {
public:
    std::string config_path = "conf/govmail.toml";
    int exit_code = 0;

    // Modules that hold references to message blobs outside message records (the outbound
    // queue) add themselves here, so that `check` counts their references.
    std::vector<store::BlobReferenceSource> blob_references;

    // The configuration named by -c, loaded and validated on first use. Throws CommandError.
    const Config& config();

    // Runs a command body returning its exit code; any exception becomes a message on standard
    // error and exit code 2.
    void run(const std::function<int()>& body);

private:
    std::optional<Config> config_;
};

}  // namespace govmail::cli
