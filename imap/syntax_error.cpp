#include "imap/syntax_error.hpp"

#include <string>

namespace govmail::imap {
namespace {

class SyntaxCategory final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "govmail.imap.syntax"; }

    std::string message(int value) const override {
        switch (static_cast<SyntaxErrc>(value)) {
            case SyntaxErrc::Utf7NotAscii:
                return "mailbox name is not modified UTF-7: 8-bit or control character";
            case SyntaxErrc::Utf7Unterminated:
                return "mailbox name is not modified UTF-7: unterminated \"&\" shift";
            case SyntaxErrc::Utf7BadBase64:
                return "mailbox name is not modified UTF-7: invalid BASE64 character";
            case SyntaxErrc::Utf7NonCanonical:
                return "mailbox name is not canonical modified UTF-7";
            case SyntaxErrc::Utf7EncodedAscii:
                return "mailbox name is not modified UTF-7: printable ASCII must not be encoded";
            case SyntaxErrc::Utf7BadSurrogate:
                return "mailbox name is not modified UTF-7: unpaired UTF-16 surrogate";
            case SyntaxErrc::Utf7Nul:
                return "mailbox name contains NUL";
            case SyntaxErrc::InvalidUtf8:
                return "invalid UTF-8";
            case SyntaxErrc::SeqSetEmpty:
                return "missing sequence set";
            case SyntaxErrc::SeqSetZero:
                return "0 is not a valid message number or UID";
            case SyntaxErrc::SeqSetOverflow:
                return "number out of range (1 to 4294967295)";
            case SyntaxErrc::SeqSetSyntax:
                return "invalid sequence set";
            case SyntaxErrc::SeqSetTooLong:
                return "sequence set has too many ranges";
            case SyntaxErrc::SeqSetStarNotAllowed:
                return "\"*\" is not allowed in this sequence set";
            case SyntaxErrc::SeqSetSavedNotAllowed:
                return "\"$\" is not allowed here";
            case SyntaxErrc::BadDate:
                return "invalid date (expected d-Mon-yyyy)";
            case SyntaxErrc::BadDateTime:
                return "invalid date-time (expected \"dd-Mon-yyyy hh:mm:ss +zzzz\")";
        }
        return "invalid syntax";
    }
};

}  // namespace

const boost::system::error_category& syntax_category() noexcept {
    static const SyntaxCategory category;
    return category;
}

}  // namespace govmail::imap
