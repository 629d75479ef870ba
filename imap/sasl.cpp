#include "imap/sasl.hpp"

#include <array>
#include <cstdint>

namespace govmail::imap {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int decode_char(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        bool last = i + 4 == text.size();
        std::array<int, 4> v{};
        int padding = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            char c = text[i + j];
            // "=" only at the end of the last quantum, after at least two characters.
            if (c == '=' && last && j >= 2 && (j == 3 || text[i + 3] == '=')) {
                ++padding;
                v[j] = 0;
                continue;
            }
            if (padding > 0 || (v[j] = decode_char(c)) < 0) {
                return std::nullopt;
            }
        }
        std::uint32_t bits =
            (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
            (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
        // RFC 4648 3.5: pad bits must be zero for the encoding to be canonical.
        if ((padding == 1 && (bits & 0xFF) != 0) || (padding == 2 && (bits & 0xFFFF) != 0)) {
            return std::nullopt;
        }
        out.push_back(static_cast<char>(bits >> 16));
        if (padding < 2) {
            out.push_back(static_cast<char>((bits >> 8) & 0xFF));
        }
        if (padding < 1) {
            out.push_back(static_cast<char>(bits & 0xFF));
        }
    }
    return out;
}

std::string encode_base64(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        std::uint32_t bits =
            (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
            (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
            static_cast<unsigned char>(bytes[i + 2]);
        out.push_back(kAlphabet[bits >> 18]);
        out.push_back(kAlphabet[(bits >> 12) & 0x3F]);
        out.push_back(kAlphabet[(bits >> 6) & 0x3F]);
        out.push_back(kAlphabet[bits & 0x3F]);
    }
    std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t bits = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (rest == 2) {
            bits |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        }
        out.push_back(kAlphabet[bits >> 18]);
        out.push_back(kAlphabet[(bits >> 12) & 0x3F]);
        out.push_back(rest == 2 ? kAlphabet[(bits >> 6) & 0x3F] : '=');
        out.push_back('=');
    }
    return out;
}

SaslResponse parse_sasl_response(std::string_view line) {
    if (line == "*") {
        return {.cancelled = true};
    }
    return {.data = decode_base64(line)};
}

std::optional<PlainCredentials> parse_plain(std::string_view message) {
    std::size_t first = message.find('\0');
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    std::size_t second = message.find('\0', first + 1);
    if (second == std::string_view::npos ||
        message.find('\0', second + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    PlainCredentials credentials{
        std::string(message.substr(0, first)),
        std::string(message.substr(first + 1, second - first - 1)),
        std::string(message.substr(second + 1)),
    };
    if (credentials.authcid.empty() || credentials.password.empty()) {
        return std::nullopt;
    }
    return credentials;
}

}  // namespace govmail::imap
