#pragma once
// IMAP commands as typed values, and the parser that makes them from a framed Request.
//
//     auto parsed = parse_command(std::move(request), {.utf8_names = session.utf8_enabled()});
//     if (!parsed) { reply(parsed.error().tag, "BAD", parsed.error().text); return; }
//     std::visit(handler, parsed->command);            // Fetch, Store, Select, ...
//
// One struct per command of RFC 3501 / RFC 9051 and the extensions govmail implements (issue 6):
// UIDPLUS, LITERAL+, CONDSTORE/QRESYNC, ESEARCH/SEARCHRES, LIST-EXTENDED/LIST-STATUS,
// SPECIAL-USE, MULTIAPPEND, BINARY, SORT (with DISPLAY), QUOTA, ID, ENABLE, UTF8=ACCEPT, MOVE,
// UNSELECT, IDLE, NAMESPACE, SASL-IR. UID variants are the same struct with `uid = true`
// (UID EXPUNGE is its own struct). Keywords are case-insensitive; arguments keep the client's
// spelling except where the grammar makes it canonical (system flags, INBOX, capability names).
//
// Mailbox names (and LIST references and patterns) are returned as UTF-8: decoded from modified
// UTF-7 (utf7.hpp) unless ParseOptions::utf8_names (after ENABLE UTF8=ACCEPT or IMAP4rev2), in
// which case they must already be UTF-8. "INBOX" in any case, alone or before the hierarchy
// delimiter, becomes "INBOX" (RFC 9051 5.1). Whether a name is acceptable for the store (empty,
// control characters, "..") is the session's call, not the parser's.
//
// Errors are returned, never thrown: the text says what was wrong, prefixed by the command
// ("FETCH: unknown fetch attribute \"FLAG\""), for "<tag> BAD <text>". A line without a valid tag
// gives tag "*". Only grammar is checked here; state (is a mailbox selected?), capability (was
// CONDSTORE enabled?) and charset support (BADCHARSET) are the session's.
//
// Limits: SEARCH nesting depth (ParseOptions::max_search_depth) and the sizes of ID fields
// (RFC 2971 3.3); everything else is bounded by the framer's command length and literal limits.

#include "imap/datetime.hpp"
#include "imap/framer.hpp"
#include "imap/seqset.hpp"

#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace govmail::imap {

// The hierarchy delimiter govmail shows to clients (LIST responses, INBOX/child normalisation).
inline constexpr char kHierarchyDelimiter = '/';

// The largest mod-sequence value: a positive 63-bit number (RFC 7162 7).
inline constexpr std::uint64_t kMaxModSeq = (std::uint64_t{1} << 63) - 1;

// ---- Values shared by several commands

// STATUS items (RFC 9051 6.3.11; RECENT RFC 3501; SIZE RFC 8438; HIGHESTMODSEQ RFC 7162;
// APPENDLIMIT RFC 7889; DELETED RFC 9051).
enum class StatusItem : std::uint8_t {
    Messages,
    Recent,
    UidNext,
    UidValidity,
    Unseen,
    Deleted,
    Size,
    HighestModSeq,
    AppendLimit,
};

// "MESSAGES", "UIDNEXT", ...: the name used in requests and STATUS responses.
std::string_view to_string(StatusItem item);

// ---- Commands without arguments

struct Capability {};

struct Noop {};

struct Logout {};

struct StartTls {};

struct Namespace {};

struct Idle {};  // RFC 2177: the shell then reads "DONE" with Framer::expect_line()

struct Check {};

struct Close {};

struct Unselect {};  // RFC 3691

struct Expunge {};

// ---- Not authenticated

struct Login {
    std::string user;
    std::string password;
};

// AUTHENTICATE mechanism [initial-response] (RFC 9051 6.2.2, SASL-IR RFC 4959).
struct Authenticate {
    std::string mechanism;  // upper case ("PLAIN")
    // Decoded from BASE64; "=" (an empty response) gives "". nullopt when absent.
    std::optional<std::string> initial_response;
};

// ---- Mailboxes

// QRESYNC select parameter (RFC 7162 3.2.5).
struct Qresync {
    std::uint32_t uid_validity = 0;
    std::uint64_t mod_seq = 0;
    std::optional<SequenceSet> known_uids;
    // seq-match-data: message numbers and the UIDs the client knows for them.
    std::optional<SequenceSet> known_seqs;
    std::optional<SequenceSet> known_seq_uids;
};

// SELECT or EXAMINE (read_only).
struct Select {
    std::string mailbox;
    bool read_only = false;
    bool condstore = false;          // (CONDSTORE), RFC 7162 3.1.8
    std::optional<Qresync> qresync;  // (QRESYNC (...)), RFC 7162 3.2.5
};

struct Create {
    std::string mailbox;
    std::vector<std::string> special_use;  // CREATE name (USE (\Drafts)), RFC 6154 3
};

struct Delete {
    std::string mailbox;
};

