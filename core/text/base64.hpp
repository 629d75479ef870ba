#pragma once
// Strict base64 (RFC 4648 section 4) for SASL exchanges (SMTP AUTH, RFC 4954; IMAP AUTHENTICATE,
// RFC 9051 6.2.2) and MIME bodies: the alphabet, padding to a multiple of 4, "=" only at the
// end, zero pad bits, no white space. Anything else is refused, so that a response has exactly
// one meaning.
//
//     decode_base64("AGFuAHNlY3JldA==")  // "\0an\0secret"
//     decode_base64("AGFu AHNl")         // nullopt
//     encode_base64("Username:")         // "VXNlcm5hbWU6"
//
// Pure and thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace govmail::text {

// Value of each byte in a 64-character alphabet, -1 for bytes outside it (IMAP's modified
// BASE64 for mailbox names uses its own alphabet, imap/utf7.cpp).
constexpr std::array<std::int8_t, 256> base64_decode_table(std::string_view alphabet) {
    std::array<std::int8_t, 256> table{};
    for (auto& entry : table) {
        entry = -1;
    }
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    }
    return table;
}

std::optional<std::string> decode_base64(std::string_view text);

// One unbroken line; MIME bodies cut it into lines themselves.
std::string encode_base64(std::string_view bytes);

}  // namespace govmail::text
