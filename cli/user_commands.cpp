// govmailctl user ... and alias ...: accounts of officers.
//
//     govmailctl -c CONF user add ADDRESS --name NAME --unit CODE [--title TITLE] --password-stdin
//     govmailctl -c CONF user add --name NAME --unit CODE          (generates and prints the
//     address) govmailctl -c CONF user list [--unit CODE] --format json govmailctl -c CONF user
//     disable|enable|passwd ADDRESS

#include "cli/directory_commands.hpp"
#include "cli/directory_session.hpp"
#include "cli/output.hpp"

#include <cstdio>
#include <ctime>
#include <memory>

namespace govmail::cli {
namespace {

using directory::UserRecord;

std::string date_of(directory::Time t) {
    if (t == 0) {
        return "";
    }
    std::time_t seconds = t;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
    return text;
}

std::string gigabytes(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / (1ULL << 30));
    return text;
}

std::string state_of(const UserRecord& r) {
    if (!r.account) {
        return "no account";
    }
    std::string state(directory::to_string(r.account->state));
    if (r.account->state == directory::AccountState::Locked) {
        state += " (" + std::string(directory::to_string(r.account->lock_reason)) + ")";
    }
    return state;
}

Table user_table(
    const std::vector<UserRecord>& records,
    bool with_password = false,
    const std::string& password = ""
) {
    Table t{{"address", "name", "title", "unit", "state", "roles", "quota", "employee_id"}};
    if (with_password) {
        t.columns.push_back("password");
    }
    for (const UserRecord& r : records) {
        std::vector<std::string> row{
            r.account ? r.account->address : "",
            r.person.name.full,
            r.person.title,
            r.unit.code,
            state_of(r),
            r.account ? directory::roles_to_string(r.account->roles) : "",
            r.account ? gigabytes(r.account->quota) : "",
            r.person.employee_id};
        if (with_password) {
            row.push_back(password);
        }
        t.rows.push_back(std::move(row));
    }
    return t;
}

struct UserArgs {
    std::string address;
    std::string name;
    std::string unit;
    std::string title;
    std::string phone;
    std::string employee_id;
    std::string domain;
    std::string roles;
    std::string quota;
    std::string alias;
    bool password_stdin = false;
    bool keep = false;
    bool recursive = false;
    Format format = Format::Table;
};

// The password to set: from standard input, or a random one that is printed.
std::pair<std::string, bool> password_for(const UserArgs& a) {
    if (a.password_stdin) {
        return {read_password_stdin(), false};
    }
    return {password::random_password(), true};
}

void simple(
    CLI::App* parent,
    Context& context,
    const std::shared_ptr<UserArgs>& a,
    const char* name,
    const char* help,
    std::function<void(DirectorySession&, const UserArgs&)> action
) {
    CLI::App* command = parent->add_subcommand(name, help);
    command->add_option("ADDRESS", a->address, "the account's address or alias")->required();
    add_format_option(command, a->format);
    command->callback([&context, a, action] {
        context.run([&] {
            DirectorySession s(context);
            action(s, *a);
            print(user_table({DirectorySession::value(s.admin.user(a->address))}), a->format);
            return 0;
        });
    });
}

}  // namespace