struct Rename {
    std::string from;
    std::string to;
};

struct Subscribe {
    std::string mailbox;
};

struct Unsubscribe {
    std::string mailbox;
};

// LIST, including LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819), SPECIAL-USE (RFC 6154).
struct List {
    std::string reference;
    std::vector<std::string> patterns;  // one unless "(p1 p2 ...)" was given
    bool extended = false;  // selection options, several patterns or return options were used
    // Selection options
    bool select_subscribed = false;
    bool select_remote = false;
    bool select_recursive_match = false;
    bool select_special_use = false;
    // Return options
    bool return_subscribed = false;
    bool return_children = false;
    bool return_special_use = false;
    std::optional<std::vector<StatusItem>> return_status;
};

struct Lsub {
    std::string reference;
    std::string pattern;
};

struct Status {
    std::string mailbox;
    std::vector<StatusItem> items;
};

// One message of APPEND (RFC 3502 MULTIAPPEND allows several in one command).
struct AppendMessage {
    std::vector<std::string> flags;
    std::optional<DateTime> internal_date;
    std::string data;     // as sent; the parser does not look inside (NUL included)
    bool binary = false;  // sent as "~{n}" (RFC 3516 4.4): may contain NUL and 8-bit
    bool utf8 = false;    // sent as UTF8 (~{n}) (RFC 6855 4)
};

struct Append {
    std::string mailbox;
    std::vector<AppendMessage> messages;  // at least one
};

// ---- Selected state

struct UidExpunge {  // RFC 4315 2.1
    SequenceSet uids;
};

// SEARCH keys (RFC 9051 6.4.4, RFC 3501 6.4.4, CONDSTORE MODSEQ RFC 7162 3.1.5). Which fields
// carry the argument is noted per key.
enum class SearchOp : std::uint8_t {
    And,  // children: all must match (the key list, parenthesised lists)
    Or,   // children: exactly two
    Not,  // children: exactly one
    All,
    Answered,
    Deleted,
    Draft,
    Flagged,
    New,
    Old,
    Recent,
    Seen,
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unseen,
    Keyword,      // text: the keyword
    Unkeyword,    // text
    Bcc,          // text: the string to find
    Body,         // text
    Cc,           // text
    From,         // text
    Subject,      // text
    Text,         // text
    To,           // text
    Header,       // text: field name; value: the string to find ("" matches any such field)
    Before,       // date
    On,           // date
    Since,        // date
    SentBefore,   // date
    SentOn,       // date
    SentSince,    // date
    Larger,       // number: octets
    Smaller,      // number
    Uid,          // set
    SequenceSet,  // set: message numbers
    ModSeq,       // number: mod-sequence; text: entry name ("" if none); value: priv/shared/all
};

struct SearchKey {
    SearchOp op = SearchOp::All;
    std::string text;
    std::string value;
    Date date;
    std::uint64_t number = 0;
    imap::SequenceSet set;
    std::vector<SearchKey> children;

    friend bool operator==(const SearchKey&, const SearchKey&) = default;
};

// SEARCH RETURN (...) (ESEARCH, RFC 4731 3.1; SAVE, RFC 5182). "RETURN ()" means ALL.
struct SearchReturn {
    bool min = false;
    bool max = false;
    bool all = false;
    bool count = false;
    bool save = false;
};

struct Search {
    bool uid = false;
    std::optional<std::string> charset;  // as given, upper case ("UTF-8")
    SearchKey key;                       // And of the keys, or the single key
    std::optional<SearchReturn> ret;     // nullopt: classic "* SEARCH" response
};

// SORT criteria (RFC 5256 3; DISPLAYFROM/DISPLAYTO RFC 5957).
enum class SortKey : std::uint8_t {
    Arrival,
    Cc,
    Date,
    From,
    Size,
    Subject,
    To,
    DisplayFrom,
    DisplayTo
};

struct SortCriterion {
    SortKey key = SortKey::Arrival;
    bool reverse = false;

    friend bool operator==(const SortCriterion&, const SortCriterion&) = default;
};

struct Sort {
    bool uid = false;
    std::vector<SortCriterion> criteria;
    std::string charset;  // required by the grammar, upper case
    SearchKey key;
};

// FETCH items (RFC 9051 6.4.5; RFC822.* from RFC 3501; BINARY RFC 3516; MODSEQ RFC 7162).
enum class FetchItem : std::uint8_t {
    Flags,
    Uid,
    InternalDate,
    Rfc822Size,
    Envelope,
    Body,  // BODY without a section: the non-extensible BODYSTRUCTURE
    BodyStructure,
    ModSeq,
    BodySection,   // BODY[section]<partial> / BODY.PEEK[...]
    Binary,        // BINARY[part]<partial> / BINARY.PEEK[...]
    BinarySize,    // BINARY.SIZE[part]
    Rfc822,        // = BODY[] (sets \Seen)
    Rfc822Header,  // = BODY.PEEK[HEADER]
    Rfc822Text,    // = BODY[TEXT] (sets \Seen)
};

