// crash_writer STORE_DIR SEED: the child process of the crash test (crash_test.cpp).
//
// Opens the store and writes forever from several concurrent coroutines (group commit):
// deliveries of varied sizes to one or several mailboxes, flag changes, expunges and moves. It
// is meant to be killed with SIGKILL at any moment. Every line goes to standard output with
// one write(2), so it survives the kill:
//
//     ready                          the store is open
//     ? X <mailbox> <uid>            about to remove this message (expunge or move): it may vanish
//     ? F <mailbox> <uid>            about to change its flags
//     D <mailbox> <uid> <sha256>     committed: the message is stored
//     F <mailbox> <uid> <modseq> <flags>   committed: flags changed to this
//     X <mailbox> <uid>              committed: the message is gone
//
// Intent lines come before the write is submitted and commit lines after its commit returned,
// so the parent can tell what must be in the store after the kill (everything committed) from
// what may be (anything with an intent but no commit line).

#include "core/net/asio.hpp"
#include "store/store.hpp"

#include <cstdio>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace govmail::store {
namespace {

namespace asio = net::asio;

void say(const std::string& line) {
    std::string text = line + "\n";
    // One write per line: the kernel keeps it when the process is killed right after.
    if (::write(STDOUT_FILENO, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        std::_Exit(3);
    }
}

struct Live {
    MailboxId mailbox;
    Uid uid;
};

class Crasher {
public:
    Crasher(MailStore& store, std::uint64_t seed)
        : store_(store)
        , rng_(seed) {
        store_
            .write_blocking([](StoreWriter& w) {
                w.provision_account(1, 0);
                w.provision_account(2, 0);
                if (!w.reader().find_mailbox(1, "Work")) {
                    w.create_mailbox(1, "Work");
                }
            })
            .value();
        store_
            .read([&](const StoreReader& r) {
                for (auto [account, name] :
                     {std::pair(AccountId{1}, "INBOX"),
                      std::pair(AccountId{1}, "Work"),
                      std::pair(AccountId{1}, "Sent"),
                      std::pair(AccountId{2}, "INBOX")}) {
                    MailboxId id = *r.find_mailbox(account, name);
                    mailboxes_.push_back(id);
                    for (const MessageState& s : r.snapshot(id)) {
                        live_.push_back({id, s.uid});
                    }
                }
            })
            .value();
        seed_ = seed;
    }

    asio::awaitable<void> worker() {
        for (;;) {
            int dice = pick(0, 99);
            if (live_.size() > 300 || (dice < 25 && !live_.empty())) {
                co_await remove();
            } else if (dice < 45 && !live_.empty()) {
                co_await flag();
            } else {
                co_await deliver();
            }
        }
    }

private:
    int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }

    Live take_random() {
        std::size_t i = static_cast<std::size_t>(pick(0, static_cast<int>(live_.size()) - 1));
        Live chosen = live_[i];
        live_[i] = live_.back();
        live_.pop_back();
        return chosen;
    }

    asio::awaitable<void> deliver() {
        // Mostly small, sometimes large (several chunks, up to 400 KB).
        std::size_t size = pick(0, 9) < 8 ? static_cast<std::size_t>(pick(200, 8000))
                                          : static_cast<std::size_t>(pick(8000, 400'000));
        std::string raw = "Subject: crash " + std::to_string(seed_) + "-" +
                          std::to_string(counter_++) + "\r\n\r\n";
        raw.resize(size, static_cast<char>('a' + pick(0, 25)));
        PreparedMessage msg(std::move(raw), "info");
        std::vector<DeliveryTarget> targets;
        int fan_out = pick(0, 3) == 0 ? pick(2, 4) : 1;
        for (int i = 0; i < fan_out; ++i) {
            targets.push_back(
                {.mailbox = mailboxes_[static_cast<std::size_t>(pick(0, 3))],
                 .flags = static_cast<SystemFlags>(pick(0, 1) * kSeen)}
            );
        }
        std::string hash = msg.hash().hex();
        auto results = co_await store_.deliver(std::move(msg), targets, UnixTime{});
        if (!results) {
            co_return;
        }
        for (std::size_t i = 0; i < results->size(); ++i) {
            if ((*results)[i]) {
                say("D " + std::to_string(targets[i].mailbox) + " " +
                    std::to_string((*results)[i]->uid) + " " + hash);
                live_.push_back({targets[i].mailbox, (*results)[i]->uid});
            }
        }
    }

    asio::awaitable<void> flag() {
        Live m = live_[static_cast<std::size_t>(pick(0, static_cast<int>(live_.size()) - 1))];
        say("? F " + std::to_string(m.mailbox) + " " + std::to_string(m.uid));
        auto flags = static_cast<SystemFlags>(pick(0, 7) & (kSeen | kFlagged | kAnswered));
        std::vector<UidRange> uids{{m.uid, m.uid}};
        auto result = co_await store_.store_flags(
            m.mailbox, uids, FlagUpdate{.mode = FlagMode::Replace, .flags = flags}
        );
        if (!result) {
            co_return;
        }
        for (const MessageState& s : result->changed) {
            say("F " + std::to_string(m.mailbox) + " " + std::to_string(s.uid) + " " +
                std::to_string(s.modseq) + " " + std::to_string(s.flags));
        }
    }

    asio::awaitable<void> remove() {
        std::vector<Live> victims;
        for (int n = pick(1, 3); n > 0 && !live_.empty(); --n) {
            victims.push_back(take_random());
            say("? X " + std::to_string(victims.back().mailbox) + " " +
                std::to_string(victims.back().uid));
        }
        bool move = pick(0, 4) == 0;
        MailboxId target = mailboxes_[1];
        auto done = co_await store_.write([&](StoreWriter& w) {
            std::vector<std::string> moved;
            for (const Live& v : victims) {
                std::vector<UidRange> uids{{v.uid, v.uid}};
                if (move && v.mailbox != target) {
                    MoveResult r = w.move(v.mailbox, uids, target);
                    for (const UidMapping& m : r.copied.uids) {
                        auto record = w.reader().message(target, m.target);
                        moved.push_back(
                            std::to_string(target) + " " + std::to_string(m.target) + " " +
                            record->blob.hex()
                        );
                    }
                } else {
                    w.store_flags(v.mailbox, uids, {.mode = FlagMode::Add, .flags = kDeleted});
                    w.expunge(v.mailbox, std::span<const UidRange>(uids));
                }
            }
            return moved;
        });
        if (!done) {
            co_return;
        }
        for (const Live& v : victims) {
            say("X " + std::to_string(v.mailbox) + " " + std::to_string(v.uid));
        }
        for (const std::string& line : *done) {
            say("D " + line);
            std::size_t space = line.find(' ');
            live_.push_back(
                {std::stoull(line.substr(0, space)),
                 static_cast<Uid>(std::stoul(line.substr(space + 1)))}
            );
        }
    }

    MailStore& store_;
    std::mt19937_64 rng_;
    std::uint64_t seed_ = 0;
    std::uint64_t counter_ = 0;
    std::vector<MailboxId> mailboxes_;
    std::vector<Live> live_;
};

}  // namespace
}  // namespace govmail::store

int main(int argc, char** argv) {
    using namespace govmail::store;  // NOLINT(google-build-using-namespace): a test program
    if (argc != 3) {
        std::fprintf(stderr, "usage: crash_writer STORE_DIR SEED\n");
        return 2;
    }
    MailStore::Options options;
    options.path = argv[1];
    options.map_size = 8ULL << 20;  // small, so that the map also grows under the kills
    options.max_map_size = 4ULL << 30;
    auto store = MailStore::open(options);
    Crasher crasher(*store, std::stoull(argv[2]));
    say("ready");
    govmail::net::asio::io_context io;
    for (int i = 0; i < 4; ++i) {
        govmail::net::asio::co_spawn(io, crasher.worker(), govmail::net::asio::detached);
    }
    io.run();
    return 0;
}
