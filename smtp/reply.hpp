#pragma once
// SMTP replies (RFC 5321 4.2) carrying enhanced status codes (RFC 3463, RFC 2034).
//
//     Reply ok(250, "2.1.0", "sender ok");
//     std::string out;
//     ok.append_to(out);                              // "250 2.1.0 sender ok\r\n"
//
//     Reply ehlo = Reply::multiline(250, {"mail.example.gov.vn Hello client", "PIPELINING"});
//     ehlo.append_to(out);                            // "250-mail.example.gov.vn Hello client\r\n"
//                                                     // "250 PIPELINING\r\n"
//
// RFC 2034 4: every 2xx, 4xx and 5xx reply carries an enhanced status code, except the greeting
// and the answer to EHLO/HELO; 3xx replies (354, 334) carry none. The status is repeated on
// every line of a multi-line reply.
//
// Reply text is safe by construction: control characters (CR, LF, NUL, ...) become spaces, so
// text that came from elsewhere (a directory's policy message) can never inject a reply line,
// and each line is cut so that it fits in 512 octets with its CRLF (RFC 5321 4.5.3.1.5).

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::smtp {

class Reply {
public:
    // A one-line reply. `status` is the enhanced code ("2.1.0") or empty; `code` is 200..599.
    Reply(int code, std::string_view status, std::string_view text);

    // A multi-line reply without status (the EHLO answer): one line per element, at least one.
    static Reply multiline(int code, std::vector<std::string> lines);

    static Reply multiline(int code, std::initializer_list<std::string_view> lines);

    int code() const { return code_; }

    std::string_view status() const { return status_; }

    // The text lines, without code and status.
    const std::vector<std::string>& lines() const { return lines_; }

    // 2xx and 3xx.
    bool positive() const { return code_ < 400; }

    // Appends the wire form, every line ended by CRLF.
    void append_to(std::string& out) const;

    // The wire form.
    std::string wire() const;

private:
    Reply() = default;

    int code_ = 0;
    std::string status_;
    std::vector<std::string> lines_;
};

}  // namespace govmail::smtp
