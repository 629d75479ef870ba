// LIST (RFC 9051 6.3.9) with LIST-EXTENDED (RFC 5258: selection and return options, several
// patterns, CHILDINFO), LIST-STATUS (RFC 5819), SPECIAL-USE (RFC 6154) and CHILDREN (RFC 3348),
// and LSUB (RFC 3501 6.3.9, deprecated by IMAP4rev2 but still used by older clients).

#include "imap/detail/chars.hpp"
#include "imap/detail/session_state.hpp"
#include "imap/detail/status.hpp"
#include "store/names.hpp"

#include <map>
#include <set>

namespace govmail::imap {
namespace {

// Patterns longer than this are refused: matching costs name length x pattern length.
constexpr std::size_t kMaxPattern = 1024;

// RFC 9051 6.3.9: "*" matches anything, "%" anything but the hierarchy delimiter. The first
// component "INBOX" matches case-insensitively (RFC 9051 5.1).
bool matches(std::string_view pattern, std::string_view name) {
    const bool inbox = name.size() >= 5 && name.substr(0, 5) == store::kInbox &&
                       (name.size() == 5 || name[5] == kHierarchyDelimiter);
    auto same = [&](std::size_t p, std::size_t n) {
        if (inbox && n < 5) {
            return detail::to_upper(pattern[p]) == name[n];
        }
        return pattern[p] == name[n];
    };
    // reachable[n]: the pattern so far can match name[0, n).
    std::vector<char> reachable(name.size() + 1, 0);
    reachable[0] = 1;
    for (std::size_t p = 0; p < pattern.size(); ++p) {
        std::vector<char> next(name.size() + 1, 0);
        char c = pattern[p];
        for (std::size_t n = 0; n <= name.size(); ++n) {
            if (c == '*') {
                next[n] = reachable[n] != 0 || (n > 0 && next[n - 1] != 0) ? 1 : 0;
            } else if (c == '%') {
                next[n] = reachable[n] != 0 ||
                                  (n > 0 && next[n - 1] != 0 && name[n - 1] != kHierarchyDelimiter)
                              ? 1
                              : 0;
            } else {
                next[n] = n > 0 && reachable[n - 1] != 0 && same(p, n - 1) ? 1 : 0;
            }
        }
        reachable = std::move(next);
    }
    return reachable[name.size()] != 0;
}

std::vector<std::string> full_patterns(
    std::string_view reference, std::span<const std::string> patterns
) {
    std::vector<std::string> full;
    for (const std::string& pattern : patterns) {
        std::string joined = std::string(reference) + pattern;
        if (joined.size() > kMaxPattern) {
            throw bad("Mailbox pattern too long");
        }
        full.push_back(std::move(joined));
    }
    return full;
}

bool matches_any(const std::vector<std::string>& patterns, std::string_view name) {
    return std::ranges::any_of(patterns, [&](const std::string& p) { return matches(p, name); });
}

struct Candidate {
    const store::MailboxListEntry* entry = nullptr;  // null: does not exist
    bool subscribed = false;
};

}  // namespace

asio::awaitable<void> Session::cmd_list(TaggedCommand& command) {
    auto& list = std::get<List>(command.command);
    const std::string delimiter(1, kHierarchyDelimiter);
    // RFC 9051 6.3.9: an empty pattern asks for the delimiter and the root.
    if (list.patterns.size() == 1 && list.patterns.front().empty() && !list.select_subscribed &&
        !list.select_special_use) {
        untagged()
            .atom("LIST")
            .open()
            .atom("\\Noselect")
            .close()
            .string(delimiter)
            .string("")
            .end();
        co_return;
    }
    std::vector<std::string> patterns = full_patterns(list.reference, list.patterns);
    if (list.return_status && std::ranges::find(*list.return_status, StatusItem::HighestModSeq) !=
                                  list.return_status->end()) {
        enable_condstore();
    }

    struct Listing {
        std::vector<store::MailboxListEntry> entries;
        std::vector<std::string> subscriptions;
        std::map<store::MailboxId, store::MailboxRecord> records;
    };

    auto listing = services_.store.read([&](const store::StoreReader& r) {
        Listing l{r.list_mailboxes(account_id()), r.subscriptions(account_id()), {}};
        if (list.return_status) {
            for (const store::MailboxListEntry& entry : l.entries) {
                if (matches_any(patterns, entry.name)) {
                    if (auto record = r.mailbox(entry.id)) {
                        l.records.emplace(entry.id, std::move(*record));
                    }
                }
            }
        }
        return l;
    });
    if (!listing) {
        throw failure(listing.error(), Operation::Other);
    }
    const bool want_subscribed = list.select_subscribed || list.return_subscribed;

    // Every name that may be listed: existing mailboxes, subscribed names (SUBSCRIBED), and for
    // RECURSIVEMATCH the parents of both.
    std::map<std::string, Candidate> candidates;
    for (const store::MailboxListEntry& entry : listing->entries) {
        candidates[entry.name].entry = &entry;
    }
    for (const std::string& name : listing->subscriptions) {
        if (list.select_subscribed || candidates.contains(name)) {
            candidates[name].subscribed = true;
        }
    }
    // Selection (RFC 5258 3.1, RFC 6154 5.1): whether a name meets the selection options.
    auto selected_by = [&](const Candidate& c) {
        if (list.select_subscribed && !c.subscribed) {
            return false;
        }
        if (list.select_special_use &&
            (c.entry == nullptr || c.entry->special_use == store::SpecialUse::None)) {
            return false;
        }
        return list.select_subscribed || c.entry != nullptr;
    };
    std::set<std::string> parents_with_match;
    if (list.select_recursive_match) {
        for (const auto& entry : candidates) {
            const std::string& name = entry.first;
            if (!selected_by(entry.second)) {
                continue;
            }
            for (std::string_view parent = store::parent_mailbox_name(name); !parent.empty();
                 parent = store::parent_mailbox_name(parent)) {
                parents_with_match.emplace(parent);
            }
        }
        for (const std::string& parent : parents_with_match) {
            candidates.try_emplace(parent);
        }
    }

    for (const auto& entry : candidates) {
        const std::string& name = entry.first;
        const Candidate& candidate = entry.second;
        if (!matches_any(patterns, name)) {
            continue;
        }
        const bool chosen = selected_by(candidate);
        const bool child_info = list.select_recursive_match && parents_with_match.contains(name);
        if (!chosen && !child_info) {
            continue;
        }
        Response response = untagged().atom("LIST").open();
        if (candidate.entry == nullptr) {
            response.atom("\\NonExistent");  // RFC 5258 3.4: implies \Noselect
        } else {
            response.atom(candidate.entry->has_children ? "\\HasChildren" : "\\HasNoChildren");
            std::string_view use = store::special_use_attribute(candidate.entry->special_use);
            if (!use.empty()) {
                response.atom(use);
            }
        }
        if (want_subscribed && candidate.subscribed) {
            response.atom("\\Subscribed");
        }
        response.close().string(delimiter).mailbox(name);
        if (child_info) {
            // RFC 5258 3.5: a child meets the selection criteria.
            response.open().string("CHILDINFO").open();
            if (list.select_subscribed) {
                response.string("SUBSCRIBED");
            }
            if (list.select_special_use) {
                response.string("SPECIAL-USE");
            }
            response.close().close();
        }
        response.end();
        if (list.return_status && candidate.entry != nullptr && chosen) {
            auto record = listing->records.find(candidate.entry->id);
            if (record != listing->records.end()) {
                Response status = respond();
                detail::write_status(
                    status, name, record->second, *list.return_status, config_.max_append_size
                );
            }
        }
    }
    co_return;
}

asio::awaitable<void> Session::cmd_lsub(TaggedCommand& command) {
    auto& lsub = std::get<Lsub>(command.command);
    const std::string delimiter(1, kHierarchyDelimiter);
    if (lsub.pattern.empty()) {
        untagged()
            .atom("LSUB")
            .open()
            .atom("\\Noselect")
            .close()
            .string(delimiter)
            .string("")
            .end();
        co_return;
    }
    std::vector<std::string> patterns = full_patterns(lsub.reference, std::span(&lsub.pattern, 1));
    auto subscriptions = services_.store.read([&](const store::StoreReader& r) {
        return r.subscriptions(account_id());
    });
    if (!subscriptions) {
        throw failure(subscriptions.error(), Operation::Other);
    }
    for (const std::string& name : *subscriptions) {
        if (matches_any(patterns, name)) {
            untagged().atom("LSUB").open().close().string(delimiter).mailbox(name).end();
        }
    }
}

}  // namespace govmail::imap
