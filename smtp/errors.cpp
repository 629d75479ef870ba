#include "smtp/errors.hpp"

#include "smtp/services.hpp"

namespace govmail::smtp {
namespace {

struct Spec {
    int code;
    std::string_view status;
    std::string_view text;
};

Spec spec(Errc errc) {
    switch (errc) {
        case Errc::UnknownCommand:
            return {500, "5.5.2", "command not recognized"};
        case Errc::NotSmtp:
            return {500, "5.5.2", "this is an SMTP server, closing"};
        case Errc::LineTooLong:
            return {500, "5.5.2", "line too long"};
        case Errc::SaslLineTooLong:
            return {500, "5.5.6", "authentication exchange line is too long"};
        case Errc::BareLineEnding:
            return {500, "5.5.2", "lines must end with CRLF (RFC 5321 2.3.8)"};
        case Errc::SyntaxError:
            return {501, "5.5.2", "syntax error"};
        case Errc::BadArguments:
            return {501, "5.5.4", "invalid arguments"};
        case Errc::BadChunkSize:
            return {501, "5.5.4", "syntax: BDAT octets [LAST]"};
        case Errc::UnknownParameter:
            return {555, "5.5.4", "parameter not supported"};
        case Errc::BadSenderAddress:
            return {501, "5.1.7", "bad sender address syntax"};
        case Errc::BadRecipientAddress:
            return {501, "5.1.3", "bad recipient address syntax"};
        case Errc::NonAsciiAddress:
            return {553, "5.6.7", "non-ASCII address needs the SMTPUTF8 parameter"};
        case Errc::BadSequence:
            return {503, "5.5.1", "bad sequence of commands"};
        case Errc::NoValidRecipients:
            return {554, "5.5.1", "no valid recipients"};
        case Errc::CommandNotImplemented:
            return {502, "5.5.1", "command not implemented"};
        case Errc::StartTlsRequired:
            return {530, "5.7.0", "must issue a STARTTLS command first"};
        case Errc::AuthRequired:
            return {530, "5.7.0", "authentication required"};
        case Errc::EncryptionRequired:
            return {538, "5.7.11", "encryption required for requested authentication mechanism"};
        case Errc::UnknownMechanism:
            return {504, "5.5.4", "unrecognized authentication type"};
        case Errc::AuthCancelled:
            return {501, "5.7.0", "authentication cancelled"};
        case Errc::BadBase64:
            return {501, "5.5.2", "cannot decode the response (base64)"};
        case Errc::BadCredentialsFormat:
            return {501, "5.5.2", "malformed authentication response"};
        case Errc::TooManyRecipients:
            return {452, "4.5.3", "too many recipients"};
        case Errc::MessageTooBig:
            return {552, "5.3.4", "message size exceeds fixed maximum message size"};
        case Errc::MessageBareLineEnds:
            return {554, "5.6.0", "message refused: CR or LF alone in the text (RFC 5321 2.3.8)"};
        case Errc::MailLoop:
            return {554, "5.4.6", "mail loop: too many Received header fields"};
        case Errc::TooManyErrors:
            return {421, "4.7.0", "too many errors, closing connection"};
        case Errc::TooManyJunkCommands:
            return {421, "4.7.0", "too many commands without mail, closing connection"};
        case Errc::IdleTimeout:
            return {421, "4.4.2", "idle for too long, closing connection"};
        case Errc::ShuttingDown:
            return {421, "4.3.2", "service shutting down, closing connection"};
        case Errc::Busy:
            return {421, "4.7.0", "too many connections, try again later"};
        case Errc::InternalError:
            return {451, "4.3.0", "internal error, try again later"};
    }
    return {451, "4.3.0", "internal error, try again later"};
}

Reply make(int code, std::string_view status, std::string_view fallback, std::string_view text) {
    return {code, status, text.empty() ? fallback : text};
}

}  // namespace

Reply reply_for(Errc errc, std::string_view text) {
    Spec s = spec(errc);
    return make(s.code, s.status, s.text, text);
}

Reply closing_reply(Errc errc, std::string_view hostname) {
    Spec s = spec(errc);
    return {s.code, s.status, std::string(hostname) + " " + std::string(s.text)};
}

Reply reply_for(AuthResult result) {
    switch (result) {
        case AuthResult::Ok:
            break;
        case AuthResult::Invalid:
            return {535, "5.7.8", "authentication credentials invalid"};
        case AuthResult::Disabled:
            return {525, "5.7.13", "account disabled, contact your administrator"};
        case AuthResult::TemporaryFailure:
            return {454, "4.7.0", "temporary authentication failure, try again later"};
    }
    return {235, "2.7.0", "authentication successful"};
}

Reply reply_for(SenderResult result, std::string_view reason) {
    switch (result) {
        case SenderResult::Ok:
            break;
        case SenderResult::NotOwned:
            return make(553, "5.7.1", "sender address is not yours", reason);
        case SenderResult::Refused:
            return make(550, "5.7.1", "sender refused by policy", reason);
        case SenderResult::RateLimited:
            return make(450, "4.7.1", "sending rate exceeded, try again later", reason);
        case SenderResult::AccountDisabled:
            return make(550, "5.7.13", "account disabled, contact your administrator", reason);
        case SenderResult::TemporaryFailure:
            return make(451, "4.4.3", "cannot check the sender now, try again later", reason);
    }
    return {250, "2.1.0", "sender ok"};
}

Reply reply_for(RecipientResult result, std::string_view reason) {
    switch (result) {
        case RecipientResult::Ok:
            break;
        case RecipientResult::Unknown:
            return make(550, "5.1.1", "no such user here", reason);
        case RecipientResult::RelayDenied:
            return make(554, "5.7.1", "relay access denied", reason);
        case RecipientResult::Refused:
            return make(550, "5.7.1", "recipient refused by policy", reason);
        case RecipientResult::Disabled:
            return make(550, "5.2.1", "mailbox disabled", reason);
        case RecipientResult::MailboxFull:
            return make(452, "4.2.2", "mailbox full, try again later", reason);
        case RecipientResult::RateLimited:
            return make(450, "4.7.1", "sending rate exceeded, try again later", reason);
        case RecipientResult::TemporaryFailure:
            return make(451, "4.4.3", "cannot check the recipient now, try again later", reason);
    }
    return {250, "2.1.5", "recipient ok"};
}

Reply reply_for(MessageResult result, std::string_view reason) {
    switch (result) {
        case MessageResult::Ok:
            break;
        case MessageResult::FromNotOwned:
            return make(550, "5.7.1", "From header address is not yours", reason);
        case MessageResult::Refused:
            return make(550, "5.7.1", "message refused by policy", reason);
        case MessageResult::TemporaryFailure:
            return make(451, "4.3.0", "cannot store the message now, try again later", reason);
    }
    return {250, "2.0.0", "message accepted"};
}

}  // namespace govmail::smtp
