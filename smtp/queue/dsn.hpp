#pragma once
// Delivery status notifications (RFC 3464) in a multipart/report (RFC 6522): what the queue
// sends a sender when a recipient failed permanently or expired (Action: failed), is still
// being retried after [queue] delay_notice (delayed), or was delivered and NOTIFY=SUCCESS asked
// to be told (delivered, or relayed to a server without DSN).
//
//     DsnReport report{.reporting_mta = "mail.tinh.gov.vn", .from_domain = "tinh.gov.vn",
//                      .recipient = "an@tinh.gov.vn", .original = bytes_sent, ...};
//     report.recipients.push_back({.address = "x@other.gov.vn", .action = DsnAction::Failed,
//                                  .status = "5.1.1", .diagnostic = "smtp; 550 5.1.1 no such
//                                  user"});
//     std::string message = build_dsn(report);        // CRLF, 7-bit unless the original is 8-bit
//
// The message: From "Mail Delivery System <MAILER-DAEMON@from_domain>", a Vietnamese and English
// explanation (text/plain, quoted-printable), the machine-readable message/delivery-status
// part, then the original: the whole message for RET=FULL, its header for RET=HDRS and delay or
// success notices, and for failures without RET the whole message up to kReturnFullLimit octets
// (its header beyond). SMTPUTF8 messages get the RFC 6533 types (message/global-delivery-status,
// message/global, message/global-headers).
//
// A notification is sent with the null reverse-path "<>" and is itself never the subject of
// one (RFC 3461 6.2, RFC 5321 6.1): the queue enforces that, not this builder. Pure and
// thread-safe.

#include "smtp/command.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::smtp::queue {

enum class DsnAction : std::uint8_t { Failed, Delayed, Delivered, Relayed };

std::string_view to_string(DsnAction action);

// Failures without RET get the whole message back up to this size.
inline constexpr std::size_t kReturnFullLimit = std::size_t{1} << 20;

struct DsnRecipient {
    std::string address;         // Final-Recipient
    std::optional<Orcpt> orcpt;  // Original-Recipient, from RCPT ORCPT (xtext)
    DsnAction action = DsnAction::Failed;
    std::string status;      // "5.1.1"
    std::string diagnostic;  // "smtp; 550 5.1.1 no such user"; may be empty
    std::string remote_mta;  // host name or address; may be empty
    std::optional<std::chrono::system_clock::time_point> last_attempt;
    std::optional<std::chrono::system_clock::time_point> retry_until;  // Delayed
};

struct DsnReport {
    std::string reporting_mta;  // this server's host name
    std::string from_domain;    // MAILER-DAEMON@from_domain
    std::string recipient;      // the original sender, who gets the report
    std::string envid;          // ENVID as received (xtext), may be empty
    Ret ret = Ret::Unspecified;
    bool smtputf8 = false;
    std::chrono::system_clock::time_point arrival;
    std::chrono::system_clock::time_point now;
    std::string_view original;           // the message as it was sent on (without our Return-Path)
    BodyType body = BodyType::SevenBit;  // the original's BODY: BINARYMIME returns headers only
    std::string message_id;              // unique part of the Message-ID
    std::vector<DsnRecipient> recipients;
};

struct Dsn {
    std::string message;
    BodyType body = BodyType::SevenBit;  // 8BITMIME when it carries 8-bit original text
};

Dsn build_dsn(const DsnReport& report);

}  // namespace govmail::smtp::queue