void add_user_commands(CLI::App& app, Context& context) {
    auto a = std::make_shared<UserArgs>();
    CLI::App* user = app.add_subcommand("user", "officers' accounts");
    user->require_subcommand(1);

    CLI::App* add = user->add_subcommand(
        "add", "add an officer with an account (the address is generated when not given)"
    );
    add->add_option("ADDRESS", a->address, "the address; omit to generate one from the name");
    add->add_option("--name", a->name, "full name, family name first")->required();
    add->add_option("--unit", a->unit, "unit code")->required();
    add->add_option("--title", a->title, "title, e.g. \"Chuyên viên\"");
    add->add_option("--phone", a->phone, "phone number");
    add->add_option("--employee-id", a->employee_id, "HR roster identifier");
    add->add_option("--domain", a->domain, "domain of a generated address (default: the first)");
    add->add_option("--roles", a->roles, "user, unit-clerk, unit-admin, global-admin (comma list)");
    add->add_option("--quota", a->quota, "mailbox quota, e.g. 2GB (default: policy.default_quota)");
    add->add_flag(
        "--password-stdin",
        a->password_stdin,
        "read the password from standard input "
        "(default: a random one, printed)"
    );
    add_format_option(add, a->format);
    add->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            directory::NewUser spec;
            spec.full_name = a->name;
            spec.unit_code = a->unit;
            spec.title = a->title;
            spec.phone = a->phone;
            spec.employee_id = a->employee_id;
            spec.address = a->address;
            spec.domain = a->domain;
            if (!a->roles.empty()) {
                auto roles = directory::parse_roles(a->roles);
                if (!roles) {
                    throw CommandError("unknown role in \"" + a->roles + "\"");
                }
                spec.roles = *roles;
            }
            if (!a->quota.empty()) {
                spec.quota = parse_quota(a->quota);
            }
            auto [password, generated] = password_for(*a);
            spec.password = password;
            UserRecord r = DirectorySession::value(s.admin.add_user(spec));
            print(user_table({r}, generated, password), a->format);
            return 0;
        });
    });

    CLI::App* list = user->add_subcommand("list", "list officers, by unit in tree order");
    list->add_option("--unit", a->unit, "only this unit");
    list->add_flag("--recursive", a->recursive, "with --unit: include its sub-units");
    add_format_option(list, a->format);
    list->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            if (!a->unit.empty() && !s.admin.unit(a->unit)) {
                throw CommandError("no unit with code " + a->unit);
            }
            print(user_table(s.admin.list_users(a->unit, a->recursive)), a->format);
            return 0;
        });
    });

    simple(user, context, a, "show", "show one account", [](DirectorySession&, const UserArgs&) {});
    simple(
        user,
        context,
        a,
        "disable",
        "refuse logins (mail still arrives)",
        [](DirectorySession& s, const UserArgs& x) {
            DirectorySession::value(s.admin.set_state(x.address, directory::AccountState::Disabled)
            );
        }
    );
    simple(
        user,
        context,
        a,
        "enable",
        "allow logins again (also unlocks)",
        [](DirectorySession& s, const UserArgs& x) {
            DirectorySession::value(s.admin.set_state(x.address, directory::AccountState::Active));
        }
    );
    simple(
        user,
        context,
        a,
        "lock",
        "lock the account (mail still arrives)",
        [](DirectorySession& s, const UserArgs& x) {
            DirectorySession::value(s.admin.set_state(x.address, directory::AccountState::Locked));
        }
    );
    simple(
        user,
        context,
        a,
        "unlock",
        "unlock and clear the failed-login counter",
        [](DirectorySession& s, const UserArgs& x) {
            DirectorySession::value(s.admin.unlock(x.address));
        }
    );
    simple(
        user,
        context,
        a,
        "depart",
        "the officer left: lock now, delete after policy.purge_departed_after",
        [](DirectorySession& s, const UserArgs& x) {
            DirectorySession::value(s.admin.depart(x.address));
        }
    );

    CLI::App* passwd = user->add_subcommand(
        "passwd", "set a new password (to be changed at the next login unless --keep)"
    );
    passwd->add_option("ADDRESS", a->address, "the account's address")->required();
    passwd->add_flag(
        "--password-stdin",
        a->password_stdin,
        "read it from standard input (default: random, printed)"
    );
    passwd->add_flag("--keep", a->keep, "the user need not change it");
    add_format_option(passwd, a->format);
    passwd->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            auto [password, generated] = password_for(*a);
            DirectorySession::value(s.admin.set_password(a->address, password, !a->keep));
            print(
                user_table(
                    {DirectorySession::value(s.admin.user(a->address))}, generated, password
                ),
                a->format
            );
            return 0;
        });
    });

    CLI::App* roles =
        user->add_subcommand("roles", "set roles: user, unit-clerk, unit-admin, global-admin");
    roles->add_option("ADDRESS", a->address, "the account's address")->required();
    roles->add_option("ROLES", a->roles, "comma list, e.g. user,unit-clerk")->required();
    add_format_option(roles, a->format);
    roles->callback([&context, a] {
        context.run([&] {
            auto parsed = directory::parse_roles(a->roles);
            if (!parsed) {
                throw CommandError("unknown role in \"" + a->roles + "\"");
            }
            DirectorySession s(context);
            DirectorySession::value(s.admin.set_roles(a->address, *parsed));
            print(user_table({DirectorySession::value(s.admin.user(a->address))}), a->format);
            return 0;
        });
    });

    CLI::App* quota = user->add_subcommand("quota", "set the mailbox quota");
    quota->add_option("ADDRESS", a->address, "the account's address")->required();
    quota->add_option("SIZE", a->quota, "e.g. 5GB")->required();
    add_format_option(quota, a->format);
    quota->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            DirectorySession::value(s.admin.set_quota(a->address, parse_quota(a->quota)));
            print(user_table({DirectorySession::value(s.admin.user(a->address))}), a->format);
            return 0;
        });
    });

    CLI::App* move = user->add_subcommand("move", "move an officer to another unit (history kept)");
    move->add_option("ADDRESS", a->address, "the account's address")->required();
    move->add_option("--unit", a->unit, "the new unit's code")->required();
    add_format_option(move, a->format);
    move->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            print(
                user_table({DirectorySession::value(s.admin.move_user(a->address, a->unit))}),
                a->format
            );
            return 0;
        });
    });

    CLI::App* history =
        user->add_subcommand("history", "which units the account belonged to, when");
    history->add_option("ADDRESS", a->address, "the account's address")->required();
    add_format_option(history, a->format);
    history->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            DirectorySession::value(s.admin.user(a->address));
            Table t{{"unit", "from", "to"}};
            for (const auto& m : s.admin.history(a->address)) {
                auto unit = s.directory.read([&](const directory::View& v) {
                    return v.unit(v.merged_into(m.unit));
                });
                t.rows.push_back(
                    {unit ? unit->code : std::to_string(m.unit), date_of(m.from), date_of(m.to)}
                );
            }
            print(t, a->format);
            return 0;
        });
    });

    CLI::App* remove = user->add_subcommand(
        "delete", "delete an account now, with its mail (the address is never reissued)"
    );
    remove->add_option("ADDRESS", a->address, "the account's address")->required();
    remove->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            DirectorySession::value(s.admin.delete_user(a->address));
            std::printf("deleted %s\n", a->address.c_str());
            return 0;
        });
    });

    CLI::App* purge = user->add_subcommand(
        "purge", "delete accounts departed longer than policy.purge_departed_after, with their mail"
    );
    purge->callback([&context] {
        context.run([&] {
            DirectorySession s(context);
            auto purged = DirectorySession::value(s.admin.purge_departed());
            for (const std::string& address : purged) {
                std::printf("purged %s\n", address.c_str());
            }
            std::printf("%zu accounts purged\n", purged.size());
            return 0;
        });
    });
}

