#include "imap/detail/reader.hpp"

#include "core/text/text.hpp"
#include "imap/detail/chars.hpp"
#include "imap/utf7.hpp"

#include <array>
#include <charconv>

namespace govmail::imap::detail {
namespace {

bool is_word_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '.' || c == '-';
}

bool is_seqset_char(char c) {
    return is_digit(c) || c == ':' || c == ',' || c == '*' || c == '$';
}

bool is_date_char(char c) {
    return is_digit(c) || c == '-' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// RFC 9051 2.3.2 system flags, canonical spelling.
constexpr std::array<std::string_view, 5> kSystemFlags = {
    "\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"};

}  // namespace

bool iequals(std::string_view text, std::string_view upper) {
    if (text.size() != upper.size()) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (detail::to_upper(text[i]) != upper[i]) {
            return false;
        }
    }
    return true;
}

std::string to_upper(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = detail::to_upper(c);
    }
    return out;
}

std::string printable(std::string_view text, std::size_t max) {
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < max; ++i) {
        out.push_back(is_ctl_or_8bit(text[i]) ? '?' : text[i]);
    }
    if (text.size() > max) {
        out += "...";
    }
    return out;
}

bool Reader::fail(std::string_view what) {
    if (!failed_) {
        failed_ = true;
        if (!command_.empty()) {
            error_.assign(command_).append(": ");
        }
        error_.append(what);
    }
    return false;
}

bool Reader::fail_near(std::string_view what) {
    if (failed_) {
        return false;
    }
    std::string text(what);
    if (at_end()) {
        text += " at end of command";
    } else {
        std::string_view rest = std::string_view(text_).substr(pos_);
        rest = rest.substr(0, rest.find("\r\n"));
        text += " near \"" + printable(rest) + "\"";
    }
    return fail(text);
}

bool Reader::take(char c) {
    if (ok() && !at_end() && text_[pos_] == c) {
        ++pos_;
        return true;
    }
    return false;
}

void Reader::expect(char c) {
    if (!take(c)) {
        if (c == ' ') {
            fail_near("expected SP");
        } else {
            fail_near(std::string("expected \"") + c + "\"");
        }
    }
}

void Reader::end() {
    if (ok() && !at_end()) {
        fail_near("unexpected arguments");
    }
}

std::string_view Reader::take_while(bool (*predicate)(char)) {
    if (!ok()) {
        return {};
    }
    std::size_t start = pos_;
    while (pos_ < text_.size() && predicate(text_[pos_])) {
        ++pos_;
    }
    return std::string_view(text_).substr(start, pos_ - start);
}

std::string_view Reader::atom(std::string_view what) {
    std::string_view atom = take_while(is_atom_char);
    if (atom.empty()) {
        fail_near("expected " + std::string(what));
    }
    return atom;
}

std::string_view Reader::word() {
    return take_while(is_word_char);
}

bool Reader::take_word(std::string_view upper) {
    std::size_t start = pos_;
    if (iequals(word(), upper)) {
        return true;
    }
    pos_ = start;
    return false;
}

bool Reader::at_literal() const {
    char c = peek();
    return c == '{' || (c == '~' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '{');
}

std::string Reader::literal(bool allow_binary, bool& binary) {
    if (!ok()) {
        return {};
    }
    std::size_t start = pos_;
    binary = take('~');
    if (binary && !allow_binary) {
        pos_ = start;
        fail("binary literal ~{n} is only allowed for message data");
        return {};
    }
    expect('{');
    std::string_view digits = take_while(is_digit);
    take('+');
    expect('}');
    // The framer put CRLF after every literal header it accepted, and nowhere else.
    if (!ok() || digits.empty() || text_.compare(pos_, 2, "\r\n") != 0 ||
        next_literal_ >= literals_.size()) {
        pos_ = start;
        fail_near("invalid literal");
        return {};
    }
    pos_ += 2;
    Literal& literal = literals_[next_literal_++];
    binary = literal.binary;
    return std::move(literal.data);
}

std::string Reader::string(std::string_view what) {
    if (!ok()) {
        return {};
    }
    if (at_literal()) {
        bool binary = false;
        std::string data = literal(false, binary);
        if (data.find('\0') != std::string::npos) {
            fail("NUL is not allowed in a string");
            return {};
        }
        return data;
    }
    if (!take('"')) {
        fail_near("expected " + std::string(what));
        return {};
    }
    std::string out;
    while (pos_ < text_.size()) {
        char c = text_[pos_++];
        if (c == '"') {
            return out;
        }
        if (c == '\\') {
            // RFC 9051 9: quoted-specials are the only escapes.
            if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\\')) {
                fail("invalid escape in quoted string");
                return {};
            }
            c = text_[pos_++];
        } else if (c == '\0' || c == '\r' || c == '\n') {
            fail("NUL, CR or LF in quoted string");
            return {};
        }
        out.push_back(c);
    }
    fail("unterminated quoted string");
    return {};
}

std::string Reader::astring(std::string_view what) {
    char c = peek();
    if (c == '"' || at_literal()) {
        return string(what);
    }
    std::string_view atom = take_while(is_astring_char);
    if (atom.empty()) {
        fail_near("expected " + std::string(what));
    }
    return std::string(atom);
}

std::optional<std::string> Reader::nstring(std::string_view what) {
    if (take_word("NIL")) {
        return std::nullopt;
    }
    return string(what);
}

