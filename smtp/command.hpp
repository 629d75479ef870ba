#pragma once
// The SMTP command parser: one command line (without its CRLF) in, one typed command out.
//
//     auto command = parse_command("MAIL FROM:<an@tinh.gov.vn> SIZE=1200 BODY=8BITMIME");
//     if (!command) { reply_for(command.error().errc, command.error().detail); }
//     auto& mail = std::get<Mail>(*command);
//     mail.path.mailbox->domain   // "tinh.gov.vn"
//     *mail.params.size           // 1200
//
// Pure and noexcept; it never throws on any input. Verbs are case-insensitive (RFC 5321 2.4).
// ESMTP parameters are checked here for syntax and for being known at all (RFC 5321 4.1.1.11:
// unknown ones are a 555 error); whether the session may use them (EHLO, SMTPUTF8, ...) is the
// session's decision. Accepted, per extension:
//
//   MAIL: SIZE=n (RFC 1870), BODY=7BIT|8BITMIME|BINARYMIME (RFC 6152, RFC 3030), SMTPUTF8
//         (RFC 6531), AUTH=xtext|<> (RFC 4954 5), RET=FULL|HDRS, ENVID=xtext (RFC 3461 4.3-4.4)
//   RCPT: NOTIFY=NEVER|SUCCESS,FAILURE,DELAY, ORCPT=addr-type;xtext (RFC 3461 4.1-4.2)
//
// Two liberties that real clients need: spaces between "FROM:" and the path, and runs of spaces
// between parameters. DSN values (ENVID, ORCPT) are kept encoded as received, because RFC 3461
// requires relaying them unchanged.

#include "smtp/address.hpp"
#include "smtp/errors.hpp"

#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace govmail::smtp {

// The verbs, in the order of the Command alternatives.
enum class Verb : std::uint8_t {
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Expn,
    Help,
    StartTls,
    Auth,
    Unknown,
};

std::string_view to_string(Verb verb);

// RFC 6152, RFC 3030: what the client says the body is. Absent means 7BIT.
enum class BodyType : std::uint8_t { SevenBit, EightBitMime, BinaryMime };

// RFC 3461 4.3: what a failure DSN returns of the message.
enum class Ret : std::uint8_t { Unspecified, Full, Headers };

struct MailParams {
    std::optional<std::uint64_t> size;  // declared message size
    BodyType body = BodyType::SevenBit;
    bool smtputf8 = false;
    std::optional<std::string> auth;  // AUTH= decoded from xtext: a mailbox, or "<>"
    Ret ret = Ret::Unspecified;
    std::string envid;  // xtext as received, at most 100 characters; empty when absent

    bool operator==(const MailParams&) const = default;
};

// RFC 3461 4.1: NOTIFY flags; none set means the parameter was absent.
struct Notify {
    bool never = false;
    bool success = false;
    bool failure = false;
    bool delay = false;

    bool given() const { return never || success || failure || delay; }

    bool operator==(const Notify&) const = default;
};

// RFC 3461 4.2: the original recipient, e.g. {"rfc822", "an+2Bnv@tinh.gov.vn"}.
struct Orcpt {
    std::string type;   // address type as sent: "rfc822", "utf-8", ...
    std::string value;  // xtext (or RFC 6533 utf-8-addr-xtext) as received

    bool operator==(const Orcpt&) const = default;
};

struct RcptParams {
    Notify notify;
    std::optional<Orcpt> orcpt;

    bool operator==(const RcptParams&) const = default;
};

struct Helo {
    std::string domain;
};

struct Ehlo {
    std::string domain;
};

struct Mail {
    ReversePath path;
    MailParams params;
};

struct Rcpt {
    Mailbox path;
    RcptParams params;
};

struct Data {};

// RFC 3030 2: BDAT chunk-size [LAST].
struct Bdat {
    std::uint64_t size = 0;
    bool last = false;
};

struct Rset {};

struct Noop {};

struct Quit {};

struct Vrfy {
    std::string argument;
};

struct Expn {
    std::string argument;
};

struct Help {
    std::string topic;
};

struct StartTls {};

// RFC 4954 4: AUTH mechanism [initial-response]; "=" is an empty initial response.
struct Auth {
    std::string mechanism;  // upper case
    std::optional<std::string> initial_response;
};

using Command = std::
    variant<Helo, Ehlo, Mail, Rcpt, Data, Bdat, Rset, Noop, Quit, Vrfy, Expn, Help, StartTls, Auth>;

inline Verb verb_of(const Command& command) {
    return static_cast<Verb>(command.index());
}

struct ParseError {
    Errc errc = Errc::SyntaxError;
    std::string detail;  // public text for the reply; empty for the default one
    Verb verb = Verb::Unknown;
};

// The verb of a command line, Verb::Unknown when there is none.
Verb parse_verb(std::string_view line) noexcept;

boost::system::result<Command, ParseError> parse_command(std::string_view line) noexcept;

// RFC 3461 4: xtext, "+" followed by two upper-case hex digits encodes a byte.
bool valid_xtext(std::string_view text) noexcept;
std::optional<std::string> decode_xtext(std::string_view text);

}  // namespace govmail::smtp