void add_alias_commands(CLI::App& app, Context& context) {
    auto a = std::make_shared<UserArgs>();
    CLI::App* alias = app.add_subcommand("alias", "extra addresses of an account");
    alias->require_subcommand(1);
    CLI::App* add = alias->add_subcommand("add", "give ADDRESS's account the address ALIAS");
    add->add_option("ADDRESS", a->address, "the account")->required();
    add->add_option("ALIAS", a->alias, "the new address")->required();
    add->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            auto account = DirectorySession::value(s.admin.add_alias(a->address, a->alias));
            std::printf("%s -> %s\n", a->alias.c_str(), account.address.c_str());
            return 0;
        });
    });
    CLI::App* remove = alias->add_subcommand("remove", "remove an alias (it is never reissued)");
    remove->add_option("ALIAS", a->alias, "the alias")->required();
    remove->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            DirectorySession::value(s.admin.remove_alias(a->alias));
            std::printf("removed %s\n", a->alias.c_str());
            return 0;
        });
    });
    CLI::App* list = alias->add_subcommand("list", "the aliases of an account");
    list->add_option("ADDRESS", a->address, "the account")->required();
    add_format_option(list, a->format);
    list->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            UserRecord r = DirectorySession::value(s.admin.user(a->address));
            Table t{{"alias", "account"}};
            for (const std::string& alias_address : r.aliases) {
                t.rows.push_back({alias_address, r.account->address});
            }
            print(t, a->format);
            return 0;
        });
    });
}

}  // namespace govmail::cli
