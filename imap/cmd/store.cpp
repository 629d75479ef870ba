// STORE (RFC 9051 6.4.6) with UNCHANGEDSINCE (RFC 7162 3.1.3), UID STORE too. Messages that get
// \Seen here are reported to the activity sink as reads.

#include "imap/detail/session_state.hpp"

#include <algorithm>

namespace govmail::imap {

asio::awaitable<void> Session::cmd_store(TaggedCommand& command) {
    auto& request = std::get<Store>(command.command);
    if (request.unchanged_since) {
        enable_condstore();  // RFC 7162 3.1: a CONDSTORE enabling command
    }
    if (selected().read_only) {
        throw no("READ-ONLY", "Mailbox was opened with EXAMINE");
    }
    std::vector<store::UidRange> uids = resolve(request.set, request.uid);
    if (uids.empty()) {
        co_return;
    }
    const store::MailboxId mailbox = selected().id;
    detail::FlagSet flags = detail::split_flags(request.flags);

    // Which messages are unread now: those that gain \Seen are reads.
    std::vector<store::Uid> unseen;
    if ((flags.system & store::kSeen) != 0 && request.mode != StoreMode::Remove) {
        auto before = services_.store.read([&](const store::StoreReader& r) {
            std::vector<store::Uid> found;
            for (const store::MessageRecord& record : r.messages(mailbox, uids)) {
                if ((record.flags & store::kSeen) == 0) {
                    found.push_back(record.uid);
                }
            }
            return found;
        });
        if (before) {
            unseen = std::move(*before);
        }
    }

    store::FlagUpdate update;
    update.mode = request.mode == StoreMode::Replace ? store::FlagMode::Replace
                  : request.mode == StoreMode::Add   ? store::FlagMode::Add
                                                     : store::FlagMode::Remove;
    update.flags = flags.system;
    update.keywords = std::move(flags.keywords);
    update.unchanged_since = request.unchanged_since;
    auto storing = services_.store.store_flags(mailbox, uids, std::move(update));
    auto stored = co_await std::move(storing);
    if (!stored) {
        throw failure(stored.error(), Operation::Flags);
    }
    Selected& s = selected();
    std::ranges::sort(stored->changed, {}, &store::MessageState::uid);
    if (!stored->changed.empty()) {
        s.own_modseqs.push_back(stored->changed.front().modseq);
    }

    std::uint32_t reads = 0;
    for (const store::MessageState& state : stored->changed) {
        if ((state.flags & store::kSeen) != 0 && std::ranges::binary_search(unseen, state.uid)) {
            ++reads;
        }
    }
    record_reads(reads);

    // The current flags of the messages, with the keyword table that names them.
    struct Current {
        std::vector<std::string> keywords;
        std::vector<store::MessageRecord> records;
    };

    auto current = services_.store.read([&](const store::StoreReader& r) {
        Current c;
        if (auto record = r.mailbox(mailbox)) {
            c.keywords = std::move(record->keywords);
        }
        if (!request.silent) {
            c.records = r.messages(mailbox, uids);
        }
        return c;
    });
    if (!current) {
        throw failure(current.error(), Operation::Flags);
    }
    if (stored->keywords_added && current->keywords.size() != s.keyword_count) {
        s.keyword_count = current->keywords.size();
        write_flags_and_permanent(current->keywords);
    }

    if (!request.silent) {
        // RFC 9051 6.4.6: the new flags of each message, whether they changed or not.
        std::size_t next = 0;
        const auto& records = current->records;
        s.map.for_each(uids, [&](std::uint32_t seq, store::Uid uid) {
            while (next < records.size() && records[next].uid < uid) {
                ++next;
            }
            if (next == records.size() || records[next].uid != uid) {
                return;
            }
            const store::MessageRecord& record = records[next];
            Response response = untagged().number(seq).atom("FETCH").open();
            if (request.uid) {
                response.atom("UID").number(uid);
            }
            response.atom("FLAGS").flags(
                flag_names(record.flags, record.keywords, current->keywords, uid)
            );
            if (condstore_) {
                response.atom("MODSEQ").open().number(record.modseq).close();
            }
            response.close().end();
        });
    } else if (condstore_) {
        // RFC 7162 3.1.3: the new MODSEQs are sent even with .SILENT.
        std::size_t next = 0;
        const auto& changed = stored->changed;
        s.map.for_each(uids, [&](std::uint32_t seq, store::Uid uid) {
            while (next < changed.size() && changed[next].uid < uid) {
                ++next;
            }
            if (next == changed.size() || changed[next].uid != uid) {
                return;
            }
            Response response = untagged().number(seq).atom("FETCH").open();
            response.atom("UID").number(uid);
            response.atom("MODSEQ").open().number(changed[next].modseq).close().close().end();
        });
    }

    if (!stored->modified.empty()) {
        // RFC 7162 3.1.3: message numbers for STORE, UIDs for UID STORE.
        std::vector<store::Uid> failed = stored->modified;
        std::ranges::sort(failed);
        std::vector<std::uint32_t> numbers;
        if (request.uid) {
            numbers.assign(failed.begin(), failed.end());
        } else {
            s.map.for_each(detail::to_ranges(failed), [&](std::uint32_t seq, store::Uid) {
                numbers.push_back(seq);
            });
        }
        complete(
            Condition::Ok,
            "MODIFIED " + format_number_list(numbers),
            "Conditional STORE failed for some messages"
        );
    }
}

}  // namespace govmail::imap
