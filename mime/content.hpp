#pragma once
// Reading parts of a stored message with the offsets analyze() recorded: transfer decoding for
// IMAP BINARY, text extraction for IMAP SEARCH, and header field selection for
// BODY[HEADER.FIELDS (...)].
//
//     const Part* part = info.find_part("2");
//     if (auto bytes = mime::decode_part_body(raw, *part)) send_binary(*bytes);
//     else reply_no("[UNKNOWN-CTE]");                                    // RFC 3516 4.3
//
//     std::string haystack = text::fold(mime::extract_text(raw, info));   // SEARCH BODY
//
//     std::string_view names[] = {"From", "Subject"};
//     send(mime::header_fields(info.header.slice(raw), names, FieldSelect::Only));
//
// `raw` must be the bytes that were analysed; a mismatched pair cannot read out of bounds (ranges
// are clipped) but gives meaningless output. All functions are thread-safe and never throw
// except std::bad_alloc.

#include "mime/message_info.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace govmail::mime {

// The body of `part` with its Content-Transfer-Encoding removed: base64, quoted-printable and
// x-uuencode are decoded (leniently: characters outside the alphabet are skipped, as RFC 2045 6.8
// asks); 7bit, 8bit and binary are returned as they are. nullopt for any other encoding, which an
// IMAP server reports as UNKNOWN-CTE.
[[nodiscard]] std::optional<std::string> decode_part_body(std::string_view raw, const Part& part);

// The readable text of the message for full-text search: every text/plain and text/html part
// (outside opaque parts), transfer-decoded, converted from its charset to UTF-8 (unlabelled or
// mislabelled 8-bit text is read as UTF-8 when valid, else as windows-1258), HTML reduced to its
// text (tags, comments, scripts and styles removed; common entities decoded), NFC-normalised,
// parts separated by "\n". At most `max_bytes` bytes are returned, cut at a character boundary.
[[nodiscard]] std::string extract_text(
    std::string_view raw, const MessageInfo& info, std::size_t max_bytes = std::size_t{1} << 20
);

enum class FieldSelect {
    Only,    // HEADER.FIELDS (a b)
    Except,  // HEADER.FIELDS.NOT (a b)
};

// RFC 3501 6.4.5 HEADER.FIELDS / HEADER.FIELDS.NOT: the fields of `header` (a header block, such
// as MessageInfo::header or Part::message_header sliced from raw) whose names match `names`
// case-insensitively (Only) or do not (Except), each with its folded continuation lines and line
// breaks exactly as stored, in their original order, followed by the blank line that ends a
// header. The line break used for the blank line (and after a last field that had none) is the
// one the block uses, CRLF unless the block ends its lines with bare LF.
[[nodiscard]] std::string header_fields(
    std::string_view header, std::span<const std::string_view> names, FieldSelect select
);

}  // namespace govmail::mime
