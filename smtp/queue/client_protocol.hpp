#pragma once
// The sans-I/O half of the outbound SMTP client (smtp/queue/client.hpp): reading replies,
// knowing what a server offers, writing commands and the message text. Pure and noexcept where
// it reads input; tested without sockets (tests/smtp/client_protocol_test.cpp).
//
//     ReplyParser parser;
//     parser.feed("250-mx.other.gov.vn hello");       // NeedMore
//     parser.feed("250 PIPELINING");                   // Complete
//     Capabilities caps = Capabilities::from_ehlo(parser.take());
//     std::string data = data_payload(message);        // dot-stuffed, CRLF, ends ".\r\n"

#include "smtp/command.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::smtp::queue {

// A server's reply (RFC 5321 4.2). code 0: none came (connection lost, timeout, garbage), and
// lines[0] says what happened.
struct ClientReply {
    int code = 0;
    std::vector<std::string> lines;  // each line's text, after the code and its separator
    std::string local_status;        // code 0: the RFC 3463 status of what happened

    bool positive() const { return code >= 200 && code < 400; }

    bool transient() const { return code == 0 || (code >= 400 && code < 500); }

    bool permanent() const { return code >= 500; }

    // The RFC 3463 enhanced status of the first line ("5.1.1"), or one derived from the reply
    // code when the server gave none ("5.0.0", "4.0.0"); without a reply, local_status
    // ("4.4.1" when empty: no answer from host).
    std::string status() const;

    // "550 5.1.1 no such user" (lines joined with spaces), or "lost connection ..." for code 0.
    std::string text() const;

    // No reply: `why` says what happened instead, `status` classifies it (RFC 3463).
    static ClientReply none(std::string why, std::string status = "4.4.1");
};

class ReplyParser {
public:
    enum class Result { NeedMore, Complete, Malformed };

    // One line without its CRLF. "250-..." continues, "250 ..." or "250" ends the reply; every
    // line must carry the same code (RFC 5321 4.2.1).
    Result feed(std::string_view line);

    // The reply completed by the last feed(); resets the parser.
    ClientReply take();

private:
    ClientReply reply_;
};

// What a server said it offers in its EHLO reply (RFC 5321 4.1.1.1 and the extensions' RFCs).
struct Capabilities {
    bool esmtp = false;  // EHLO was accepted (else HELO: no extensions)
    bool pipelining = false;
    bool starttls = false;
    bool eight_bit_mime = false;
    bool smtputf8 = false;
    bool chunking = false;
    bool binary_mime = false;
    bool dsn = false;
    bool size = false;
    std::uint64_t max_size = 0;  // SIZE n; 0: no limit given

    static Capabilities from_ehlo(const ClientReply& reply);
};

// MAIL FROM with the parameters the server supports: SIZE (RFC 1870), BODY (RFC 6152, 3030),
// SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461). `sender` empty: "<>".
struct MailSpec {
    std::string sender;
    std::uint64_t size = 0;
    BodyType body = BodyType::SevenBit;  // what the text needs: 8BITMIME when it has 8-bit octets
    bool smtputf8 = false;
    Ret ret = Ret::Unspecified;
    std::string envid;  // xtext
};

std::string mail_command(const MailSpec& spec, const Capabilities& caps);

// RCPT TO with NOTIFY and ORCPT when the server offers DSN (RFC 3461 4.1, 4.2).
std::string rcpt_command(
    std::string_view address,
    const Notify& notify,
    const std::optional<Orcpt>& orcpt,
    const Capabilities& caps
);

// True when `text` holds an octet above 127 (needs 8BITMIME, RFC 6152).
bool has_eight_bit(std::string_view text) noexcept;

// The message as DATA sends it (RFC 5321 4.5.2 and 2.3.8): every line ended by CRLF (a CR or LF
// alone becomes CRLF), a leading "." doubled, lines over 998 octets broken (in the header with
// CRLF and a space, so the field stays one field: Postfix does the same), then ".\r\n".
std::string data_payload(std::string_view message);

}  // namespace govmail::smtp::queue
