#include "tests/imap/messages.hpp"

#include <stdexcept>

namespace govmail::imap::test {
namespace {

// Lines joined with CRLF, as messages travel.
std::string crlf(std::initializer_list<std::string_view> lines) {
    std::string text;
    for (std::string_view line : lines) {
        text += line;
        text += "\r\n";
    }
    return text;
}

std::string large() {
    std::string text = crlf({
        "From: Bao cao <baocao@example.gov.vn>",
        "To: alice@example.gov.vn",
        "Subject: Large report",
        "Date: Sat, 21 Nov 2026 09:00:00 +0700",
        "Message-ID: <large@example.gov.vn>",
        "",
    });
    // 4,000 lines of 76 bytes: about 300 KB, more than one streamed piece.
    for (int i = 0; i < 4000; ++i) {
        std::string line = "line " + std::to_string(i) + " ";
        line.resize(74, 'x');
        text += line + "\r\n";
    }
    return text;
}

}  // namespace

std::string test_message(std::string_view name) {
    if (name == "simple") {
        return crlf({
            "From: Tran Thi Ha <hattt.stttt@example.gov.vn>",
            "To: Alice <alice@example.gov.vn>",
            "Cc: bob@example.gov.vn",
            "Subject: Meeting on Monday",
            "Date: Fri, 20 Nov 2026 08:30:00 +0700",
            "Message-ID: <simple@example.gov.vn>",
            "",
            "Please come to the meeting at 9:00.",
            "Room 201.",
        });
    }
    if (name == "vietnamese") {
        return crlf({
            "From: =?UTF-8?B?Tmd1eeG7hW4gVsSDbiBBbg==?= <annv.vpubnd@example.gov.vn>",
            "To: alice@example.gov.vn",
            "Subject: =?UTF-8?B?UXV54bq/dCDEkeG7i25oIHbhu4Egdmnhu4djIGLhu5Ugbmhp4buHbQ==?=",
            "Date: Thu, 19 Nov 2026 14:00:00 +0700",
            "Message-ID: <qd15@example.gov.vn>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "K=C3=ADnh g=E1=BB=ADi c=C3=A1c =C4=91=E1=BB=93ng ch=C3=AD,",
            "Quy=E1=BA=BFt =C4=91=E1=BB=8Bnh s=E1=BB=91 15/Q=C4=90-UBND v=E1=BB=81 vi=E1=",
            "=BB=87c b=E1=BB=95 nhi=E1=BB=87m c=C3=A1n b=E1=BB=99.",
            "Tr=C3=A2n tr=E1=BB=8Dng.",
        });
    }
    if (name == "multipart") {
        return crlf({
            "From: Le Van Hung <hunglv.stttt@example.gov.vn>",
            "To: alice@example.gov.vn",
            "Subject: Report with attachment",
            "Date: Wed, 18 Nov 2026 10:15:00 +0700",
            "Message-ID: <report@example.gov.vn>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"b1\"",
            "",
            "--b1",
            "Content-Type: text/plain; charset=us-ascii",
            "",
            "The report is attached.",
            "--b1",
            "Content-Type: text/html; charset=us-ascii",
            "",
            "<p>The report is <b>attached</b>.</p>",
            "--b1",
            "Content-Type: application/pdf; name=\"report.pdf\"",
            "Content-Disposition: attachment; filename=\"report.pdf\"",
            "Content-Transfer-Encoding: base64",
            "",
            "JVBERi0xLjQgdGVzdCBhdHRhY2htZW50IGJ5dGVzCg==",
            "--b1--",
        });
    }
    if (name == "attached") {
        return crlf({
            "From: alice@example.gov.vn",
            "To: bob@example.gov.vn",
            "Subject: Fwd: Meeting on Monday",
            "Date: Sat, 21 Nov 2026 07:00:00 +0700",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"outer\"",
            "",
            "--outer",
            "Content-Type: text/plain",
            "",
            "See below.",
            "--outer",
            "Content-Type: message/rfc822",
            "",
            "From: hattt.stttt@example.gov.vn",
            "Subject: Meeting on Monday",
            "",
            "Please come.",
            "--outer--",
        });
    }
    if (name == "nul") {
        std::string text = crlf({
            "From: robot@example.gov.vn",
            "To: alice@example.gov.vn",
            "Subject: Zero byte",
            "Content-Type: application/octet-stream",
            "Content-Transfer-Encoding: binary",
            "",
        });
        text += std::string("a\0b", 3) + "\r\n";
        return text;
    }
    if (name == "unknown-cte") {
        return crlf({
            "From: robot@example.gov.vn",
            "To: alice@example.gov.vn",
            "Subject: Odd encoding",
            "Content-Type: text/plain",
            "Content-Transfer-Encoding: x-unknown",
            "",
            "opaque",
        });
    }
    if (name == "large") {
        return large();
    }
    throw std::invalid_argument("no test message named " + std::string(name));
}

std::vector<std::string> test_message_names() {
    return {"simple", "vietnamese", "multipart", "attached", "nul", "unknown-cte", "large"};
}

}  // namespace govmail::imap::test
