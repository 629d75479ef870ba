#include "store/names.hpp"

#include "core/text/text.hpp"
#include "store/error.hpp"

#include <algorithm>

namespace govmail::store {
namespace {

bool is_control(char32_t cp) {
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
        char32_t cp = text::decode_utf8(name, pos);
        if (cp == text::kInvalidCodePoint) {
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
