#include "store/names.hpp"

#include "core/text/text.hpp"
#include "store/error.hpp"

#include <algorithm>

namespace govmail::store {
namespace {

// Decodes one UTF-8 sequence at `pos`; returns the code point and advances, or -1 when the
// sequence is malformed (RFC 3629 4: no overlong forms, no surrogates, nothing above U+10FFFF).
long next_code_point(std::string_view text, std::size_t& pos) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(pos);
    if (lead < 0x80) {
        ++pos;
        return lead;
    }
    std::size_t length = 0;
    long cp = 0;
    long min = 0;
    if ((lead & 0xe0) == 0xc0) {
        length = 2;
        cp = lead & 0x1f;
        min = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3;
        cp = lead & 0x0f;
        min = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4;
        cp = lead & 0x07;
        min = 0x10000;
    } else {
        return -1;
    }
    if (pos + length > text.size()) {
        return -1;
    }
    for (std::size_t i = 1; i < length; ++i) {
        unsigned char c = byte(pos + i);
        if ((c & 0xc0) != 0x80) {
            return -1;
        }
        cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return -1;
    }
    pos += length;
    return cp;
}

bool is_control(long cp) {
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

// Empty when valid, otherwise what is wrong.
std::string problem_with(std::string_view name) {
    if (name.empty()) {
        return "empty mailbox name";
    }
    if (name.size() > kMaxMailboxNameBytes) {
        return "mailbox name longer than " + std::to_string(kMaxMailboxNameBytes) + " bytes";
    }
    if (name.front() == kHierarchyDelimiter || name.back() == kHierarchyDelimiter ||
        name.find("//") != std::string_view::npos) {
        return "mailbox name with an empty hierarchy level";
    }
    for (std::size_t pos = 0; pos < name.size();) {
        long cp = next_code_point(name, pos);
        if (cp < 0) {
            return "mailbox name is not valid UTF-8";
        }
        if (is_control(cp)) {
            return "mailbox name with a control character";
        }
        if (cp == '*' || cp == '%') {
            return "mailbox name with a LIST wildcard (* or %)";
        }
    }
    return {};
}

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

}  // namespace

std::optional<std::string> normalize_mailbox_name(std::string_view name) {
    if (!problem_with(name).empty()) {
        return std::nullopt;
    }
    // RFC 9051 5.1 / RFC 5198: names are Net-Unicode, NFC. Normalising here makes a name typed
    // with decomposed tone marks the same mailbox as its precomposed spelling.
    std::string out = text::nfc(name);
    if (!problem_with(out).empty()) {
        return std::nullopt;
    }
    std::size_t first_end = std::min(out.find(kHierarchyDelimiter), out.size());
    if (same_keyword(std::string_view(out).substr(0, first_end), kInbox)) {
        out.replace(0, first_end, kInbox);
    }
    return out;
}

std::string require_mailbox_name(std::string_view name) {
    if (std::string problem = problem_with(name); !problem.empty()) {
        throw StoreException(Errc::Invalid, problem);
    }
    auto normalized = normalize_mailbox_name(name);
    if (!normalized) {
        throw StoreException(Errc::Invalid, "mailbox name too long once normalised");
    }
    return std::move(*normalized);
}

std::string_view parent_mailbox_name(std::string_view name) {
    std::size_t slash = name.rfind(kHierarchyDelimiter);
    return slash == std::string_view::npos ? std::string_view() : name.substr(0, slash);
}

bool valid_keyword(std::string_view keyword) {
    if (keyword.empty() || keyword.size() > kMaxKeywordBytes || keyword.front() == '\\') {
        return false;
    }
    // RFC 3501 9: ATOM-CHAR = any CHAR except atom-specials ( ) { SP CTL % * " \ ]
    return std::ranges::all_of(keyword, [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f && std::string_view("(){%*\"\\]").find(c) == std::string::npos;
    });
}

bool same_keyword(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace govmail::store