enum class SectionText : std::uint8_t {
    Full,             // BODY[] or BODY[1.2]: the whole message or part
    Header,           // HEADER
    HeaderFields,     // HEADER.FIELDS (fields)
    HeaderFieldsNot,  // HEADER.FIELDS.NOT (fields)
    Text,             // TEXT
    Mime,             // MIME (only after a part number)
};

struct Section {
    std::vector<std::uint32_t> part;  // "1.2.3" -> {1, 2, 3}; empty: the message itself
    SectionText text = SectionText::Full;
    std::vector<std::string> fields;  // HEADER.FIELDS[.NOT], as sent

    friend bool operator==(const Section&, const Section&) = default;
};

// <offset.length> (RFC 9051 6.4.5: the response names only the offset).
struct Partial {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;  // > 0

    friend bool operator==(const Partial&, const Partial&) = default;
};

struct FetchAttribute {
    FetchItem item = FetchItem::Flags;
    bool peek = false;  // BODY.PEEK / BINARY.PEEK: do not set \Seen
    Section section;    // BodySection, Binary, BinarySize (Binary*: part only)
    std::optional<Partial> partial;

    friend bool operator==(const FetchAttribute&, const FetchAttribute&) = default;
};

// How the item is named in the FETCH response: "BODY[HEADER.FIELDS (From To)]<0>", "RFC822",
// "BINARY.SIZE[1]" (RFC 9051 7.5.2: BODY.PEEK answers as BODY, a partial shows its origin).
std::string response_name(const FetchAttribute& attribute);

struct Fetch {
    bool uid = false;
    SequenceSet set;
    std::vector<FetchAttribute> items;           // macros ALL/FAST/FULL expanded
    std::optional<std::uint64_t> changed_since;  // (CHANGEDSINCE n), RFC 7162 3.1.4
    bool vanished = false;  // (VANISHED), UID FETCH only, with CHANGEDSINCE (RFC 7162 3.2.6)
};

enum class StoreMode : std::uint8_t { Replace, Add, Remove };  // FLAGS, +FLAGS, -FLAGS

struct Store {
    bool uid = false;
    SequenceSet set;
    StoreMode mode = StoreMode::Replace;
    bool silent = false;
    std::vector<std::string> flags;                // system flags canonical ("\Seen")
    std::optional<std::uint64_t> unchanged_since;  // (UNCHANGEDSINCE n), RFC 7162 3.1.3
};

struct Copy {
    bool uid = false;
    SequenceSet set;
    std::string mailbox;
};

struct Move {  // RFC 6851
    bool uid = false;
    SequenceSet set;
    std::string mailbox;
};

// ---- Any state

struct IdField {
    std::string name;
    std::optional<std::string> value;

    friend bool operator==(const IdField&, const IdField&) = default;
};

struct Id {  // RFC 2971; "ID NIL" gives no fields
    std::vector<IdField> fields;
};

struct Enable {                             // RFC 5161
    std::vector<std::string> capabilities;  // upper case
};

struct GetQuota {  // RFC 9208 4.2
    std::string root;
};

struct GetQuotaRoot {  // RFC 9208 4.3
    std::string mailbox;
};

struct QuotaLimit {
    std::string resource;  // upper case ("STORAGE")
    std::uint64_t limit = 0;

    friend bool operator==(const QuotaLimit&, const QuotaLimit&) = default;
};

struct SetQuota {  // RFC 9208 4.1: parsed so that it can be refused properly
    std::string root;
    std::vector<QuotaLimit> limits;
};

using Command = std::variant<
    Capability,
    Noop,
    Logout,
    StartTls,
    Login,
    Authenticate,
    Select,
    Create,
    Delete,
    Rename,
    Subscribe,
    Unsubscribe,
    List,
    Lsub,
    Namespace,
    Status,
    Append,
    Idle,
    Check,
    Close,
    Unselect,
    Expunge,
    UidExpunge,
    Search,
    Fetch,
    Store,
    Copy,
    Move,
    Id,
    Enable,
    Sort,
    GetQuota,
    GetQuotaRoot,
    SetQuota>;

struct TaggedCommand {
    std::string tag;
    Command command;
};

struct ParseOptions {
    // Mailbox names are UTF-8, not modified UTF-7 (ENABLE UTF8=ACCEPT or IMAP4rev2).
    bool utf8_names = false;
    // Parentheses, NOT and OR nest at most this deep in SEARCH/SORT.
    std::size_t max_search_depth = 32;
};

// Parses a framed request. Literal data is moved out of `request` (APPEND messages are not
// copied). The error is an Error with the tag (or "*") and the BAD text.
boost::system::result<TaggedCommand, Error> parse_command(
    Request&& request, const ParseOptions& options = {}
) noexcept;

// Lets boost::system::result<T, Error>::value() throw; parse_command() itself never throws.
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& loc);

}  // namespace govmail::imap
