#pragma once
// The token reader under parse_command(): a cursor over Request::text that also hands out the
// request's literals in order (RFC 9051 9 grammar: atoms, strings, numbers, mailbox names,
// flags, dates, sequence sets).
//
// Errors are sticky: the first fail() records the text and every later read returns an empty
// value without moving, so a command parser can read its arguments in sequence and check ok()
// where the result matters (and in every loop condition). Nothing throws.
//
//     Reader r(request, options);
//     r.space();
//     Copy copy{.set = r.sequence_set(kCommandSet)};
//     r.space();
//     copy.mailbox = r.mailbox();
//     r.end();
//     if (!r.ok()) return r.error();

#include "imap/command.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::imap::detail {

// Sequence sets of commands that operate on messages: "*" and "$" allowed (RFC 5182 2.1).
inline constexpr SeqSetOptions kCommandSet{.allow_star = true, .allow_saved = true};

class Reader {
public:
    Reader(Request& request, const ParseOptions& options) noexcept
        : text_(request.text)
        , literals_(request.literals)
        , options_(options) {}

    const ParseOptions& options() const { return options_; }

    bool ok() const { return !failed_; }

    const std::string& error() const { return error_; }

    // Records `what` (prefixed with the command name) unless an error is already recorded.
    // Always returns false.
    bool fail(std::string_view what);

    // Like fail(), with the upcoming text quoted: `expected ")" near "X Y"`.
    bool fail_near(std::string_view what);

    // The command name used as the prefix of error texts ("FETCH", "UID STORE").
    void set_command(std::string_view name) { command_ = name; }

    std::size_t position() const { return pos_; }

    // Returns to an earlier position (lookahead). Literals taken since are not given back:
    // only rewind over text without literals.
    void rewind(std::size_t position) { pos_ = position; }

    bool at_end() const { return pos_ >= text_.size(); }

    // The next character, '\0' at the end or after an error.
    char peek() const { return ok() && !at_end() ? text_[pos_] : '\0'; }

    bool take(char c);

    // Requires `c`: fails with `expected "c"` otherwise.
    void expect(char c);

    // Requires exactly one SP.
    void space() { expect(' '); }

    // Requires the end of the command.
    void end();

    // 1*ATOM-CHAR; fails with `expected <what>` when empty.
    std::string_view atom(std::string_view what = "atom");

    // 1*(ALPHA / DIGIT / "." / "-"): keywords such as "BODY.PEEK", "SPECIAL-USE"; may be empty.
    // Compare with iequals().
    std::string_view word();

    // The next word if it equals `upper` (case-insensitively), which is then consumed.
    bool take_word(std::string_view upper);

    // A quoted string or literal (RFC 9051 9: string). Non-binary literals must not hold NUL.
    std::string string(std::string_view what = "string");

    // astring = 1*ASTRING-CHAR / string
    std::string astring(std::string_view what = "string");

    // nstring = string / "NIL"
    std::optional<std::string> nstring(std::string_view what = "string");

    // The data of a literal ("{n}", "{n+}", or with `allow_binary` "~{n}"), moved out of the
    // request. `binary` says which form was used.
    std::string literal(bool allow_binary, bool& binary);

    bool at_literal() const;

    // header-fld-name = astring, which must also be a field name: printable ASCII without SP
    // and ":" (RFC 5322 2.2).
    std::string header_field_name();

    // mailbox = "INBOX" / astring, decoded per ParseOptions and with INBOX normalised.
    std::string mailbox();

    // list-mailbox = 1*list-char / string (LIST and LSUB patterns), decoded like mailbox().
    std::string list_mailbox();

    // nz-number (1..4294967295, no leading zero).
    std::uint32_t nz_number(std::string_view what = "number");

    // number (0..4294967295).
    std::uint32_t number(std::string_view what = "number");

    // number64 (0..2^63-1, RFC 9051 9).
    std::uint64_t number64(std::string_view what = "number");

    // mod-sequence-value (1..2^63-1) or, with `allow_zero`, mod-sequence-valzer (RFC 7162 7).
    std::uint64_t mod_seq(bool allow_zero);

    SequenceSet sequence_set(const SeqSetOptions& options);

    // flag (RFC 9051 9): a system flag (canonical case) or a keyword. \Recent and unknown
    // "\xxx" are refused: clients cannot set them (RFC 9051 2.3.2).
    std::string flag();

    // flag-list = "(" [flag *(SP flag)] ")"
    std::vector<std::string> flag_list();

    // date = date-text / DQUOTE date-text DQUOTE
    Date date();

    // date-time = DQUOTE ... DQUOTE
    DateTime date_time();

private:
    std::string decode_mailbox(std::string raw);
    std::string_view take_while(bool (*predicate)(char));

    const std::string& text_;
    std::vector<Literal>& literals_;
    const ParseOptions& options_;
    std::size_t pos_ = 0;
    std::size_t next_literal_ = 0;
    std::string_view command_;
    std::string error_;
    bool failed_ = false;
};

// ASCII case-insensitive comparison with an upper-case keyword.
bool iequals(std::string_view text, std::string_view upper);

std::string to_upper(std::string_view text);

// `text` made printable for an error message: at most `max` bytes, others shown as '?'.
std::string printable(std::string_view text, std::size_t max = 24);

}  // namespace govmail::imap::detail
