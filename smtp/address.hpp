#pragma once
// Envelope addresses: the Path and Mailbox grammar of RFC 5321 4.1.2, with the SMTPUTF8
// additions of RFC 6531 3.3 (UTF-8 in local parts and U-label domains).
//
//     auto path = parse_path("<\"an nguyen\"@[192.0.2.1]> SIZE=100", PathKind::Reverse);
//     path->mailbox->local_part   // an nguyen          (quotes and quoted-pairs removed)
//     path->mailbox->domain       // [192.0.2.1]
//     path->mailbox->to_string()  // "an nguyen"@[192.0.2.1]
//     path->length                // 25: where the parameters start
//
// Accepted: dot-string and quoted-string local parts, domains of letter-digit-hyphen labels,
// address literals "[192.0.2.1]" and "[IPv6:2001:db8::1]", source routes "<@a,@b:u@c>" (read and
// ignored, RFC 5321 C), the null reverse-path "<>" and the forward-path "<Postmaster>" (domain
// empty). UTF-8 is accepted only where RFC 6531 allows it and only well-formed; whether the
// transaction may use it (the SMTPUTF8 parameter) is the session's decision: Mailbox::utf8().
//
// Limits (RFC 5321 4.5.3.1.1-3): local part 64 octets, domain 255, the whole path with its
// brackets 256. Domains are lower-cased in ASCII; U-labels are kept as sent: mapping them to
// A-labels (IDNA) for comparison is the directory's business, which knows the hosted domains.
// Parsers never throw and never read past `text`.

#include <boost/system/result.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace govmail::smtp {

struct Mailbox {
    // The local part with quoting removed: "\"a\\\"b\"" arrives as a"b. Case is preserved
    // (RFC 5321 2.4: only the receiving host interprets it).
    std::string local_part;
    // Lower-case ASCII, U-labels as sent, or an address literal with its brackets. Empty only for
    // the special forward-path <Postmaster> (RFC 5321 4.1.1.3).
    std::string domain;

    bool is_postmaster() const { return domain.empty(); }

    bool is_address_literal() const { return domain.starts_with('['); }

    // True when the local part or domain holds non-ASCII (needs SMTPUTF8, RFC 6531 3.4).
    bool utf8() const;

    // The address in its shortest valid form: the local part quoted only when it must be.
    std::string to_string() const;

    bool operator==(const Mailbox&) const = default;
};

// A reverse-path: a mailbox, or the null path "<>" of bounces (RFC 5321 4.5.5).
struct ReversePath {
    std::optional<Mailbox> mailbox;

    bool null() const { return !mailbox; }

    // "<an@example.gov.vn>" or "<>".
    std::string to_string() const;

    bool operator==(const ReversePath&) const = default;
};

enum class PathKind {
    Reverse,  // MAIL FROM: allows "<>"
    Forward,  // RCPT TO: allows "<Postmaster>"
};

enum class AddressError {
    Syntax,
    LocalPartTooLong,  // > 64 octets
    DomainTooLong,     // > 255 octets
    PathTooLong,       // > 256 octets with brackets
};

// A human-readable reason, citing the RFC ("local part longer than 64 octets (RFC 5321 ...)").
std::string_view describe(AddressError error);

struct ParsedPath {
    std::optional<Mailbox> mailbox;  // empty for "<>"
    std::size_t length = 0;          // bytes of `text` the path used, brackets included
};

// Parses the path at the start of `text`; what follows it is left for the caller.
boost::system::result<ParsedPath, AddressError> parse_path(
    std::string_view text, PathKind kind
) noexcept;

// Parses a bare mailbox ("local@domain", no brackets) that must fill all of `text`.
boost::system::result<Mailbox, AddressError> parse_mailbox(std::string_view text) noexcept;

// Length of the well-formed UTF-8 sequence of a non-ASCII lead byte at the start of `text`
// (2 to 4), or 0 when it is not one (bad lead byte, truncated, overlong, surrogate, > U+10FFFF).
std::size_t utf8_sequence(std::string_view text) noexcept;

}  // namespace govmail::smtp
