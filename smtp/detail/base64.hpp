#pragma once
// Strict base64 (RFC 4648 4) for SASL exchanges (RFC 4954 4): the alphabet, padding to a
// multiple of 4, "=" only at the end, no white space. Anything else is refused, so that a
// response has exactly one meaning.
//
//     decode_base64("AGFuAHNlY3JldA==")  // "\0an\0secret"
//     decode_base64("AGFu AHNl")         // nullopt
//     encode_base64("Username:")         // "VXNlcm5hbWU6"

#include <optional>
#include <string>
#include <string_view>

namespace govmail::smtp::detail {

std::optional<std::string> decode_base64(std::string_view text);

std::string encode_base64(std::string_view bytes);

}  // namespace govmail::smtp::detail
