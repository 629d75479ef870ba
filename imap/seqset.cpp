#include "imap/seqset.hpp"

#include <algorithm>
#include <charconv>

namespace govmail::imap {
namespace {

void append_range(std::string& out, std::uint32_t first, std::uint32_t last) {
    if (!out.empty()) {
        out.push_back(',');
    }
    out += std::to_string(first);
    if (last != first) {
        out.push_back(':');
        out += std::to_string(last);
    }
}

// Parses one seq-number at `pos`: "*" (kStar) or nz-number.
boost::system::result<std::uint32_t> parse_number(
    std::string_view text, std::size_t& pos, const SeqSetOptions& options
) noexcept {
    if (pos >= text.size()) {
        return SyntaxErrc::SeqSetSyntax;
    }
    if (text[pos] == '$') {
        // RFC 5182 2.1: "$" is a whole sequence-set, never part of one.
        return SyntaxErrc::SeqSetSavedNotAllowed;
    }
    if (text[pos] == '*') {
        if (!options.allow_star) {
            return SyntaxErrc::SeqSetStarNotAllowed;
        }
        ++pos;
        return SequenceSet::kStar;
    }
    std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        ++pos;
    }
    if (pos == start) {
        return SyntaxErrc::SeqSetSyntax;
    }
    std::string_view digits = text.substr(start, pos - start);
    if (digits[0] == '0') {
        // RFC 9051 9: nz-number = digit-nz *DIGIT.
        return digits.find_first_not_of('0') == std::string_view::npos ? SyntaxErrc::SeqSetZero
                                                                       : SyntaxErrc::SeqSetSyntax;
    }
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size()) {
        return SyntaxErrc::SeqSetOverflow;
    }
    return value;
}

}  // namespace

NumberSet::Iterator::Iterator(const Range* range, const Range* end)
    : range_(range)
    , end_(end)
    , value_(range != end ? range->first : 0) {}

NumberSet::Iterator& NumberSet::Iterator::operator++() {
    if (value_ == range_->last) {
        ++range_;
        value_ = range_ != end_ ? range_->first : 0;
    } else {
        ++value_;
    }
    return *this;
}

NumberSet NumberSet::from_ranges(std::vector<Range> ranges) {
    for (Range& range : ranges) {
        if (range.first > range.last) {
            std::swap(range.first, range.last);
        }
        if (range.first == 0) {
            range.first = 1;
        }
    }
    std::erase_if(ranges, [](const Range& range) { return range.last == 0; });
    std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
        return a.first < b.first;
    });
    NumberSet set;
    for (const Range& range : ranges) {
        // Merge overlapping and adjacent ranges (last + 1 cannot overflow: checked first).
        if (!set.ranges_.empty() &&
            (set.ranges_.back().last == UINT32_MAX || range.first <= set.ranges_.back().last + 1)) {
            set.ranges_.back().last = std::max(set.ranges_.back().last, range.last);
        } else {
            set.ranges_.push_back(range);
        }
    }
    set.ranges_.shrink_to_fit();
    return set;
}

NumberSet NumberSet::from_values(std::span<const std::uint32_t> values) {
    std::vector<Range> ranges;
    ranges.reserve(values.size());
    for (std::uint32_t value : values) {
        ranges.push_back({value, value});
    }
    return from_ranges(std::move(ranges));
}

std::uint64_t NumberSet::size() const {
    std::uint64_t total = 0;
    for (const Range& range : ranges_) {
        total += std::uint64_t{range.last} - range.first + 1;
    }
    return total;
}

bool NumberSet::contains(std::uint32_t n) const {
    auto it =
        std::upper_bound(ranges_.begin(), ranges_.end(), n, [](std::uint32_t v, const Range& r) {
            return v < r.first;
        });
    return it != ranges_.begin() && n <= std::prev(it)->last;
}

std::string NumberSet::to_string() const {
    std::string out;
    for (const Range& range : ranges_) {
        append_range(out, range.first, range.last);
    }
    return out;
}

bool SequenceSet::uses_star() const {
    return std::any_of(ranges_.begin(), ranges_.end(), [](const SeqRange& range) {
        return range.first == kStar || range.last == kStar;
    });
}

NumberSet SequenceSet::resolve(std::uint32_t star) const {
    std::vector<NumberSet::Range> ranges;
    ranges.reserve(ranges_.size());
    for (const SeqRange& range : ranges_) {
        std::uint32_t first = range.first == kStar ? star : range.first;
        std::uint32_t last = range.last == kStar ? star : range.last;
        // With star == 0 a "n:*" range keeps n (from_ranges raises 0 to 1 and drops {0, 0}).
        if (first == 0) {
            first = last;
        }
        if (last == 0) {
            last = first;
        }
        ranges.push_back({first, last});
    }
    return NumberSet::from_ranges(std::move(ranges));
}

std::optional<NumberSet> SequenceSet::resolve_messages(std::uint32_t count) const {
    for (const SeqRange& range : ranges_) {
        bool star = range.first == kStar || range.last == kStar;
        if ((star && count == 0) || range.first > count || range.last > count) {
            return std::nullopt;
        }
    }
    return resolve(count);
}

std::string SequenceSet::to_string() const {
    if (saved_) {
        return "$";
    }
    std::string out;
    auto number = [&](std::uint32_t n) {
        if (n == kStar) {
            out.push_back('*');
        } else {
            out += std::to_string(n);
        }
    };
    for (const SeqRange& range : ranges_) {
        if (!out.empty()) {
            out.push_back(',');
        }
        number(range.first);
        if (range.last != range.first) {
            out.push_back(':');
            number(range.last);
        }
    }
    return out;
}

boost::system::result<SequenceSet> parse_sequence_set(
    std::string_view text, const SeqSetOptions& options
) noexcept {
    if (text.empty()) {
        return SyntaxErrc::SeqSetEmpty;
    }
    if (text == "$") {
        if (!options.allow_saved) {
            return SyntaxErrc::SeqSetSavedNotAllowed;
        }
        return SequenceSet::saved();
    }
    std::vector<SeqRange> ranges;
    std::size_t pos = 0;
    for (;;) {
        if (ranges.size() >= options.max_ranges) {
            return SyntaxErrc::SeqSetTooLong;
        }
        auto first = parse_number(text, pos, options);
        if (!first) {
            return first.error();
        }
        SeqRange range{*first, *first};
        if (pos < text.size() && text[pos] == ':') {
            ++pos;
            auto last = parse_number(text, pos, options);
            if (!last) {
                return last.error();
            }
            range.last = *last;
        }
        ranges.push_back(range);
        if (pos == text.size()) {
            break;
        }
        if (text[pos] == '$') {
            return SyntaxErrc::SeqSetSavedNotAllowed;
        }
        if (text[pos] != ',') {
            return SyntaxErrc::SeqSetSyntax;
        }
        ++pos;
    }
    return SequenceSet::from_ranges(std::move(ranges));
}

std::string format_number_list(std::span<const std::uint32_t> values) {
    std::string out;
    std::size_t i = 0;
    while (i < values.size()) {
        std::size_t j = i;
        while (j + 1 < values.size() && values[j] != UINT32_MAX && values[j + 1] == values[j] + 1) {
            ++j;
        }
        append_range(out, values[i], values[j]);
        i = j + 1;
    }
    return out;
}

}  // namespace govmail::imap
