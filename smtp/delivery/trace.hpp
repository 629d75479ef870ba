#pragma once
// The trace fields govmail adds to a message (RFC 5321 4.4) and the small pieces of message
// syntax the pipeline, the queue and its notifications share.
//
//     std::string received = received_field({.helo = "client.example", .address = "192.0.2.4",
//         .tls = "TLSv1.3 TLS_AES_256_GCM_SHA384", .protocol = "ESMTPSA",
//         .hostname = "mail.tinh.gov.vn", .id = "3F2A9C81B7D04E15", .at = now});
//     // Received: from client.example ([192.0.2.4])
//     //         by mail.tinh.gov.vn (govmail) with ESMTPSA id 3F2A9C81B7D04E15
//     //         (TLSv1.3 TLS_AES_256_GCM_SHA384);
//     //         Tue, 21 Nov 2026 10:00:00 +0700
//     std::string path = return_path_field("an@tinh.gov.vn");   // "Return-Path: <an@...>\r\n"
//
// No "for" clause: the same bytes go to every recipient, so that a circular is stored once and
// Bcc recipients are not disclosed (RFC 5321 7.2). Fields end with CRLF and are folded to stay
// under 78 octets a line where their parts allow (RFC 5322 2.1.1). All functions are pure and
// thread-safe.

#include <chrono>
#include <string>
#include <string_view>

namespace govmail::smtp {

struct TraceInfo {
    std::string helo;      // the EHLO/HELO argument; "" for submissions that had none (webmail)
    std::string address;   // the client's IP address
    std::string tls;       // "TLSv1.3 TLS_AES_256_GCM_SHA384", "" without TLS
    std::string protocol;  // RFC 3848 "with" keyword (ESMTPSA, ...); "" leaves the clause out
    std::string via;       // a comment after "by" naming the software, e.g. "govmail webmail"
    std::string hostname;  // this server
    std::string id;        // the queue id
    std::chrono::system_clock::time_point at;
};

std::string received_field(const TraceInfo& trace);

// "Return-Path: <sender>\r\n", "Return-Path: <>\r\n" for the null path (RFC 5321 4.4).
std::string return_path_field(std::string_view sender);

// RFC 5322 3.3 date-time in the server's time zone: "Tue, 21 Nov 2026 10:00:00 +0700".
std::string rfc5322_date(std::chrono::system_clock::time_point at);

// RFC 2047 encoded-word ("=?UTF-8?B?...?=") for header text that is not ASCII; ASCII text is
// returned unchanged.
std::string encode_header_text(std::string_view utf8);

// Quoted-printable (RFC 2045 6.7) of UTF-8 text with CRLF line ends.
std::string quoted_printable(std::string_view text);

}  // namespace govmail::smtp
