#include "directory/names.hpp"

#include "core/text/text.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>

namespace govmail::directory {
namespace {

bool is_ascii_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_separator(char c) {
    return c == '.' || c == '-' || c == '_';
}

// The first letter (or the whole number) of a word, in ASCII.
std::string initial_of(std::string_view word) {
    std::string ascii = ascii_letters(word);
    if (ascii.empty()) {
        return ascii;
    }
    if (std::ranges::all_of(ascii, [](char c) { return c >= '0' && c <= '9'; })) {
        return ascii;
    }
    return ascii.substr(0, 1);
}

std::string join(const std::vector<std::string>& parts, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to; ++i) {
        if (!out.empty()) {
            out += ' ';
        }
        out += parts[i];
    }
    return out;
}

}  // namespace

std::vector<std::string> words(std::string_view text) {
    std::string normalized = text::nfc(text);
    std::vector<std::string> out;
    std::string current;
    const char* s = normalized.data();
    auto length = static_cast<std::int32_t>(normalized.size());
    for (std::int32_t i = 0; i < length;) {
        std::int32_t start = i;
        UChar32 c = 0;
        U8_NEXT(s, i, length, c);
        if (c >= 0 && (u_isUWhiteSpace(c) || c == 0x200B || c == 0xFEFF)) {
            if (!current.empty()) {
                out.push_back(std::move(current));
                current.clear();
            }
        } else {
            current.append(s + start, static_cast<std::size_t>(i - start));
        }
    }
    if (!current.empty()) {
        out.push_back(std::move(current));
    }
    return out;
}

PersonName split_name(std::string_view full_name) {
    std::vector<std::string> parts = words(full_name);
    PersonName name;
    name.full = join(parts, 0, parts.size());
    if (parts.empty()) {
        return name;
    }
    name.given = parts.back();
    if (parts.size() >= 2) {
        name.family = parts.front();
        name.middle = join(parts, 1, parts.size() - 1);
    }
    return name;
}

std::string ascii_letters(std::string_view text) {
    std::string ascii = text::to_ascii(text::nfc(text));
    std::string out;
    out.reserve(ascii.size());
    for (char c : ascii) {
        char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (is_ascii_word_char(lower)) {
            out += lower;
        }
    }
    return out;
}

std::string default_short_code(std::string_view unit_name) {
    std::string out;
    for (const std::string& word : words(unit_name)) {
        if (text::fold(word) == "va") {
            continue;  // "Sở Thông tin và Truyền thông" -> stttt, not sttvtt
        }
        out += initial_of(word);
    }
    return out.substr(0, 32);
}

bool valid_short_code(std::string_view code) {
    if (code.empty() || code.size() > 32 || code.front() == '-' || code.back() == '-') {
        return false;
    }
    return std::ranges::all_of(code, [](char c) { return is_ascii_word_char(c) || c == '-'; });
}

AddressPattern::AddressPattern(std::string_view pattern) {
    for (std::size_t i = 0; i < pattern.size();) {
        if (pattern[i] == '{') {
            std::size_t close = pattern.find('}', i);
            std::string_view name = pattern.substr(i + 1, close - i - 1);
            Piece::Kind kind = Piece::Unit;
            if (name == "given") {
                kind = Piece::Given;
            } else if (name == "family") {
                kind = Piece::Family;
            } else if (name == "middle") {
                kind = Piece::Middle;
            } else if (name == "initials") {
                kind = Piece::Initials;
            }
            if (kind != Piece::Unit) {
                suffix_after_ = pieces_.size();
            }
            pieces_.push_back({kind, {}});
            i = close + 1;
            continue;
        }
        std::size_t next = pattern.find('{', i);
        std::size_t end = next == std::string_view::npos ? pattern.size() : next;
        pieces_.push_back({Piece::Literal, std::string(pattern.substr(i, end - i))});
        i = end;
    }
}

std::string AddressPattern::render(
    const PersonName& name, std::string_view unit_label, unsigned suffix
) const {
    std::string given = ascii_letters(name.given);
    std::string family = ascii_letters(name.family);
    std::string middle = ascii_letters(name.middle);
    if (given.empty() && family.empty() && middle.empty()) {
        return {};
    }
    std::string initials;
    for (const std::string& word : words(name.family + " " + name.middle)) {
        initials += initial_of(word);
    }
    // The name part (up to the suffix) and the rest are built apart so that the name part alone
    // can be shortened to respect the 64-octet limit.
    std::string head;
    std::string tail;
    for (std::size_t i = 0; i < pieces_.size(); ++i) {
        std::string& out = i <= suffix_after_ ? head : tail;
        switch (pieces_[i].kind) {
            case Piece::Literal:
                out += pieces_[i].text;
                break;
            case Piece::Given:
                out += given;
                break;
            case Piece::Family:
                out += family;
                break;
            case Piece::Middle:
                out += middle;
                break;
            case Piece::Initials:
                out += initials;
                break;
            case Piece::Unit:
                out += unit_label;
                break;
        }
    }
    std::string number = suffix > 1 ? std::to_string(suffix) : std::string();
    auto tidy = [](const std::string& text) {
        std::string out;
        for (char c : text) {
            if (is_separator(c) && (out.empty() || is_separator(out.back()))) {
                continue;
            }
            out += c;
        }
        while (!out.empty() && is_separator(out.back())) {
            out.pop_back();
        }
        return out;
    };
    std::string local = tidy(head + number + tail);
    if (local.size() > 64) {
        // Shorten the name part only, so the suffix and the unit label survive.
        std::string rest = number + tail;
        std::size_t room = rest.size() < 63 ? 64 - rest.size() : 1;
        local = tidy(tidy(head).substr(0, room) + number + tail).substr(0, 64);
    }
    return local;
}

std::optional<std::string> normalize_address(std::string_view address) {
    std::size_t at = address.rfind('@');
    if (at == std::string_view::npos || at == 0 || at > 64 || at + 1 >= address.size() ||
        address.size() > 254) {
        return std::nullopt;
    }
    std::string out;
    out.reserve(address.size());
    for (char c : address) {
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    std::string_view local(out.data(), at);
    std::string_view domain(out.data() + at + 1, out.size() - at - 1);
    char previous = '.';
    for (char c : local) {
        bool ok = is_ascii_word_char(c) || c == '.' || c == '_' || c == '-' || c == '+';
        if (!ok || (c == '.' && previous == '.')) {
            return std::nullopt;
        }
        previous = c;
    }
    if (local.back() == '.') {
        return std::nullopt;
    }
    std::size_t label = 0;
    for (char c : domain) {
        if (c == '.') {
            if (label == 0) {
                return std::nullopt;
            }
            label = 0;
        } else if (is_ascii_word_char(c) || c == '-') {
            ++label;
        } else {
            return std::nullopt;
        }
    }
    if (label == 0) {
        return std::nullopt;
    }
    return out;
}

std::string_view address_domain(std::string_view address) {
    std::size_t at = address.rfind('@');
    return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

std::string_view address_local(std::string_view address) {
    return address.substr(0, address.rfind('@'));
}

}  // namespace govmail::directory
