#pragma once
// Internal: GMime set-up and RAII ownership of the GLib/GMime values mime/ uses. GMime types
// never leave mime/'s .cpp files and this header.

#include "mime/message_info.hpp"

#include <gmime/gmime.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::mime::detail {

// Runs g_mime_init() exactly once per process (thread-safe) and returns the parser options every
// decode uses: loose RFC 2047 rules and fallback charsets UTF-8 then windows-1258. Both live until
// the process exits; GMime is never shut down, since other threads may still be decoding.
GMimeParserOptions* parser_options();

struct GFree {
    void operator()(void* p) const noexcept { g_free(p); }
};

// A string GMime or GLib allocated, freed with g_free().
using GCharPtr = std::unique_ptr<char, GFree>;

struct DateTimeUnref {
    void operator()(GDateTime* p) const noexcept { g_date_time_unref(p); }
};

using DateTimePtr = std::unique_ptr<GDateTime, DateTimeUnref>;

// `bytes` in `charset` (any case) to UTF-8 through iconv; nullopt when iconv does not know the
// charset. Invalid input sequences become U+FFFD. The result is not NFC-normalised.
std::optional<std::string> iconv_to_utf8(std::string_view bytes, std::string_view charset);

// Unlabelled 8-bit text to UTF-8: kept when valid UTF-8, else read as windows-1258.
std::string guess_to_utf8(std::string_view bytes);

// The body with Content-Transfer-Encoding `encoding` (any case) removed: base64,
// quoted-printable, x-uuencode decoded; 7bit, 8bit, binary as they are; nullopt otherwise.
std::optional<std::string> transfer_decode(std::string_view body, std::string_view encoding);

// The length transfer_decode() would return, without keeping the decoded bytes.
std::optional<std::uint64_t> decoded_length(std::string_view body, std::string_view encoding);

// The value of parameter `name` decoded for display: "name*" (RFC 2231 4: charset'language'
// %XX-encoded, joined already) when present, else "name" (RFC 2047 encoded words, which many
// mailers put in quoted filenames, decoded). nullopt when neither exists. UTF-8, NFC.
std::optional<std::string> decoded_param(const std::vector<Param>& params, std::string_view name);

}  // namespace govmail::mime::detail
