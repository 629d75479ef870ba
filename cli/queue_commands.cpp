// govmailctl queue list                 the outbound queue: each message and its recipients
// govmailctl queue retry ID... | --all  attempt now (govmaild picks it up within seconds)
// govmailctl queue delete ID...         drop messages without notifying anyone
//
// Like the other store commands these open the LMDB environment directly, beside a running
// govmaild: writes are serialised across processes by LMDB, and the queue runner rereads the
// queue at least every Runner::kRescan.

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "smtp/queue/queue_db.hpp"
#include "store/store.hpp"

#include <ctime>
#include <filesystem>
#include <memory>

namespace govmail::cli {
namespace {

namespace queue = smtp::queue;

struct QueueSession {
    explicit QueueSession(Context& context) {
        const Config& config = context.config();
        std::error_code ec;
        if (!std::filesystem::exists(config.data_dir / "store" / "data.mdb", ec)) {
            throw CommandError("no mail store in " + (config.data_dir / "store").string());
        }
        store = store::MailStore::open(store::MailStore::options_for(config));
        db = queue::QueueDb::open(store->env());
    }

    std::unique_ptr<store::MailStore> store;
    queue::QueueDb db;
};

std::string utc_time(queue::Millis at) {
    const std::time_t seconds = static_cast<std::time_t>(at / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &tm);
    return text;
}

std::uint64_t parse_id_or_throw(const std::string& text) {
    auto id = queue::parse_id(text);
    if (!id) {
        throw CommandError("not a queue id: " + text + " (16 hexadecimal digits)");
    }
    return *id;
}

int run_list(Context& context, Format format) {
    QueueSession session(context);
    Table table{
        {"id",
         "created",
         "next_attempt",
         "attempts",
         "size",
         "sender",
         "recipient",
         "state",
         "status",
         "diagnostic"}};
    auto listed = session.store->read([&](const store::StoreReader& r) {
        std::size_t messages = 0;
        session.db.for_each(r.txn(), [&](const queue::QueuedMessage& m) {
            ++messages;
            for (const queue::QueuedRecipient& recipient : m.recipients) {
                table.rows.push_back({
                    queue::format_id(m.id),
                    utc_time(m.created),
                    utc_time(m.next_attempt),
                    std::to_string(m.attempts),
                    std::to_string(m.size),
                    m.sender.empty() ? "<>" : m.sender,
                    recipient.address + (recipient.local ? " (local)" : ""),
                    std::string(queue::to_string(recipient.state)),
                    recipient.status,
                    recipient.diagnostic,
                });
            }
        });
        return messages;
    });
    if (!listed) {
        throw CommandError("cannot read the queue: " + listed.error().message());
    }
    print(table, format);
    if (format == Format::Table) {
        std::printf("%zu queued messages\n", *listed);
    }
    return 0;
}

int run_retry(Context& context, const std::vector<std::string>& ids, bool all) {
    if (ids.empty() && !all) {
        throw CommandError("name the messages to retry, or --all");
    }
    std::vector<std::uint64_t> wanted;
    for (const std::string& text : ids) {
        wanted.push_back(parse_id_or_throw(text));
    }
    QueueSession session(context);
    const queue::Millis now = queue::now_millis();
    auto done = session.store->write_blocking([&](store::StoreWriter& w) {
        std::vector<std::uint64_t> targets = wanted;
        if (all) {
            session.db.for_each(w.txn(), [&](const queue::QueuedMessage& m) {
                targets.push_back(m.id);
            });
        }
        std::vector<std::string> missing;
        std::size_t count = 0;
        for (std::uint64_t id : targets) {
            auto message = session.db.get(w.txn(), id);
            if (!message) {
                missing.push_back(queue::format_id(id));
                continue;
            }
            message->next_attempt = now;
            session.db.update(w.txn(), *message);
            ++count;
        }
        return std::make_pair(count, missing);
    });
    if (!done) {
        throw CommandError("cannot update the queue: " + done.error().message());
    }
    for (const std::string& id : done->second) {
        std::fprintf(stderr, "no queued message %s\n", id.c_str());
    }
    std::printf("%zu messages will be attempted now\n", done->first);
    return done->second.empty() ? 0 : 1;
}

int run_delete(Context& context, const std::vector<std::string>& ids) {
    std::vector<std::uint64_t> wanted;
    for (const std::string& text : ids) {
        wanted.push_back(parse_id_or_throw(text));
    }
    QueueSession session(context);
    auto done = session.store->write_blocking([&](store::StoreWriter& w) {
        std::vector<std::string> missing;
        std::size_t count = 0;
        for (std::uint64_t id : wanted) {
            if (session.db.remove(w, id)) {
                ++count;
            } else {
                missing.push_back(queue::format_id(id));
            }
        }
        return std::make_pair(count, missing);
    });
    if (!done) {
        throw CommandError("cannot update the queue: " + done.error().message());
    }
    for (const std::string& id : done->second) {
        std::fprintf(stderr, "no queued message %s\n", id.c_str());
    }
    std::printf("%zu messages deleted from the queue\n", done->first);
    return done->second.empty() ? 0 : 1;
}

}  // namespace

void add_queue_commands(CLI::App& app, Context& context) {
    context.blob_references.push_back(queue::QueueDb::blob_references());

    CLI::App* group = app.add_subcommand("queue", "the outbound mail queue");
    group->require_subcommand(1);

    CLI::App* list = group->add_subcommand("list", "queued messages and their recipients");
    auto format = std::make_shared<Format>(Format::Table);
    add_format_option(list, *format);
    list->callback([&context, format] { context.run([&] { return run_list(context, *format); }); });

    CLI::App* retry = group->add_subcommand("retry", "attempt queued messages now");
    auto retry_ids = std::make_shared<std::vector<std::string>>();
    auto all = std::make_shared<bool>(false);
    retry->add_option("ID", *retry_ids, "queue ids (as in `queue list`)");
    retry->add_flag("--all", *all, "every queued message");
    retry->callback([&context, retry_ids, all] {
        context.run([&] { return run_retry(context, *retry_ids, *all); });
    });

    CLI::App* remove = group->add_subcommand(
        "delete", "remove queued messages (no notification is sent to their senders)"
    );
    auto delete_ids = std::make_shared<std::vector<std::string>>();
    remove->add_option("ID", *delete_ids, "queue ids (as in `queue list`)")->required();
    remove->callback([&context, delete_ids] {
        context.run([&] { return run_delete(context, *delete_ids); });
    });
}

}  // namespace govmail::cli
