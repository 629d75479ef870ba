// govmailctl backup DEST   a consistent, compacted hot copy of the mail store
// govmailctl check         verify every invariant of the mail store (store/check.hpp)
//
// Both open the store's LMDB environment directly, next to a running govmaild: LMDB serialises
// writers across processes and a read transaction sees one consistent snapshot.

#include "cli/commands.hpp"
#include "store/check.hpp"
#include "store/lmdb.hpp"
#include "store/schema.hpp"

#include <cstdio>
#include <filesystem>

namespace govmail::cli {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<store::Env> open_store(const Config& config) {
    fs::path path = config.data_dir / "store";
    std::error_code ec;
    if (!fs::exists(path / "data.mdb", ec)) {
        throw CommandError("no mail store in " + path.string());
    }
    return store::Env::open(
        {.path = path, .map_size = config.store.map_size, .max_map_size = config.store.max_map_size}
    );
}

std::string megabytes(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
    return text;
}

int run_backup(Context& context, const fs::path& destination) {
    const Config& config = context.config();
    std::error_code ec;
    if (fs::exists(destination, ec) &&
        (!fs::is_directory(destination, ec) || !fs::is_empty(destination, ec))) {
        throw CommandError(destination.string() + " exists and is not an empty directory");
    }
    auto env = open_store(config);
    fs::create_directories(destination, ec);
    if (ec) {
        throw CommandError("cannot create " + destination.string() + ": " + ec.message());
    }
    // Mail is private: the copy is readable by its owner only, whatever the umask.
    fs::permissions(destination, fs::perms::owner_all, fs::perm_options::replace, ec);
    env->copy_compacted(destination);
    fs::path copy = destination / "data.mdb";
    std::printf(
        "wrote %s: %s (the live file is %s; the copy is compacted)\n",
        copy.c_str(),
        megabytes(fs::file_size(copy)).c_str(),
        megabytes(env->file_size()).c_str()
    );
    return 0;
}

int run_check(Context& context, bool quick) {
    auto env = open_store(context.config());
    store::Schema schema = store::Schema::open(*env);
    store::CheckOptions options;
    options.verify_content = !quick;
    options.external_references = context.blob_references;
    store::CheckReport report = env->read([&](const store::ReadTxn& txn) {
        return store::check_store(txn, schema, options);
    });
    for (const std::string& fault : report.faults) {
        std::printf("fault: %s\n", fault.c_str());
    }
    if (report.fault_count > report.faults.size()) {
        std::printf(
            "... and %llu more faults\n",
            static_cast<unsigned long long>(report.fault_count - report.faults.size())
        );
    }
    std::string verdict =
        report.ok() ? "no faults" : std::to_string(report.fault_count) + " faults";
    std::printf(
        "checked %llu accounts, %llu mailboxes, %llu messages (%s), %llu blobs (%s)%s: %s\n",
        static_cast<unsigned long long>(report.accounts),
        static_cast<unsigned long long>(report.mailboxes),
        static_cast<unsigned long long>(report.messages),
        megabytes(report.logical_bytes).c_str(),
        static_cast<unsigned long long>(report.blobs),
        megabytes(report.blob_bytes).c_str(),
        quick ? ", contents not hashed" : "",
        verdict.c_str()
    );
    return report.ok() ? 0 : 1;
}

}  // namespace

void add_store_commands(CLI::App& app, Context& context) {
    CLI::App* backup = app.add_subcommand(
        "backup", "copy the mail store, consistent and compacted, while govmaild runs"
    );
    auto destination = std::make_shared<std::string>();
    backup->add_option("DEST", *destination, "directory to create (or an empty one)")->required();
    backup->callback([&context, destination] {
        context.run([&] { return run_backup(context, *destination); });
    });

    CLI::App* check = app.add_subcommand(
        "check", "verify the mail store: blobs, reference counts, hashes, counters, indexes"
    );
    auto quick = std::make_shared<bool>(false);
    check->add_flag("--quick", *quick, "skip hashing the message bytes");
    check->callback([&context, quick] { context.run([&] { return run_check(context, *quick); }); });
}

}  // namespace govmail::cli
