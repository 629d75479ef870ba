#include "mime/content.hpp"

#include "core/text/text.hpp"
#include "mime/decode.hpp"
#include "mime/detail/gmime.hpp"
#include "mime/detail/rfc822.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace govmail::mime {
namespace detail {
namespace {

enum class Transfer { Identity, Base64, QuotedPrintable, Uuencode };

std::optional<Transfer> transfer_of(std::string_view encoding) {
    const std::string e = to_lower(encoding);
    if (e == "7bit" || e == "8bit" || e == "binary") {
        return Transfer::Identity;
    }
    if (e == "base64") {
        return Transfer::Base64;
    }
    if (e == "quoted-printable") {
        return Transfer::QuotedPrintable;
    }
    if (e == "x-uuencode" || e == "uuencode" || e == "x-uue") {
        return Transfer::Uuencode;
    }
    return std::nullopt;
}

constexpr std::int8_t kBase64Skip = -1;
constexpr std::int8_t kBase64Pad = -2;

// Sextet value of each byte: 0..63, kBase64Pad for '=', kBase64Skip for everything else.
constexpr std::array<std::int8_t, 256> kBase64 = [] {
    std::array<std::int8_t, 256> table{};
    table.fill(kBase64Skip);
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
        table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
    }
    table['='] = kBase64Pad;
    return table;
}();

// RFC 2045 6.8, leniently: characters outside the alphabet are ignored, and an incomplete last
// quantum (a missing "=" padding, common in real mail) still yields its bytes: 2 sextets give 1
// byte, 3 give 2. "=" ends a quantum, so base64 bodies concatenated by careless tools decode
// whole. GMime's decoder drops an unpadded tail, so base64 is decoded here.
void decode_base64(std::string_view body, std::string& out) {
    out.reserve(out.size() + body.size() / 4 * 3 + 3);
    std::uint32_t bits = 0;
    int sextets = 0;
    auto end_quantum = [&] {
        if (sextets >= 2) {
            out.push_back(static_cast<char>(bits >> (6 * sextets - 8)));
        }
        if (sextets == 3) {
            out.push_back(static_cast<char>(bits >> 2));
        }
        bits = 0;
        sextets = 0;
    };
    for (const char c : body) {
        const std::int8_t v = kBase64[static_cast<unsigned char>(c)];
        if (v >= 0) {
            bits = (bits << 6) | static_cast<std::uint32_t>(v);
            if (++sextets == 4) {
                const std::array<char, 3> bytes = {
                    static_cast<char>(bits >> 16),
                    static_cast<char>(bits >> 8),
                    static_cast<char>(bits),
                };
                out.append(bytes.data(), bytes.size());
                bits = 0;
                sextets = 0;
            }
        } else if (v == kBase64Pad) {
            end_quantum();
        }
    }
    end_quantum();
}

// The length decode_base64() produces, counted without decoding (BINARY.SIZE at delivery).
std::uint64_t base64_length(std::string_view body) {
    std::uint64_t length = 0;
    int sextets = 0;
    for (const char c : body) {
        const std::int8_t v = kBase64[static_cast<unsigned char>(c)];
        if (v >= 0) {
            if (++sextets == 4) {
                length += 3;
                sextets = 0;
            }
        } else if (v == kBase64Pad) {
            length += sextets >= 2 ? static_cast<std::uint64_t>(sextets - 1) : 0;
            sextets = 0;
        }
    }
    return length + (sextets >= 2 ? static_cast<std::uint64_t>(sextets - 1) : 0);
}

// Quoted-printable and uuencode through GMime: feeds the decoded bytes of `body` to `sink` in
// chunks, so that decoded_length() needs no buffer the size of the part.
template <typename Sink>
void decode_chunks(std::string_view body, Transfer transfer, Sink&& sink) {
    parser_options();
    GMimeEncoding state;
    if (transfer == Transfer::QuotedPrintable) {
        g_mime_encoding_init_decode(&state, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    } else {
        g_mime_encoding_init_decode(&state, GMIME_CONTENT_ENCODING_UUENCODE);
        // GMime's uudecoder expects the data lines only: skip up to and past "begin mode name".
        std::size_t pos = 0;
        while (pos < body.size() && !line_at(body, pos).starts_with("begin ")) {
            pos = next_line(body, pos);
        }
        if (pos < body.size()) {
            body.remove_prefix(next_line(body, pos));
        }
        state.state |= GMIME_UUDECODE_STATE_BEGIN;
    }
    constexpr std::size_t kChunk = std::size_t{64} * 1024;
    std::vector<char> out(g_mime_encoding_outlen(&state, std::min(body.size(), kChunk)) + 64);
    while (!body.empty()) {
        const std::size_t n = std::min(body.size(), kChunk);
        const std::size_t produced = g_mime_encoding_step(&state, body.data(), n, out.data());
        sink(std::string_view(out.data(), produced));
        body.remove_prefix(n);
    }
    const std::size_t produced = g_mime_encoding_flush(&state, nullptr, 0, out.data());
    sink(std::string_view(out.data(), produced));
}

void append_code_point(std::string& out, unsigned long cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        out += "\xEF\xBF\xBD";
    } else if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// "&amp;", "&#7871;", "&#x1EBF;" at html[i]: appends the character and returns the entity
// length, or 0 when it is not an entity this knows.
std::size_t decode_entity(std::string_view html, std::size_t i, std::string& out) {
    const std::size_t semi = html.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10 || semi == i + 1) {
        return 0;
    }
    const std::string_view name = html.substr(i + 1, semi - i - 1);
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kNamed = {{
        {"amp", "&"},
        {"lt", "<"},
        {"gt", ">"},
        {"quot", "\""},
        {"apos", "'"},
        {"nbsp", " "},
    }};
    for (const auto& [entity, text] : kNamed) {
        if (name == entity) {
            out += text;
            return semi - i + 1;
        }
    }
    if (name.front() != '#' || name.size() < 2) {
        return 0;
    }
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 7) {
        return 0;
    }
    unsigned long cp = 0;
    for (const char c : digits) {
        int v = -1;
        if (c >= '0' && c <= '9') {
            v = c - '0';
        } else if (hex && c >= 'a' && c <= 'f') {
            v = c - 'a' + 10;
        } else if (hex && c >= 'A' && c <= 'F') {
            v = c - 'A' + 10;
        }
        if (v < 0) {
            return 0;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<unsigned long>(v);
    }
    append_code_point(out, cp);
    return semi - i + 1;
}

bool tag_is(std::string_view tag, std::initializer_list<std::string_view> names) {
    return std::any_of(names.begin(), names.end(), [&](std::string_view n) {
        return iequals(tag, n);
    });
}

// Crude HTML to text for search: tags dropped (block-level ones become line breaks so that
// words in neighbouring cells or paragraphs do not run together), comments, scripts and styles
// dropped, entities decoded, runs of white space collapsed.
std::string strip_html(std::string_view html) {
    std::string out;
    out.reserve(html.size() / 2);
    auto separate = [&](char sep) {
        if (!out.empty() && out.back() != ' ' && out.back() != '\n') {
            out.push_back(sep);
        }
    };
    std::size_t i = 0;
    while (i < html.size()) {
        const char c = html[i];
        if (c == '<') {
            if (html.substr(i).starts_with("<!--")) {
                const std::size_t end = html.find("-->", i + 4);
                i = end == std::string_view::npos ? html.size() : end + 3;
                continue;
            }
            std::size_t name_begin = i + 1;
            if (name_begin < html.size() && html[name_begin] == '/') {
                ++name_begin;
            }
            std::size_t name_end = name_begin;
            while (name_end < html.size() &&
                   (std::isalnum(static_cast<unsigned char>(html[name_end])) != 0)) {
                ++name_end;
            }
            const std::string_view tag = html.substr(name_begin, name_end - name_begin);
            const std::size_t close = html.find('>', i);
            i = close == std::string_view::npos ? html.size() : close + 1;
            if (html[name_begin - 1] != '/' && tag_is(tag, {"script", "style", "title"})) {
                // Skip the element's content up to its end tag.
                std::string end_tag = "</" + to_lower(tag);
                std::size_t j = i;
                for (;;) {
                    j = html.find("</", j);
                    if (j == std::string_view::npos ||
                        iequals(html.substr(j, end_tag.size()), end_tag)) {
                        break;
                    }
                    j += 2;
                }
                if (tag_is(tag, {"title"}) && j != std::string_view::npos) {
                    out.append(html.substr(i, j - i));  // the title is text people search for
                    separate('\n');
                }
                if (j == std::string_view::npos) {
                    i = html.size();
                } else {
                    const std::size_t gt = html.find('>', j);
                    i = gt == std::string_view::npos ? html.size() : gt + 1;
                }
                continue;
            }
            if (tag_is(
                    tag,
                    {"a",
                     "b",
                     "i",
                     "u",
                     "s",
                     "em",
                     "strong",
                     "span",
                     "font",
                     "small",
                     "big",
                     "sub",
                     "sup",
                     "code",
                     "abbr",
                     "strike",
                     "mark"}
                )) {
                continue;
            }
            separate(
                tag_is(
                    tag,
                    {"br",
                     "p",
                     "div",
                     "tr",
                     "li",
                     "h1",
                     "h2",
                     "h3",
                     "h4",
                     "h5",
                     "h6",
                     "table",
                     "ul",
                     "ol",
                     "blockquote",
                     "pre"}
                )
                    ? '\n'
                    : ' '
            );
            continue;
        }
        if (c == '&') {
            if (const std::size_t n = decode_entity(html, i, out); n > 0) {
                i += n;
                continue;
            }
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            separate(' ');
        } else {
            out.push_back(c);
        }
        ++i;
    }
    return out;
}

// `s` shortened to at most `max` bytes without splitting a UTF-8 sequence.
void truncate_utf8(std::string& s, std::size_t max) {
    if (s.size() <= max) {
        return;
    }
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    s.resize(cut);
}

}  // namespace

