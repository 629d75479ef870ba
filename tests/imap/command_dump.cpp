#include "tests/imap/command_dump.hpp"

namespace govmail::imap::test {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};

// clang 14 has no class template argument deduction for aggregates.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string join(const std::vector<std::string>& items, std::string_view separator = ",") {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            out += separator;
        }
        out += items[i];
    }
    return out;
}

std::string quoted_list(const std::vector<std::string>& items) {
    std::vector<std::string> out;
    for (const std::string& item : items) {
        out.push_back(quote(item));
    }
    return join(out);
}

std::string two_digits(unsigned value) {
    return (value < 10 ? "0" : "") + std::to_string(value);
}

std::string date(const Date& d) {
    return std::to_string(d.year) + "-" + two_digits(d.month) + "-" + two_digits(d.day);
}

std::string date_time(const DateTime& dt) {
    return date(dt.date) + "T" + two_digits(dt.hour) + ":" + two_digits(dt.minute) + ":" +
           two_digits(dt.second) + (dt.zone_minutes < 0 ? "" : "+") +
           std::to_string(dt.zone_minutes);
}

std::string status_items(const std::vector<StatusItem>& items) {
    std::vector<std::string> names;
    for (StatusItem item : items) {
        names.emplace_back(to_string(item));
    }
    return join(names);
}

std::string uid(bool uid) {
    return uid ? " uid" : "";
}

std::string attribute(const FetchAttribute& a) {
    std::string out = response_name(a);
    if (a.peek) {
        out += "/peek";
    }
    if (a.partial) {
        out += "/len=" + std::to_string(a.partial->length);
    }
    return out;
}

const char* op_name(SearchOp op) {
    switch (op) {
        case SearchOp::And:
            return "AND";
        case SearchOp::Or:
            return "OR";
        case SearchOp::Not:
            return "NOT";
        case SearchOp::All:
            return "ALL";
        case SearchOp::Answered:
            return "ANSWERED";
        case SearchOp::Deleted:
            return "DELETED";
        case SearchOp::Draft:
            return "DRAFT";
        case SearchOp::Flagged:
            return "FLAGGED";
        case SearchOp::New:
            return "NEW";
        case SearchOp::Old:
            return "OLD";
        case SearchOp::Recent:
            return "RECENT";
        case SearchOp::Seen:
            return "SEEN";
        case SearchOp::Unanswered:
            return "UNANSWERED";
        case SearchOp::Undeleted:
            return "UNDELETED";
        case SearchOp::Undraft:
            return "UNDRAFT";
        case SearchOp::Unflagged:
            return "UNFLAGGED";
        case SearchOp::Unseen:
            return "UNSEEN";
        case SearchOp::Keyword:
            return "KEYWORD";
        case SearchOp::Unkeyword:
            return "UNKEYWORD";
        case SearchOp::Bcc:
            return "BCC";
        case SearchOp::Body:
            return "BODY";
        case SearchOp::Cc:
            return "CC";
        case SearchOp::From:
            return "FROM";
        case SearchOp::Subject:
            return "SUBJECT";
        case SearchOp::Text:
            return "TEXT";
        case SearchOp::To:
            return "TO";
        case SearchOp::Header:
            return "HEADER";
        case SearchOp::Before:
            return "BEFORE";
        case SearchOp::On:
            return "ON";
        case SearchOp::Since:
            return "SINCE";
        case SearchOp::SentBefore:
            return "SENTBEFORE";
        case SearchOp::SentOn:
            return "SENTON";
        case SearchOp::SentSince:
            return "SENTSINCE";
        case SearchOp::Larger:
            return "LARGER";
        case SearchOp::Smaller:
            return "SMALLER";
        case SearchOp::Uid:
            return "UID";
        case SearchOp::SequenceSet:
            return "SEQ";
        case SearchOp::ModSeq:
            return "MODSEQ";
    }
    return "?";
}

const char* sort_name(SortKey key) {
    switch (key) {
        case SortKey::Arrival:
            return "ARRIVAL";
        case SortKey::Cc:
            return "CC";
        case SortKey::Date:
            return "DATE";
        case SortKey::From:
            return "FROM";
        case SortKey::Size:
            return "SIZE";
        case SortKey::Subject:
            return "SUBJECT";
        case SortKey::To:
            return "TO";
        case SortKey::DisplayFrom:
            return "DISPLAYFROM";
        case SortKey::DisplayTo:
            return "DISPLAYTO";
    }
    return "?";
}

}  // namespace

std::string quote(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
            case '\r':
                out += "\\r";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\0':
                out += "\\0";
                break;
            case '\t':
                out += "\\t";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            default:
                out.push_back(c);
        }
    }
    return out + "\"";
}

