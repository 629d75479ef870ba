#pragma once
// Decoding of header values and text, shared by analyze() and by code that reads headers itself
// (the webmail showing a header, the SMTP submission check of From, S/MIME's address match).
//
//     mime::decode_header("=?utf-8?B?UXV54bq/dCDEkOG7i25o?=")      == "Quyết Định"
//     mime::parse_addresses("Nguyễn A <a@b.vn>, undisclosed:;")   == {{"Nguyễn A", "a@b.vn"}}
//     mime::parse_date("Thu, 15 Feb 2007 01:02:03 +0200")           == 1171494123
//     mime::to_utf8(bytes, "windows-1258")                          // UTF-8, NFC
//
// Every function returns UTF-8 in Unicode NFC (text/text.hpp) and never fails: bytes that cannot
// be converted become U+FFFD. Text without a charset label (raw 8-bit header bytes, text parts
// without charset) is taken as UTF-8 when it is valid UTF-8 and as windows-1258 otherwise, the
// legacy encoding of Vietnamese Windows mail. Thread-safe; GMime is initialised on first use.

#include "mime/message_info.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::mime {

// Initialises GMime (g_mime_init()) the first time it runs, exactly once, from any thread. Every
// mime function calls it; code elsewhere that uses GMime directly (smime/) calls it first and
// never calls g_mime_init() or g_mime_shutdown() itself.
void init_gmime();

// An unstructured header value (Subject, Content-Description, a display name) as written, folded
// or not: line breaks are removed (RFC 5322 2.2.3), RFC 2047 encoded words are decoded in any
// charset iconv knows (whitespace between adjacent encoded words dropped, RFC 2047 6.2), and raw
// 8-bit bytes are read as described above.
[[nodiscard]] std::string decode_header(std::string_view raw_value);

// The mailboxes of an address-list header value (From, To, Cc...): RFC 5322 3.4 with the obsolete
// forms of 4.4 (routes, comments as names: "a@b (Name)"), groups flattened, display names
// decoded with decode_header(). Unparsable pieces are skipped.
[[nodiscard]] std::vector<Address> parse_addresses(std::string_view raw_value);

// RFC 5322 3.3 date-time (and the obsolete and sloppy forms GMime accepts) as seconds since the
// epoch; 0 when it cannot be parsed.
[[nodiscard]] std::int64_t parse_date(std::string_view raw_value);

// `bytes` in `charset` (a MIME charset name, any case, "" for unknown) converted to UTF-8, NFC.
[[nodiscard]] std::string to_utf8(std::string_view bytes, std::string_view charset);

}  // namespace govmail::mime
