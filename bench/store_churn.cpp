// store_churn: years of mail in minutes. Delivers and expunges messages of mixed sizes against a
// steady amount of live mail and reports whether the store's file and its delivery speed stay
// steady (the blob layout decision in store/README.md rests on these figures).
//
//     store_churn --messages 1000000 --live 2048            # the full run (bench/README.md)
//     store_churn --messages 20000 --live 256 --check-size  # the short ctest (label bench)
//
// Phases: fill the store with new mail until `--live` MB are live, then run `--messages`
// deliveries in `--windows` equal windows; after each delivery that takes the live data above
// the target, random live messages are flagged \Deleted and expunged until it is back under.
// Every window delivers the same sizes (the size generator restarts with the same seed), so
// windows compare like with like. The sizes follow a skewed mix, mostly small: 60% 1-8 KB,
// 25% 8-64 KB, 12% 64 KB-1 MB, 3% 1-5 MB (log-uniform inside each band).
//
// Figures: data.mdb size against live bytes (must stay within 1.5x) and deliveries per second
// in the last window against the first (within 20%). --check makes both the exit status;
// --check-size only the file size, which is a count: the ctest uses it, because the speed of
// five-second windows on a shared 2-core machine is noise (the full run is the speed figure). The
// speed of a window is the median over ten equal slices of it, so that a burst of other work on
// a shared machine (a compile, another benchmark) does not decide the verdict; the plain average
// is printed beside it.

#include "store/store.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace govmail::store {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
    std::uint64_t messages = 1'000'000;
    std::uint64_t live_mb = 2048;
    int windows = 10;
    int writers = 8;
    std::uint32_t chunk_size = kDefaultChunkSize;
    std::uint64_t seed = 1;
    std::string dir;
    bool check = false;
    bool check_size = false;
    bool keep = false;
};

[[noreturn]] void usage() {
    std::fprintf(
        stderr,
        "usage: store_churn [--messages N] [--live MB] [--windows W] [--writers T]\n"
        "                   [--chunk-size BYTES] [--seed S] [--dir PATH] [--keep] [--check | "
        "--check-size]\n"
    );
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
            }
            return argv[++i];
        };
        if (arg == "--messages") {
            o.messages = std::stoull(value());
        } else if (arg == "--live") {
            o.live_mb = std::stoull(value());
        } else if (arg == "--windows") {
            o.windows = std::stoi(value());
        } else if (arg == "--writers") {
            o.writers = std::stoi(value());
        } else if (arg == "--chunk-size") {
            o.chunk_size = static_cast<std::uint32_t>(std::stoul(value()));
        } else if (arg == "--seed") {
            o.seed = std::stoull(value());
        } else if (arg == "--dir") {
            o.dir = value();
        } else if (arg == "--check") {
            o.check = true;
        } else if (arg == "--check-size") {
            o.check_size = true;
        } else if (arg == "--keep") {
            o.keep = true;
        } else {
            usage();
        }
    }
    if (o.windows < 2 || o.writers < 1 || o.messages < static_cast<std::uint64_t>(o.windows)) {
        usage();
    }
    return o;
}

// The skewed size mix described at the top of the file.
std::size_t draw_size(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    double band = unit(rng);
    auto log_uniform = [&](double low, double high) {
        return static_cast<std::size_t>(std::exp(std::log(low) + unit(rng) * std::log(high / low)));
    };
    if (band < 0.60) {
        return log_uniform(1 << 10, 8 << 10);
    }
    if (band < 0.85) {
        return log_uniform(8 << 10, 64 << 10);
    }
    if (band < 0.97) {
        return log_uniform(64 << 10, 1 << 20);
    }
    return log_uniform(1 << 20, 5 << 20);
}

double mb(std::uint64_t bytes) {
    return static_cast<double>(bytes) / (1 << 20);
}

// What this process cost so far: CPU seconds, and bytes it caused to be written to disk with the
// number of write calls (/proc/self/io), to tell a slower disk pattern from slower code.
struct Cost {
    double cpu = 0;
    std::uint64_t disk_bytes = 0;
    std::uint64_t write_calls = 0;

    static Cost now() {
        Cost c;
        rusage usage{};
        ::getrusage(RUSAGE_SELF, &usage);
        c.cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
        std::ifstream io("/proc/self/io");
        std::string key;
        std::uint64_t value = 0;
        while (io >> key >> value) {
            if (key == "write_bytes:") {
                c.disk_bytes = value;
            } else if (key == "syscw:") {
                c.write_calls = value;
            }
        }
        return c;
    }
};

struct LiveMessage {
    MailboxId mailbox;
    Uid uid;
    std::uint64_t size;
};

