// Crash test: a child process (crash_writer) writes to the store and is killed with SIGKILL at
// random moments, at least 50 times. After every kill the store must open, pass the full check,
// and hold every write whose commit the child acknowledged.

#include "store/check.hpp"
#include "store/reader.hpp"
#include "store/schema.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

namespace govmail::store {
namespace {

using govmail::test::bin;
using govmail::test::Process;
using govmail::test::TempDir;

using MessageKey = std::pair<MailboxId, Uid>;

struct FlagState {
    ModSeq modseq = 0;
    SystemFlags flags = 0;
};

// What the children said, over all runs.
struct Journal {
    std::map<MessageKey, std::string> delivered;  // acknowledged, with the blob hash
    std::set<MessageKey> removal_intended;        // may be gone (expunge or move submitted)
    std::set<MessageKey> removed;                 // acknowledged gone
    std::map<MessageKey, int> flag_intents;
    std::map<MessageKey, std::vector<FlagState>> flag_acks;
    std::size_t acknowledged = 0;

    // Adds one run's output; a last line cut by the kill is ignored.
    void add(const std::string& output) {
        std::istringstream in(output);
        std::string line;
        while (std::getline(in, line)) {
            if (in.eof()) {
                break;  // no newline: the line was being written when the child died
            }
            std::istringstream fields(line);
            std::string kind;
            fields >> kind;
            if (kind == "ready") {
                continue;
            }
            if (kind == "?") {
                std::string what;
                MessageKey key;
                fields >> what >> key.first >> key.second;
                if (what == "X") {
                    removal_intended.insert(key);
                } else {
                    ++flag_intents[key];
                }
                continue;
            }
            MessageKey key;
            fields >> key.first >> key.second;
            ++acknowledged;
            if (kind == "D") {
                std::string hash;
                fields >> hash;
                // UIDs are never reused, also across crashes.
                EXPECT_TRUE(delivered.emplace(key, hash).second)
                    << "UID " << key.second << " of mailbox " << key.first << " given twice";
            } else if (kind == "X") {
                removed.insert(key);
            } else if (kind == "F") {
                FlagState state;
                unsigned flags = 0;
                fields >> state.modseq >> flags;
                state.flags = static_cast<SystemFlags>(flags);
                flag_acks[key].push_back(state);
            } else {
                ADD_FAILURE() << "unexpected line: " << line;
            }
        }
    }
};

// Every acknowledged write is in the store; the store passes the check.
void verify(const std::filesystem::path& path, const Journal& journal) {
    auto env = Env::open({.path = path});
    Schema schema = Schema::open(*env);
    auto report = env->read([&](const ReadTxn& tx) { return check_store(tx, schema, {}); });
    for (const auto& fault : report.faults) {
        ADD_FAILURE() << "check: " << fault;
    }
    ASSERT_TRUE(report.ok());
    env->read([&](const ReadTxn& tx) {
        StoreReader reader(tx, schema);
        for (const auto& [key, hash] : journal.delivered) {
            auto record = reader.message(key.first, key.second);
            if (journal.removed.contains(key)) {
                EXPECT_FALSE(record) << "removed message " << key.first << "/" << key.second;
                continue;
            }
            if (journal.removal_intended.contains(key)) {
                continue;  // its removal may have committed without its acknowledgement
            }
            ASSERT_TRUE(record) << "lost message " << key.first << "/" << key.second;
            EXPECT_EQ(record->blob.hex(), hash);
            auto acks = journal.flag_acks.find(key);
            if (acks == journal.flag_acks.end()) {
                continue;
            }
            const FlagState& last = *std::ranges::max_element(acks->second, {}, &FlagState::modseq);
            EXPECT_GE(record->modseq, last.modseq);
            auto intents = journal.flag_intents.find(key);
            bool all_acknowledged =
                intents != journal.flag_intents.end() &&
                static_cast<std::size_t>(intents->second) == acks->second.size();
            if (all_acknowledged) {
                EXPECT_EQ(record->modseq, last.modseq);
                EXPECT_EQ(record->flags, last.flags);
            }
        }
    });
}

TEST(Crash, AcknowledgedWritesSurviveSigkill) {
    TempDir dir;
    std::filesystem::path path = dir.path() / "store";
    std::mt19937 rng(20261121);
    Journal journal;
    constexpr int kKills = 60;
    int kills = 0;
    auto started = std::chrono::steady_clock::now();
    for (int run = 0; run < kKills; ++run) {
        Process child = Process::start({bin("crash_writer"), path.string(), std::to_string(run)});
        // Most kills land in the middle of writing; every fifth one may land while opening.
        if (run % 5 != 0) {
            ASSERT_TRUE(child.wait_for_output("ready", std::chrono::seconds(20))) << child.errors();
        }
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 300)(rng))
        );
        child.signal(SIGKILL);
        auto status = child.wait(std::chrono::seconds(20));
        ASSERT_TRUE(status.has_value());
        ASSERT_EQ(*status, 128 + SIGKILL) << child.errors();
        ++kills;
        journal.add(child.output());
        verify(path, journal);
        if (::testing::Test::HasFatalFailure()) {
            return;
        }
    }
    EXPECT_GE(kills, 50);
    // The children did get work done between the kills.
    EXPECT_GT(journal.acknowledged, 500U);
    EXPECT_GT(journal.removed.size(), 50U);
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - started
    );
    std::printf(
        "%d kills in %llds, %zu acknowledged writes, %zu messages delivered, %zu removed\n",
        kills,
        static_cast<long long>(seconds.count()),
        journal.acknowledged,
        journal.delivered.size(),
        journal.removed.size()
    );
}

}  // namespace
}  // namespace govmail::store