std::string dump(const SearchKey& key) {
    std::string out = op_name(key.op);
    std::vector<std::string> args;
    switch (key.op) {
        case SearchOp::And:
        case SearchOp::Or:
        case SearchOp::Not:
            for (const SearchKey& child : key.children) {
                args.push_back(dump(child));
            }
            break;
        case SearchOp::Keyword:
        case SearchOp::Unkeyword:
        case SearchOp::Bcc:
        case SearchOp::Body:
        case SearchOp::Cc:
        case SearchOp::From:
        case SearchOp::Subject:
        case SearchOp::Text:
        case SearchOp::To:
            args.push_back(quote(key.text));
            break;
        case SearchOp::Header:
            args.push_back(quote(key.text));
            args.push_back(quote(key.value));
            break;
        case SearchOp::Before:
        case SearchOp::On:
        case SearchOp::Since:
        case SearchOp::SentBefore:
        case SearchOp::SentOn:
        case SearchOp::SentSince:
            args.push_back(date(key.date));
            break;
        case SearchOp::Larger:
        case SearchOp::Smaller:
            args.push_back(std::to_string(key.number));
            break;
        case SearchOp::Uid:
        case SearchOp::SequenceSet:
            args.push_back(key.set.to_string());
            break;
        case SearchOp::ModSeq:
            if (!key.text.empty()) {
                args.push_back(quote(key.text));
                args.push_back(key.value);
            }
            args.push_back(std::to_string(key.number));
            break;
        default:
            return out;
    }
    return out + "(" + join(args) + ")";
}

