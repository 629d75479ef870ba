#include "core/text/text.hpp"

#include <unicode/bytestream.h>
#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>

namespace govmail::text {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_ascii(std::string_view s) noexcept {
    std::size_t i = 0;
    // Eight bytes at a time: the common case for mail headers is plain ASCII.
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, s.data() + i, 8);
        if ((word & 0x8080808080808080ULL) != 0) {
            return false;
        }
    }
    for (; i < s.size(); ++i) {
        if (static_cast<unsigned char>(s[i]) >= 0x80) {
            return false;
        }
    }
    return true;
}

// Length of the well-formed UTF-8 sequence at s[i] (1 to 4), or 0 when it is ill-formed; then
// `bad` is the length of its maximal subpart (the bytes to replace by one U+FFFD). The ranges of
// the second byte follow RFC 3629 section 4 (they exclude overlong forms and surrogates).
std::size_t sequence_length(std::string_view s, std::size_t i, std::size_t& bad) noexcept {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    bad = 1;
    if (lead < 0x80) {
        return 1;
    }
    std::size_t need = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
    } else if (lead == 0xE0) {
        need = 2;
        low = 0xA0;
    } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
        need = 2;
    } else if (lead == 0xED) {
        need = 2;
        high = 0x9F;
    } else if (lead == 0xF0) {
        need = 3;
        low = 0x90;
    } else if (lead >= 0xF1 && lead <= 0xF3) {
        need = 3;
    } else if (lead == 0xF4) {
        need = 3;
        high = 0x8F;
    } else {
        return 0;
    }
    for (std::size_t k = 1; k <= need; ++k) {
        if (i + k >= s.size()) {
            bad = k;
            return 0;
        }
        const unsigned char c = byte(i + k);
        const unsigned char lo = k == 1 ? low : 0x80;
        const unsigned char hi = k == 1 ? high : 0xBF;
        if (c < lo || c > hi) {
            bad = k;
            return 0;
        }
    }
    return need + 1;
}

icu::StringPiece piece(std::string_view s) {
    return {s.data(), static_cast<int32_t>(s.size())};
}

// ICU indexes strings with int32_t. Mail text never comes near 2 GiB; anything that does is
// returned without normalisation rather than risk a truncated length.
bool fits_icu(std::string_view s) {
    return s.size() <= static_cast<std::size_t>(INT32_MAX / 4);
}

const icu::Normalizer2* nfc_instance() {
    // getNFCInstance() returns an immutable singleton owned by ICU; const use is thread-safe.
    static const icu::Normalizer2* instance = [] {
        UErrorCode status = U_ZERO_ERROR;
        const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
        return U_SUCCESS(status) ? n : nullptr;
    }();
    return instance;
}

const icu::Normalizer2* nfkd_instance() {
    static const icu::Normalizer2* instance = [] {
        UErrorCode status = U_ZERO_ERROR;
        const icu::Normalizer2* n = icu::Normalizer2::getNFKDInstance(status);
        return U_SUCCESS(status) ? n : nullptr;
    }();
    return instance;
}

// Transliterator::transliterate() keeps per-object state, so each thread gets its own instance.
icu::Transliterator* ascii_transliterator() {
    thread_local std::unique_ptr<icu::Transliterator> instance = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::Transliterator> t(
            icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, status)
        );
        return U_SUCCESS(status) ? std::move(t) : nullptr;
    }();
    return instance.get();
}

// A collator per thread: ICU documents collators as safe for concurrent const use only when
// frozen and shared carefully; a private instance per thread avoids the question entirely.
icu::Collator* vi_collator() {
    thread_local std::unique_ptr<icu::Collator> instance = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::Collator> c(icu::Collator::createInstance(icu::Locale("vi"), status));
        if (U_FAILURE(status)) {
            return std::unique_ptr<icu::Collator>();
        }
        c->setStrength(icu::Collator::TERTIARY);
        return c;
    }();
    return instance.get();
}

icu::UnicodeString to_unicode(std::string_view utf8) {
    // fromUTF8 substitutes U+FFFD for ill-formed sequences, matching sanitize_utf8().
    return icu::UnicodeString::fromUTF8(piece(utf8));
}

std::string to_utf8(const icu::UnicodeString& u) {
    std::string out;
    u.toUTF8String(out);
    return out;
}

}  // namespace

