#pragma once
// Every SMTP error reply govmail sends, in one table (errors.cpp): the reply code (RFC 5321 4.2),
// the enhanced status code (RFC 3463, RFC 5248 registry) and a default text.
//
//     Reply r = reply_for(Errc::TooManyRecipients);       // 452 4.5.3 too many recipients
//     Reply r = reply_for(Errc::BadSenderAddress, describe(AddressError::PathTooLong));
//     Reply r = reply_for(answer.result, answer.reason);  // a Services answer, see services.hpp
//
// A text given by the caller replaces the default one; it is public (never internals: details go
// to the log). Success replies live with their commands (smtp/cmd/).

#include "smtp/reply.hpp"

#include <cstdint>
#include <string_view>

namespace govmail::smtp {

enum class Errc : std::uint8_t {
    // Syntax (RFC 5321 4.2.2; RFC 3463 X.5.x)
    UnknownCommand,       // 500 5.5.2
    NotSmtp,              // 500 5.5.2, first line of a client that does not speak SMTP; closes
    LineTooLong,          // 500 5.5.2, RFC 5321 4.5.3.1.4
    SaslLineTooLong,      // 500 5.5.6, RFC 4954 4
    BareLineEnding,       // 500 5.5.2, RFC 5321 2.3.8
    SyntaxError,          // 501 5.5.2
    BadArguments,         // 501 5.5.4
    BadChunkSize,         // 501 5.5.4; closes: the chunk that follows cannot be skipped
    UnknownParameter,     // 555 5.5.4, RFC 5321 4.1.1.11
    BadSenderAddress,     // 501 5.1.7
    BadRecipientAddress,  // 501 5.1.3
    NonAsciiAddress,      // 553 5.6.7, RFC 6531 3.7.4.2
    // Sequence (RFC 5321 4.3.2; RFC 3463 X.5.1)
    BadSequence,            // 503 5.5.1
    NoValidRecipients,      // 554 5.5.1, RFC 5321 3.3
    CommandNotImplemented,  // 502 5.5.1
    // Security (RFC 3207, RFC 4954)
    StartTlsRequired,      // 530 5.7.0, RFC 3207 4
    AuthRequired,          // 530 5.7.0, RFC 4954 6
    EncryptionRequired,    // 538 5.7.11, RFC 4954 6
    UnknownMechanism,      // 504 5.5.4, RFC 4954 4
    AuthCancelled,         // 501 5.7.0, RFC 4954 4
    BadBase64,             // 501 5.5.2, RFC 4954 4
    BadCredentialsFormat,  // 501 5.5.2, a PLAIN/LOGIN response that is not well formed
    // Limits and policy enforced by the session
    TooManyRecipients,    // 452 4.5.3, RFC 5321 4.5.3.1.10
    MessageTooBig,        // 552 5.3.4, RFC 1870 6
    MessageBareLineEnds,  // 554 5.6.0, RFC 5321 2.3.8 (SMTP smuggling)
    MailLoop,             // 554 5.4.6, RFC 5321 6.3
    // Ends of the connection
    TooManyErrors,        // 421 4.7.0
    TooManyJunkCommands,  // 421 4.7.0
    IdleTimeout,          // 421 4.4.2, RFC 5321 4.5.3.2.7
    ShuttingDown,         // 421 4.3.2
    Busy,                 // 421 4.7.0, connection limit reached
    // Server
    InternalError,  // 451 4.3.0
};

Reply reply_for(Errc errc, std::string_view text = {});

// The 421 said before the server closes (IdleTimeout, ShuttingDown, Busy, TooManyErrors, ...):
// RFC 5321 4.2 puts the server's name first, "421 4.4.2 mail.tinh.gov.vn idle for too long, ...".
Reply closing_reply(Errc errc, std::string_view hostname);

// Services answers, defined in smtp/services.hpp.
enum class AuthResult : std::uint8_t;
enum class SenderResult : std::uint8_t;
enum class RecipientResult : std::uint8_t;
enum class MessageResult : std::uint8_t;

// The replies to Services answers other than Ok.
Reply reply_for(AuthResult result);
Reply reply_for(SenderResult result, std::string_view reason);
Reply reply_for(RecipientResult result, std::string_view reason);
Reply reply_for(MessageResult result, std::string_view reason);

}  // namespace govmail::smtp
