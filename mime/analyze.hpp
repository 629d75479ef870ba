#pragma once
// Parse once: everything IMAP, search and the webmail need from a message, computed at delivery.
//
//     MessageInfo info = mime::analyze(raw);   // raw: the exact bytes being stored
//     info.imap_bodystructure                  // ready for FETCH BODYSTRUCTURE
//     info.find_part("2")->body.slice(raw)     // BODY[2] without parsing again
//
// The structure (where each header and body starts and ends) comes from a boundary scanner over
// `raw` that follows RFC 2045 / RFC 2046 and, where messages break the rules, the choices of
// Python's email package and Dovecot. Header values are decoded with GMime (RFC 2047 encoded
// words, charset conversion, dates). What broken input becomes:
//
//   - a header block ends at its blank line; a line that is neither a header field nor a folded
//     continuation also ends it (that line starts the body); so does a boundary delimiter;
//   - boundary delimiters are matched strictly ("--" boundary ["--"] then only spaces or tabs on
//     the line), innermost multipart first; a delimiter of an enclosing multipart also ends every
//     multipart inside it that was never closed (missing closing boundary);
//   - a multipart without a boundary parameter, or whose boundary never occurs, is described as
//     text/plain (charset us-ascii), so that its text stays readable as part 1;
//   - an invalid Content-Type means text/plain; charset=us-ascii (RFC 2045 5.2), except inside
//     multipart/digest where the default is message/rfc822 (RFC 2046 5.1.5); an invalid
//     Content-Transfer-Encoding means 7bit;
//   - entities nested deeper than Limits::max_depth, and content past Limits::max_parts parts,
//     are not split further: such a multipart or message part becomes one opaque part
//     (Part::opaque) and parts past the limit are simply not listed (their bytes stay inside
//     their parent's body);
//   - the first occurrence of a repeated header field is used (Subject, From, Content-Type...).
//
// Bare-LF input is accepted the same way as CRLF; offsets always refer to `raw` as given.
//
// Thread-safety: analyze() may run on any number of threads at once (GMime is initialised once,
// the first time any mime function runs). It does not suspend; the store calls it on a worker
// thread before handing the write to its writer thread.
//
// Errors: none. Every byte sequence gives a MessageInfo whose ranges lie inside `raw` and whose
// IMAP strings are syntactically valid. The only exception that can escape is std::bad_alloc.

#include "mime/message_info.hpp"

#include <cstddef>
#include <string_view>

namespace govmail::mime {

// The defaults bound a hostile message to 10,000 listed parts and a recursion of 64 levels (a
// few hundred bytes of stack each); raising max_depth raises the stack needed accordingly.
struct Limits {
    std::size_t max_depth = 64;     // nesting of multiparts and message/rfc822 parts
    std::size_t max_parts = 10000;  // MIME entities analysed per message
};

[[nodiscard]] MessageInfo analyze(std::string_view raw, const Limits& limits = {});

}  // namespace govmail::mime
