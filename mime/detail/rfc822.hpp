#pragma once
// Internal: the lexical layer of mime/ (RFC 5322 header fields and structured values, RFC 2045
// and RFC 2231 parameters). Pure functions over bytes, no GMime, no allocation beyond results.
// Not part of the public API.

#include "mime/message_info.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::mime::detail {

inline bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

// Index just past the LF ending the line that starts at `pos`, or s.size() for a last line
// without one.
std::size_t next_line(std::string_view s, std::size_t pos);

// The line starting at `pos` without its line break (CRLF or bare LF).
std::string_view line_at(std::string_view s, std::size_t pos);

// Length of the line break that ends just before `pos` (2 for CRLF, 1 for LF, 0 when there is
// none), counting only bytes at or after `floor`.
std::size_t break_before(std::string_view s, std::size_t pos, std::size_t floor);

enum class LineKind {
    Blank,         // ends the header block
    Field,         // "name:" with name = 1*(printable ASCII except ':'), WSP allowed before ':'
    Continuation,  // starts with SP or HT (folded, RFC 5322 2.2.3)
    Other,         // anything else: not part of a header
};

LineKind classify_line(std::string_view line);

// A field of a header block. Offsets are relative to the block.
struct HeaderField {
    std::string_view name;   // as written, without trailing white space
    std::string_view value;  // after the colon up to the end of its last line, line breaks of
                             // folded lines included, final line break excluded
    std::size_t begin = 0;   // first byte of the field
    std::size_t end = 0;     // just past the field's last line break
};

// The fields of a header block, in order, up to its blank line or first line that is not a field
// (classify_line()). A continuation line before the first field is skipped.
std::vector<HeaderField> split_fields(std::string_view block);

// The first field named `name` (case-insensitive), or nullptr.
const HeaderField* find_field(const std::vector<HeaderField>& fields, std::string_view name);

bool iequals(std::string_view a, std::string_view b);

std::string to_lower(std::string_view s);

// Line breaks removed (RFC 5322 2.2.3 unfolding also drops stray CR and LF), NUL bytes removed,
// white space trimmed at both ends.
std::string unfold(std::string_view value);

struct ContentType {
    std::string type;     // as written
    std::string subtype;  // as written
    std::vector<Param> params;
};

// RFC 2045 5.1 Content-Type; nullopt when the type or subtype is missing or not a token.
std::optional<ContentType> parse_content_type(std::string_view unfolded);

struct Disposition {
    std::string type;  // as written
    std::vector<Param> params;
};

// RFC 2183 Content-Disposition; nullopt when there is no disposition type token.
std::optional<Disposition> parse_disposition(std::string_view unfolded);

// A header whose value is one token (Content-Transfer-Encoding); nullopt when it is not exactly
// one token (comments allowed).
std::optional<std::string> parse_single_token(std::string_view unfolded);

// RFC 3282 Content-Language: comma-separated language tags.
std::vector<std::string> parse_language(std::string_view unfolded);

// Parameters after the first ';' of `rest`: names lower-cased, first of a repeated name kept,
// RFC 2231 3 continuations joined (see Param in mime/message_info.hpp).
std::vector<Param> parse_params(std::string_view rest);

// A parsed address-list element, in the shape of the IMAP ENVELOPE address structure (RFC 3501
// 7.4.2): a group is a GroupStart with its name, its members, and a GroupEnd.
struct RawAddress {
    enum class Kind { Mailbox, GroupStart, GroupEnd };
    Kind kind = Kind::Mailbox;
    std::optional<std::string> name;   // display name (phrase, quotes removed), or the comment of
                                       // "a@b (Name)"; still RFC 2047 encoded
    std::optional<std::string> route;  // obsolete source route "@a,@b"
    std::string mailbox;               // local part (quotes removed) or group name
    std::optional<std::string> domain;
};

// RFC 5322 3.4 address-list with the obsolete syntax of 4.4, leniently: garbage between
// addresses is skipped, a missing '>' or ';' is tolerated.
std::vector<RawAddress> parse_address_list(std::string_view unfolded);

// "local@domain" for display: the local part quoted when it is not a dot-atom.
std::string address_spec(const RawAddress& address);

// msg-ids ("<a@b>") of Message-ID / In-Reply-To / References, in order; a value without any
// angle-bracketed id gives its trimmed text as the only id (broken senders omit the brackets).
std::vector<std::string> parse_msg_ids(std::string_view unfolded);

}  // namespace govmail::mime::detail
