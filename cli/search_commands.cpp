// govmailctl search QUERY...: the directory search the webmail's address book uses.
//
//     govmailctl search nguyen van a          (same as "Nguyễn Văn A" or "NGUYEN VAN A")

#include "cli/directory_commands.hpp"
#include "cli/directory_session.hpp"
#include "cli/output.hpp"

#include <memory>

namespace govmail::cli {
namespace {

struct SearchArgs {
    std::vector<std::string> words;
    std::size_t limit = 20;
    bool people_only = false;
    bool units_only = false;
    Format format = Format::Table;
};

}  // namespace

void add_search_commands(CLI::App& app, Context& context) {
    auto a = std::make_shared<SearchArgs>();
    CLI::App* search = app.add_subcommand(
        "search", "find people and units by name, title, unit or address (any case, any accents)"
    );
    search->add_option("QUERY", a->words, "words; each is a prefix")->required();
    search->add_option("--limit", a->limit, "at most this many results")->capture_default_str();
    CLI::Option* people = search->add_flag("--people", a->people_only, "people only");
    search->add_flag("--units", a->units_only, "units only")->excludes(people);
    add_format_option(search, a->format);
    search->callback([&context, a] {
        context.run([&] {
            DirectorySession s(context);
            std::string query;
            for (const std::string& w : a->words) {
                query += (query.empty() ? "" : " ") + w;
            }
            auto hits = s.admin.search(
                query, {.limit = a->limit, .people = !a->units_only, .units = !a->people_only}
            );
            Table t{{"kind", "name", "title", "unit", "address"}};
            for (const auto& h : hits) {
                t.rows.push_back(
                    {h.kind == directory::HitKind::Person ? (h.departed ? "departed" : "person")
                                                          : "unit",
                     h.name,
                     h.title,
                     h.unit_code,
                     h.address}
                );
            }
            print(t, a->format);
            return 0;
        });
    });
}

}  // namespace govmail::cli
