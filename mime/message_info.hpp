#pragma once
// What govmail knows about a stored message without parsing it again: the result of
// mime::analyze() (mime/analyze.hpp), kept by the store next to each message record in the form
// of MessageInfo::serialize(), and read back by IMAP on FETCH.
//
//     MessageInfo info = mime::analyze(raw);                 // once, at delivery
//     store.put(uid, raw, info.serialize());
//     ...
//     auto view = MessageInfoView::parse(record_bytes);     // FETCH ENVELOPE / BODYSTRUCTURE
//     send("ENVELOPE ", view->envelope);                     // zero copy, no allocation
//     auto info = MessageInfo::deserialize(record_bytes);    // FETCH BODY[2.1]
//     const Part* part = info->find_part("2.1");
//     send(part->body.slice(raw));                           // bytes of the stored message
//
// Every offset is a byte offset into the exact bytes that were analysed (the stored message, CRLF
// or bare LF line ends as received). Section numbers follow RFC 3501 6.4.5 / RFC 9051 6.4.5.
//
// Thread-safety: plain values; const access from many threads is safe. Ownership: MessageInfo
// owns all its strings; MessageInfoView borrows the serialized bytes it was parsed from and is
// valid only while they are (an LMDB read transaction, for instance).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::mime {

// A byte range of the analysed message.
struct Range {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;

    std::uint64_t end() const { return offset + length; }

    // The bytes of `raw` in this range. Never reads outside `raw`: a range that does not fit (a
    // record paired with the wrong message) is clipped to it.
    std::string_view slice(std::string_view raw) const noexcept;

    friend bool operator==(const Range&, const Range&) = default;
};

// A MIME parameter (RFC 2045 5.1). The name is lower-case; the value is as written (quotes and
// backslash escapes removed), RFC 2231 continuations (name*0, name*1...) joined into one value.
// An RFC 2231 extended value keeps its "charset'language'%XX" form under the name "name*", as
// IMAP BODYSTRUCTURE sends it (Dovecot does the same); Part::filename has the decoded text.
struct Param {
    std::string name;
    std::string value;

    friend bool operator==(const Param&, const Param&) = default;
};

// A mailbox from an address header, decoded for display, sorting and search. Group syntax is
// flattened (the members are listed, the group name is not).
struct Address {
    std::string name;     // display name: RFC 2047 decoded, UTF-8, NFC; "" when there is none
    std::string address;  // "local@domain" as written ("local" alone when the domain is missing)

    friend bool operator==(const Address&, const Address&) = default;
};

// One MIME part with an IMAP section number.
//
// For a message that is not multipart, its body is part "1" (RFC 3501 6.4.5): that part's
// `header` is the message header and its content fields come from it. The same holds inside a
// message/rfc822 part "2" whose message is not multipart: its body is part "2.1".
struct Part {
    std::string section;  // "1", "2.1", "2.1.3": the IMAP section number

    // BODY[<section>.MIME]: this part's MIME header, including the blank line that ends it when
    // there is one.
    Range header;
    // BODY[<section>]: the part's body, still transfer-encoded. The line break before a boundary
    // delimiter belongs to the delimiter (RFC 2046 5.1.1), so it is not included.
    Range body;

    std::string type = "text";      // lower-case media type
    std::string subtype = "plain";  // lower-case subtype
    std::vector<Param> params;      // Content-Type parameters
    std::string encoding = "7bit";  // lower-case Content-Transfer-Encoding ("7bit" when absent)
    std::string charset;            // lower-case charset parameter, "" when absent
    std::string disposition;        // lower-case disposition type ("attachment"), "" when absent
    std::string filename;           // disposition filename, else Content-Type name: RFC 2231 / 2047
                                    // decoded, UTF-8, NFC; "" when absent
    std::string content_id;  // Content-ID as written (with its angle brackets), "" when absent

    std::uint64_t lines = 0;  // line breaks (LF) in `body`: the IMAP body-fld-lines
    // Octets after transfer decoding, the length of decode_part_body(): BINARY.SIZE (RFC 3516).
    // nullopt when the encoding is unknown, so BINARY must answer UNKNOWN-CTE.
    std::optional<std::uint64_t> decoded_size;

