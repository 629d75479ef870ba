// govmailctl unit add|list|show|rename|set|move|remove|merge: the organisation tree.
//
//     govmailctl -c CONF unit add CODE --name NAME [--short SHORT] [--parent CODE] [--kind KIND]
//     govmailctl -c CONF unit merge FROM INTO

#include "cli/directory_commands.hpp"
#include "cli/directory_session.hpp"
#include "cli/output.hpp"

#include <cstdio>
#include <memory>

namespace govmail::cli {
namespace {

using directory::Unit;

directory::UnitKind parse_kind(const std::string& text) {
    auto kind = directory::parse_unit_kind(text);
    if (!kind) {
        throw CommandError(
            "unknown unit kind \"" + text +
            "\" (ministry, province, department, district, commune, division, other)"
        );
    }
    return *kind;
}

Table unit_table(DirectorySession& s, const std::vector<Unit>& units) {
    Table t{{"code", "short", "name", "kind", "parent", "address", "people"}};
    for (const Unit& u : units) {
        auto parent = s.directory.read([&](const directory::View& v) { return v.unit(u.parent); });
        std::size_t people =
            s.directory.read([&](const directory::View& v) { return v.people_in(u.id).size(); });
        t.rows.push_back(
            {u.code,
             u.short_code,
             u.name,
             std::string(directory::to_string(u.kind)),
             parent ? parent->code : "",
             u.address,
             std::to_string(people)}
        );
    }
    return t;
}

struct UnitArgs {
    std::string code;
    std::string name;
    std::string short_code;
    std::string parent;
    std::string kind = "other";
    std::string head;
    std::string into;
    std::int32_t order = 0;
    bool recursive = false;
    bool root = false;
    Format format = Format::Table;
};

}  // namespace

void add_unit_commands(CLI::App& app, Context& context) {
    auto a = std::make_shared<UnitArgs>();
    CLI::App* unit = app.add_subcommand("unit", "units of the organisation tree");
    unit->require_subcommand(1);

    CLI::App* add = unit->add_subcommand("add", "add a unit");
    add->add_option("CODE", a->code, "official electronic identifier code (unique)")->required();
    add->add_option("--name", a->name, "full name, e.g. \"Sở Thông tin và Truyền thông\"")
        ->required();
    add->add_option("--short", a->short_code, "short code used in addresses (default: initials)");
    add->add_option("--parent", a->parent, "code of the parent unit (default: a root)");
    add->add_option(
           "--kind", a->kind, "ministry, province, department, district, commune, division, other"
    )
        ->capture_default_str();
    add->add_option("--order", a->order, "display order among its siblings");
    add_format_option(add, a->format);
    add->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            Unit u = DirectorySession::value(s.admin.add_unit(
                {a->code, a->name, a->short_code, a->parent, parse_kind(a->kind), a->order}
            ));
            print(unit_table(s, {u}), a->format);
            return 0;
        });
    });

    CLI::App* list = unit->add_subcommand("list", "list every unit, in tree order");
    add_format_option(list, a->format);
    list->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            print(unit_table(s, s.admin.units()), a->format);
            return 0;
        });
    });

    CLI::App* show = unit->add_subcommand("show", "show one unit");
    show->add_option("CODE", a->code, "unit code")->required();
    add_format_option(show, a->format);
    show->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            auto u = s.admin.unit(a->code);
            if (!u) {
                throw CommandError("no unit with code " + a->code);
            }
            print(unit_table(s, {*u}), a->format);
            return 0;
        });
    });

    CLI::App* rename = unit->add_subcommand("rename", "rename a unit (its address stays)");
    rename->add_option("CODE", a->code, "unit code")->required();
    rename->add_option("--name", a->name, "the new name")->required();
    add_format_option(rename, a->format);
    rename->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            Unit u = DirectorySession::value(s.admin.update_unit(a->code, {.name = a->name}));
            print(unit_table(s, {u}), a->format);
            return 0;
        });
    });

    CLI::App* set = unit->add_subcommand("set", "change a unit's kind, display order or head");
    set->add_option("CODE", a->code, "unit code")->required();
    CLI::Option* kind = set->add_option("--kind", a->kind, "new kind");
    CLI::Option* order = set->add_option("--order", a->order, "new display order");
    CLI::Option* head = set->add_option("--head", a->head, "address of the head (\"\" clears)");
    add_format_option(set, a->format);
    set->callback([&context, a, kind, order, head] {
        context.run([&] {
            DirectorySession s(context);
            directory::UnitChanges changes;
            if (kind->count() > 0) {
                changes.kind = parse_kind(a->kind);
            }
            if (order->count() > 0) {
                changes.display_order = a->order;
            }
            if (head->count() > 0) {
                changes.head_address = a->head;
            }
            Unit u = DirectorySession::value(s.admin.update_unit(a->code, changes));
            print(unit_table(s, {u}), a->format);
            return 0;
        });
    });

    CLI::App* move = unit->add_subcommand("move", "move a unit under another (or to the top)");
    move->add_option("CODE", a->code, "unit code")->required();
    CLI::Option* parent = move->add_option("--parent", a->parent, "code of the new parent");
    CLI::Option* root = move->add_flag("--root", a->root, "make it a root");
    parent->excludes(root);
    add_format_option(move, a->format);
    move->callback([&context, a] {
        context.run([&] {
            if (a->parent.empty() && !a->root) {
                throw CommandError("say where: --parent CODE or --root");
            }
            DirectorySession s(context);
            Unit u = DirectorySession::value(s.admin.move_unit(a->code, a->parent));
            print(unit_table(s, {u}), a->format);
            return 0;
        });
    });

    CLI::App* remove = unit->add_subcommand(
        "remove", "remove a unit; refused while it has people or sub-units unless --recursive"
    );
    remove->add_option("CODE", a->code, "unit code")->required();
    remove->add_flag(
        "--recursive", a->recursive, "also remove its sub-units, people, accounts and their mail"
    );
    remove->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            auto summary = DirectorySession::value(s.admin.remove_unit(a->code, a->recursive));
            std::printf(
                "removed %zu units, %zu people, %zu accounts\n",
                summary.units,
                summary.people,
                summary.accounts
            );
            return 0;
        });
    });

    CLI::App* merge = unit->add_subcommand(
        "merge",
        "merge FROM into INTO: people and sub-units move, old addresses keep working as aliases"
    );
    merge->add_option("FROM", a->code, "code of the unit that disappears")->required();
    merge->add_option("INTO", a->into, "code of the unit that remains")->required();
    add_format_option(merge, a->format);
    merge->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            auto summary = DirectorySession::value(s.admin.merge_units(a->code, a->into));
            Table t{{"old_address", "new_address"}};
            for (const auto& [from, to] : summary.readdressed) {
                t.rows.push_back({from, to});
            }
            if (a->format == Format::Table) {
                std::printf(
                    "merged %s into %s: %zu accounts and %zu sub-units moved\n",
                    a->code.c_str(),
                    summary.into.code.c_str(),
                    summary.accounts_moved,
                    summary.units_moved
                );
            }
            print(t, a->format);
            return 0;
        });
    });
}

}  // namespace govmail::cli
