#pragma once
// IMAP sequence sets (RFC 9051 9: sequence-set; RFC 5182 "$"), as written by the client, and
// the resolved sets of numbers they stand for.
//
// A SequenceSet is what the client wrote: ranges whose ends are numbers or "*" (kStar), in any
// order ("5:2" is "2:5"), possibly overlapping; or "$", the result saved by the last
// SEARCH RETURN (SAVE) (RFC 5182). Resolving it against the mailbox gives a NumberSet: sorted,
// disjoint, merged ranges.
//
//     auto set = parse_sequence_set("2,4:*,1");              // 3 ranges as written
//     NumberSet uids = set->resolve_uids(last_uid);          // "*" = the highest UID
//     std::optional<NumberSet> seqs = set->resolve_messages(exists);
//     if (!seqs) bad("invalid message sequence number");     // a number > EXISTS, or "*" when
//     empty for (std::uint32_t n : *seqs) ...                      // ascending, each once
//     format_number_list({{1, 2, 3, 7, 9, 10}})  == "1:3,7,9:10"   (COPYUID, VANISHED, ESEARCH)
//
// Resolution never expands ranges: "1:4294967295" is one range, so a hostile set costs memory in
// proportion to its text, not its span. Iterating a NumberSet visits every number, so callers
// intersect it with the messages that exist instead of iterating huge UID ranges.
//
// All functions are pure; the types are values.

#include "imap/syntax_error.hpp"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::imap {

// One range as written; either end may be kStar. A single number n is {n, n}.
struct SeqRange {
    std::uint32_t first = 0;
    std::uint32_t last = 0;

    friend bool operator==(const SeqRange&, const SeqRange&) = default;
};

// A sorted set of numbers held as disjoint, non-adjacent closed ranges.
class NumberSet {
public:
    struct Range {
        std::uint32_t first = 0;
        std::uint32_t last = 0;

        friend bool operator==(const Range&, const Range&) = default;
    };

    // Visits the numbers in ascending order.
    class Iterator {
    public:
        // NOLINTBEGIN(readability-identifier-naming): the names std::iterator_traits requires
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::uint32_t;
        using difference_type = std::ptrdiff_t;
        using pointer = const std::uint32_t*;
        using reference = std::uint32_t;
        // NOLINTEND(readability-identifier-naming)

        Iterator() = default;

        std::uint32_t operator*() const { return value_; }

        Iterator& operator++();

        Iterator operator++(int) {
            Iterator copy = *this;
            ++*this;
            return copy;
        }

        friend bool operator==(const Iterator& a, const Iterator& b) {
            return a.range_ == b.range_ && (a.range_ == a.end_ || a.value_ == b.value_);
        }

    private:
        friend class NumberSet;
        Iterator(const Range* range, const Range* end);

        const Range* range_ = nullptr;
        const Range* end_ = nullptr;
        std::uint32_t value_ = 0;
    };

    NumberSet() = default;

    // The set of `ranges` (any order, overlapping or reversed ends allowed; 0 is ignored).
    static NumberSet from_ranges(std::vector<Range> ranges);

    // The set of `values` (any order, duplicates allowed; 0 is ignored).
    static NumberSet from_values(std::span<const std::uint32_t> values);

    bool empty() const { return ranges_.empty(); }

    // How many numbers (up to 2^32 - 1, hence 64 bits).
    std::uint64_t size() const;

    bool contains(std::uint32_t n) const;

    // Precondition: !empty().
    std::uint32_t min() const { return ranges_.front().first; }

    std::uint32_t max() const { return ranges_.back().last; }

    std::span<const Range> ranges() const { return ranges_; }

    Iterator begin() const { return {ranges_.data(), ranges_.data() + ranges_.size()}; }

    Iterator end() const {
        return {ranges_.data() + ranges_.size(), ranges_.data() + ranges_.size()};
    }

    // Compact IMAP form: "1:3,7,9:10"; "" when empty.
    std::string to_string() const;

    friend bool operator==(const NumberSet&, const NumberSet&) = default;

private:
    std::vector<Range> ranges_;
};

class SequenceSet {
public:
    // "*": the largest number in use (RFC 9051 9: seq-number).
    static constexpr std::uint32_t kStar = 0;

    SequenceSet() = default;

    // "$" (RFC 5182): the saved search result, resolved by the session, not here.
    static SequenceSet saved() {
        SequenceSet set;
        set.saved_ = true;
        return set;
    }

    static SequenceSet from_ranges(std::vector<SeqRange> ranges) {
        SequenceSet set;
        set.ranges_ = std::move(ranges);
        return set;
    }

    bool is_saved() const { return saved_; }

    // True for a default-constructed set (never the result of parsing).
    bool empty() const { return !saved_ && ranges_.empty(); }

    bool uses_star() const;

    std::span<const SeqRange> ranges() const { return ranges_; }

    // The set with "*" standing for `star`. A range ending at "*" when `star` is 0 (an empty
    // mailbox) keeps only its numeric end, so "3:*" is {3}; a lone "*" is dropped.
    // Precondition: !is_saved().
    NumberSet resolve(std::uint32_t star) const;

    // Message sequence numbers in a mailbox of `count` messages: nullopt when a number exceeds
    // `count` or "*" is used while the mailbox is empty, which RFC 9051 9 (seq-number) says to
    // answer with BAD. Precondition: !is_saved().
    std::optional<NumberSet> resolve_messages(std::uint32_t count) const;

    // UIDs, "*" being `last_uid` (the highest UID in the mailbox, or UIDNEXT when it is empty,
    // RFC 9051 9). Numbers that match no message simply match nothing. Precondition: !is_saved().
    NumberSet resolve_uids(std::uint32_t last_uid) const { return resolve(last_uid); }

    // As written: "5:2,*" or "$".
    std::string to_string() const;

    friend bool operator==(const SequenceSet&, const SequenceSet&) = default;

private:
    std::vector<SeqRange> ranges_;
    bool saved_ = false;
};

struct SeqSetOptions {
    bool allow_star = true;    // false for QRESYNC known-uids / seq-match-data (RFC 7162 7)
    bool allow_saved = false;  // "$" only where RFC 5182 allows it (commands taking a set)
    std::size_t max_ranges = 100'000;
};

// Parses the whole of `text` as a sequence set. Numbers are nz-number: 1 to 4294967295, no
// leading zero. Errors: SeqSetEmpty, SeqSetZero, SeqSetOverflow, SeqSetSyntax, SeqSetTooLong,
// SeqSetStarNotAllowed, SeqSetSavedNotAllowed.
boost::system::result<SequenceSet> parse_sequence_set(
    std::string_view text, const SeqSetOptions& options = {}
) noexcept;

// `values` in the order given, consecutive ascending runs written as ranges:
// {1,2,3,7,9,10} -> "1:3,7,9:10". The order is kept because COPYUID pairs its two sets by
// position (RFC 4315 3); give sorted values for VANISHED and ESEARCH ALL.
std::string format_number_list(std::span<const std::uint32_t> values);

}  // namespace govmail::imap
