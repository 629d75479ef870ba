// SELECT and EXAMINE (RFC 9051 6.3.2, 6.3.3), with CONDSTORE (RFC 7162 3.1.8) and QRESYNC
// (RFC 7162 3.2.5) parameters.

#include "imap/detail/session_state.hpp"

#include <algorithm>

namespace govmail::imap {

asio::awaitable<void> Session::cmd_select(TaggedCommand& command) {
    auto& select = std::get<Select>(command.command);
    const std::string verb = select.read_only ? "EXAMINE" : "SELECT";
    completion_.text = verb + " completed";
    if (select.qresync && !qresync_) {
        throw bad("QRESYNC parameter without ENABLE QRESYNC");
    }
    if (select.condstore || select.qresync) {
        condstore_ = true;  // RFC 7162 3.1: a CONDSTORE enabling command
    }
    // RFC 9051 6.3.2: the previous mailbox is closed even when this SELECT fails; CLOSED marks
    // where its responses end (RFC 7162 3.2.11).
    if (selected_) {
        deselect();
        untagged()
            .status(Condition::Ok)
            .code("CLOSED")
            .end_code()
            .text("Previous mailbox closed")
            .end();
    }
    auto name = store::normalize_mailbox_name(select.mailbox);
    std::optional<store::MailboxId> id = name ? find_mailbox(*name) : std::nullopt;
    if (!id) {
        throw no("NONEXISTENT", "Mailbox does not exist");
    }

    auto next = std::make_unique<Selected>();
    next->id = *id;
    next->name = *name;
    next->read_only = select.read_only;
    // RFC 3501 2.3.2: the first session to see new messages gets them as \Recent.
    if (!select.read_only && !rev2_) {
        auto claiming = services_.store.claim_recent(*id);
        auto claimed = co_await std::move(claiming);
        if (claimed && *claimed) {
            next->recent.push_back(**claimed);
        }
    }

    struct Opened {
        store::MailboxRecord record;
        std::vector<store::Uid> uids;
        std::uint32_t first_unseen = 0;
        bool has_children = false;
        store::Changes changes;
    };

    const std::optional<Qresync>& qresync = select.qresync;
    auto opened = services_.store.read([&](const store::StoreReader& r) -> std::optional<Opened> {
        auto record = r.mailbox(*id);
        if (!record) {
            return std::nullopt;
        }
        Opened o;
        o.record = std::move(*record);
        std::vector<store::MessageState> states = r.snapshot(*id);
        o.uids.reserve(states.size());
        for (const store::MessageState& state : states) {
            o.uids.push_back(state.uid);
            if (o.first_unseen == 0 && (state.flags & store::kSeen) == 0) {
                o.first_unseen = static_cast<std::uint32_t>(o.uids.size());
            }
        }
        if (rev2_) {
            for (const store::MailboxListEntry& entry : r.list_mailboxes(account_id())) {
                if (entry.id == *id) {
                    o.has_children = entry.has_children;
                }
            }
        }
        if (qresync && qresync->uid_validity == o.record.uidvalidity) {
            o.changes = r.changes_since(*id, qresync->mod_seq);
        }
        return o;
    });
    if (!opened) {
        throw failure(opened.error(), Operation::Select);
    }
    if (!*opened) {
        throw no("NONEXISTENT", "Mailbox does not exist");
    }
    Opened& o = **opened;
    next->uidvalidity = o.record.uidvalidity;
    next->uidnext = o.record.uidnext;
    next->known_modseq = o.record.highest_modseq;
    next->keyword_count = o.record.keywords.size();
    next->map.assign(o.uids);
    next->last_uid = next->map.max_uid();
    selected_ = std::move(next);
    state_ = State::Selected;
    Selected& s = *selected_;

    write_flags_and_permanent(o.record.keywords);
    untagged().number(s.map.size()).atom("EXISTS").end();
    if (!rev2_) {
        untagged().number(recent_count()).atom("RECENT").end();
        // RFC 3501 6.3.1 (gone from IMAP4rev2): the first message without \Seen.
        if (o.first_unseen != 0) {
            untagged()
                .status(Condition::Ok)
                .code("UNSEEN " + std::to_string(o.first_unseen))
                .end_code()
                .text("First unseen")
                .end();
        }
    } else {
        // RFC 9051 6.3.2: IMAP4rev2 SELECT returns the mailbox's LIST response.
        Response list = untagged().atom("LIST").open();
        list.atom(o.has_children ? "\\HasChildren" : "\\HasNoChildren");
        list.close().string(std::string(1, kHierarchyDelimiter)).mailbox(s.name).end();
    }
    untagged()
        .status(Condition::Ok)
        .code("UIDVALIDITY " + std::to_string(s.uidvalidity))
        .end_code()
        .text("UIDs valid")
        .end();
    untagged()
        .status(Condition::Ok)
        .code("UIDNEXT " + std::to_string(s.uidnext))
        .end_code()
        .text("Predicted next UID")
        .end();
    if (condstore_) {
        untagged()
            .status(Condition::Ok)
            .code("HIGHESTMODSEQ " + std::to_string(o.record.highest_modseq))
            .end_code()
            .text("Highest")
            .end();
    }
    if (qresync && qresync->uid_validity == s.uidvalidity) {
        // RFC 7162 3.2.5.1: what changed since the client's MODSEQ, limited to the UIDs it knows.
        std::optional<NumberSet> known;
        if (qresync->known_uids) {
            known = qresync->known_uids->resolve_uids(s.uidnext);
        }
        std::vector<store::Uid> vanished;
        for (store::Uid uid : o.changes.vanished) {
            if (!known || known->contains(uid)) {
                vanished.push_back(uid);
            }
        }
        if (!vanished.empty()) {
            untagged()
                .atom("VANISHED")
                .open()
                .atom("EARLIER")
                .close()
                .atom(format_number_list(vanished))
                .end();
        }
        std::vector<store::Uid> changed;
        for (const store::MessageState& state : o.changes.changed) {
            if (!known || known->contains(state.uid)) {
                changed.push_back(state.uid);
            }
        }
        std::size_t next_state = 0;
        s.map.for_each(detail::to_ranges(changed), [&](std::uint32_t seq, store::Uid uid) {
            while (o.changes.changed[next_state].uid < uid) {
                ++next_state;
            }
            const store::MessageState& state = o.changes.changed[next_state];
            Response fetch = untagged().number(seq).atom("FETCH").open();
            fetch.atom("UID").number(uid).atom("FLAGS");
            fetch.flags(flag_names(state.flags, state.keywords, o.record.keywords, uid));
            fetch.atom("MODSEQ").open().number(state.modseq).close().close().end();
        });
    }
    complete(Condition::Ok, s.read_only ? "READ-ONLY" : "READ-WRITE", verb + " completed");
}

}  // namespace govmail::imap
