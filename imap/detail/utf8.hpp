#pragma once
// Strict UTF-8 decoding and encoding shared by utf7.cpp, the command parser and response.cpp.
// Strict means RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF, no truncated sequences.

#include <cstddef>
#include <string>
#include <string_view>

namespace govmail::imap::detail {

inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

// Decodes the code point at `pos` and advances `pos` past it; kInvalidCodePoint (and `pos`
// unchanged) when the bytes there are not strict UTF-8. Precondition: pos < text.size().
char32_t decode_utf8(std::string_view text, std::size_t& pos) noexcept;

// True when every byte sequence of `text` is strict UTF-8.
bool is_valid_utf8(std::string_view text) noexcept;

// Appends `c` (a Unicode scalar value) in UTF-8.
void append_utf8(std::string& out, char32_t c);

}  // namespace govmail::imap::detail
