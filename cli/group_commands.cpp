// govmailctl group ...: mailing lists, static or per unit, with a send policy.
//
//     govmailctl group add lanhdao@example.gov.vn --name "Lãnh đạo sở" --policy senders
//     govmailctl group add --unit 000.00.15.H29 --unit-list --subunits     (all.stttt@...)
//     govmailctl group member add lanhdao@example.gov.vn thanhnn.stttt@example.gov.vn

#include "cli/directory_commands.hpp"
#include "cli/directory_session.hpp"
#include "cli/output.hpp"

#include <cstdio>
#include <memory>

namespace govmail::cli {
namespace {

struct GroupArgs {
    std::string address;
    std::string name;
    std::string unit;
    std::string policy = "members";
    std::string description;
    std::vector<std::string> accounts;
    bool unit_list = false;
    bool subunits = false;
    Format format = Format::Table;
};

directory::SendPolicy parse_policy(const std::string& text) {
    auto policy = directory::parse_send_policy(text);
    if (!policy) {
        throw CommandError(
            "unknown send policy \"" + text + "\" (anyone, members, senders, unit-clerks)"
        );
    }
    return *policy;
}

Table group_table(const std::vector<directory::GroupRecord>& groups) {
    Table t{{"address", "name", "kind", "unit", "subunits", "policy", "members", "senders"}};
    for (const auto& g : groups) {
        std::string senders;
        for (const std::string& s : g.senders) {
            senders += (senders.empty() ? "" : " ") + s;
        }
        t.rows.push_back(
            {g.group.address,
             g.group.name,
             g.group.kind == directory::GroupKind::Unit ? "unit" : "static",
             g.unit_code,
             g.group.include_subunits ? "yes" : "no",
             std::string(directory::to_string(g.group.policy)),
             std::to_string(g.members.size()),
             senders}
        );
    }
    return t;
}

void membership(
    CLI::App* parent,
    Context& context,
    const std::shared_ptr<GroupArgs>& a,
    const char* name,
    const char* help,
    bool sender
) {
    CLI::App* group = parent->add_subcommand(name, help);
    group->require_subcommand(1);
    for (bool add : {true, false}) {
        CLI::App* command =
            group->add_subcommand(add ? "add" : "remove", add ? "add accounts" : "remove accounts");
        command->add_option("GROUP", a->address, "the group's address")->required();
        command->add_option("ACCOUNTS", a->accounts, "account addresses")->required();
        add_format_option(command, a->format);
        command->callback([&context, a, add, sender] {
            context.run([&] {
                DirectorySession s(context);
                for (const std::string& account : a->accounts) {
                    if (sender) {
                        DirectorySession::value(s.admin.set_group_sender(a->address, account, add));
                    } else {
                        DirectorySession::value(s.admin.set_group_member(a->address, account, add));
                    }
                }
                print(group_table({DirectorySession::value(s.admin.group(a->address))}), a->format);
                return 0;
            });
        });
    }
}

}  // namespace

void add_group_commands(CLI::App& app, Context& context) {
    auto a = std::make_shared<GroupArgs>();
    CLI::App* group = app.add_subcommand("group", "mailing lists and who may send to them");
    group->require_subcommand(1);

    CLI::App* add =
        group->add_subcommand("add", "add a static list, or a unit list with --unit-list");
    add->add_option("ADDRESS", a->address, "the list's address (unit lists: default all.<unit>@…)");
    add->add_option("--name", a->name, "display name (unit lists: default the unit's name)");
    add->add_option(
        "--unit", a->unit, "the unit (unit lists; static lists with unit-clerks policy)"
    );
    add->add_flag(
        "--unit-list", a->unit_list, "expand to the unit's staff instead of fixed members"
    );
    add->add_flag("--subunits", a->subunits, "unit lists: include the staff of sub-units");
    add->add_option("--policy", a->policy, "who may send: anyone, members, senders, unit-clerks")
        ->capture_default_str();
    add->add_option("--description", a->description, "a line about the list");
    add_format_option(add, a->format);
    add->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            std::string name = a->name;
            if (name.empty() && a->unit_list) {
                auto unit = s.admin.unit(a->unit);
                name = unit ? "Toàn thể " + unit->name : "";
            }
            auto record = DirectorySession::value(s.admin.add_group(
                {.name = name,
                 .address = a->address,
                 .kind = a->unit_list ? directory::GroupKind::Unit : directory::GroupKind::Static,
                 .unit_code = a->unit,
                 .include_subunits = a->subunits,
                 .policy = parse_policy(a->policy),
                 .description = a->description}
            ));
            print(group_table({record}), a->format);
            return 0;
        });
    });

    CLI::App* list = group->add_subcommand("list", "list every group");
    add_format_option(list, a->format);
    list->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            print(group_table(s.admin.groups()), a->format);
            return 0;
        });
    });

    CLI::App* show = group->add_subcommand("show", "the accounts a group delivers to now");
    show->add_option("ADDRESS", a->address, "the group's address")->required();
    add_format_option(show, a->format);
    show->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            auto record = DirectorySession::value(s.admin.group(a->address));
            Table t{{"member"}};
            for (const std::string& m : record.members) {
                t.rows.push_back({m});
            }
            print(t, a->format);
            return 0;
        });
    });

    CLI::App* remove =
        group->add_subcommand("remove", "remove a group (its address is never reissued)");
    remove->add_option("ADDRESS", a->address, "the group's address")->required();
    remove->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            DirectorySession::value(s.admin.remove_group(a->address));
            std::printf("removed %s\n", a->address.c_str());
            return 0;
        });
    });

    CLI::App* policy = group->add_subcommand("policy", "set who may send to the group");
    policy->add_option("ADDRESS", a->address, "the group's address")->required();
    policy->add_option("POLICY", a->policy, "anyone, members, senders, unit-clerks")->required();
    add_format_option(policy, a->format);
    policy->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            print(
                group_table({DirectorySession::value(
                    s.admin.set_group_policy(a->address, parse_policy(a->policy))
                )}),
                a->format
            );
            return 0;
        });
    });

    membership(group, context, a, "member", "static members of a list", false);
    membership(group, context, a, "sender", "named senders (policy senders)", true);
}

}  // namespace govmail::cli
