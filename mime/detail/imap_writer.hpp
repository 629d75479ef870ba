#pragma once
// Internal: IMAP FETCH data items built from the structure: ENVELOPE (RFC 3501 7.4.2, RFC 9051
// 7.5.2), BODYSTRUCTURE and BODY.

#include "mime/detail/rfc822.hpp"
#include "mime/detail/structure.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::mime::detail {

// An IMAP string: quoted when every byte is a 7-bit TEXT-CHAR (RFC 3501 9: no NUL, CR, LF or
// 8-bit), with '"' and '\' escaped; otherwise a literal "{n}\r\n" + bytes. NUL bytes, which
// neither form may carry, are dropped.
void append_string(std::string& out, std::string_view s);

// NIL for nullopt, else append_string().
void append_nstring(std::string& out, const std::optional<std::string>& s);

// The ENVELOPE of a message with these header fields, parentheses included.
std::string write_envelope(const std::vector<HeaderField>& fields);

// BODYSTRUCTURE (extended) or BODY of the tree rooted at `node`, parentheses included.
void write_body(std::string& out, const Node& node, bool extended);

}  // namespace govmail::mime::detail
