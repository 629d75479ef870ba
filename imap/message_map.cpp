#include "imap/message_map.hpp"

#include <algorithm>

namespace govmail::imap {

store::Uid MessageMap::max_uid() const {
    return runs_.empty() ? 0 : runs_.back().last();
}

void MessageMap::assign(std::span<const store::Uid> uids) {
    runs_.clear();
    count_ = 0;
    for (store::Uid uid : uids) {
        append(uid);
    }
    runs_.shrink_to_fit();
}

void MessageMap::append(store::Uid uid) {
    if (!runs_.empty() && runs_.back().last() + 1 == uid && runs_.back().last() != store::kMaxUid) {
        ++runs_.back().count;
    } else {
        runs_.push_back({uid, 1});
    }
    ++count_;
}

std::uint32_t MessageMap::seq_of(store::Uid uid) const {
    std::uint32_t base = 0;
    for (const Run& run : runs_) {
        if (uid < run.first) {
            return 0;
        }
        if (uid <= run.last()) {
            return base + (uid - run.first) + 1;
        }
        base += run.count;
    }
    return 0;
}

store::Uid MessageMap::uid_at(std::uint32_t seq) const {
    std::uint32_t base = 0;
    for (const Run& run : runs_) {
        if (seq <= base + run.count) {
            return run.first + (seq - base - 1);
        }
        base += run.count;
    }
    return 0;
}

std::vector<store::UidRange> MessageMap::uids_for_seqs(const NumberSet& seqs) const {
    std::vector<store::UidRange> out;
    auto add = [&out](store::Uid first, store::Uid last) {
        if (!out.empty() && out.back().last + 1 == first) {
            out.back().last = last;
        } else {
            out.push_back({first, last});
        }
    };
    std::uint32_t base = 0;  // messages before runs_[r]
    std::size_t r = 0;
    for (const NumberSet::Range& range : seqs.ranges()) {
        while (r < runs_.size() && base + runs_[r].count < range.first) {
            base += runs_[r].count;
            ++r;
        }
        for (std::size_t k = r; k < runs_.size() && base + 1 <= range.last; ++k) {
            const Run& run = runs_[k];
            // The part of this run whose numbers lie in [range.first, range.last].
            std::uint32_t first_seq = std::max<std::uint32_t>(range.first, base + 1);
            std::uint64_t last_seq =
                std::min<std::uint64_t>(range.last, std::uint64_t{base} + run.count);
            if (first_seq <= last_seq) {
                add(run.first + (first_seq - base - 1),
                    run.first + static_cast<store::Uid>(last_seq - base - 1));
            }
            if (std::uint64_t{base} + run.count > range.last) {
                break;
            }
            base += run.count;
            r = k + 1;
        }
    }
    return out;
}

std::vector<store::UidRange> MessageMap::held(const NumberSet& uids) const {
    std::vector<store::UidRange> out;
    std::size_t r = 0;
    for (const NumberSet::Range& range : uids.ranges()) {
        while (r < runs_.size() && runs_[r].last() < range.first) {
            ++r;
        }
        for (std::size_t k = r; k < runs_.size() && runs_[k].first <= range.last; ++k) {
            store::Uid first = std::max(runs_[k].first, range.first);
            store::Uid last = std::min(runs_[k].last(), range.last);
            if (!out.empty() && out.back().last + 1 == first) {
                out.back().last = last;
            } else {
                out.push_back({first, last});
            }
        }
    }
    return out;
}

std::vector<MessageMap::Removed> MessageMap::remove_all(std::span<const store::Uid> uids) {
    std::vector<Removed> removed;
    if (uids.empty()) {
        return removed;
    }
    std::vector<Run> kept;
    kept.reserve(runs_.size() + uids.size());
    std::uint32_t base = 0;  // messages before the current run, before any removal
    std::size_t u = 0;
    for (const Run& run : runs_) {
        store::Uid next = run.first;  // first UID of the run not yet copied to `kept`
        while (u < uids.size() && uids[u] < run.first) {
            ++u;  // not held
        }
        while (u < uids.size() && uids[u] <= run.last()) {
            store::Uid uid = uids[u++];
            if (uid > next) {
                kept.push_back({next, uid - next});
            }
            // Each earlier EXPUNGE response has renumbered this message down by one.
            std::uint32_t original = base + (uid - run.first) + 1;
            removed.push_back({uid, original - static_cast<std::uint32_t>(removed.size())});
            next = uid + 1;
        }
        if (next <= run.last() && !(next == 0 && run.last() == store::kMaxUid)) {
            kept.push_back({next, run.last() - next + 1});
        }
        base += run.count;
    }
    count_ -= static_cast<std::uint32_t>(removed.size());
    kept.shrink_to_fit();
    runs_ = std::move(kept);
    return removed;
}

}  // namespace govmail::imap
