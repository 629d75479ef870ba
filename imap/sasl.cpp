#include "imap/sasl.hpp"

#include "core/text/base64.hpp"

namespace govmail::imap {

SaslResponse parse_sasl_response(std::string_view line) {
    if (line == "*") {
        return {.cancelled = true};
    }
    return {.data = text::decode_base64(line)};
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
