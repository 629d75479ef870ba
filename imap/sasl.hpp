#pragma once
// SASL pieces of IMAP authentication (RFC 9051 6.2.2, SASL-IR RFC 4959, PLAIN RFC 4616):
// the client's continuation lines (BASE64, core/text/base64.hpp) and the PLAIN message.
//
//     auto response = parse_sasl_response(line.text);     // after "+ " and Framer::expect_line()
//     if (response.cancelled) reply(tag, "BAD", "Authentication cancelled");
//     auto plain = parse_plain(*response.data);            // {authzid, authcid, password}
//
// All functions are pure and thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace govmail::imap {

struct SaslResponse {
    bool cancelled = false;           // the client sent "*" (RFC 9051 6.2.2)
    std::optional<std::string> data;  // decoded; nullopt when malformed (answer BAD)
};

// A client line answering a "+ <challenge>" continuation. "=" is not special here: an empty
// response is an empty line.
SaslResponse parse_sasl_response(std::string_view line);

struct PlainCredentials {
    std::string authzid;  // empty: act as authcid
    std::string authcid;
    std::string password;
};

// message = [authzid] NUL authcid NUL passwd (RFC 4616 2): nullopt unless exactly two NULs and
// a non-empty authcid and password.
std::optional<PlainCredentials> parse_plain(std::string_view message);

}  // namespace govmail::imap