std::string dump(const Command& command) {
    return std::visit(
        Overloaded{
            [](const Capability&) -> std::string { return "CAPABILITY"; },
            [](const Noop&) -> std::string { return "NOOP"; },
            [](const Logout&) -> std::string { return "LOGOUT"; },
            [](const StartTls&) -> std::string { return "STARTTLS"; },
            [](const Namespace&) -> std::string { return "NAMESPACE"; },
            [](const Idle&) -> std::string { return "IDLE"; },
            [](const Check&) -> std::string { return "CHECK"; },
            [](const Close&) -> std::string { return "CLOSE"; },
            [](const Unselect&) -> std::string { return "UNSELECT"; },
            [](const Expunge&) -> std::string { return "EXPUNGE"; },
            [](const Login& c) {
                return "LOGIN user=" + quote(c.user) + " password=" + quote(c.password);
            },
            [](const Authenticate& c) {
                std::string out = "AUTHENTICATE " + c.mechanism;
                if (c.initial_response) {
                    out += " ir=" + quote(*c.initial_response);
                }
                return out;
            },
            [](const Select& c) {
                std::string out = std::string(c.read_only ? "EXAMINE" : "SELECT") +
                                  " mailbox=" + quote(c.mailbox);
                if (c.condstore) {
                    out += " condstore";
                }
                if (c.qresync) {
                    out += " qresync=(" + std::to_string(c.qresync->uid_validity) + " " +
                           std::to_string(c.qresync->mod_seq);
                    if (c.qresync->known_uids) {
                        out += " known-uids=" + c.qresync->known_uids->to_string();
                    }
                    if (c.qresync->known_seqs) {
                        out += " seqs=" + c.qresync->known_seqs->to_string() +
                               " uids=" + c.qresync->known_seq_uids->to_string();
                    }
                    out += ")";
                }
                return out;
            },
            [](const Create& c) {
                std::string out = "CREATE mailbox=" + quote(c.mailbox);
                if (!c.special_use.empty()) {
                    out += " use=" + join(c.special_use);
                }
                return out;
            },
            [](const Delete& c) { return "DELETE mailbox=" + quote(c.mailbox); },
            [](const Rename& c) { return "RENAME from=" + quote(c.from) + " to=" + quote(c.to); },
            [](const Subscribe& c) { return "SUBSCRIBE mailbox=" + quote(c.mailbox); },
            [](const Unsubscribe& c) { return "UNSUBSCRIBE mailbox=" + quote(c.mailbox); },
            [](const List& c) {
                std::string out = "LIST ref=" + quote(c.reference) + " patterns=[" +
                                  quoted_list(c.patterns) + "]";
                if (c.extended) {
                    out += " extended";
                }
                std::vector<std::string> select;
                if (c.select_subscribed)
                    select.emplace_back("SUBSCRIBED");
                if (c.select_remote)
                    select.emplace_back("REMOTE");
                if (c.select_recursive_match)
                    select.emplace_back("RECURSIVEMATCH");
                if (c.select_special_use)
                    select.emplace_back("SPECIAL-USE");
                if (!select.empty()) {
                    out += " select=" + join(select);
                }
                std::vector<std::string> ret;
                if (c.return_subscribed)
                    ret.emplace_back("SUBSCRIBED");
                if (c.return_children)
                    ret.emplace_back("CHILDREN");
                if (c.return_special_use)
                    ret.emplace_back("SPECIAL-USE");
                if (c.return_status)
                    ret.push_back("STATUS(" + status_items(*c.return_status) + ")");
                if (!ret.empty()) {
                    out += " return=" + join(ret);
                }
                return out;
            },
            [](const Lsub& c) {
                return "LSUB ref=" + quote(c.reference) + " pattern=" + quote(c.pattern);
            },
            [](const Status& c) {
                return "STATUS mailbox=" + quote(c.mailbox) + " items=" + status_items(c.items);
            },
            [](const Append& c) {
                std::vector<std::string> messages;
                for (const AppendMessage& m : c.messages) {
                    std::string text;
                    if (!m.flags.empty()) {
                        text += "flags=(" + join(m.flags, " ") + ") ";
                    }
                    if (m.internal_date) {
                        text += "date=" + date_time(*m.internal_date) + " ";
                    }
                    text += "data=" + quote(m.data);
                    if (m.binary) {
                        text += " binary";
                    }
                    if (m.utf8) {
                        text += " utf8";
                    }
                    messages.push_back(text);
                }
                return "APPEND mailbox=" + quote(c.mailbox) + " [" + join(messages, "; ") + "]";
            },
            [](const UidExpunge& c) { return "UID EXPUNGE set=" + c.uids.to_string(); },
            [](const Search& c) {
                std::string out = "SEARCH" + uid(c.uid);
                if (c.charset) {
                    out += " charset=" + *c.charset;
                }
                if (c.ret) {
                    std::vector<std::string> options;
                    if (c.ret->min)
                        options.emplace_back("MIN");
                    if (c.ret->max)
                        options.emplace_back("MAX");
                    if (c.ret->all)
                        options.emplace_back("ALL");
                    if (c.ret->count)
                        options.emplace_back("COUNT");
                    if (c.ret->save)
                        options.emplace_back("SAVE");
                    out += " return=(" + join(options, " ") + ")";
                }
                return out + " key=" + dump(c.key);
            },
            [](const Fetch& c) {
                std::vector<std::string> items;
                for (const FetchAttribute& a : c.items) {
                    items.push_back(attribute(a));
                }
                std::string out = "FETCH" + uid(c.uid) + " set=" + c.set.to_string() + " items=[" +
                                  join(items, " ") + "]";
                if (c.changed_since) {
                    out += " changedsince=" + std::to_string(*c.changed_since);
                }
                if (c.vanished) {
                    out += " vanished";
                }
                return out;
            },
            [](const Store& c) {
                const char* mode = c.mode == StoreMode::Add      ? "+"
                                   : c.mode == StoreMode::Remove ? "-"
                                                                 : "=";
                std::string out =
                    "STORE" + uid(c.uid) + " set=" + c.set.to_string() + " mode=" + mode;
                if (c.silent) {
                    out += " silent";
                }
                out += " flags=(" + join(c.flags, " ") + ")";
                if (c.unchanged_since) {
                    out += " unchangedsince=" + std::to_string(*c.unchanged_since);
                }
                return out;
            },
            [](const Copy& c) {
                return "COPY" + uid(c.uid) + " set=" + c.set.to_string() +
                       " mailbox=" + quote(c.mailbox);
            },
            [](const Move& c) {
                return "MOVE" + uid(c.uid) + " set=" + c.set.to_string() +
                       " mailbox=" + quote(c.mailbox);
            },
            [](const Id& c) {
                if (c.fields.empty()) {
                    return std::string("ID NIL");
                }
                std::vector<std::string> fields;
                for (const IdField& f : c.fields) {
                    fields.push_back(quote(f.name) + "=" + (f.value ? quote(*f.value) : "NIL"));
                }
                return "ID " + join(fields);
            },
            [](const Enable& c) { return "ENABLE " + join(c.capabilities); },
            [](const Sort& c) {
                std::vector<std::string> criteria;
                for (const SortCriterion& s : c.criteria) {
                    criteria.push_back(std::string(s.reverse ? "REVERSE " : "") + sort_name(s.key));
                }
                return "SORT" + uid(c.uid) + " criteria=[" + join(criteria) +
                       "] charset=" + c.charset + " key=" + dump(c.key);
            },
            [](const GetQuota& c) { return "GETQUOTA root=" + quote(c.root); },
            [](const GetQuotaRoot& c) { return "GETQUOTAROOT mailbox=" + quote(c.mailbox); },
            [](const SetQuota& c) {
                std::vector<std::string> limits;
                for (const QuotaLimit& l : c.limits) {
                    limits.push_back(l.resource + "=" + std::to_string(l.limit));
                }
                return "SETQUOTA root=" + quote(c.root) + " limits=[" + join(limits) + "]";
            },
        },
        command
    );
}

}  // namespace govmail::imap::test