std::string Reader::header_field_name() {
    std::string name = astring("header field name");
    if (!ok()) {
        return name;
    }
    bool valid = !name.empty();
    for (char c : name) {
        valid = valid && !is_ctl_or_8bit(c) && c != ' ' && c != ':';
    }
    if (!valid) {
        fail("invalid header field name \"" + printable(name) + "\"");
    }
    return name;
}

std::string Reader::decode_mailbox(std::string raw) {
    if (!ok()) {
        return {};
    }
    std::string name;
    if (options_.utf8_names) {
        if (!text::is_valid_utf8(raw)) {
            fail("mailbox name is not valid UTF-8");
            return {};
        }
        name = std::move(raw);
    } else {
        auto decoded = decode_mutf7(raw);
        if (!decoded) {
            fail(decoded.error().message());
            return {};
        }
        name = std::move(*decoded);
    }
    // RFC 9051 5.1: INBOX is case-insensitive; so is its use as a parent.
    if (name.size() >= 5 && iequals(std::string_view(name).substr(0, 5), "INBOX") &&
        (name.size() == 5 || name[5] == kHierarchyDelimiter)) {
        name.replace(0, 5, "INBOX");
    }
    return name;
}

std::string Reader::mailbox() {
    return decode_mailbox(astring("mailbox name"));
}

std::string Reader::list_mailbox() {
    char c = peek();
    if (c == '"' || at_literal()) {
        return decode_mailbox(string("mailbox pattern"));
    }
    std::string_view pattern = take_while(is_list_char);
    if (pattern.empty()) {
        fail_near("expected mailbox pattern");
        return {};
    }
    return decode_mailbox(std::string(pattern));
}

std::uint32_t Reader::nz_number(std::string_view what) {
    std::size_t start = pos_;
    std::string_view digits = take_while(is_digit);
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || digits[0] == '0' || ec != std::errc{}) {
        pos_ = start;
        fail_near("expected " + std::string(what) + " (1 to 4294967295)");
        return 0;
    }
    return value;
}

std::uint32_t Reader::number(std::string_view what) {
    std::size_t start = pos_;
    std::string_view digits = take_while(is_digit);
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc{}) {
        pos_ = start;
        fail_near("expected " + std::string(what) + " (0 to 4294967295)");
        return 0;
    }
    return value;
}

std::uint64_t Reader::number64(std::string_view what) {
    std::size_t start = pos_;
    std::string_view digits = take_while(is_digit);
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc{} || value > kMaxModSeq) {
        pos_ = start;
        fail_near("expected " + std::string(what) + " (0 to 9223372036854775807)");
        return 0;
    }
    return value;
}

std::uint64_t Reader::mod_seq(bool allow_zero) {
    std::size_t start = pos_;
    std::uint64_t value = number64("mod-sequence");
    if (ok() && value == 0 && !allow_zero) {
        pos_ = start;
        fail_near("expected mod-sequence (1 to 9223372036854775807)");
    }
    return value;
}

SequenceSet Reader::sequence_set(const SeqSetOptions& options) {
    std::size_t start = pos_;
    std::string_view text = take_while(is_seqset_char);
    if (!ok()) {
        return {};
    }
    if (text.empty()) {
        fail_near("expected sequence set");
        return {};
    }
    auto set = parse_sequence_set(text, options);
    if (!set) {
        pos_ = start;
        fail(set.error().message() + " \"" + printable(text) + "\"");
        return {};
    }
    return std::move(*set);
}

std::string Reader::flag() {
    if (take('\\')) {
        std::string_view name = atom("flag name");
        if (!ok()) {
            return {};
        }
        for (std::string_view system : kSystemFlags) {
            if (iequals(name, to_upper(system.substr(1)))) {
                return std::string(system);
            }
        }
        if (iequals(name, "RECENT")) {
            fail("\\Recent cannot be set by clients");
        } else {
            fail("unknown system flag \\" + printable(name));
        }
        return {};
    }
    return std::string(atom("flag"));
}

std::vector<std::string> Reader::flag_list() {
    std::vector<std::string> flags;
    expect('(');
    if (take(')')) {
        return flags;
    }
    do {
        flags.push_back(flag());
    } while (ok() && take(' '));
    expect(')');
    return flags;
}

Date Reader::date() {
    bool quoted = take('"');
    std::size_t start = pos_;
    std::string_view text = take_while(is_date_char);
    if (quoted) {
        expect('"');
    }
    if (!ok()) {
        return {};
    }
    auto date = parse_date(text);
    if (!date) {
        pos_ = start;
        fail(date.error().message() + ": \"" + printable(text) + "\"");
        return {};
    }
    return *date;
}

DateTime Reader::date_time() {
    if (!take('"')) {
        fail_near("expected quoted date-time");
        return {};
    }
    std::size_t start = pos_;
    std::size_t close = text_.find('"', pos_);
    if (close == std::string::npos) {
        fail("unterminated date-time");
        return {};
    }
    std::string_view text = std::string_view(text_).substr(start, close - start);
    auto date_time = parse_date_time(text);
    if (!date_time) {
        fail(date_time.error().message() + ": \"" + printable(text, 40) + "\"");
        return {};
    }
    pos_ = close + 1;
    return *date_time;
}

}  // namespace govmail::imap::detail
