#pragma once
// Directory search: case- and diacritic-insensitive prefix search over people (names, titles,
// addresses, their unit's short code) and units (names, short codes, official codes), results in
// Vietnamese collation order (ICU "vi") of the name.
//
//     auto hits = search(view, "nguyen van a", {.limit = 20});
//     // "Nguyễn Văn A", "NGUYEN VAN A" and "nguyen van a" give the same hits; "duc" finds "Đức".
//
// A query is folded (text::fold: case folding, marks removed, đ -> d) and split into tokens on
// anything that is not a letter or digit; a record matches when every query token is a prefix of
// one of its tokens.
//
// Index (dir.search): for every token of a record and every prefix of it up to kMaxPrefix
// characters, one key  prefix, 0, collation key of the name, 0, kind, id. The range of a prefix
// therefore lists its records in collation order, and the ranges of all prefixes share that
// order: a query joins the ranges of its tokens by leapfrogging (each range seeks to the furthest
// record any range has reached) and stops at `limit` hits. A run of records that cannot match
// (all the "Nguyễn" before the first "Trần" when searching "tran duc") costs one seek, so the cost
// follows the number of hits, not the size of the directory. dir.search_docs keeps each record's
// tokens, to reindex it and to check query tokens longer than kMaxPrefix.

#include "directory/schema.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace govmail::directory {

inline constexpr std::size_t kMaxPrefix = 16;  // characters of a token indexed as prefixes

enum class HitKind : std::uint8_t { Person = 1, Unit = 2 };

struct SearchHit {
    HitKind kind = HitKind::Person;
    Id id = 0;              // person or unit id
    std::string name;       // full name or unit name
    std::string title;      // people: title; units: kind
    std::string unit_code;  // people: their unit's code; units: the unit's own code
    std::string unit_name;  // people: their unit's name; units: the parent's name
    std::string address;    // the account's or the unit's official address ("" if none)
    bool departed = false;  // people who left are still found, marked
};

struct SearchOptions {
    std::size_t limit = 20;
    bool people = true;
    bool units = true;
};

// Runs a query in the caller's transaction. An empty query (no letters or digits) has no hits.
std::vector<SearchHit> search(
    const View& view, std::string_view query, const SearchOptions& options
);

// The folded tokens of `text`, as the index and queries see them.
std::vector<std::string> search_tokens(std::string_view text);

// Index maintenance, inside write operations: (re)index a record from its current state, or drop
// it. Called by every operation that changes a name, title, address, unit or short code.
void index_person(Mutator& m, const Person& person);
void index_unit(Mutator& m, const Unit& unit);
void unindex(Mutator& m, HitKind kind, Id id);

}  // namespace govmail::directory