std::optional<std::string> transfer_decode(std::string_view body, std::string_view encoding) {
    const std::optional<Transfer> transfer = transfer_of(encoding);
    if (!transfer) {
        return std::nullopt;
    }
    if (*transfer == Transfer::Identity) {
        return std::string(body);
    }
    std::string out;
    if (*transfer == Transfer::Base64) {
        decode_base64(body, out);
        return out;
    }
    out.reserve(body.size());
    decode_chunks(body, *transfer, [&](std::string_view bytes) { out.append(bytes); });
    return out;
}

std::optional<std::uint64_t> decoded_length(std::string_view body, std::string_view encoding) {
    const std::optional<Transfer> transfer = transfer_of(encoding);
    if (!transfer) {
        return std::nullopt;
    }
    if (*transfer == Transfer::Identity) {
        return body.size();
    }
    if (*transfer == Transfer::Base64) {
        return base64_length(body);
    }
    std::uint64_t length = 0;
    decode_chunks(body, *transfer, [&](std::string_view bytes) { length += bytes.size(); });
    return length;
}

}  // namespace detail

std::optional<std::string> decode_part_body(std::string_view raw, const Part& part) {
    return detail::transfer_decode(part.body.slice(raw), part.encoding);
}

std::string extract_text(std::string_view raw, const MessageInfo& info, std::size_t max_bytes) {
    std::string out;
    for (const Part& part : info.parts) {
        if (out.size() >= max_bytes) {
            break;
        }
        if (part.opaque || part.type != "text" ||
            (part.subtype != "plain" && part.subtype != "html")) {
            continue;
        }
        const std::string_view body = part.body.slice(raw);
        std::string decoded =
            detail::transfer_decode(body, part.encoding).value_or(std::string(body));
        // Converting more than the cap can use is wasted work: no charset needs more than four
        // input bytes per output byte.
        const std::size_t room = max_bytes - out.size();
        if (decoded.size() / 4 > room + 16) {
            decoded.resize(room * 4 + 64);
        }
        std::string utf8 = to_utf8(decoded, part.charset);
        if (part.subtype == "html") {
            utf8 = text::nfc(detail::strip_html(utf8));
        }
        if (!out.empty()) {
            out.push_back('\n');
        }
        out += utf8;
    }
    detail::truncate_utf8(out, max_bytes);
    return out;
}

std::string header_fields(
    std::string_view header, std::span<const std::string_view> names, FieldSelect select
) {
    const std::size_t first_lf = header.find('\n');
    const std::string_view eol =
        (first_lf != std::string_view::npos && (first_lf == 0 || header[first_lf - 1] != '\r'))
            ? "\n"
            : "\r\n";
    std::string out;
    for (const detail::HeaderField& field : detail::split_fields(header)) {
        const bool named = std::any_of(names.begin(), names.end(), [&](std::string_view n) {
            return detail::iequals(field.name, n);
        });
        if (named != (select == FieldSelect::Only)) {
            continue;
        }
        out.append(header.substr(field.begin, field.end - field.begin));
        if (out.back() != '\n') {
            out += eol;
        }
    }
    out += eol;
    return out;
}

}  // namespace govmail::mime
