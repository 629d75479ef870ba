#pragma once
// Child processes for integration tests: our binaries (govmaild, govmailctl) and real peers.
//
//     auto daemon = Process::start({bin("govmaild"), "-c", conf});
//     ...
//     daemon.signal(SIGTERM);
//     auto status = daemon.wait(std::chrono::seconds(15));   // exit code, or nullopt on timeout

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace govmail::test {

// Path of a binary built by this project (GOVMAIL_BIN_DIR, set by ctest).
std::string bin(const std::string& name);

// The repository root (GOVMAIL_SOURCE_DIR, set by ctest).
std::filesystem::path source_dir();

class Process {
public:
    // Starts `argv` with stdout and stderr captured to files (see output()). Optional stdin text.
    static Process start(const std::vector<std::string>& argv, const std::string& stdin_text = "");

    Process(Process&& other) noexcept;
    Process& operator=(Process&& other) noexcept;
    Process(const Process&) = delete;
    ~Process();  // SIGKILLs a still running child

    int pid() const { return pid_; }

    void signal(int signal);

    // The exit code (128 + signal when killed), or nullopt if still running after `timeout`.
    std::optional<int> wait(std::chrono::milliseconds timeout);

    bool running();

    std::string output() const;  // stdout so far
    std::string errors() const;  // stderr so far

    // Waits until stdout or stderr contains `text`.
    bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout);

private:
    Process() = default;

    int pid_ = -1;
    std::optional<int> status_;
    std::filesystem::path out_;
    std::filesystem::path err_;
};

// Runs a command to completion; returns exit code and captured stdout+stderr.
struct RunResult {
    int status = -1;
    std::string output;
};

RunResult run(
    const std::vector<std::string>& argv,
    const std::string& stdin_text = "",
    std::chrono::milliseconds timeout = std::chrono::seconds(60)
);

// A TCP port on 127.0.0.1 that was free a moment ago.
std::uint16_t free_port();

// A socket listening on a free 127.0.0.1 port until destroyed: a port that is in use.
class ListeningPort {
public:
    ListeningPort();
    ~ListeningPort();
    ListeningPort(const ListeningPort&) = delete;
    ListeningPort& operator=(const ListeningPort&) = delete;

    std::uint16_t port() const { return port_; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace govmail::test
