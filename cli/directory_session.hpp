#pragma once
// The directory opened for one govmailctl command: the mail store of the configuration's
// data_dir (created on first use), a password hasher with the configured Argon2id cost, and the
// directory context over them.
//
//     DirectorySession session(context);           // throws CommandError
//     auto added = session.admin.add_unit(spec);
//     DirectorySession::value(added);             // the value, or CommandError(message)

#include "cli/context.hpp"
#include "core/password.hpp"
#include "directory/admin.hpp"
#include "directory/context.hpp"
#include "store/store.hpp"

#include <memory>

namespace govmail::cli {

class DirectorySession {
public:
    explicit DirectorySession(Context& context);

    template <typename T>
    static T value(directory::DirResult<T> result) {
        if (!result) {
            throw CommandError(result.error().message);
        }
        if constexpr (!std::is_void_v<T>) {
            return std::move(*result);
        }
    }

    const Config& config;

private:
    std::unique_ptr<store::MailStore> store_;
    password::Hasher hasher_;

public:
    directory::Context directory;
    directory::Admin admin;
};

// "2GB", "500MB", "1073741824" -> bytes; CommandError when malformed.
std::uint64_t parse_quota(const std::string& text);

// The password typed or piped on standard input (one line, end of line removed).
std::string read_password_stdin();

}  // namespace govmail::cli
