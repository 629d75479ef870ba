#include "cli/directory_session.hpp"

#include <iostream>

namespace govmail::cli {
namespace {

password::Params params_of(const Config& config) {
    return {
        .memory_kib = config.directory.argon2_memory_kib,
        .iterations = config.directory.argon2_iterations,
        .parallelism = config.directory.argon2_parallelism};
}

}  // namespace

DirectorySession::DirectorySession(Context& context)
    : config(context.config())
    , store_(store::MailStore::open(store::MailStore::options_for(config)))
    , hasher_(params_of(config), config.directory.hash_threads)
    , directory(*store_, hasher_, directory::Settings::from(config))
    , admin(directory) {}

std::uint64_t parse_quota(const std::string& text) {
    auto bytes = parse_size(text);
    if (!bytes) {
        throw CommandError("invalid size \"" + text + "\" (e.g. 2GB, 500MB)");
    }
    return *bytes;
}

std::string read_password_stdin() {
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    if (line.empty()) {
        throw CommandError("no password on standard input");
    }
    return line;
}

}  // namespace govmail::cli
