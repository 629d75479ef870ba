// govmailctl staff import FILE.csv: load the HR roster (directory/roster.hpp).
//
//     govmailctl -c CONF staff import roster.csv --dry-run        # what would change
//     govmailctl -c CONF staff import roster.csv --credentials new-accounts.csv
//
// Exit codes: 0 applied (or a clean dry run), 1 bad rows reported and nothing applied, 2 could
// not run. Initial passwords of new accounts go to the credentials CSV, created with mode 0600
// before anything is imported (so a failure to create it changes nothing).

#include "cli/directory_commands.hpp"
#include "cli/directory_session.hpp"
#include "cli/output.hpp"
#include "cli/staff.hpp"
#include "directory/roster.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace govmail::cli {

CredentialsFile::CredentialsFile(const std::string& path)
    : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0) {
        throw CommandError("cannot create " + path + ": " + std::strerror(errno));
    }
    ::fchmod(fd_, 0600);  // whatever the umask
}

CredentialsFile::~CredentialsFile() {
    if (fd_ >= 0) {
        ::close(fd_);
        if (!written_) {
            ::unlink(path_.c_str());  // nothing was imported: leave no empty file behind
        }
    }
}

void CredentialsFile::write(const std::vector<directory::Credential>& credentials) {
    std::string text = "address,password,full_name,unit_code\r\n";
    for (const auto& c : credentials) {
        text += csv_field(c.address) + "," + csv_field(c.password) + "," + csv_field(c.full_name) +
                "," + csv_field(c.unit_code) + "\r\n";
    }
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw CommandError("cannot write " + path_ + ": " + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd_) != 0) {
        throw CommandError("cannot write " + path_ + ": " + std::strerror(errno));
    }
    written_ = true;
}

ProgressBar::ProgressBar()
    : enabled_(::isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
    if (enabled_ && drawn_) {
        std::fputc('\n', stderr);
    }
}

void ProgressBar::update(std::string_view phase, std::size_t done, std::size_t total) {
    if (!enabled_) {
        return;
    }
    if (phase != phase_ && drawn_) {
        std::fputc('\n', stderr);
    }
    phase_ = std::string(phase);
    constexpr int kWidth = 40;
    int filled = total == 0 ? kWidth : static_cast<int>(kWidth * done / total);
    std::fprintf(
        stderr,
        "\r%-9s [%s%s] %zu/%zu",
        phase_.c_str(),
        std::string(static_cast<std::size_t>(filled), '#').c_str(),
        std::string(static_cast<std::size_t>(kWidth - filled), ' ').c_str(),
        done,
        total
    );
    std::fflush(stderr);
    drawn_ = true;
}

namespace {

struct StaffArgs {
    std::string file;
    std::string credentials;
    bool dry_run = false;
    bool skip_bad = false;
};

const char* kind_name(directory::ChangeKind kind) {
    switch (kind) {
        case directory::ChangeKind::Add:
            return "add";
        case directory::ChangeKind::Update:
            return "update";
        case directory::ChangeKind::Unchanged:
            return "unchanged";
    }
    return "";
}

int run_import(Context& context, const StaffArgs& a) {
    std::ifstream in(a.file, std::ios::binary);
    if (!in) {
        throw CommandError("cannot read " + a.file + ": " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    DirectorySession s(context);
    std::unique_ptr<CredentialsFile> credentials;
    if (!a.dry_run) {
        std::string path = a.credentials;
        if (path.empty()) {
            path = a.file + ".credentials.csv";
        }
        credentials = std::make_unique<CredentialsFile>(path);
    }
    ProgressBar bar;
    auto start = std::chrono::steady_clock::now();
    auto report = DirectorySession::value(directory::import_roster(
        s.directory,
        text.str(),
        {.dry_run = a.dry_run,
         .skip_bad = a.skip_bad,
         .progress = [&](std::string_view phase, std::size_t done, std::size_t total
                     ) { bar.update(phase, done, total); }}
    ));
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& p : report.problems) {
        std::fprintf(stderr, "%s:%zu: %s\n", a.file.c_str(), p.line, p.reason.c_str());
    }
    if (a.dry_run) {
        for (const auto& c : report.changes) {
            if (c.kind == directory::ChangeKind::Unchanged) {
                continue;
            }
            std::printf(
                "line %zu: %s %s (%s) %s\n",
                c.line,
                kind_name(c.kind),
                c.full_name.c_str(),
                c.unit_code.c_str(),
                c.address.c_str()
            );
            for (const std::string& d : c.details) {
                std::printf("    %s\n", d.c_str());
            }
        }
    }
    if (credentials && report.applied && !report.credentials.empty()) {
        credentials->write(report.credentials);
        std::printf("initial passwords: %s (mode 0600)\n", credentials->path().c_str());
    }
    std::printf(
        "%s: %zu to add, %zu to update, %zu unchanged, %zu bad rows; %s (%.1f s)\n",
        a.file.c_str(),
        report.added,
        report.updated,
        report.unchanged,
        report.problems.size(),
        report.applied ? "applied" : (a.dry_run ? "dry run, nothing applied" : "nothing applied"),
        seconds
    );
    if (!report.problems.empty() && !report.applied) {
        return 1;
    }
    return 0;
}

}  // namespace

void add_staff_commands(CLI::App& app, Context& context) {
    auto a = std::make_shared<StaffArgs>();
    CLI::App* staff = app.add_subcommand("staff", "the HR roster");
    staff->require_subcommand(1);
    CLI::App* import = staff->add_subcommand(
        "import",
        "import a roster CSV (columns full_name, unit_code, title, phone, email, employee_id); "
        "re-importing updates, never duplicates"
    );
    import->add_option("FILE", a->file, "the roster, UTF-8 CSV with a header row")->required();
    import->add_flag("--dry-run", a->dry_run, "print the changes, apply nothing");
    import->add_flag("--skip-bad", a->skip_bad, "apply the good rows even if some are bad");
    import->add_option(
        "--credentials",
        a->credentials,
        "where to write new accounts' initial passwords "
        "(default FILE.credentials.csv; must not exist)"
    );
    import->callback([&context, a] { context.run([&] { return run_import(context, *a);
});
}  // namespace govmail::cli
);
}

}  // namespace govmail::cli
