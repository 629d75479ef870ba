#include "imap/utf7.hpp"

#include "core/text/base64.hpp"
#include "core/text/text.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace govmail::imap {
namespace {

// RFC 3501 5.1.3: modified BASE64 uses "," in place of "/".
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

constexpr std::array<std::int8_t, 256> kDecode = text::base64_decode_table(kAlphabet);

bool is_direct(char32_t c) {
    return c >= 0x20 && c <= 0x7E;
}

void flush_run(std::string& out, const std::vector<std::uint16_t>& units) {
    out.push_back('&');
    std::uint32_t bits = 0;
    int count = 0;
    for (std::uint16_t unit : units) {
        for (int shift = 8; shift >= 0; shift -= 8) {
            bits = (bits << 8) | ((unit >> shift) & 0xFF);
            count += 8;
            while (count >= 6) {
                count -= 6;
                out.push_back(kAlphabet[(bits >> count) & 0x3F]);
            }
        }
    }
    if (count > 0) {
        out.push_back(kAlphabet[(bits << (6 - count)) & 0x3F]);
    }
    out.push_back('-');
}

// Decodes one encoded run (the text between "&" and "-", non-empty) and appends its UTF-8 to
// `out` unless it is null (validation only).
boost::system::error_code decode_run(std::string_view run, std::string* out) {
    std::uint32_t bits = 0;
    int count = 0;
    std::uint32_t pending_high = 0;  // a high surrogate waiting for its low half
    bool have_unit_byte = false;
    std::uint16_t unit = 0;
    for (char ch : run) {
        std::int8_t value = kDecode[static_cast<unsigned char>(ch)];
        if (value < 0) {
            return SyntaxErrc::Utf7BadBase64;
        }
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        count += 6;
        if (count < 8) {
            continue;
        }
        count -= 8;
        auto octet = static_cast<std::uint16_t>((bits >> count) & 0xFF);
        if (!have_unit_byte) {
            unit = static_cast<std::uint16_t>(octet << 8);
            have_unit_byte = true;
            continue;
        }
        unit |= octet;
        have_unit_byte = false;
        char32_t c = unit;
        if (pending_high != 0) {
            if (unit < 0xDC00 || unit > 0xDFFF) {
                return SyntaxErrc::Utf7BadSurrogate;
            }
            c = 0x10000 + ((pending_high - 0xD800) << 10) + (unit - 0xDC00);
            pending_high = 0;
        } else if (unit >= 0xD800 && unit <= 0xDBFF) {
            pending_high = unit;
            continue;
        } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
            return SyntaxErrc::Utf7BadSurrogate;
        }
        // RFC 3501 5.1.3: printable US-ASCII (including "&") MUST NOT be encoded.
        if (is_direct(c)) {
            return SyntaxErrc::Utf7EncodedAscii;
        }
        if (c == 0) {
            return SyntaxErrc::Utf7Nul;
        }
        if (out != nullptr) {
            text::append_utf8(*out, c);
        }
    }
    if (pending_high != 0) {
        return SyntaxErrc::Utf7BadSurrogate;
    }
    // The encoder pads the last character with zero bits and never emits a character that
    // carries no complete octet, nor an odd number of octets.
    if (have_unit_byte || count >= 6 || (bits & ((1U << count) - 1)) != 0) {
        return SyntaxErrc::Utf7NonCanonical;
    }
    return {};
}

}  // namespace

boost::system::result<std::string> encode_mutf7(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    std::vector<std::uint16_t> run;
    std::size_t pos = 0;
    while (pos < utf8.size()) {
        char32_t c = text::decode_utf8(utf8, pos);
        if (c == text::kInvalidCodePoint) {
            return SyntaxErrc::InvalidUtf8;
        }
        // The decoder refuses U+0000, so the encoder must not produce it.
        if (c == 0) {
            return SyntaxErrc::Utf7Nul;
        }
        if (is_direct(c)) {
            if (!run.empty()) {
                flush_run(out, run);
                run.clear();
            }
            out.push_back(static_cast<char>(c));
            if (c == '&') {
                out.push_back('-');
            }
        } else if (c >= 0x10000) {
            char32_t v = c - 0x10000;
            run.push_back(static_cast<std::uint16_t>(0xD800 + (v >> 10)));
            run.push_back(static_cast<std::uint16_t>(0xDC00 + (v & 0x3FF)));
        } else {
            run.push_back(static_cast<std::uint16_t>(c));
        }
    }
    if (!run.empty()) {
        flush_run(out, run);
    }
    return out;
}

namespace {

boost::system::error_code decode(std::string_view mutf7, std::string* out) {
    std::size_t i = 0;
    bool after_run = false;  // the previous character closed an encoded run
    while (i < mutf7.size()) {
        char ch = mutf7[i];
        if (!is_direct(static_cast<unsigned char>(ch))) {
            return SyntaxErrc::Utf7NotAscii;
        }
        if (ch != '&') {
            if (out != nullptr) {
                out->push_back(ch);
            }
            after_run = false;
            ++i;
            continue;
        }
        std::size_t end = mutf7.find('-', i + 1);
        if (end == std::string_view::npos) {
            return SyntaxErrc::Utf7Unterminated;
        }
        std::string_view run = mutf7.substr(i + 1, end - i - 1);
        if (run.empty()) {
            if (out != nullptr) {
                out->push_back('&');
            }
            after_run = false;
        } else {
            // "&AAA-&AAA-" is one run split in two: not what the encoder writes.
            if (after_run) {
                return SyntaxErrc::Utf7NonCanonical;
            }
            if (auto ec = decode_run(run, out)) {
                return ec;
            }
            after_run = true;
        }
        i = end + 1;
    }
    return {};
}

}  // namespace

boost::system::result<std::string> decode_mutf7(std::string_view mutf7) {
    std::string out;
    out.reserve(mutf7.size());
    if (auto ec = decode(mutf7, &out)) {
        return ec;
    }
    return out;
}

bool is_valid_mutf7(std::string_view mutf7) noexcept {
    return !decode(mutf7, nullptr);
}

}  // namespace govmail::imap