class Churn {
public:
    Churn(const Options& options, MailStore& store)
        : options_(options)
        , store_(store)
        , victims_rng_(options.seed * 31 + 7)
        , target_(options.live_mb << 20) {
        // Body text shared by all messages (each takes a different slice and has its own
        // header, so that no two messages are equal and nothing is deduplicated).
        std::mt19937_64 rng(options.seed);
        corpus_.resize(12 << 20);
        for (std::size_t i = 0; i < corpus_.size(); ++i) {
            corpus_[i] = (i % 78 == 76)   ? '\r'
                         : (i % 78 == 77) ? '\n'
                                          : static_cast<char>('a' + rng() % 26);
        }
        // A stand-in for the serialized MessageInfo of a message with a few parts.
        info_ = std::string(1200, 'm');
        constexpr AccountId kAccounts = 100;
        store_
            .write_blocking([&](StoreWriter& w) {
                for (AccountId a = 1; a <= kAccounts; ++a) {
                    w.provision_account(a, 0);
                }
            })
            .value();
        for (AccountId a = 1; a <= kAccounts; ++a) {
            inboxes_.push_back(
                *store_.read([&](const StoreReader& r) { return r.find_mailbox(a, "INBOX"); }
                ).value()
            );
        }
    }

    struct Timing {
        double seconds = 0;
        double median_rate = 0;  // deliveries per second, median over kSlices slices
    };