    // A multipart or message part that was not analysed inside (nesting or part limits, or a
    // message/rfc822 part with a base64 / quoted-printable encoding): it is described as
    // application/octet-stream, here and in BODYSTRUCTURE, so that IMAP clients expecting an
    // envelope inside message/rfc822 are not misled.
    bool opaque = false;

    // message/rfc822 and message/global parts: the encapsulated message's header (BODY[2.HEADER],
    // HEADER.FIELDS) and its body (BODY[2.TEXT]). Both lie inside `body`.
    std::optional<Range> message_header;
    std::optional<Range> message_text;

    bool is_multipart() const { return type == "multipart"; }

    bool is_message() const { return message_header.has_value(); }

    friend bool operator==(const Part&, const Part&) = default;
};

struct MessageInfo {
    std::uint64_t size = 0;   // octets of the message: RFC822.SIZE
    std::uint64_t lines = 0;  // line breaks (LF) in the whole message

    Range header;  // BODY[HEADER], including the blank line that ends it
    Range text;    // BODY[TEXT]

    // The bytes an IMAP server sends after "ENVELOPE ", "BODYSTRUCTURE " and "BODY " in a FETCH
    // response, parentheses included. Strings that cannot be quoted (8-bit bytes) are literals,
    // "{n}\r\n" followed by the bytes, which IMAP4rev1 and IMAP4rev2 both accept.
    std::string imap_envelope;
    std::string imap_bodystructure;
    std::string imap_body;

    // Every part with a section number, in document order (pre-order: "1", "1.1", "1.2", "2").
    std::vector<Part> parts;

    // Decoded for sorting, searching and display: UTF-8, NFC. Sender and Reply-To are the
    // headers' own values (unlike the ENVELOPE, which repeats From when they are absent).
    std::string subject;
    std::vector<Address> from;
    std::vector<Address> sender;
    std::vector<Address> reply_to;
    std::vector<Address> to;
    std::vector<Address> cc;
    std::vector<Address> bcc;
    std::int64_t date = 0;   // Date header in seconds since the epoch; 0 when absent or unparsable
    std::string date_raw;    // the Date header as written (unfolded), "" when absent
    std::string message_id;  // "<id@host>", "" when absent
    std::vector<std::string> in_reply_to;  // msg-ids of In-Reply-To, in order
    std::vector<std::string> references;   // msg-ids of References, in order
    // A part is an attachment when its disposition is "attachment", when it has a filename, or
    // when it is a message/rfc822 or opaque part; signature parts of S/MIME and OpenPGP do not
    // count.
    bool has_attachments = false;

    // The part with this section number ("2.1"), or nullptr.
    const Part* find_part(std::string_view section) const;

    // Compact binary form (format described in message_info.cpp). The first byte is the format
    // version, kFormatVersion.
    std::string serialize() const;

    // Reads serialize()'s output. Every length and offset is bounds-checked: corrupt, truncated
    // or unknown-version input gives nullopt, never undefined behaviour. Ranges are checked to lie
    // inside `size`.
    static std::optional<MessageInfo> deserialize(std::string_view bytes);

    static constexpr std::uint8_t kFormatVersion = 1;

    friend bool operator==(const MessageInfo&, const MessageInfo&) = default;
};

// The fields of a serialized MessageInfo that FETCH needs most, read in place: the serialized
// form starts with them, so parse() reads a few varints and three length-prefixed strings,
// allocates nothing and copies nothing. Use MessageInfo::deserialize() for parts and addresses.
struct MessageInfoView {
    std::uint64_t size = 0;
    std::uint64_t lines = 0;
    Range header;
    Range text;
    std::string_view imap_envelope;
    std::string_view imap_bodystructure;
    std::string_view imap_body;

    // nullopt when `bytes` is not a serialized MessageInfo of a known version. Only the prefix
    // read here is checked (bounds, ranges inside `size`); the views point into `bytes`.
    static std::optional<MessageInfoView> parse(std::string_view bytes) noexcept;
};

}  // namespace govmail::mime
