// govmailctl demo seed: the demo province "tỉnh Sơn Hà" (directory/demo.hpp).
//
//     govmailctl -c CONF demo seed                       # units, 300 officers, demo logins
//     govmailctl -c CONF demo seed --staff 10000 --roster-csv roster.csv   # units + roster file
//
// The named demo logins get the password given with --password (default "govmail-demo");
// every other account gets a random password nobody is shown (`govmailctl user passwd` sets a
// known one).

#include "cli/demo_mail.hpp"
#include "cli/directory_commands.hpp"
#include "cli/directory_session.hpp"
#include "cli/output.hpp"
#include "cli/staff.hpp"
#include "directory/demo.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

namespace govmail::cli {
namespace {

struct DemoArgs {
    std::size_t staff = 300;
    std::uint64_t seed = 1;
    std::string roster_csv;
    std::string password = "govmail-demo";
};

int run_seed(Context& context, const DemoArgs& a) {
    directory::DemoProvince province = directory::generate_demo({.staff = a.staff, .seed = a.seed});
    DirectorySession s(context);
    if (a.password.size() < s.config.policy.password_min_length) {
        throw CommandError(
            "the demo password must have at least " +
            std::to_string(s.config.policy.password_min_length) + " characters"
        );
    }
    if (!a.roster_csv.empty()) {
        std::ofstream out(a.roster_csv, std::ios::binary | std::ios::trunc);
        out << directory::demo_roster_csv(province);
        if (!out.flush()) {
            throw CommandError("cannot write " + a.roster_csv + ": " + std::strerror(errno));
        }
    }
    ProgressBar bar;
    directory::SeedOptions options;
    options.import_staff = a.roster_csv.empty();
    options.demo_password = a.password;
    options.import.progress = [&](std::string_view phase, std::size_t done, std::size_t total) {
        bar.update(phase, done, total);
    };
    auto summary = DirectorySession::value(directory::seed_demo(s.directory, province, options));
    std::printf(
        "demo province seeded: %zu units, %zu officers, %zu lists\n",
        summary.units,
        summary.people,
        summary.groups
    );
    if (!a.roster_csv.empty()) {
        std::printf(
            "roster of %zu officers written to %s; load it with: govmailctl staff import %s\n",
            province.staff.size() + province.logins.size(),
            a.roster_csv.c_str(),
            a.roster_csv.c_str()
        );
        return 0;
    }
    std::size_t messages =
        deliver_demo_mail(s.directory, summary.logins, std::chrono::system_clock::now());
    std::printf("%zu demo messages delivered to the logins below\n", messages);
    std::printf(
        "log in (IMAP/SMTP/webmail) as any of these, password \"%s\":\n", a.password.c_str()
    );
    Table t{{"address", "name", "title", "roles"}};
    for (const auto& login : summary.logins) {
        t.rows.push_back(
            {login.address, login.full_name, login.title, directory::roles_to_string(login.roles)}
        );
    }
    print(t, Format::Table);
    return 0;
}

}  // namespace

void add_demo_commands(CLI::App& app, Context& context) {
    auto a = std::make_shared<DemoArgs>();
    CLI::App* demo = app.add_subcommand("demo", "a demo province for trying govmail");
    demo->require_subcommand(1);
    CLI::App* seed = demo->add_subcommand(
        "seed",
        "build the demo province: people's committee and office, 20 departments, 9 districts "
        "with communes, officers, lists, clerks, demo logins"
    );
    seed->add_option("--staff", a->staff, "number of officers")->capture_default_str();
    seed->add_option("--seed", a->seed, "random seed (same seed, same province)")
        ->capture_default_str();
    seed->add_option(
        "--roster-csv",
        a->roster_csv,
        "write the officers as a roster CSV instead of importing them"
    );
    seed->add_option("--password", a->password, "password of the named demo logins")
        ->capture_default_str();
    seed->callback([&context, a] { context.run([&] { return run_seed(context, *a); }); });
}

}  // namespace govmail::cli
