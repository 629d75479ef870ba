#include "smtp/address.hpp"

#include "core/text/text.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>

namespace govmail::smtp {
namespace {

// RFC 5321 4.5.3.1.1-3.
constexpr std::size_t kMaxLocalPart = 64;
constexpr std::size_t kMaxDomain = 255;
constexpr std::size_t kMaxPath = 256;
// RFC 1035 2.3.4: a DNS label is at most 63 octets.
constexpr std::size_t kMaxLabel = 63;

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// RFC 5322 3.2.3 atext (ASCII part).
bool is_atext(char c) {
    if (is_alpha(c) || is_digit(c)) {
        return true;
    }
    constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
    return kSpecials.find(c) != std::string_view::npos;
}

// RFC 5321 4.1.2 qtextSMTP: %d32-33 / %d35-91 / %d93-126.
bool is_qtext(char c) {
    return (c >= 32 && c <= 126) && c != '"' && c != '\\';
}

bool non_ascii(char c) {
    return static_cast<unsigned char>(c) >= 0x80;
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

// A cursor over the text being parsed; never reads past its end.
struct Cursor {
    std::string_view text;
    std::size_t pos = 0;

    bool done() const { return pos >= text.size(); }

    char peek() const { return done() ? '\0' : text[pos]; }

    bool take(char c) {
        if (peek() == c && !done()) {
            ++pos;
            return true;
        }
        return false;
    }

    // Consumes one UTF-8 sequence of non-ASCII at the cursor; false when there is none.
    bool take_utf8() {
        std::size_t n = utf8_sequence(text.substr(pos));
        pos += n;
        return n > 0;
    }
};

// Local-part = Dot-string / Quoted-string (RFC 5321 4.1.2, RFC 6531 3.3). Returns the local part
// without quoting, or nullopt.
std::optional<std::string> local_part(Cursor& in) {
    std::string value;
    if (in.take('"')) {
        for (;;) {
            if (in.done()) {
                return std::nullopt;
            }
            char c = in.peek();
            if (c == '"') {
                ++in.pos;
                break;
            }
            if (c == '\\') {
                ++in.pos;
                char quoted = in.peek();
                if (in.done() || quoted < 32 || quoted > 126) {
                    return std::nullopt;
                }
                value += quoted;
                ++in.pos;
            } else if (is_qtext(c)) {
                value += c;
                ++in.pos;
            } else if (non_ascii(c)) {
                std::size_t start = in.pos;
                if (!in.take_utf8()) {
                    return std::nullopt;
                }
                value.append(in.text.substr(start, in.pos - start));
            } else {
                return std::nullopt;
            }
        }
        // RFC 5321 4.1.2 allows "" but says not to use it; nothing can deliver to it.
        if (value.empty()) {
            return std::nullopt;
        }
        return value;
    }
    bool atom_empty = true;
    for (;;) {
        char c = in.peek();
        if (!in.done() && is_atext(c)) {
            value += c;
            ++in.pos;
            atom_empty = false;
        } else if (!in.done() && non_ascii(c)) {
            std::size_t start = in.pos;
            if (!in.take_utf8()) {
                return std::nullopt;
            }
            value.append(in.text.substr(start, in.pos - start));
            atom_empty = false;
        } else if (c == '.' && !in.done()) {
            if (atom_empty) {
                return std::nullopt;  // leading or doubled dot
            }
            value += '.';
            ++in.pos;
            atom_empty = true;
        } else {
            break;
        }
    }
    if (atom_empty) {
        return std::nullopt;  // empty, or a trailing dot
    }
    return value;
}

// Domain = sub-domain *("." sub-domain), sub-domain = Let-dig [Ldh-str] or a U-label
// (RFC 5321 4.1.2, RFC 6531 3.3). Appends the lower-cased domain to `out`.
bool domain_name(Cursor& in, std::string& out) {
    for (;;) {
        std::size_t label_start = in.pos;
        bool ascii = true;
        char last = '\0';
        while (!in.done()) {
            char c = in.peek();
            if (is_alpha(c) || is_digit(c) || c == '-') {
                out += lower(c);
                last = c;
                ++in.pos;
            } else if (non_ascii(c)) {
                std::size_t start = in.pos;
                if (!in.take_utf8()) {
                    return false;
                }
                out.append(in.text.substr(start, in.pos - start));
                ascii = false;
                last = 'x';
            } else {
                break;
            }
        }
        std::size_t label_length = in.pos - label_start;
        if (label_length == 0 || in.text[label_start] == '-' || last == '-') {
            return false;
        }
        // U-labels become longer A-labels; their limit is checked where they are converted.
        if (ascii && label_length > kMaxLabel) {
            return false;
        }
        if (!in.take('.')) {
            return true;
        }
        out += '.';
    }
}

bool ipv4_literal(std::string_view text) {
    int parts = 0;
    std::size_t i = 0;
    while (i <= text.size()) {
        std::size_t digits = 0;
        unsigned value = 0;
        while (i < text.size() && is_digit(text[i]) && digits < 3) {
            value = value * 10 + static_cast<unsigned>(text[i] - '0');
            ++i;
            ++digits;
        }
        if (digits == 0 || value > 255) {
            return false;
        }
        ++parts;
        if (i == text.size()) {
            break;
        }
        if (text[i] != '.' || parts == 4) {
            return false;
        }
        ++i;
    }
    return parts == 4;
}

// address-literal = "[" ( IPv4-address-literal / IPv6-address-literal ) "]" (RFC 5321 4.1.3).
// General address literals need a registered tag and none but IPv6 exists, so they are refused.
bool address_literal(Cursor& in, std::string& out) {
    if (!in.take('[')) {
        return false;
    }
    std::size_t close = in.text.find(']', in.pos);
    if (close == std::string_view::npos) {
        return false;
    }
    std::string_view inside = in.text.substr(in.pos, close - in.pos);
    in.pos = close + 1;
    constexpr std::string_view kIpv6Tag = "IPv6:";
    if (inside.size() > kIpv6Tag.size() && iequals(inside.substr(0, kIpv6Tag.size()), kIpv6Tag)) {
        std::string address(inside.substr(kIpv6Tag.size()));
        std::array<unsigned char, 16> bytes{};
        if (address.size() > 45 || inet_pton(AF_INET6, address.c_str(), bytes.data()) != 1) {
            return false;
        }
        out += "[IPv6:";
        for (char c : address) {
            out += lower(c);
        }
        out += ']';
        return true;
    }
    if (!ipv4_literal(inside)) {
        return false;
    }
    out += '[';
    out += inside;
    out += ']';
    return true;
}

bool domain_or_literal(Cursor& in, std::string& out) {
    return in.peek() == '[' ? address_literal(in, out) : domain_name(in, out);
}

// A dot-string local part can be written without quotes.
bool is_dot_string(std::string_view local) {
    if (local.empty() || local.front() == '.' || local.back() == '.') {
        return false;
    }
    char previous = '\0';
    for (char c : local) {
        if (c == '.' && previous == '.') {
            return false;
        }
        if (c != '.' && !is_atext(c) && !non_ascii(c)) {
            return false;
        }
        previous = c;
    }
    return true;
}

struct MailboxParse {
    Mailbox mailbox;
    std::size_t local_octets = 0;
    std::size_t domain_octets = 0;
};

boost::system::result<MailboxParse, AddressError> mailbox_at(Cursor& in) {
    MailboxParse parsed;
    std::size_t start = in.pos;
    auto local = local_part(in);
    if (!local) {
        return AddressError::Syntax;
    }
    parsed.local_octets = in.pos - start;
    parsed.mailbox.local_part = std::move(*local);
    if (!in.take('@')) {
        return AddressError::Syntax;
    }
    start = in.pos;
    if (!domain_or_literal(in, parsed.mailbox.domain)) {
        return AddressError::Syntax;
    }
    parsed.domain_octets = in.pos - start;
    return parsed;
}

boost::system::result<void, AddressError> check_lengths(const MailboxParse& parsed) {
    if (parsed.local_octets > kMaxLocalPart) {
        return AddressError::LocalPartTooLong;
    }
    if (parsed.domain_octets > kMaxDomain) {
        return AddressError::DomainTooLong;
    }
    return {};
}

}  // namespace

bool Mailbox::utf8() const {
    return std::ranges::any_of(local_part, non_ascii) || std::ranges::any_of(domain, non_ascii);
}

std::string Mailbox::to_string() const {
    std::string out;
    if (is_dot_string(local_part)) {
        out = local_part;
    } else {
        out += '"';
        for (char c : local_part) {
            if (c == '"' || c == '\\') {
                out += '\\';
            }
            out += c;
        }
        out += '"';
    }
    if (!domain.empty()) {
        out += '@';
        out += domain;
    }
    return out;
}

std::string ReversePath::to_string() const {
    return mailbox ? "<" + mailbox->to_string() + ">" : "<>";
}

std::string_view describe(AddressError error) {
    switch (error) {
        case AddressError::Syntax:
            return "address syntax error (RFC 5321 4.1.2)";
        case AddressError::LocalPartTooLong:
            return "local part longer than 64 octets (RFC 5321 4.5.3.1.1)";
        case AddressError::DomainTooLong:
            return "domain longer than 255 octets (RFC 5321 4.5.3.1.2)";
        case AddressError::PathTooLong:
            return "path longer than 256 octets (RFC 5321 4.5.3.1.3)";
    }
    return "address error";
}

boost::system::result<ParsedPath, AddressError> parse_path(
    std::string_view text, PathKind kind
) noexcept {
    Cursor in{text};
    if (!in.take('<')) {
        return AddressError::Syntax;
    }
    if (kind == PathKind::Reverse && in.take('>')) {
        return ParsedPath{std::nullopt, in.pos};
    }
    // RFC 5321 4.1.1.3 and C: a source route ("@a,@b:") is accepted and ignored.
    if (in.peek() == '@') {
        for (;;) {
            std::string ignored;
            if (!in.take('@') || !domain_or_literal(in, ignored)) {
                return AddressError::Syntax;
            }
            if (in.take(':')) {
                break;
            }
            if (!in.take(',')) {
                return AddressError::Syntax;
            }
        }
    }
    ParsedPath parsed;
    constexpr std::string_view kPostmaster = "postmaster>";
    if (kind == PathKind::Forward && in.pos == 1 &&
        iequals(text.substr(1, std::min(text.size() - 1, kPostmaster.size())), kPostmaster)) {
        // RFC 5321 4.1.1.3: "<Postmaster>" without a domain must be accepted.
        parsed.mailbox = Mailbox{std::string(text.substr(1, kPostmaster.size() - 1)), ""};
        parsed.length = 1 + kPostmaster.size();
        return parsed;
    }
    auto mailbox = mailbox_at(in);
    if (!mailbox) {
        return mailbox.error();
    }
    if (!in.take('>')) {
        return AddressError::Syntax;
    }
    if (auto lengths = check_lengths(*mailbox); !lengths) {
        return lengths.error();
    }
    if (in.pos > kMaxPath) {
        return AddressError::PathTooLong;
    }
    parsed.mailbox = std::move(mailbox->mailbox);
    parsed.length = in.pos;
    return parsed;
}

boost::system::result<Mailbox, AddressError> parse_mailbox(std::string_view text) noexcept {
    Cursor in{text};
    auto mailbox = mailbox_at(in);
    if (!mailbox) {
        return mailbox.error();
    }
    if (!in.done()) {
        return AddressError::Syntax;
    }
    if (auto lengths = check_lengths(*mailbox); !lengths) {
        return lengths.error();
    }
    return std::move(mailbox->mailbox);
}

std::size_t utf8_sequence(std::string_view text) noexcept {
    if (text.empty() || !non_ascii(text[0])) {
        return 0;
    }
    std::size_t pos = 0;
    return text::decode_utf8(text, pos) == text::kInvalidCodePoint ? 0 : pos;
}

}  // namespace govmail::smtp
