// SEARCH (RFC 9051 6.4.4 and RFC 3501 6.4.4 keys; ESEARCH RETURN RFC 4731 3.1; SAVE RFC 5182;
// MODSEQ RFC 7162 3.1.5) and SORT (RFC 5256 3; DISPLAYFROM/DISPLAYTO RFC 5957).

#include "imap/detail/chars.hpp"
#include "imap/detail/parsers.hpp"

#include <array>
#include <utility>

namespace govmail::imap::detail {
namespace {

enum class Argument : std::uint8_t {
    None,
    String,
    Keyword,
    Header,
    Date,
    Number,
    Set,
    Not,
    Or,
    ModSeq
};

struct KeySpec {
    std::string_view name;
    SearchOp op;
    Argument argument;
};

constexpr std::array kKeys = {
    KeySpec{"ALL", SearchOp::All, Argument::None},
    KeySpec{"ANSWERED", SearchOp::Answered, Argument::None},
    KeySpec{"BCC", SearchOp::Bcc, Argument::String},
    KeySpec{"BEFORE", SearchOp::Before, Argument::Date},
    KeySpec{"BODY", SearchOp::Body, Argument::String},
    KeySpec{"CC", SearchOp::Cc, Argument::String},
    KeySpec{"DELETED", SearchOp::Deleted, Argument::None},
    KeySpec{"DRAFT", SearchOp::Draft, Argument::None},
    KeySpec{"FLAGGED", SearchOp::Flagged, Argument::None},
    KeySpec{"FROM", SearchOp::From, Argument::String},
    KeySpec{"HEADER", SearchOp::Header, Argument::Header},
    KeySpec{"KEYWORD", SearchOp::Keyword, Argument::Keyword},
    KeySpec{"LARGER", SearchOp::Larger, Argument::Number},
    KeySpec{"MODSEQ", SearchOp::ModSeq, Argument::ModSeq},
    KeySpec{"NEW", SearchOp::New, Argument::None},
    KeySpec{"NOT", SearchOp::Not, Argument::Not},
    KeySpec{"OLD", SearchOp::Old, Argument::None},
    KeySpec{"ON", SearchOp::On, Argument::Date},
    KeySpec{"OR", SearchOp::Or, Argument::Or},
    KeySpec{"RECENT", SearchOp::Recent, Argument::None},
    KeySpec{"SEEN", SearchOp::Seen, Argument::None},
    KeySpec{"SENTBEFORE", SearchOp::SentBefore, Argument::Date},
    KeySpec{"SENTON", SearchOp::SentOn, Argument::Date},
    KeySpec{"SENTSINCE", SearchOp::SentSince, Argument::Date},
    KeySpec{"SINCE", SearchOp::Since, Argument::Date},
    KeySpec{"SMALLER", SearchOp::Smaller, Argument::Number},
    KeySpec{"SUBJECT", SearchOp::Subject, Argument::String},
    KeySpec{"TEXT", SearchOp::Text, Argument::String},
    KeySpec{"TO", SearchOp::To, Argument::String},
    KeySpec{"UID", SearchOp::Uid, Argument::Set},
    KeySpec{"UNANSWERED", SearchOp::Unanswered, Argument::None},
    KeySpec{"UNDELETED", SearchOp::Undeleted, Argument::None},
    KeySpec{"UNDRAFT", SearchOp::Undraft, Argument::None},
    KeySpec{"UNFLAGGED", SearchOp::Unflagged, Argument::None},
    KeySpec{"UNKEYWORD", SearchOp::Unkeyword, Argument::Keyword},
    KeySpec{"UNSEEN", SearchOp::Unseen, Argument::None},
};

SearchKey parse_key(Reader& r, std::size_t depth);

// A list of keys all of which must match: the single key itself when there is one.
SearchKey make_and(std::vector<SearchKey> keys) {
    if (keys.size() == 1) {
        return std::move(keys.front());
    }
    SearchKey key;
    key.op = SearchOp::And;
    key.children = std::move(keys);
    return key;
}

// search-modifier MODSEQ: [entry-name SP entry-type-req SP] mod-sequence-valzer
void parse_modseq(Reader& r, SearchKey& key) {
    if (r.peek() == '"') {
        key.text = r.string("entry name");
        r.space();
        std::size_t start = r.position();
        std::string_view type = r.word();
        if (iequals(type, "PRIV") || iequals(type, "SHARED") || iequals(type, "ALL")) {
            key.value = to_upper(type);
            for (char& c : key.value) {
                c = static_cast<char>(c - 'A' + 'a');
            }
        } else {
            r.rewind(start);
            r.fail_near("expected priv, shared or all");
        }
        r.space();
    }
    key.number = r.mod_seq(true);
}

SearchKey parse_keyword_key(Reader& r, std::size_t depth) {
    SearchKey key;
    std::size_t start = r.position();
    std::string_view name = r.word();
    const KeySpec* spec = nullptr;
    for (const KeySpec& candidate : kKeys) {
        if (iequals(name, candidate.name)) {
            spec = &candidate;
            break;
        }
    }
    if (spec == nullptr) {
        r.rewind(start);
        if (name.empty()) {
            r.fail_near("expected search key");
        } else {
            r.fail("unknown search key \"" + printable(name) + "\"");
        }
        return key;
    }
    key.op = spec->op;
    if (spec->argument != Argument::None) {
        r.space();
    }
    switch (spec->argument) {
        case Argument::None:
            break;
        case Argument::String:
            key.text = r.astring("search string");
            break;
        case Argument::Keyword:
            // flag-keyword = atom: system flags have their own keys.
            key.text = std::string(r.atom("keyword"));
            break;
        case Argument::Header:
            key.text = r.header_field_name();
            r.space();
            key.value = r.astring("search string");
            break;
        case Argument::Date:
            key.date = r.date();
            break;
        case Argument::Number:
            key.number = r.number64("size");
            break;
        case Argument::Set:
            key.set = r.sequence_set(kCommandSet);
            break;
        case Argument::Not:
            key.children.push_back(parse_key(r, depth + 1));
            break;
        case Argument::Or:
            key.children.push_back(parse_key(r, depth + 1));
            r.space();
            key.children.push_back(parse_key(r, depth + 1));
            break;
        case Argument::ModSeq:
            parse_modseq(r, key);
            break;
    }
    return key;
}

SearchKey parse_key(Reader& r, std::size_t depth) {
    if (depth > r.options().max_search_depth) {
        r.fail("search keys nested too deeply");
        return {};
    }
    if (r.take('(')) {
        // "(" search-key *(SP search-key) ")"
        std::vector<SearchKey> keys;
        do {
            keys.push_back(parse_key(r, depth + 1));
        } while (r.ok() && r.take(' '));
        r.expect(')');
        return make_and(std::move(keys));
    }
    char c = r.peek();
    if (is_digit(c) || c == '*' || c == '$') {
        SearchKey key;
        key.op = SearchOp::SequenceSet;
        key.set = r.sequence_set(kCommandSet);
        return key;
    }
    return parse_keyword_key(r, depth);
}

// search-key *(SP search-key) up to the end of the command.
SearchKey parse_keys(Reader& r) {
    std::vector<SearchKey> keys;
    do {
        keys.push_back(parse_key(r, 1));
    } while (r.ok() && r.take(' '));
    return make_and(std::move(keys));
}

// "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")" (RFC 4731 3.1, RFC 5182 2.1)
SearchReturn parse_return(Reader& r) {
    SearchReturn ret;
    r.space();
    r.expect('(');
    if (r.take(')')) {
        // RFC 4731 3.1: "RETURN ()" is the same as "RETURN (ALL)".
        ret.all = true;
        return ret;
    }
    do {
        std::size_t start = r.position();
        std::string_view option = r.word();
        if (iequals(option, "MIN")) {
            ret.min = true;
        } else if (iequals(option, "MAX")) {
            ret.max = true;
        } else if (iequals(option, "ALL")) {
            ret.all = true;
        } else if (iequals(option, "COUNT")) {
            ret.count = true;
        } else if (iequals(option, "SAVE")) {
            ret.save = true;
        } else {
            r.rewind(start);
            r.fail_near("unknown RETURN option");
        }
    } while (r.ok() && r.take(' '));
    r.expect(')');
    return ret;
}

}  // namespace

// search = "SEARCH" [search-return-opts] SP search-program
// search-program = ["CHARSET" SP charset SP] search-key *(SP search-key)
Command parse_search(Reader& r, bool uid) {
    Search search;
    search.uid = uid;
    r.space();
    if (r.take_word("RETURN")) {
        search.ret = parse_return(r);
        r.space();
    }
    if (r.take_word("CHARSET")) {
        r.space();
        search.charset = to_upper(r.astring("charset"));
        r.space();
    }
    search.key = parse_keys(r);
    return search;
}

// sort = ["UID" SP] "SORT" SP sort-criteria SP search-criteria
// sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"
// sort-criterion = ["REVERSE" SP] sort-key
// search-criteria = charset 1*(SP search-key)
Command parse_sort(Reader& r, bool uid) {
    static constexpr std::array<std::pair<std::string_view, SortKey>, 9> kSortKeys = {{
        {"ARRIVAL", SortKey::Arrival},
        {"CC", SortKey::Cc},
        {"DATE", SortKey::Date},
        {"FROM", SortKey::From},
        {"SIZE", SortKey::Size},
        {"SUBJECT", SortKey::Subject},
        {"TO", SortKey::To},
        {"DISPLAYFROM", SortKey::DisplayFrom},
        {"DISPLAYTO", SortKey::DisplayTo},
    }};
    Sort sort;
    sort.uid = uid;
    r.space();
    r.expect('(');
    do {
        SortCriterion criterion;
        if (r.take_word("REVERSE")) {
            criterion.reverse = true;
            r.space();
        }
        std::size_t start = r.position();
        std::string_view name = r.word();
        bool found = false;
        for (const auto& [text, key] : kSortKeys) {
            if (iequals(name, text)) {
                criterion.key = key;
                found = true;
                break;
            }
        }
        if (!found) {
            r.rewind(start);
            r.fail_near("unknown sort criterion");
        }
        sort.criteria.push_back(criterion);
    } while (r.ok() && r.take(' '));
    r.expect(')');
    r.space();
    sort.charset = to_upper(r.astring("charset"));
    r.space();
    sort.key = parse_keys(r);
    return sort;
}

}  // namespace govmail::imap::detail
