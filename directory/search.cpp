#include "directory/search.hpp"

#include "core/text/text.hpp"
#include "store/codec.hpp"

#include <algorithm>
#include <optional>
#include <set>

namespace govmail::directory {
namespace {

constexpr std::size_t kMaxSortKey = 200;

bool token_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

std::string doc_key(HitKind kind, Id id) {
    store::Key k;
    k.u8(static_cast<std::uint8_t>(kind)).u64(id);
    return std::string(k.view());
}

// Byte lengths of the prefixes of `token` of 1..kMaxPrefix characters (UTF-8 aware).
std::vector<std::size_t> prefix_lengths(std::string_view token) {
    std::vector<std::size_t> out;
    std::size_t chars = 0;
    for (std::size_t i = 1; i <= token.size() && chars < kMaxPrefix; ++i) {
        bool boundary = i == token.size() || (static_cast<unsigned char>(token[i]) & 0xC0) != 0x80;
        if (boundary) {
            out.push_back(i);
            ++chars;
        }
    }
    return out;
}

std::string index_key(std::string_view prefix, std::string_view sort_key, const std::string& doc) {
    std::string key;
    key.reserve(prefix.size() + sort_key.size() + doc.size() + 2);
    key.append(prefix).push_back('\0');
    key.append(sort_key).push_back('\0');
    key.append(doc);
    return key;
}

struct Doc {
    std::string sort_key;
    std::vector<std::string> tokens;
};

std::string encode_doc(const Doc& doc) {
    store::Encoder e;
    e.u8(kRecordVersion).bytes(doc.sort_key).varint(doc.tokens.size());
    for (const std::string& token : doc.tokens) {
        e.bytes(token);
    }
    return e.take();
}

Doc decode_doc(std::string_view value) {
    store::Decoder d(value);
    d.u8();
    Doc doc;
    doc.sort_key = d.bytes();
    std::uint64_t n = d.varint();
    for (std::uint64_t i = 0; i < n; ++i) {
        doc.tokens.emplace_back(d.bytes());
    }
    return doc;
}

// Every distinct prefix of every token.
std::set<std::string> prefixes_of(const std::vector<std::string>& tokens) {
    std::set<std::string> out;
    for (const std::string& token : tokens) {
        for (std::size_t length : prefix_lengths(token)) {
            out.insert(token.substr(0, length));
        }
    }
    return out;
}

void put_doc(Mutator& m, HitKind kind, Id id, Doc doc) {
    unindex(m, kind, id);
    std::ranges::sort(doc.tokens);
    doc.tokens.erase(std::unique(doc.tokens.begin(), doc.tokens.end()), doc.tokens.end());
    std::string key = doc_key(kind, id);
    for (const std::string& prefix : prefixes_of(doc.tokens)) {
        m.txn().put(m.dbs().search, index_key(prefix, doc.sort_key, key), "");
    }
    m.txn().put(m.dbs().search_docs, key, encode_doc(doc));
}

std::string sort_key_of(std::string_view name) {
    std::string key = text::collation_key(name);
    key.resize(std::min(key.size(), kMaxSortKey));
    return key;
}

void append_tokens(std::vector<std::string>& out, std::string_view text) {
    for (std::string& token : search_tokens(text)) {
        out.push_back(std::move(token));
    }
}

// Checks a stored doc against the query without decoding it into strings: this runs for every
// candidate of the driving range, the hot loop of a search.
bool matches(std::string_view stored, const std::vector<std::string>& query) {
    store::Decoder d(stored);
    d.u8();
    d.bytes();
    std::uint64_t n = d.varint();
    std::string_view tokens[64];
    std::size_t count = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
        std::string_view token = d.bytes();
        if (count < std::size(tokens)) {
            tokens[count++] = token;
        }
    }
    return std::ranges::all_of(query, [&](const std::string& q) {
        return std::any_of(tokens, tokens + count, [&](std::string_view t) {
            return t.starts_with(q);
        });
    });
}

// One query token's range of dir.search: the keys "prefix, 0, sort key, 0, doc" of every record
// having a token that starts with the prefix, in (sort key, doc) order. The position of a key is
// what follows "prefix, 0": every range orders its records the same way, so ranges can be joined
// by seeking one to the position of another.
class TokenRange {
public:
    TokenRange(const View& view, std::string_view prefix)
        : cursor_(view.txn().cursor(view.dbs().search))
        , start_(std::string(prefix) + '\0') {}

    // Moves to the first entry at or after `position`; false when the range is exhausted.
    bool seek(std::string_view position) {
        scratch_.assign(start_).append(position);
        return settle(cursor_.seek(scratch_));
    }

    bool next() { return settle(cursor_.next()); }

    std::string_view position() const { return cursor_.key().substr(start_.size()); }

private:
    bool settle(bool found) { return found && cursor_.key().starts_with(start_); }