    // Delivers `sizes` with the writer threads and times it.
    Timing run(const std::vector<std::size_t>& sizes, bool expunge) {
        next_ = 0;
        delivered_ = 0;
        slice_ = std::max<std::size_t>(1, sizes.size() / kSlices);
        marks_ = {Clock::now()};
        std::vector<std::thread> threads;
        for (int t = 0; t < options_.writers; ++t) {
            threads.emplace_back([&, t] { work(sizes, expunge, t); });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        Timing timing;
        timing.seconds = std::chrono::duration<double>(Clock::now() - marks_.front()).count();
        std::vector<double> rates;
        for (std::size_t i = 1; i < marks_.size(); ++i) {
            rates.push_back(
                static_cast<double>(slice_) /
                std::chrono::duration<double>(marks_[i] - marks_[i - 1]).count()
            );
        }
        std::ranges::sort(rates);
        timing.median_rate = rates.empty() ? 0 : rates[rates.size() / 2];
        return timing;
    }

    std::uint64_t live_bytes() const { return live_bytes_; }

    std::uint64_t expunged() const { return expunged_; }

private:
    std::string make_message(std::uint64_t n, std::size_t size) const {
        std::string text = "Message-ID: <" + std::to_string(n) + "@churn.example.gov.vn>\r\n" +
                           "Subject: churn " + std::to_string(n) + "\r\n\r\n";
        std::size_t body = size > text.size() ? size - text.size() : 0;
        std::size_t offset = (n * 7919) % (corpus_.size() - body);
        text.append(corpus_, offset, body);
        return text;
    }

    void work(const std::vector<std::size_t>& sizes, bool expunge, int thread) {
        std::mt19937_64 rng(options_.seed * 1000 + static_cast<std::uint64_t>(thread));
        for (;;) {
            std::size_t index = 0;
            std::uint64_t n = 0;
            {
                std::lock_guard lock(mutex_);
                if (next_ >= sizes.size()) {
                    return;
                }
                index = next_++;
                n = serial_++;
            }
            PreparedMessage msg(make_message(n, sizes[index]), info_);
            MailboxId inbox = inboxes_[rng() % inboxes_.size()];
            auto appended =
                store_.write_blocking([&](StoreWriter& w) { return w.append(inbox, msg, {}); });
            if (!appended) {
                std::fprintf(
                    stderr, "store_churn: delivery failed: %s\n", appended.error().message().c_str()
                );
                std::exit(1);
            }
            std::vector<LiveMessage> victims;
            {
                std::lock_guard lock(mutex_);
                live_.push_back({inbox, appended->uid, msg.size()});
                if (++delivered_ % slice_ == 0) {
                    marks_.push_back(Clock::now());
                }
                live_bytes_ += msg.size();
                while (expunge && live_bytes_ > target_ && !live_.empty()) {
                    std::size_t i = victims_rng_() % live_.size();
                    victims.push_back(live_[i]);
                    live_bytes_ -= live_[i].size;
                    live_[i] = live_.back();
                    live_.pop_back();
                }
                expunged_ += victims.size();
            }
            if (victims.empty()) {
                continue;
            }
            auto removed = store_.write_blocking([&](StoreWriter& w) {
                for (const LiveMessage& v : victims) {
                    std::vector<UidRange> uid{{v.uid, v.uid}};
                    w.store_flags(v.mailbox, uid, {.mode = FlagMode::Add, .flags = kDeleted});
                    w.expunge(v.mailbox, std::span<const UidRange>(uid));
                }
            });
            if (!removed) {
                std::fprintf(
                    stderr, "store_churn: expunge failed: %s\n", removed.error().message().c_str()
                );
                std::exit(1);
            }
        }
    }

    const Options& options_;
    MailStore& store_;
    std::string corpus_;
    std::string info_;
    std::vector<MailboxId> inboxes_;
    std::mutex mutex_;
    static constexpr std::size_t kSlices = 10;

    std::size_t next_ = 0;
    std::size_t delivered_ = 0;
    std::size_t slice_ = 1;
    std::vector<Clock::time_point> marks_;
    std::uint64_t serial_ = 0;
    std::vector<LiveMessage> live_;
    std::mt19937_64 victims_rng_;
    std::uint64_t live_bytes_ = 0;
    std::uint64_t target_;
    std::uint64_t expunged_ = 0;
};

int run(const Options& options) {
    fs::path dir = options.dir;
    bool temporary = dir.empty();
    if (temporary) {
        const char* base = std::getenv("TMPDIR");
        dir = fs::path(base != nullptr ? base : "/tmp") /
              ("govmail-churn-" + std::to_string(::getpid()));
    }
    fs::remove_all(dir);
    MailStore::Options store_options;
    store_options.path = dir;
    store_options.map_size = 1ULL << 30;
    store_options.max_map_size = 1ULL << 40;
    store_options.settings.chunk_size = options.chunk_size;
    auto store = MailStore::open(store_options);
    Churn churn(options, *store);

    std::printf(
        "store_churn: %llu deliveries after the fill, live target %llu MB, chunk %u bytes, "
        "%d writers, %d windows\n",
        static_cast<unsigned long long>(options.messages),
        static_cast<unsigned long long>(options.live_mb),
        options.chunk_size,
        options.writers,
        options.windows
    );

    // Fill: new mail until the live target is reached.
    std::mt19937_64 fill_rng(options.seed + 99);
    std::vector<std::size_t> fill;
    std::uint64_t fill_bytes = 0;
    while (fill_bytes < (options.live_mb << 20)) {
        fill.push_back(draw_size(fill_rng));
        fill_bytes += fill.back();
    }
    double fill_seconds = churn.run(fill, false).seconds;
    std::printf(
        "fill: %zu messages, %.0f MB in %.1f s (%.0f msg/s)\n",
        fill.size(),
        mb(fill_bytes),
        fill_seconds,
        static_cast<double>(fill.size()) / fill_seconds
    );

    std::uint64_t per_window = options.messages / static_cast<std::uint64_t>(options.windows);
    std::mt19937_64 size_rng(options.seed + 1);
    std::vector<std::size_t> sizes;
    std::uint64_t window_bytes = 0;
    for (std::uint64_t i = 0; i < per_window; ++i) {
        sizes.push_back(draw_size(size_rng));
        window_bytes += sizes.back();
    }
    std::printf(
        "window  delivered     MB  seconds  msg/s median   MB/s  cpu s  commits  disk MB  writes  "
        "expunged  live MB  file MB  used MB  free MB  file/live\n"
    );
    double first_rate = 0;
    double last_rate = 0;
    double worst_ratio = 0;
    for (int w = 0; w < options.windows; ++w) {
        Cost before = Cost::now();
        std::uint64_t commits_before = store->writer().stats().batches;
        Churn::Timing timing = churn.run(sizes, true);
        Cost after = Cost::now();
        double seconds = timing.seconds;
        double rate = timing.median_rate;
        Env::Space space = store->env().space();
        double ratio =
            static_cast<double>(space.file_size) / static_cast<double>(churn.live_bytes());
        worst_ratio = std::max(worst_ratio, ratio);
        if (w == 0) {
            first_rate = rate;
        }
        last_rate = rate;
        std::printf(
            "%6d  %9llu %6.0f %8.1f %6.0f %6.0f %6.1f %6.1f %8llu %8.0f %7llu %9llu %8.0f %8.0f "
            "%8.0f "
            "%8.0f %10.3f\n",
            w + 1,
            static_cast<unsigned long long>(per_window),
            mb(window_bytes),
            seconds,
            static_cast<double>(per_window) / seconds,
            rate,
            mb(window_bytes) / seconds,
            after.cpu - before.cpu,
            static_cast<unsigned long long>(store->writer().stats().batches - commits_before),
            mb(after.disk_bytes - before.disk_bytes),
            static_cast<unsigned long long>(after.write_calls - before.write_calls),
            static_cast<unsigned long long>(churn.expunged()),
            mb(churn.live_bytes()),
            mb(space.file_size),
            mb(space.used),
            mb(space.free),
            ratio
        );
        std::fflush(stdout);
    }
    double speed_ratio = last_rate / first_rate;
    WriterStats stats = store->writer().stats();
    std::printf(
        "result: file/live at most %.3f (limit 1.5); last/first window median speed %.3f (limit "
        "0.8); "
        "%llu operations in %llu commits\n",
        worst_ratio,
        speed_ratio,
        static_cast<unsigned long long>(stats.operations),
        static_cast<unsigned long long>(stats.batches)
    );
    store.reset();
    if (temporary && !options.keep) {
        fs::remove_all(dir);
    }
    bool size_ok = worst_ratio <= 1.5;
    bool speed_ok = speed_ratio >= 0.8;
    if ((options.check && !(size_ok && speed_ok)) || (options.check_size && !size_ok)) {
        std::printf("store_churn: FAILED\n");
        return 1;
    }
    return 0;
}

}  // namespace
}  // namespace govmail::store

int main(int argc, char** argv) {
    try {
        return govmail::store::run(govmail::store::parse(argc, argv));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "store_churn: %s\n", e.what());
        return 2;
    }
}
