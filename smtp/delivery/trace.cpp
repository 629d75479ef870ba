#include "smtp/delivery/trace.hpp"

#include <boost/asio/ip/address.hpp>

#include <array>
#include <ctime>

namespace govmail::smtp {
namespace {

// A HELO argument is what the client chose to say: only the characters of domains and address
// literals go into the field, so that it stays one well-formed header line.
bool plausible_helo(std::string_view helo) {
    if (helo.empty() || helo.size() > 255) {
        return false;
    }
    for (char c : helo) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == ':' ||
                        c == '[' || c == ']';
        if (!ok) {
            return false;
        }
    }
    return true;
}

// RFC 5321 4.1.3: "[192.0.2.4]", "[IPv6:2001:db8::4]".
std::string address_literal(std::string_view address) {
    boost::system::error_code ec;
    auto ip = boost::asio::ip::make_address(std::string(address), ec);
    if (ec) {
        return "[unknown]";
    }
    if (ip.is_v6()) {
        return "[IPv6:" + ip.to_string() + "]";
    }
    return "[" + ip.to_string() + "]";
}

}  // namespace

std::string received_field(const TraceInfo& trace) {
    std::string out = "Received: from ";
    const std::string literal = address_literal(trace.address);
    out += plausible_helo(trace.helo) ? trace.helo : literal;
    out += " (" + literal + ")\r\n\tby " + trace.hostname;
    out += trace.via.empty() ? " (govmail)" : " (" + trace.via + ")";
    if (!trace.protocol.empty()) {
        out += " with " + trace.protocol;
    }
    out += " id " + trace.id;
    if (!trace.tls.empty()) {
        out += "\r\n\t(" + trace.tls + ")";
    }
    out += ";\r\n\t" + rfc5322_date(trace.at) + "\r\n";
    return out;
}

std::string return_path_field(std::string_view sender) {
    return "Return-Path: <" + std::string(sender) + ">\r\n";
}

std::string rfc5322_date(std::chrono::system_clock::time_point at) {
    const std::time_t t = std::chrono::system_clock::to_time_t(at);
    std::tm local{};
    localtime_r(&t, &local);
    static constexpr std::array<const char*, 7> kDays = {
        "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const long offset = local.tm_gmtoff / 60;
    const long magnitude = offset < 0 ? -offset : offset;
    char text[64];
    std::snprintf(
        text,
        sizeof text,
        "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld",
        kDays[static_cast<std::size_t>(local.tm_wday) % 7],
        local.tm_mday,
        kMonths[static_cast<std::size_t>(local.tm_mon) % 12],
        local.tm_year + 1900,
        local.tm_hour,
        local.tm_min,
        local.tm_sec,
        offset < 0 ? '-' : '+',
        magnitude / 60,
        magnitude % 60
    );
    return text;
}

std::string encode_header_text(std::string_view utf8) {
    bool ascii = true;
    for (char c : utf8) {
        ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    }
    if (ascii) {
        return std::string(utf8);
    }
    static constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    // RFC 2047 2: an encoded word is at most 75 characters; 45 octets of text make 60 of
    // base64, which with "=?UTF-8?B?" and "?=" stays under it. Words are cut between UTF-8
    // characters (RFC 2047 5: each word must hold whole characters).
    std::string out;
    std::size_t start = 0;
    while (start < utf8.size()) {
        std::size_t end = std::min(start + 45, utf8.size());
        while (end < utf8.size() && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) {
            --end;
        }
        std::string_view chunk = utf8.substr(start, end - start);
        if (!out.empty()) {
            out += "\r\n ";
        }
        out += "=?UTF-8?B?";
        for (std::size_t i = 0; i < chunk.size(); i += 3) {
            std::uint32_t n = static_cast<unsigned char>(chunk[i]) << 16;
            if (i + 1 < chunk.size()) {
                n |= static_cast<unsigned char>(chunk[i + 1]) << 8;
            }
            if (i + 2 < chunk.size()) {
                n |= static_cast<unsigned char>(chunk[i + 2]);
            }
            out += kAlphabet[(n >> 18) & 63];
            out += kAlphabet[(n >> 12) & 63];
            out += i + 1 < chunk.size() ? kAlphabet[(n >> 6) & 63] : '=';
            out += i + 2 < chunk.size() ? kAlphabet[n & 63] : '=';
        }
        out += "?=";
        start = end;
    }
    return out;
}

std::string quoted_printable(std::string_view text) {
    static constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string out;
    std::size_t column = 0;
    auto put = [&](std::string_view piece) {
        // RFC 2045 6.7 (5): encoded lines are at most 76 characters; a soft break ("=") ends
        // a longer one.
        if (column + piece.size() > 75) {
            out += "=\r\n";
            column = 0;
        }
        out += piece;
        column += piece.size();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            out += "\r\n";
            column = 0;
            ++i;
            continue;
        }
        const bool line_end_next = i + 1 == text.size() || text[i + 1] == '\r';
        // RFC 2045 6.7 (3): a space or tab at the end of a line must be encoded.
        const bool literal =
            (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_end_next);
        if (literal) {
            put(text.substr(i, 1));
        } else {
            const char encoded[3] = {'=', kHex[c >> 4], kHex[c & 15]};
            put(std::string_view(encoded, 3));
        }
    }
    return out;
}

}  // namespace govmail::smtp
