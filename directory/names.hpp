#pragma once
// Vietnamese names and the addresses made from them. Pure functions, no store.
//
//     split_name("  Nguyễn   Ngọc Thanh ")  -> {full "Nguyễn Ngọc Thanh", family "Nguyễn",
//                                               middle "Ngọc", given "Thanh"}
//     default_short_code("Sở Thông tin và Truyền thông")                       -> "stttt"
//     AddressPattern p("{given}{initials}.{unit}");
//     p.render(split_name("Nguyễn Ngọc Thanh"), "stttt", 0)                    -> "thanhnn.stttt"
//     p.render(split_name("Nguyễn Ngọc Thanh"), "stttt", 2)                    -> "thanhnn2.stttt"
//
// Transliteration is ICU "Any-Latin; Latin-ASCII" (text::to_ascii) followed by lower casing and
// keeping only [a-z0-9]: đ becomes d (plain accent stripping would leave it and make a broken
// address), and input in NFD or with stray spaces gives the same result as clean NFC input.

#include "directory/types.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace govmail::directory {

// NFC, whitespace (any Unicode space) collapsed to single spaces and trimmed, then split in
// Vietnamese order: the first word is the family name, the last the given name, the words between
// the middle name. A one-word name is a given name only.
PersonName split_name(std::string_view full_name);

// The words of `text` after NFC, split on Unicode white space.
std::vector<std::string> words(std::string_view text);

// `text` transliterated to lower-case ASCII letters and digits only ("Đức" -> "duc").
std::string ascii_letters(std::string_view text);

// Initials of a unit name without diacritics, skipping the conjunction "và" ("and"); a word made
// of digits is kept whole ("Phường 7" -> "p7"). Empty when the name has no letters or digits.
std::string default_short_code(std::string_view unit_name);

// True for a unit short code: 1-32 characters of [a-z0-9-], not starting or ending with '-'.
bool valid_short_code(std::string_view code);

// A parsed address pattern (see DirectoryConfig::address_pattern for placeholders).
class AddressPattern {
public:
    // Precondition: address_pattern_problem(pattern) is nullopt (the configuration checked it).
    explicit AddressPattern(std::string_view pattern);

    // The local part for `name` in the unit labelled `unit_label`. `suffix` > 1 is inserted right
    // after the last name placeholder: the numeric suffix on collision ("thanhnn2.stttt"). Empty
    // placeholders leave no doubled or dangling '.', '-' or '_'. Empty when the name yields no
    // letters at all. At most 64 octets (RFC 5321 4.5.3.1.1): the name part is shortened.
    std::string render(const PersonName& name, std::string_view unit_label, unsigned suffix) const;

private:
    struct Piece {
        enum Kind { Literal, Given, Family, Middle, Initials, Unit } kind;

        std::string text;
    };

    std::vector<Piece> pieces_;
    std::size_t suffix_after_ = 0;  // index of the piece after which the suffix goes
};

// Address syntax we issue and accept for local accounts: lower-cased "local@domain" with local
// made of [a-z0-9._+-] (no leading, trailing or doubled '.'), at most 64 octets, and a domain of
// letters, digits, '-' and '.'. Returns the lower-cased address, or nullopt when malformed.
std::optional<std::string> normalize_address(std::string_view address);

// The domain part of a normalized address.
std::string_view address_domain(std::string_view address);
std::string_view address_local(std::string_view address);

}  // namespace govmail::directory
