#pragma once

// Character classes of the IMAP grammar (RFC 9051 9), shared by the framer, the command parser
// and the response writer.

namespace govmail::imap::detail {

// CTL (0x00..0x1F, 0x7F) and 8-bit bytes are not CHAR.
constexpr bool is_ctl_or_8bit(char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u >= 0x7F;
}

// atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
constexpr bool is_atom_char(char c) {
    if (is_ctl_or_8bit(c)) {
        return false;
    }
    switch (c) {
        case '(':
        case ')':
        case '{':
        case ' ':
        case '%':
        case '*':
        case '"':
        case '\\':
        case ']':
            return false;
        default:
            return true;
    }
}

// ASTRING-CHAR = ATOM-CHAR / resp-specials
constexpr bool is_astring_char(char c) {
    return is_atom_char(c) || c == ']';
}

// tag = 1*<any ASTRING-CHAR except "+">
constexpr bool is_tag_char(char c) {
    return is_astring_char(c) && c != '+';
}

// list-char = ATOM-CHAR / list-wildcards / resp-specials
constexpr bool is_list_char(char c) {
    return is_astring_char(c) || c == '%' || c == '*';
}

constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

constexpr char to_upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
}

}  // namespace govmail::imap::detail
