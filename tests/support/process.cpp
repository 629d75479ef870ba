#include "tests/support/process.hpp"

#include "tests/support/temp_dir.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <cstdlib>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace govmail::test {
namespace {

std::atomic<int> g_sequence{0};

std::filesystem::path scratch_file(const std::string& kind) {
    const char* base = std::getenv("TMPDIR");
    return std::filesystem::path(base != nullptr ? base : "/tmp") /
           ("govmail-proc-" + std::to_string(::getpid()) + "-" + std::to_string(g_sequence++) +
            "." + kind);
}

}  // namespace

std::string bin(const std::string& name) {
    const char* dir = std::getenv("GOVMAIL_BIN_DIR");
    return std::string(dir != nullptr ? dir : "build/bin") + "/" + name;
}

std::filesystem::path source_dir() {
    const char* dir = std::getenv("GOVMAIL_SOURCE_DIR");
    return dir != nullptr ? std::filesystem::path(dir) : std::filesystem::current_path();
}

Process Process::start(const std::vector<std::string>& argv, const std::string& stdin_text) {
    Process process;
    process.out_ = scratch_file("out");
    process.err_ = scratch_file("err");
    auto in_path = scratch_file("in");
    write_file(in_path, stdin_text);
    int in = ::open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
    std::filesystem::remove(in_path);  // the open descriptor keeps the text for the child
    int pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        int out = ::open(process.out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = ::open(process.err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
        std::vector<char*> args;
        for (const auto& arg : argv) {
            args.push_back(const_cast<char*>(arg.c_str()));
        }
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(in);
    process.pid_ = pid;
    return process;
}

Process::Process(Process&& other) noexcept
    : pid_(other.pid_)
    , status_(other.status_)
    , out_(std::move(other.out_))
    , err_(std::move(other.err_)) {
    other.pid_ = -1;
}

Process& Process::operator=(Process&& other) noexcept {
    if (this != &other) {
        this->~Process();
        new (this) Process(std::move(other));
    }
    return *this;
}

Process::~Process() {
    if (pid_ > 0 && !status_) {
        ::kill(pid_, SIGKILL);
        int raw = 0;
        ::waitpid(pid_, &raw, 0);
    }
    std::error_code ec;
    if (!out_.empty()) {
        std::filesystem::remove(out_, ec);
        std::filesystem::remove(err_, ec);
    }
}

void Process::signal(int signal) {
    if (pid_ > 0 && !status_) {
        ::kill(pid_, signal);
    }
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!status_) {
        int raw = 0;
        int done = ::waitpid(pid_, &raw, WNOHANG);
        if (done == pid_) {
            status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return status_;
}

bool Process::running() {
    return !wait(std::chrono::milliseconds(0)).has_value();
}

std::string Process::output() const {
    return read_file(out_);
}

std::string Process::errors() const {
    return read_file(err_);
}

bool Process::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (output().find(text) != std::string::npos || errors().find(text) != std::string::npos) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline || !running()) {
            return output().find(text) != std::string::npos ||
                   errors().find(text) != std::string::npos;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

RunResult run(
    const std::vector<std::string>& argv,
    const std::string& stdin_text,
    std::chrono::milliseconds timeout
) {
    Process process = Process::start(argv, stdin_text);
    auto status = process.wait(timeout);
    RunResult result;
    result.status = status.value_or(-1);
    result.output = process.output() + process.errors();
    return result;
}

std::uint16_t free_port() {
    return ListeningPort().port();
}

ListeningPort::ListeningPort()
    : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd_, 1) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error("cannot listen on a free loopback port");
    }
    port_ = ntohs(address.sin_port);
}

ListeningPort::~ListeningPort() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

}  // namespace govmail::test