    store::Cursor cursor_;
    std::string start_;
    std::string scratch_;
};

std::optional<SearchHit> make_hit(const View& view, HitKind kind, Id id) {
    SearchHit hit;
    hit.kind = kind;
    hit.id = id;
    if (kind == HitKind::Person) {
        auto person = view.person(id);
        if (!person) {
            return std::nullopt;
        }
        hit.name = person->name.full;
        hit.title = person->title;
        hit.departed = person->status == PersonStatus::Departed;
        if (auto unit = view.unit(person->unit)) {
            hit.unit_code = unit->code;
            hit.unit_name = unit->name;
        }
        if (auto account = view.account(person->account)) {
            hit.address = account->address;
        }
        return hit;
    }
    auto unit = view.unit(id);
    if (!unit) {
        return std::nullopt;
    }
    hit.name = unit->name;
    hit.title = std::string(to_string(unit->kind));
    hit.unit_code = unit->code;
    hit.address = unit->address;
    if (auto parent = view.unit(unit->parent)) {
        hit.unit_name = parent->name;
    }
    return hit;
}

}  // namespace

std::vector<std::string> search_tokens(std::string_view text) {
    std::string folded = text::fold(text);
    std::vector<std::string> out;
    std::string current;
    for (char c : folded) {
        if (token_byte(static_cast<unsigned char>(c))) {
            current += c;
        } else if (!current.empty()) {
            out.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) {
        out.push_back(std::move(current));
    }
    return out;
}

void index_person(Mutator& m, const Person& person) {
    Doc doc;
    doc.sort_key = sort_key_of(person.name.full);
    append_tokens(doc.tokens, person.name.full);
    append_tokens(doc.tokens, person.title);
    if (auto unit = m.unit(person.unit)) {
        append_tokens(doc.tokens, unit->short_code);
    }
    if (person.account != 0) {
        if (auto account = m.account(person.account)) {
            append_tokens(doc.tokens, account->address);
        }
    }
    put_doc(m, HitKind::Person, person.id, std::move(doc));
}

void index_unit(Mutator& m, const Unit& unit) {
    Doc doc;
    doc.sort_key = sort_key_of(unit.name);
    append_tokens(doc.tokens, unit.name);
    append_tokens(doc.tokens, unit.short_code);
    append_tokens(doc.tokens, unit.code);
    append_tokens(doc.tokens, unit.address);
    put_doc(m, HitKind::Unit, unit.id, std::move(doc));
}

void unindex(Mutator& m, HitKind kind, Id id) {
    std::string key = doc_key(kind, id);
    auto value = m.txn().get(m.dbs().search_docs, key);
    if (!value) {
        return;
    }
    Doc doc = decode_doc(*value);
    for (const std::string& prefix : prefixes_of(doc.tokens)) {
        m.txn().erase(m.dbs().search, index_key(prefix, doc.sort_key, key));
    }
    m.txn().erase(m.dbs().search_docs, key);
}

std::vector<SearchHit> search(
    const View& view, std::string_view query, const SearchOptions& options
) {
    std::vector<SearchHit> hits;
    std::vector<std::string> tokens = search_tokens(query);
    std::ranges::sort(tokens);
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    if (tokens.empty() || options.limit == 0 || (!options.people && !options.units)) {
        return hits;
    }
    // Tokens longer than the indexed prefixes select a superset: check those candidates in full.
    bool verify = false;
    std::vector<TokenRange> ranges;
    ranges.reserve(tokens.size());
    for (const std::string& token : tokens) {
        std::vector<std::size_t> lengths = prefix_lengths(token);
        verify = verify || lengths.back() < token.size();
        ranges.emplace_back(view, std::string_view(token).substr(0, lengths.back()));
        if (!ranges.back().seek("")) {
            return hits;
        }
    }
    // Leapfrog join: every range seeks to the furthest position any range has reached, until all
    // stand on the same record. Ranges skip whole runs in one seek (a family-name token's records
    // sit together in collation order), so the cost follows the matches, not the range sizes.
    std::string target(ranges.front().position());
    for (;;) {
        bool aligned = true;
        for (TokenRange& range : ranges) {
            if (range.position() < target) {
                if (!range.seek(target)) {
                    return hits;
                }
            }
            if (range.position() > target) {
                target.assign(range.position());
                aligned = false;
            }
        }
        if (!aligned) {
            continue;
        }
        std::string_view position = ranges.front().position();
        if (position.size() < 9) {
            return hits;  // a malformed key ends the search rather than reading past it
        }
        std::string_view doc = position.substr(position.size() - 9);
        auto kind = static_cast<HitKind>(static_cast<unsigned char>(doc[0]));
        bool wanted =
            (kind == HitKind::Person && options.people) || (kind == HitKind::Unit && options.units);
        if (wanted && verify) {
            auto stored = view.txn().get(view.dbs().search_docs, doc);
            wanted = stored && matches(*stored, tokens);
        }
        if (wanted) {
            if (auto hit = make_hit(view, kind, store::read_u64(doc, 1))) {
                hits.push_back(std::move(*hit));
                if (hits.size() >= options.limit) {
                    return hits;
                }
            }
        }
        if (!ranges.front().next()) {
            return hits;
        }
        target.assign(ranges.front().position());
    }
}

}  // namespace govmail::directory
