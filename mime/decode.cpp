#include "mime/decode.hpp"

#include "core/text/text.hpp"
#include "mime/detail/gmime.hpp"
#include "mime/detail/rfc822.hpp"

#include <algorithm>
#include <array>
#include <cerrno>

namespace govmail::mime {
namespace detail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool has_8bit(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x80;
    });
}

// RFC 2231 4: charset'language'%XX-encoded octets (the joined value of "name*").
std::string decode_extended_value(std::string_view value) {
    std::string_view charset;
    const std::size_t q1 = value.find('\'');
    const std::size_t q2 = q1 == std::string_view::npos ? q1 : value.find('\'', q1 + 1);
    if (q2 != std::string_view::npos) {
        charset = value.substr(0, q1);
        value.remove_prefix(q2 + 1);
    }
    std::string octets;
    octets.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '%' && i + 2 < value.size() && text::hex_value(value[i + 1]) >= 0 &&
            text::hex_value(value[i + 2]) >= 0) {
            octets.push_back(static_cast<char>(
                text::hex_value(value[i + 1]) * 16 + text::hex_value(value[i + 2])
            ));
            i += 2;
        } else {
            octets.push_back(value[i]);
        }
    }
    return to_utf8(octets, charset);
}

}  // namespace

GMimeParserOptions* parser_options() {
    // A function-local static is initialised exactly once even when threads race (C++11 6.7);
    // g_mime_init() itself is not thread-safe, so this is the only place that calls it.
    static GMimeParserOptions* const options = [] {
        g_mime_init();
        GMimeParserOptions* o = g_mime_parser_options_new();
        std::array<const char*, 3> charsets = {"utf-8", "windows-1258", nullptr};
        g_mime_parser_options_set_fallback_charsets(o, charsets.data());
        g_mime_parser_options_set_rfc2047_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
        g_mime_parser_options_set_address_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
        return o;
    }();
    return options;
}

std::optional<std::string> iconv_to_utf8(std::string_view bytes, std::string_view charset) {
    parser_options();  // GMime's charset name tables are set up by g_mime_init()
    const std::string from(charset);
    iconv_t cd = g_mime_iconv_open("UTF-8", from.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        return std::nullopt;
    }
    std::string out(bytes.size() * 2 + 16, '\0');
    std::size_t used = 0;
    char* in = const_cast<char*>(bytes.data());  // iconv's prototype; it does not write input
    std::size_t in_left = bytes.size();
    // Converts with `in` (nullptr flushes: glibc's CP1258 holds back each letter to compose it
    // with a following tone mark, and stateful charsets return to their initial state).
    auto step = [&](bool flush) {
        for (;;) {
            char* out_ptr = out.data() + used;
            std::size_t out_left = out.size() - used;
            const std::size_t r = flush ? iconv(cd, nullptr, nullptr, &out_ptr, &out_left)
                                        : iconv(cd, &in, &in_left, &out_ptr, &out_left);
            used = static_cast<std::size_t>(out_ptr - out.data());
            if (r != static_cast<std::size_t>(-1)) {
                return true;
            }
            if (errno != E2BIG) {
                return false;
            }
            out.resize(out.size() * 2 + 16);
        }
    };
    while (in_left > 0) {
        if (step(false)) {
            continue;
        }
        // EILSEQ or EINVAL: one byte that does not convert becomes U+FFFD.
        step(true);
        if (out.size() - used < kReplacement.size()) {
            out.resize(out.size() * 2 + kReplacement.size());
        }
        out.replace(used, kReplacement.size(), kReplacement);
        used += kReplacement.size();
        ++in;
        --in_left;
    }
    step(true);
    g_mime_iconv_close(cd);
    out.resize(used);
    return out;
}

std::string guess_to_utf8(std::string_view bytes) {
    if (text::is_valid_utf8(bytes)) {
        return std::string(bytes);
    }
    if (auto converted = iconv_to_utf8(bytes, "windows-1258")) {
        return std::move(*converted);
    }
    return text::sanitize_utf8(bytes);
}

std::optional<std::string> decoded_param(const std::vector<Param>& params, std::string_view name) {
    const std::string extended = std::string(name) + "*";
    for (const Param& p : params) {
        if (p.name == extended) {
            return decode_extended_value(p.value);
        }
    }
    for (const Param& p : params) {
        if (p.name == name) {
            return decode_header(p.value);
        }
    }
    return std::nullopt;
}

}  // namespace detail

void init_gmime() {
    detail::parser_options();
}

std::string decode_header(std::string_view raw_value) {
    std::string value = detail::unfold(raw_value);
    if (detail::has_8bit(value)) {
        // Raw 8-bit bytes (RFC 6532 UTF-8, or legacy windows-1258) become UTF-8 first, so that
        // GMime only has encoded words left to decode.
        value = detail::guess_to_utf8(value);
    }
    if (value.find("=?") == std::string::npos) {
        return text::nfc(value);
    }
    detail::GCharPtr decoded(
        g_mime_utils_header_decode_text(detail::parser_options(), value.c_str())
    );
    return text::nfc(decoded ? std::string_view(decoded.get()) : std::string_view(value));
}

std::vector<Address> parse_addresses(std::string_view raw_value) {
    std::vector<Address> out;
    for (const detail::RawAddress& a : detail::parse_address_list(detail::unfold(raw_value))) {
        if (a.kind != detail::RawAddress::Kind::Mailbox) {
            continue;
        }
        out.push_back(Address{
            a.name ? decode_header(*a.name) : std::string(), detail::address_spec(a)});
    }
    return out;
}

std::int64_t parse_date(std::string_view raw_value) {
    const std::string value = detail::unfold(raw_value);
    if (value.empty()) {
        return 0;
    }
    detail::parser_options();
    const detail::DateTimePtr date(g_mime_utils_header_decode_date(value.c_str()));
    return date ? g_date_time_to_unix(date.get()) : 0;
}

std::string to_utf8(std::string_view bytes, std::string_view charset) {
    const std::string name = detail::to_lower(detail::unfold(charset));
    if (name.empty() || name == "us-ascii" || name == "ascii" || name == "unknown-8bit" ||
        name == "x-unknown") {
        return text::nfc(detail::guess_to_utf8(bytes));
    }
    if (name == "utf-8" || name == "utf8") {
        return text::nfc(bytes);  // nfc() replaces ill-formed sequences with U+FFFD
    }
    if (auto converted = detail::iconv_to_utf8(bytes, name)) {
        return text::nfc(*converted);
    }
    return text::nfc(detail::guess_to_utf8(bytes));
}

}  // namespace govmail::mime
