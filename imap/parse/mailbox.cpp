// Mailbox commands: SELECT/EXAMINE (RFC 9051 6.3.2-3, CONDSTORE/QRESYNC RFC 7162 3.1.8 and
// 3.2.5), CREATE (USE, RFC 6154 3), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS (RFC 9051
// 6.3.11 and the items of RFC 3501, 7162, 7889, 8438).

#include "imap/detail/parsers.hpp"

#include <array>
#include <utility>

namespace govmail::imap::detail {
namespace {

// known-uids and seq-match-data never contain "*" (RFC 7162 7).
constexpr SeqSetOptions kKnownSet{.allow_star = false, .allow_saved = false};

// "QRESYNC" SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"
Qresync parse_qresync(Reader& r) {
    Qresync q;
    r.space();
    r.expect('(');
    q.uid_validity = r.nz_number("UIDVALIDITY");
    r.space();
    q.mod_seq = r.mod_seq(false);
    bool seq_match = false;
    if (r.take(' ')) {
        seq_match = r.peek() == '(';
        if (!seq_match) {
            q.known_uids = r.sequence_set(kKnownSet);
            seq_match = r.take(' ');
        }
    }
    if (seq_match) {
        r.expect('(');
        q.known_seqs = r.sequence_set(kKnownSet);
        r.space();
        q.known_seq_uids = r.sequence_set(kKnownSet);
        r.expect(')');
    }
    r.expect(')');
    return q;
}

Command parse_select_common(Reader& r, bool read_only) {
    Select select;
    select.read_only = read_only;
    r.space();
    select.mailbox = r.mailbox();
    if (!r.take(' ')) {
        return select;
    }
    // RFC 4466 2.1: select-params = "(" select-param *(SP select-param) ")"
    r.expect('(');
    do {
        std::string_view name = r.word();
        if (iequals(name, "CONDSTORE")) {
            select.condstore = true;
        } else if (iequals(name, "QRESYNC")) {
            if (select.qresync) {
                r.fail("QRESYNC given twice");
            }
            select.qresync = parse_qresync(r);
        } else {
            r.fail_near("unknown select parameter");
        }
    } while (r.ok() && r.take(' '));
    r.expect(')');
    return select;
}

// RFC 6154 2: the special-use attributes, canonical spelling.
constexpr std::array<std::string_view, 7> kSpecialUses = {
    "\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash"};

std::string parse_use_attribute(Reader& r) {
    r.expect('\\');
    std::string_view name = r.atom("special-use attribute");
    for (std::string_view use : kSpecialUses) {
        if (iequals(name, to_upper(use.substr(1)))) {
            return std::string(use);
        }
    }
    // Unknown attributes are the session's to refuse with NO [USEATTR] (RFC 6154 3).
    return "\\" + std::string(name);
}

}  // namespace

Command parse_select(Reader& r, bool /*uid*/) {
    return parse_select_common(r, false);
}

Command parse_examine(Reader& r, bool /*uid*/) {
    return parse_select_common(r, true);
}

Command parse_create(Reader& r, bool /*uid*/) {
    Create create;
    r.space();
    create.mailbox = r.mailbox();
    if (!r.take(' ')) {
        return create;
    }
    // RFC 4466 2.2 create-params; RFC 6154 6: create-param =/ "USE" SP "(" [use-attr ...] ")"
    r.expect('(');
    do {
        if (!r.take_word("USE")) {
            r.fail_near("unknown CREATE parameter");
            break;
        }
        r.space();
        r.expect('(');
        if (!r.take(')')) {
            do {
                create.special_use.push_back(parse_use_attribute(r));
            } while (r.ok() && r.take(' '));
            r.expect(')');
        }
    } while (r.ok() && r.take(' '));
    r.expect(')');
    return create;
}

Command parse_delete(Reader& r, bool /*uid*/) {
    r.space();
    return Delete{r.mailbox()};
}

Command parse_rename(Reader& r, bool /*uid*/) {
    Rename rename;
    r.space();
    rename.from = r.mailbox();
    r.space();
    rename.to = r.mailbox();
    return rename;
}

Command parse_subscribe(Reader& r, bool /*uid*/) {
    r.space();
    return Subscribe{r.mailbox()};
}

Command parse_unsubscribe(Reader& r, bool /*uid*/) {
    r.space();
    return Unsubscribe{r.mailbox()};
}

std::vector<StatusItem> parse_status_items(Reader& r) {
    static constexpr std::array<std::pair<std::string_view, StatusItem>, 9> kItems = {{
        {"MESSAGES", StatusItem::Messages},
        {"RECENT", StatusItem::Recent},
        {"UIDNEXT", StatusItem::UidNext},
        {"UIDVALIDITY", StatusItem::UidValidity},
        {"UNSEEN", StatusItem::Unseen},
        {"DELETED", StatusItem::Deleted},
        {"SIZE", StatusItem::Size},
        {"HIGHESTMODSEQ", StatusItem::HighestModSeq},
        {"APPENDLIMIT", StatusItem::AppendLimit},
    }};
    std::vector<StatusItem> items;
    r.expect('(');
    do {
        std::size_t start = r.position();
        std::string_view name = r.word();
        bool found = false;
        for (const auto& [text, item] : kItems) {
            if (iequals(name, text)) {
                items.push_back(item);
                found = true;
                break;
            }
        }
        if (!found) {
            r.rewind(start);
            r.fail_near("unknown status item");
        }
    } while (r.ok() && r.take(' '));
    r.expect(')');
    return items;
}

Command parse_status(Reader& r, bool /*uid*/) {
    Status status;
    r.space();
    status.mailbox = r.mailbox();
    r.space();
    status.items = parse_status_items(r);
    return status;
}

}  // namespace govmail::imap::detail
