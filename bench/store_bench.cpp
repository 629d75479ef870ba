// Mail store benchmarks (Google Benchmark); figures and commands in bench/README.md.
//
//   Delivery/W/G      durable deliveries of 4 KB messages from W concurrent writers (coroutines
//                     awaiting MailStore::append, as SMTP sessions do); G=1 group commit, G=0 one
//                     commit per message (Writer::Options::one_commit_per_operation)
//   FanOut10000       one 100 KB message delivered to 10,000 INBOXes in one write; counters give
//                     how much the environment grew (about one copy, not 10,000)
//   FetchEnvelopeFlags10000
//                     FETCH 1:* (FLAGS ENVELOPE) of 10,000 messages: records plus the stored
//                     MessageInfo of mime::analyze, no parsing
//
// Every benchmark works in a fresh store under $TMPDIR (or /tmp), removed afterwards. Commits are
// durable (fdatasync), so Delivery measures the disk as much as the code.

#include "mime/analyze.hpp"
#include "store/store.hpp"

#include <atomic>
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace govmail::store {
namespace {

namespace asio = net::asio;
namespace fs = std::filesystem;

// A store in a temporary directory, removed with everything in it.
class BenchStore {
public:
    explicit BenchStore(Writer::Options writer = {}) {
        const char* base = std::getenv("TMPDIR");
        static std::atomic<int> serial{0};
        path_ = fs::path(base != nullptr ? base : "/tmp") /
                ("govmail-bench-" + std::to_string(::getpid()) + "-" + std::to_string(serial++));
        fs::remove_all(path_);
        MailStore::Options options;
        options.path = path_;
        options.map_size = 1ULL << 30;
        options.writer = writer;
        store_ = MailStore::open(options);
    }

    ~BenchStore() {
        store_.reset();
        fs::remove_all(path_);
    }

    MailStore& operator*() { return *store_; }

    MailStore* operator->() { return store_.get(); }

    // Provisions accounts first..last (in writes of 1,000) and returns their INBOXes.
    std::vector<MailboxId> provision(AccountId first, AccountId last) {
        for (AccountId start = first; start <= last; start += 1000) {
            store_
                ->write_blocking([&](StoreWriter& w) {
                    for (AccountId a = start; a <= std::min(last, start + 999); ++a) {
                        w.provision_account(a, 0);
                    }
                })
                .value();
        }
        std::vector<MailboxId> inboxes;
        store_
            ->read([&](const StoreReader& r) {
                for (AccountId a = first; a <= last; ++a) {
                    inboxes.push_back(*r.find_mailbox(a, "INBOX"));
                }
            })
            .value();
        return inboxes;
    }

private:
    fs::path path_;
    std::unique_ptr<MailStore> store_;
};

std::string message_text(std::size_t size, std::uint64_t n) {
    std::string text = "From: bench@example.gov.vn\r\nTo: all@example.gov.vn\r\nSubject: bench " +
                       std::to_string(n) + "\r\nMessage-ID: <" + std::to_string(n) +
                       "@bench.example.gov.vn>\r\n\r\n";
    while (text.size() < size) {
        text += "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\r\n";
    }
    text.resize(size);
    return text;
}

void Delivery(benchmark::State& state) {
    const int writers = static_cast<int>(state.range(0));
    const bool group_commit = state.range(1) != 0;
    constexpr int kPerIteration = 256;
    BenchStore store(Writer::Options{.one_commit_per_operation = !group_commit});
    std::vector<MailboxId> inboxes = store.provision(1, 64);
    std::uint64_t serial = 0;
    for (auto _ : state) {
        asio::io_context io;
        int remaining = kPerIteration;
        for (int w = 0; w < writers; ++w) {
            asio::co_spawn(
                io,
                [&, w]() -> asio::awaitable<void> {
                    while (remaining > 0) {
                        --remaining;
                        // Hashed here, on the session's thread, as SMTP does before submitting.
                        PreparedMessage msg(message_text(4096, serial++), "info");
                        auto r =
                            co_await store->append(inboxes[w % inboxes.size()], std::move(msg), {});
                        if (!r) {
                            throw std::runtime_error(r.error().message());
                        }
                    }
                },
                asio::detached
            );
        }
        io.run();
    }
    state.SetItemsProcessed(state.iterations() * kPerIteration);
    WriterStats stats = store->writer().stats();
    state.counters["per_commit"] =
        static_cast<double>(stats.operations) / static_cast<double>(stats.batches);
}

BENCHMARK(Delivery)
    ->ArgNames({"writers", "group"})
    ->ArgsProduct({{1, 8, 64}, {1, 0}})
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void FanOut10000(benchmark::State& state) {
    BenchStore store;
    std::vector<MailboxId> inboxes = store.provision(1, 10'000);
    std::vector<DeliveryTarget> targets;
    for (MailboxId inbox : inboxes) {
        targets.push_back({.mailbox = inbox});
    }
    std::string raw = message_text(100 << 10, 0);
    std::string info = mime::analyze(raw).serialize();
    std::uint64_t grown = 0;
    std::uint64_t serial = 1;
    for (auto _ : state) {
        state.PauseTiming();
        raw.replace(raw.find("bench "), 12, "bench " + std::to_string(100000 + serial++));
        PreparedMessage msg(raw, info);
        std::uint64_t before = store->env().space().used;
        state.ResumeTiming();
        auto results = store->write_blocking([&](StoreWriter& w) {
            return w.deliver(msg, targets, UnixTime{});
        });
        state.PauseTiming();
        if (!results || results->size() != targets.size()) {
            state.SkipWithError("delivery failed");
            break;
        }
        grown += store->env().space().used - before;
        state.ResumeTiming();
    }
    double per_delivery = static_cast<double>(grown) / static_cast<double>(state.iterations());
    state.counters["message_KB"] = 100;
    state.counters["env_grown_KB"] = per_delivery / 1024;
    state.counters["grown_per_target_B"] = per_delivery / static_cast<double>(targets.size());
}

BENCHMARK(FanOut10000)->Iterations(3)->UseRealTime()->Unit(benchmark::kMillisecond);

void FetchEnvelopeFlags10000(benchmark::State& state) {
    constexpr int kMessages = 10'000;
    BenchStore store;
    MailboxId inbox = store.provision(1, 1).front();
    // Distinct messages, each with the MessageInfo of mime::analyze (parsed once, here).
    for (int start = 0; start < kMessages; start += 1000) {
        std::vector<PreparedMessage> batch;
        for (int i = start; i < start + 1000; ++i) {
            std::string raw = message_text(6000, static_cast<std::uint64_t>(i));
            std::string info = mime::analyze(raw).serialize();
            batch.emplace_back(std::move(raw), std::move(info));
        }
        store
            ->write_blocking([&](StoreWriter& w) {
                for (std::size_t i = 0; i < batch.size(); ++i) {
                    w.append(inbox, batch[i], {.flags = i % 3 == 0 ? kSeen : SystemFlags{0}});
                }
            })
            .value();
    }
    std::string out;
    for (auto _ : state) {
        out.clear();
        auto done = store->read([&](const StoreReader& r) {
            UidRange all;
            std::uint32_t seq = 0;
            for (const MessageRecord& m : r.messages(inbox, std::span(&all, 1))) {
                auto bytes = r.message_info(m.blob);
                auto view = mime::MessageInfoView::parse(bytes->view());
                out += "* " + std::to_string(++seq) + " FETCH (UID " + std::to_string(m.uid) +
                       " FLAGS (";
                out += (m.flags & kSeen) != 0 ? "\\Seen" : "";
                out += ") ENVELOPE ";
                out.append(view->imap_envelope);
                out += ")\r\n";
            }
            return seq;
        });
        if (!done || *done != kMessages) {
            state.SkipWithError("fetch failed");
            break;
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * kMessages);
    state.counters["response_KB"] = static_cast<double>(out.size()) / 1024;
}

BENCHMARK(FetchEnvelopeFlags10000)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace govmail::store

BENCHMARK_MAIN();
