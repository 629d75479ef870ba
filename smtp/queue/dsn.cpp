#include "smtp/queue/dsn.hpp"

#include "core/text/text.hpp"
#include "smtp/address.hpp"
#include "smtp/delivery/trace.hpp"

#include <algorithm>

namespace govmail::smtp::queue {
namespace {

bool has_eight_bit(std::string_view text) {
    return std::ranges::any_of(text, [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// A field value from text that came from elsewhere (a remote server's reply): control
// characters become spaces, and it is cut so that the line stays well under 998 octets.
std::string field_text(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 900)) {
        out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
    }
    return out;
}

std::string decoded_xtext(std::string_view xtext) {
    auto decoded = decode_xtext(xtext);
    return field_text(decoded ? *decoded : std::string(xtext));
}

// The header block of `message`, with the blank line that ends it.
std::string_view header_of(std::string_view message) {
    for (std::size_t at = 0; at < message.size();) {
        std::size_t end = message.find('\n', at);
        if (end == std::string_view::npos) {
            return message;
        }
        std::string_view line = message.substr(at, end - at);
        if (line.empty() || line == "\r") {
            return message.substr(0, end + 1);
        }
        at = end + 1;
    }
    return message;
}

std::string address_field(std::string_view address) {
    // RFC 6533 3: a UTF-8 address is typed "utf-8"; RFC 3464 2.3.2 "rfc822" otherwise.
    return (text::is_valid_utf8(address) && has_eight_bit(address) ? "utf-8; " : "rfc822; ") +
           field_text(address);
}

struct Wording {
    const char* subject;
    const char* vietnamese;
    const char* english;
};

Wording wording(DsnAction action) {
    switch (action) {
        case DsnAction::Failed:
            return {
                "Undelivered Mail Returned to Sender",
                "Thư của bạn không gửi được tới những người nhận dưới đây. Lý do do máy chủ "
                "nhận thư đưa ra được ghi bên cạnh từng địa chỉ.",
                "Your message could not be delivered to the recipients below. The reason given "
                "by the receiving server is shown next to each address."};
        case DsnAction::Delayed:
            return {
                "Delayed Mail (still being retried)",
                "Thư của bạn chưa gửi được tới những người nhận dưới đây. Hệ thống vẫn đang tiếp "
                "tục gửi lại; bạn không cần gửi lại thư.",
                "Your message has not yet been delivered to the recipients below. The system "
                "keeps trying; you do not need to send it again."};
        case DsnAction::Delivered:
        case DsnAction::Relayed:
            break;
    }
    return {
        "Successful Mail Delivery Report",
        "Thư của bạn đã được chuyển tới những người nhận dưới đây.",
        "Your message was delivered to the recipients below."};
}

}  // namespace

std::string_view to_string(DsnAction action) {
    switch (action) {
        case DsnAction::Failed:
            return "failed";
        case DsnAction::Delayed:
            return "delayed";
        case DsnAction::Delivered:
            return "delivered";
        case DsnAction::Relayed:
            return "relayed";
    }
    return "failed";
}

Dsn build_dsn(const DsnReport& report) {
    // The subject follows the most serious action reported.
    DsnAction headline = DsnAction::Delivered;
    for (const DsnRecipient& r : report.recipients) {
        if (r.action == DsnAction::Failed) {
            headline = DsnAction::Failed;
        } else if (r.action == DsnAction::Delayed && headline != DsnAction::Failed) {
            headline = DsnAction::Delayed;
        }
    }
    const Wording words = wording(headline);
    const std::string boundary = "=_govmail_report_" + report.message_id;

    // What of the original goes back (RFC 3461 4.3).
    bool full = report.ret == Ret::Full;
    if (report.ret == Ret::Unspecified) {
        full = headline == DsnAction::Failed && report.original.size() <= kReturnFullLimit;
    }
    if (report.body == BodyType::BinaryMime) {
        full = false;  // binary data cannot travel in an 8BITMIME notification
    }
    const std::string_view returned = full ? report.original : header_of(report.original);

    Dsn dsn;
    dsn.body =
        has_eight_bit(returned) || report.smtputf8 ? BodyType::EightBitMime : BodyType::SevenBit;
    std::string& out = dsn.message;
    out.reserve(returned.size() + 4096);
    out += "From: Mail Delivery System <MAILER-DAEMON@" + report.from_domain + ">\r\n";
    out += "To: <" + report.recipient + ">\r\n";
    out += "Subject: " + std::string(words.subject) + "\r\n";
    out += "Date: " + rfc5322_date(report.now) + "\r\n";
    out += "Message-ID: <" + report.message_id + "@" + report.reporting_mta + ">\r\n";
    // RFC 3834 5: generated automatically, so that auto-responders leave it alone.
    out += "Auto-Submitted: auto-replied\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"" +
           boundary + "\"\r\n\r\n";
    out += "This is a delivery status notification (RFC 3464) in MIME format.\r\n\r\n";

    std::string text;
    text +=
        "Đây là thông báo tự động của hệ thống thư điện tử " + report.reporting_mta + ".\r\n\r\n";
    text += std::string(words.vietnamese) + "\r\n\r\n";
    text += "This is the mail system at " + report.reporting_mta + ".\r\n\r\n";
    text += std::string(words.english) + "\r\n\r\n";
    for (const DsnRecipient& r : report.recipients) {
        text += "<" + r.address + ">";
        if (!r.diagnostic.empty()) {
            std::string_view diagnostic = r.diagnostic;
            if (auto semicolon = diagnostic.find("; "); semicolon != std::string_view::npos) {
                diagnostic.remove_prefix(semicolon + 2);  // "smtp; 550 ..." -> "550 ..."
            }
            text += ": " + field_text(diagnostic);
        }
        if (!r.remote_mta.empty()) {
            text += " (" + field_text(r.remote_mta) + ")";
        }
        text += "\r\n";
    }
    out += "--" + boundary + "\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += smtp::quoted_printable(text) + "\r\n";

    // RFC 3464 2: per-message fields, a blank line, then one block per recipient.
    out += "--" + boundary + "\r\n";
    out += report.smtputf8 ? "Content-Type: message/global-delivery-status\r\n\r\n"
                           : "Content-Type: message/delivery-status\r\n\r\n";
    out += "Reporting-MTA: dns; " + report.reporting_mta + "\r\n";
    if (!report.envid.empty()) {
        out += "Original-Envelope-Id: " + decoded_xtext(report.envid) + "\r\n";
    }
    out += "Arrival-Date: " + rfc5322_date(report.arrival) + "\r\n";
    for (const DsnRecipient& r : report.recipients) {
        out += "\r\n";
        if (r.orcpt) {
            out += "Original-Recipient: " + field_text(r.orcpt->type) + "; " +
                   decoded_xtext(r.orcpt->value) + "\r\n";
        }
        out += "Final-Recipient: " + address_field(r.address) + "\r\n";
        out += "Action: " + std::string(to_string(r.action)) + "\r\n";
        out += "Status: " + field_text(r.status) + "\r\n";
        if (!r.remote_mta.empty()) {
            out += "Remote-MTA: dns; " + field_text(r.remote_mta) + "\r\n";
        }
        if (!r.diagnostic.empty()) {
            out += "Diagnostic-Code: " + field_text(r.diagnostic) + "\r\n";
        }
        if (r.last_attempt) {
            out += "Last-Attempt-Date: " + rfc5322_date(*r.last_attempt) + "\r\n";
        }
        if (r.retry_until) {
            out += "Will-Retry-Until: " + rfc5322_date(*r.retry_until) + "\r\n";
        }
    }
    out += "\r\n--" + boundary + "\r\n";
    if (full) {
        out += report.smtputf8 ? "Content-Type: message/global\r\n"
                               : "Content-Type: message/rfc822\r\n";
        out += "Content-Description: Undelivered Message\r\n\r\n";
    } else {
        // RFC 6522 5: text/rfc822-headers; RFC 6533 3.6 for internationalised headers.
        out += report.smtputf8 ? "Content-Type: message/global-headers\r\n"
                               : "Content-Type: text/rfc822-headers\r\n";
        out += "Content-Description: Message Headers\r\n\r\n";
    }
    out += returned;
    if (!returned.empty() && returned.back() != '\n') {
        out += "\r\n";
    }
    out += "\r\n--" + boundary + "--\r\n";
    return dsn;
}

}  // namespace govmail::smtp::queue