bool is_valid_utf8(std::string_view utf8) noexcept {
    std::size_t i = 0;
    while (i < utf8.size()) {
        if (static_cast<unsigned char>(utf8[i]) < 0x80) {
            ++i;
            continue;
        }
        std::size_t bad = 0;
        const std::size_t n = sequence_length(utf8, i, bad);
        if (n == 0) {
            return false;
        }
        i += n;
    }
    return true;
}

char32_t decode_utf8(std::string_view utf8, std::size_t& pos) noexcept {
    std::size_t bad = 0;
    const std::size_t n = sequence_length(utf8, pos, bad);
    if (n == 0) {
        return kInvalidCodePoint;
    }
    static constexpr unsigned char kLeadMask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    auto c = static_cast<char32_t>(static_cast<unsigned char>(utf8[pos]) & kLeadMask[n]);
    for (std::size_t k = 1; k < n; ++k) {
        c = (c << 6) | (static_cast<unsigned char>(utf8[pos + k]) & 0x3F);
    }
    pos += n;
    return c;
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::string sanitize_utf8(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    std::size_t i = 0;
    while (i < utf8.size()) {
        std::size_t bad = 0;
        const std::size_t n = sequence_length(utf8, i, bad);
        if (n == 0) {
            out.append(kReplacement);
            i += bad;
        } else {
            out.append(utf8.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::string nfc(std::string_view utf8) {
    if (is_ascii(utf8)) {
        return std::string(utf8);  // ASCII is always NFC
    }
    std::string clean = is_valid_utf8(utf8) ? std::string(utf8) : sanitize_utf8(utf8);
    const icu::Normalizer2* normalizer = nfc_instance();
    if (normalizer == nullptr || !fits_icu(clean)) {
        return clean;
    }
    UErrorCode status = U_ZERO_ERROR;
    if (normalizer->isNormalizedUTF8(piece(clean), status) && U_SUCCESS(status)) {
        return clean;
    }
    std::string out;
    out.reserve(clean.size());
    icu::StringByteSink<std::string> sink(&out);
    status = U_ZERO_ERROR;
    normalizer->normalizeUTF8(0, piece(clean), sink, nullptr, status);
    return U_SUCCESS(status) ? out : clean;
}

namespace {

// fold() through ICU: correct for every script, about 50 MB/s.
std::string fold_icu(std::string_view utf8) {
    const icu::Normalizer2* nfkd = nfkd_instance();
    const icu::Normalizer2* nfc_norm = nfc_instance();
    if (nfkd == nullptr || nfc_norm == nullptr || !fits_icu(utf8)) {
        return sanitize_utf8(utf8);
    }
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString decomposed = nfkd->normalize(to_unicode(utf8), status);
    if (U_FAILURE(status)) {
        return sanitize_utf8(utf8);
    }
    decomposed.foldCase(U_FOLD_CASE_DEFAULT);

    icu::UnicodeString stripped;
    for (int32_t i = 0; i < decomposed.length();) {
        const UChar32 c = decomposed.char32At(i);
        i += U16_LENGTH(c);
        const int8_t category = u_charType(c);
        if (category == U_NON_SPACING_MARK || category == U_ENCLOSING_MARK) {
            continue;
        }
        // đ has no decomposition (the stroke is not a combining mark), so it needs its own rule;
        // ð is what some legacy Vietnamese converters emit for Đ.
        if (c == 0x0111 || c == 0x00F0) {
            stripped.append(static_cast<UChar>(u'd'));
            continue;
        }
        stripped.append(c);
    }
    status = U_ZERO_ERROR;
    icu::UnicodeString composed = nfc_norm->normalize(stripped, status);
    return to_utf8(U_SUCCESS(status) ? composed : stripped);
}

// The fast path covers the code points of Latin-script text, Vietnamese included: Latin-1,
// Latin Extended-A/B (U+0000..U+024F) and Latin Extended Additional (U+1E00..U+1EFF), whose
// folds are precomputed with fold_icu(), plus the combining diacritical marks (U+0300..U+036F),
// which fold() removes. Folding such text character by character gives what fold_icu() gives
// for the whole string: case folding has no context, every mark is removed, and without marks
// nothing is left to compose. About ten times faster than fold_icu().
constexpr char32_t kLatinEnd = 0x0250;
constexpr char32_t kExtendedBegin = 0x1E00;
constexpr char32_t kExtendedEnd = 0x1F00;

struct FoldTable {
    std::array<std::string, kLatinEnd> latin;
    std::array<std::string, kExtendedEnd - kExtendedBegin> extended;
};

std::string encode_utf8(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
    return out;
}

const FoldTable& fold_table() {
    static const FoldTable* const table = [] {
        auto* t = new FoldTable;  // lives for the process, like ICU's own data
        for (char32_t c = 0; c < kLatinEnd; ++c) {
            t->latin[c] = fold_icu(encode_utf8(c));
        }
        for (char32_t c = kExtendedBegin; c < kExtendedEnd; ++c) {
            t->extended[c - kExtendedBegin] = fold_icu(encode_utf8(c));
        }
        return t;
    }();
    return *table;
}

// fold() of Latin-script text from the table, or nullopt when `utf8` has anything else
// (another script, ill-formed UTF-8) and needs fold_icu().
std::optional<std::string> fold_latin(std::string_view utf8) {
    const FoldTable& table = fold_table();
    std::string out;
    out.reserve(utf8.size());
    std::size_t i = 0;
    while (i < utf8.size()) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        if (lead < 0x80) {
            out.push_back(
                lead >= 'A' && lead <= 'Z' ? static_cast<char>(lead - 'A' + 'a')
                                           : static_cast<char>(lead)
            );
            ++i;
            continue;
        }
        std::size_t bad = 0;
        const std::size_t n = sequence_length(utf8, i, bad);
        if (n == 0 || n == 4) {
            return std::nullopt;
        }
        char32_t c = n == 2 ? (lead & 0x1F) : (lead & 0x0F);
        for (std::size_t k = 1; k < n; ++k) {
            c = (c << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        }
        i += n;
        if (c < kLatinEnd) {
            out += table.latin[c];
        } else if (c >= kExtendedBegin && c < kExtendedEnd) {
            out += table.extended[c - kExtendedBegin];
        } else if (c < 0x0300 || c >= 0x0370 || c == 0x0345) {
            // U+0300..U+036F are combining marks, dropped; except U+0345, which case-folds to
            // a Greek iota that stays.
            return std::nullopt;
        }
    }
    return out;
}

}  // namespace

std::string fold(std::string_view utf8) {
    if (is_ascii(utf8)) {
        std::string out(utf8);
        for (char& c : out) {
            if (c >= 'A' && c <= 'Z') {
                c = static_cast<char>(c - 'A' + 'a');
            }
        }
        return out;
    }
    if (auto latin = fold_latin(utf8)) {
        return std::move(*latin);
    }
    return fold_icu(utf8);
}

std::string to_ascii(std::string_view utf8) {
    if (is_ascii(utf8)) {
        return std::string(utf8);
    }
    icu::Transliterator* transliterator = ascii_transliterator();
    if (transliterator == nullptr || !fits_icu(utf8)) {
        return sanitize_utf8(utf8);
    }
    icu::UnicodeString u = to_unicode(utf8);
    transliterator->transliterate(u);
    return to_utf8(u);
}

std::string collation_key(std::string_view utf8) {
    icu::Collator* collator = vi_collator();
    if (collator == nullptr || !fits_icu(utf8)) {
        return sanitize_utf8(utf8);
    }
    const icu::UnicodeString u = to_unicode(utf8);
    std::string key(u.length() * 3 + 16, '\0');
    auto* buffer = reinterpret_cast<uint8_t*>(key.data());
    int32_t length = collator->getSortKey(u, buffer, static_cast<int32_t>(key.size()));
    if (length > static_cast<int32_t>(key.size())) {
        key.resize(static_cast<std::size_t>(length));
        buffer = reinterpret_cast<uint8_t*>(key.data());
        length = collator->getSortKey(u, buffer, length);
    }
    // The returned length counts ICU's terminating 0x00, which is dropped (see the header).
    key.resize(length > 0 ? static_cast<std::size_t>(length - 1) : 0);
    return key;
}

int compare_vi(std::string_view a, std::string_view b) {
    icu::Collator* collator = vi_collator();
    if (collator == nullptr || !fits_icu(a) || !fits_icu(b)) {
        return a.compare(b);
    }
    UErrorCode status = U_ZERO_ERROR;
    const UCollationResult result = collator->compare(to_unicode(a), to_unicode(b), status);
    if (U_FAILURE(status)) {
        return a.compare(b);
    }
    return result == UCOL_LESS ? -1 : (result == UCOL_GREATER ? 1 : 0);
}

}  // namespace govmail::text
