#pragma once
// The selected mailbox as one client knows it: which UID each message sequence number stands
// for (RFC 9051 2.3.1.2). Numbers change only when the client is told (EXPUNGE/VANISHED, EXISTS),
// so the map is the session's own copy, updated at the moments the RFC allows (RFC 9051 7.5.1).
//
// It holds runs of consecutive UIDs, not one entry per message: a mailbox of 10,000 messages
// whose UIDs have no gaps is one run of 8 bytes; each expunge in the middle adds at most one.
// Flags and MODSEQs are not kept here; they are read from the store when needed.
//
//     MessageMap map;
//     map.assign({4, 5, 6, 9});                  // seq 1..4
//     map.uid_at(4) == 9;  map.seq_of(6) == 3;
//     auto ranges = map.uids_for_seqs(seqs);     // held UIDs as ranges, for the store
//     map.for_each(ranges, [](std::uint32_t seq, store::Uid uid) { ... });  // ascending
//     auto gone = map.remove_all({5, 9});        // {{5, 2}, {9, 3}}: "* 2 EXPUNGE", "* 3 EXPUNGE"
//
// A plain value; not thread-safe.

#include "imap/seqset.hpp"
#include "store/types.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace govmail::imap {

class MessageMap {
public:
    // Messages held (the client's EXISTS).
    std::uint32_t size() const { return count_; }

    bool empty() const { return count_ == 0; }

    // The highest UID held; 0 when empty.
    store::Uid max_uid() const;

    // Replaces the content. Precondition: `uids` ascending, without duplicates.
    void assign(std::span<const store::Uid> uids);

    // Adds a message at the end. Precondition: uid > max_uid().
    void append(store::Uid uid);

    bool contains(store::Uid uid) const { return seq_of(uid) != 0; }

    // The sequence number of `uid`, or 0 when it is not held.
    std::uint32_t seq_of(store::Uid uid) const;

    // The UID of message `seq`. Precondition: 1 <= seq <= size().
    store::Uid uid_at(std::uint32_t seq) const;

    // The UIDs of the messages numbered in `seqs` (numbers above size() are ignored), merged
    // into ascending ranges.
    std::vector<store::UidRange> uids_for_seqs(const NumberSet& seqs) const;

    // The held UIDs among `uids`, merged into ascending ranges.
    std::vector<store::UidRange> held(const NumberSet& uids) const;

    // Calls fn(seq, uid) for every held message whose UID lies in `ranges` (ascending,
    // disjoint), in ascending order.
    template <typename Fn>
    void for_each(std::span<const store::UidRange> ranges, Fn&& fn) const;

    struct Removed {
        store::Uid uid = 0;
        std::uint32_t seq = 0;  // what its EXPUNGE response says

        friend bool operator==(const Removed&, const Removed&) = default;
    };

    // Removes the held messages among `uids` (ascending). Returns those removed, in ascending UID
    // order, each with the sequence number its EXPUNGE response carries when the responses are
    // sent in that order (each one renumbers the messages after it: RFC 9051 7.5.1).
    std::vector<Removed> remove_all(std::span<const store::Uid> uids);

    // Runs held (for memory measurements and tests).
    std::size_t run_count() const { return runs_.size(); }

private:
    struct Run {
        store::Uid first = 0;
        std::uint32_t count = 0;

        store::Uid last() const { return first + count - 1; }
    };

    std::vector<Run> runs_;
    std::uint32_t count_ = 0;
};

template <typename Fn>
void MessageMap::for_each(std::span<const store::UidRange> ranges, Fn&& fn) const {
    std::uint32_t base = 0;  // messages in the runs before runs_[r]
    std::size_t r = 0;
    std::size_t g = 0;
    while (r < runs_.size() && g < ranges.size()) {
        const Run& run = runs_[r];
        const store::UidRange& range = ranges[g];
        if (run.last() < range.first) {
            base += run.count;
            ++r;
            continue;
        }
        if (range.last < run.first) {
            ++g;
            continue;
        }
        const std::uint64_t from = std::max(run.first, range.first);
        const std::uint64_t to = std::min(run.last(), range.last);
        for (std::uint64_t uid = from; uid <= to; ++uid) {
            fn(base + static_cast<std::uint32_t>(uid - run.first) + 1,
               static_cast<store::Uid>(uid));
        }
        if (run.last() <= range.last) {
            base += run.count;
            ++r;
        } else {
            ++g;
        }
    }
}

}  // namespace govmail::imap
