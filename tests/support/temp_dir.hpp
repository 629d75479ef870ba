#pragma once
// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.

#include <filesystem>
#include <string>

namespace govmail::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// Writes `text` to `path`, creating parent directories.
void write_file(const std::filesystem::path& path, std::string_view text);

std::string read_file(const std::filesystem::path& path);

}  // namespace govmail::test
