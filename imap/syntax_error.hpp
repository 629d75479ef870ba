#pragma once
// Why a piece of IMAP syntax was refused: modified UTF-7 mailbox names, sequence sets, dates.
// These are error codes in their own category (like store/error.hpp) so that the small parsers
// (utf7.hpp, seqset.hpp, datetime.hpp) stay allocation-free on failure; the command parser turns
// them into the text of a BAD response with message():
//
//     auto set = parse_sequence_set("4294967296");
//     if (!set) bad(set.error().message());   // "number out of range (1 to 4294967295)"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace govmail::imap {

enum class SyntaxErrc {
    // Modified UTF-7 (RFC 3501 5.1.3)
    Utf7NotAscii = 1,  // a byte outside printable US-ASCII in a modified UTF-7 name
    Utf7Unterminated,  // "&..." without the closing "-"
    Utf7BadBase64,     // a character outside the modified BASE64 alphabet
    Utf7NonCanonical,  // leftover bits, odd octet count, adjacent encoded runs
    Utf7EncodedAscii,  // printable US-ASCII (or "&") inside an encoded run
    Utf7BadSurrogate,  // a UTF-16 surrogate without its pair
    Utf7Nul,           // U+0000 encoded in a name
    InvalidUtf8,       // malformed, overlong or surrogate UTF-8
    // Sequence sets (RFC 9051 9: sequence-set)
    SeqSetEmpty,            // nothing where a set was expected
    SeqSetZero,             // 0 is not a message number or UID
    SeqSetOverflow,         // a number above 4294967295
    SeqSetSyntax,           // anything else malformed ("1:", "1,,2", "01", ...)
    SeqSetTooLong,          // more ranges than the configured limit
    SeqSetStarNotAllowed,   // "*" where only numbers may appear (QRESYNC known-uids)
    SeqSetSavedNotAllowed,  // "$" where SEARCHRES is not allowed (RFC 5182)
    // Dates (RFC 3501 9: date, date-time)
    BadDate,      // malformed "d-Mon-yyyy" or a day that does not exist
    BadDateTime,  // malformed "dd-Mon-yyyy hh:mm:ss +zzzz"
};

const boost::system::error_category& syntax_category() noexcept;

inline boost::system::error_code make_error_code(SyntaxErrc e) noexcept {
    return {static_cast<int>(e), syntax_category()};
}

}  // namespace govmail::imap

template <>
struct boost::system::is_error_code_enum<govmail::imap::SyntaxErrc> : std::true_type {};
