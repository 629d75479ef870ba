#pragma once
// Modified UTF-7 (RFC 3501 5.1.3), the encoding of international mailbox names in IMAP4rev1,
// to and from UTF-8.
//
// Printable US-ASCII (0x20..0x7E) stands for itself, except "&", written "&-". Everything else is
// UTF-16BE in a modified BASE64 ("," instead of "/", no padding) between "&" and "-":
//
//     encode_mutf7("Hộp thư đến")   == "H&Htk-p th&AbA- &AREevw-n"
//     decode_mutf7("H&Htk-p th&AbA- &AREevw-n") == "Hộp thư đến"
//     decode_mutf7("&AGE-")         -> SyntaxErrc::Utf7EncodedAscii ("a" must not be encoded)
//
// Decoding is strict: it accepts exactly the strings encode_mutf7() produces, so for every
// accepted `s`, encode_mutf7(*decode_mutf7(s)) == s, and two spellings of one name cannot both
// exist. Refused: bytes outside 0x20..0x7E, an unterminated shift, characters outside the BASE64
// alphabet, non-zero leftover bits or an odd octet count, two encoded runs back to back (the
// encoder would have made one), printable ASCII or "&" inside a run, unpaired surrogates, U+0000.
//
// After ENABLE UTF8=ACCEPT or IMAP4rev2 mailbox names travel as UTF-8 and these functions are
// not used for them (RFC 6855 3, RFC 9051 5.1).
//
// All functions are pure and thread-safe.

#include "imap/syntax_error.hpp"

#include <string>
#include <string_view>

namespace govmail::imap {

// UTF-8 -> modified UTF-7. Fails with SyntaxErrc::InvalidUtf8 when `utf8` is not strict UTF-8,
// and with SyntaxErrc::Utf7Nul for U+0000, which no mailbox name may contain.
boost::system::result<std::string> encode_mutf7(std::string_view utf8);

// Modified UTF-7 -> UTF-8, strictly as described above.
boost::system::result<std::string> decode_mutf7(std::string_view mutf7);

// True when decode_mutf7(mutf7) would succeed.
bool is_valid_mutf7(std::string_view mutf7) noexcept;

}  // namespace govmail::imap
