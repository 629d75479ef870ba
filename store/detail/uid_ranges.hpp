#pragma once
// Walking the message records of UID ranges with one cursor (internal to store/).

#include "store/detail/records.hpp"
#include "store/lmdb.hpp"
#include "store/schema.hpp"

#include <algorithm>
#include <span>
#include <vector>

namespace govmail::store::detail {

// Sorted, non-overlapping, non-adjacent ranges covering the same UIDs; empty ranges dropped.
inline std::vector<UidRange> merge_ranges(std::span<const UidRange> ranges) {
    std::vector<UidRange> sorted;
    for (const UidRange& r : ranges) {
        if (r.first <= r.last) {
            sorted.push_back(r);
        }
    }
    std::ranges::sort(sorted, {}, &UidRange::first);
    std::vector<UidRange> merged;
    for (const UidRange& r : sorted) {
        if (!merged.empty() &&
            (merged.back().last == kMaxUid || r.first <= merged.back().last + 1)) {
            merged.back().last = std::max(merged.back().last, r.last);
        } else {
            merged.push_back(r);
        }
    }
    return merged;
}

// Calls fn(uid, value) for each message record of `mailbox` inside `ranges`, in UID order. One
// cursor seek per range, then sequential steps: "1:*" of a large mailbox is one pass.
template <typename Fn>
void for_each_message(
    const TxnBase& txn,
    const Schema& schema,
    MailboxId mailbox,
    std::span<const UidRange> ranges,
    Fn&& fn
) {
    Cursor cursor = txn.cursor(schema.messages);
    Key prefix = mailbox_key(mailbox);
    for (const UidRange& range : merge_ranges(ranges)) {
        for (bool ok = cursor.seek(message_key(mailbox, range.first));
             ok && cursor.key().starts_with(prefix.view());
             ok = cursor.next()) {
            Uid uid = message_key_uid(cursor.key());
            if (uid > range.last) {
                break;
            }
            fn(uid, cursor.value());
        }
    }
}

}  // namespace govmail::store::detail
