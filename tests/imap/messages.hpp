#pragma once
// Named test messages for IMAP transcripts and tests (`@config append = USER MAILBOX NAME`),
// kept in code so that their bytes (CRLF line ends, NUL, 8-bit) are exact.
//
//   simple      a short text/plain message, ASCII
//   vietnamese  text/plain, UTF-8 quoted-printable body and RFC 2047 subject "Quyết định ..."
//   multipart   multipart/mixed: text/plain, text/html, a base64 application/pdf attachment
//   attached    multipart/mixed with a message/rfc822 part (a forwarded message)
//   nul         a text/plain body that holds a NUL byte (BODY masks it, BINARY sends literal8)
//   unknown-cte a part with Content-Transfer-Encoding: x-unknown (BINARY: UNKNOWN-CTE)
//   large       about 300 KB of text (FETCH streams it in pieces)

#include <string>
#include <string_view>
#include <vector>

namespace govmail::imap::test {

// The bytes of the named message; throws std::invalid_argument for an unknown name.
std::string test_message(std::string_view name);

// Every name test_message() knows.
std::vector<std::string> test_message_names();

}  // namespace govmail::imap::test
