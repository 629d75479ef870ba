#pragma once
// Pieces of `staff import` that `demo seed` shares: the credentials file and the progress bar.

#include "directory/roster.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace govmail::cli {

// A CSV of initial passwords, created exclusively (never overwriting) with mode 0600 when
// constructed, removed again if nothing was written. Throws CommandError.
class CredentialsFile {
public:
    explicit CredentialsFile(const std::string& path);
    ~CredentialsFile();
    CredentialsFile(const CredentialsFile&) = delete;
    CredentialsFile& operator=(const CredentialsFile&) = delete;

    // address,password,full_name,unit_code rows; synced to disk.
    void write(const std::vector<directory::Credential>& credentials);

    const std::string& path() const { return path_; }

private:
    std::string path_;
    int fd_ = -1;
    bool written_ = false;
};

// "hashing  [########        ] 2048/10004" on standard error when it is a terminal; silent
// otherwise (scripts, CI logs).
class ProgressBar {
public:
    ProgressBar();
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    void update(std::string_view phase, std::size_t done, std::size_t total);

private:
    bool enabled_;
    bool drawn_ = false;
    std::string phase_;
};

}  // namespace govmail::cli
