#include "imap/response.hpp"

#include "core/text/text.hpp"
#include "imap/datetime.hpp"
#include "imap/detail/chars.hpp"
#include "imap/utf7.hpp"

namespace govmail::imap {

std::string_view to_string(Condition condition) {
    switch (condition) {
        case Condition::Ok:
            return "OK";
        case Condition::No:
            return "NO";
        case Condition::Bad:
            return "BAD";
        case Condition::PreAuth:
            return "PREAUTH";
        case Condition::Bye:
            return "BYE";
    }
    return "BAD";
}

bool can_quote(std::string_view text, bool utf8) {
    if (text.size() > kMaxQuoted) {
        return false;
    }
    bool eight_bit = false;
    for (char c : text) {
        // RFC 9051 9: QUOTED-CHAR is any TEXT-CHAR (CHAR except CR and LF); CHAR excludes NUL.
        if (c == '\0' || c == '\r' || c == '\n') {
            return false;
        }
        eight_bit = eight_bit || static_cast<unsigned char>(c) >= 0x80;
    }
    // RFC 6855 3: UTF-8 in quoted strings only after ENABLE UTF8=ACCEPT.
    return !eight_bit || (utf8 && govmail::text::is_valid_utf8(text));
}

void append_quoted(std::string& out, std::string_view text) {
    out.push_back('"');
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
        }
        out.push_back(c);
    }
    out.push_back('"');
}

void append_literal(std::string& out, std::string_view bytes, bool binary) {
    if (binary) {
        out.push_back('~');
    }
    out.push_back('{');
    out += std::to_string(bytes.size());
    out += "}\r\n";
    out.append(bytes);
}

void append_string(std::string& out, std::string_view text, bool utf8) {
    if (can_quote(text, utf8)) {
        append_quoted(out, text);
    } else {
        append_literal(out, text);
    }
}

void append_astring(std::string& out, std::string_view text, bool utf8) {
    bool atom = !text.empty() && text.size() <= kMaxQuoted &&
                !(text.size() == 3 && detail::to_upper(text[0]) == 'N' &&
                  detail::to_upper(text[1]) == 'I' && detail::to_upper(text[2]) == 'L');
    for (char c : text) {
        atom = atom && detail::is_astring_char(c);
    }
    if (atom) {
        out.append(text);
    } else {
        append_string(out, text, utf8);
    }
}

void append_nstring(std::string& out, std::optional<std::string_view> text, bool utf8) {
    if (text) {
        append_string(out, *text, utf8);
    } else {
        out += "NIL";
    }
}

void append_mailbox(std::string& out, std::string_view name, bool utf8) {
    if (utf8) {
        append_astring(out, name, true);
        return;
    }
    auto encoded = encode_mutf7(name);
    // A name that is not UTF-8 cannot come from the parser; send its bytes rather than lose it.
    append_astring(out, encoded ? std::string_view(*encoded) : name, false);
}

void append_flag_list(std::string& out, std::span<const std::string> flags) {
    out.push_back('(');
    for (std::size_t i = 0; i < flags.size(); ++i) {
        if (i > 0) {
            out.push_back(' ');
        }
        out += flags[i];
    }
    out.push_back(')');
}

void Response::separate() {
    if (need_space_) {
        out_.push_back(' ');
    }
    need_space_ = true;
}

Response& Response::untagged() {
    out_.push_back('*');
    need_space_ = true;
    return *this;
}

Response& Response::tagged(std::string_view tag) {
    out_.append(tag);
    need_space_ = true;
    return *this;
}

Response& Response::continuation() {
    out_.push_back('+');
    need_space_ = true;
    return *this;
}

Response& Response::atom(std::string_view text) {
    separate();
    out_.append(text);
    return *this;
}

Response& Response::number(std::uint64_t value) {
    separate();
    out_ += std::to_string(value);
    return *this;
}

Response& Response::string(std::string_view text) {
    separate();
    append_string(out_, text, utf8_);
    return *this;
}

Response& Response::astring(std::string_view text) {
    separate();
    append_astring(out_, text, utf8_);
    return *this;
}

Response& Response::nstring(std::optional<std::string_view> text) {
    separate();
    append_nstring(out_, text, utf8_);
    return *this;
}

Response& Response::mailbox(std::string_view name) {
    separate();
    append_mailbox(out_, name, utf8_);
    return *this;
}

Response& Response::flags(std::span<const std::string> flags) {
    separate();
    append_flag_list(out_, flags);
    return *this;
}

Response& Response::date_time(std::chrono::sys_seconds utc, int zone_minutes) {
    separate();
    append_quoted(out_, format_date_time(utc, zone_minutes));
    return *this;
}

Response& Response::literal(std::string_view bytes, bool binary) {
    separate();
    append_literal(out_, bytes, binary);
    return *this;
}

Response& Response::literal_header(std::uint64_t size, bool binary) {
    separate();
    if (binary) {
        out_.push_back('~');
    }
    out_.push_back('{');
    out_ += std::to_string(size);
    out_ += "}\r\n";
    return *this;
}

Response& Response::open() {
    separate();
    out_.push_back('(');
    need_space_ = false;
    return *this;
}

Response& Response::close() {
    out_.push_back(')');
    need_space_ = true;
    return *this;
}

Response& Response::code(std::string_view name) {
    separate();
    out_.push_back('[');
    out_.append(name);
    return *this;
}

Response& Response::end_code() {
    out_.push_back(']');
    need_space_ = true;
    return *this;
}

Response& Response::text(std::string_view text) {
    out_.push_back(' ');
    for (char c : text) {
        out_.push_back(c == '\r' || c == '\n' || c == '\0' ? ' ' : c);
    }
    need_space_ = true;
    return *this;
}

void Response::end() {
    out_ += "\r\n";
    need_space_ = false;
}

}  // namespace govmail::imap
