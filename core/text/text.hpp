#pragma once
// Unicode text helpers (ICU) shared by mime/, directory/ and imap/: normalisation, the search key,
// ASCII transliteration for address generation and Vietnamese collation.
//
//     text::nfc("Nguye\xcc\x82\xcc\x83n")         == "Nguyễn"      (decomposed input composed)
//     text::fold("QUYẾT ĐỊNH") == text::fold("quyet dinh")          (== "quyet dinh")
//     text::to_ascii("Đặng Thị Ánh")            == "Dang Thi Anh"
//     text::compare_vi("Dũng", "Đức") < 0                            (Vietnamese: d < đ)
//     db.put(text::collation_key(name) + '\0' + id, ...);            (keys sort like compare_vi)
//
// Input is UTF-8. Ill-formed UTF-8 (overlong forms, surrogates, truncated sequences, bytes that
// cannot start a sequence) never makes a function fail: each maximal ill-formed subsequence is
// read as one U+FFFD, as the Unicode standard recommends (Unicode 15, 3.9 "U+FFFD Substitution of
// Maximal Subparts"). No function throws; every output is well-formed UTF-8.
//
// Thread-safety: every function may be called from any thread at the same time. The ICU objects
// that are not safe to share (the transliterator and the collator) are created once per thread
// and cached there (thread_local); the normalisers are ICU's immutable process-wide singletons.
// No call suspends, so coroutines that hop threads between calls are fine.
//
// Cost: ASCII-only input takes a fast path without ICU in nfc(), fold() and is_valid_utf8();
// fold() of Latin-script text (Vietnamese included) uses a table precomputed with ICU on first
// use, about 1 µs per KB; other scripts go through ICU, about 20 µs per KB.
// The first call of to_ascii() / collation_key() / compare_vi() on a thread builds that thread's
// ICU object (a few milliseconds); later calls are microseconds.

#include <cstddef>
#include <string>
#include <string_view>

namespace govmail::text {

// True when `utf8` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF).
[[nodiscard]] bool is_valid_utf8(std::string_view utf8) noexcept;

// `utf8` with every ill-formed subsequence replaced by U+FFFD (a copy when already valid).
[[nodiscard]] std::string sanitize_utf8(std::string_view utf8);

inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

// Decodes the code point at `pos` and advances `pos` past it; kInvalidCodePoint (and `pos`
// unchanged) when the bytes there are not well-formed UTF-8. Precondition: pos < utf8.size().
[[nodiscard]] char32_t decode_utf8(std::string_view utf8, std::size_t& pos) noexcept;

// Appends `c` (a Unicode scalar value) in UTF-8.
void append_utf8(std::string& out, char32_t c);

// The value of a hexadecimal digit of either case, or -1.
constexpr int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Unicode Normalization Form C (canonical composition). Text decoded from windows-1258 or typed
// with decomposed Vietnamese tone marks becomes the same bytes as precomposed text, so it compares,
// searches and displays alike.
[[nodiscard]] std::string nfc(std::string_view utf8);

// The search key: two strings a person would call "the same words" fold to equal bytes, so
// substring search over folded text is case- and diacritic-insensitive:
//   1. compatibility decomposition (NFKD): precomposed letters split into base + marks, and
//      compatibility forms (full-width letters from input methods, ligatures such as "ﬁ") become
//      their plain letters;
//   2. full Unicode case folding ("Đ" → "đ", "ß" → "ss");
//   3. every combining mark (general categories Mn and Me) is removed: tone and vowel marks;
//   4. đ (U+0111) → d, and ð (U+00F0, which legacy converters produce for Đ) → d;
//   5. NFC, so scripts whose letters need their marks to compose (Hangul) come back whole.
// Example: "Quyết Định", "quyet dinh", "QUYẾT ĐỊNH" and their NFD forms all give "quyet dinh".
// The result is for comparison only; never show it to people.
[[nodiscard]] std::string fold(std::string_view utf8);

// ICU transliteration "Any-Latin; Latin-ASCII": letters of any script to Latin, then to plain
// ASCII ("Nguyễn" → "Nguyen", "Đức" → "Duc"); case is kept. Characters without an ASCII form
// (emoji, some symbols) are left as they are, so callers that need pure ASCII (e-mail local parts)
// filter the result themselves.
[[nodiscard]] std::string to_ascii(std::string_view utf8);

// The ICU sort key of `utf8` under the Vietnamese ("vi") collation at tertiary strength: comparing
// two keys bytewise (memcmp, then shorter first) orders the strings like compare_vi(). Keys contain
// no 0x00 byte (ICU's terminating NUL is not included), so a caller may append "\0" + id to make
// unique LMDB keys that still sort by name. Keys change when ICU's collation data changes (a new
// ICU major version): rebuild stored keys then.
[[nodiscard]] std::string collation_key(std::string_view utf8);

// <0, 0 or >0 as `a` sorts before, equal to or after `b` in Vietnamese order: the alphabet
// a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (so "Dũng" < "Đức"), tone marks as a
// secondary difference ("Anh" < "Ánh" < "Bình"), case as a tertiary one.
[[nodiscard]] int compare_vi(std::string_view a, std::string_view b);

}  // namespace govmail::text
