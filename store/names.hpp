#pragma once
// Mailbox names and keywords: what the store accepts and how it spells them.
//
// Mailbox names are Unicode, stored as UTF-8 in Normalization Form C (RFC 9051 5.1, RFC 5198;
// the IMAP layer converts modified UTF-7 first), with "/" as the hierarchy delimiter, so a name
// typed with decomposed Vietnamese tone marks is the same mailbox. A valid name:
// - is well-formed UTF-8 (no overlong forms, no surrogates) of 1 to kMaxMailboxNameBytes bytes;
// - has no empty component: no leading, trailing or doubled "/";
// - has no control character (U+0000-U+001F, U+007F, U+0080-U+009F) and no "*" or "%", which
//   are LIST wildcards (RFC 3501 6.3.8) and could not be listed exactly.
// The first component "INBOX" is case-insensitive (RFC 3501 5.1) and always spelt "INBOX", so
// "inbox/Reports" names the same mailbox as "INBOX/Reports".
//
//     auto name = normalize_mailbox_name("inbox/Báo cáo");   // "INBOX/Báo cáo"
//     if (!name) return Errc::Invalid;
//
// Keywords (RFC 3501 2.3.2, flag-keyword = atom) are ASCII atoms of 1 to kMaxKeywordBytes bytes
// not starting with "\"; they compare case-insensitively and keep the spelling first stored.

#include <optional>
#include <string>
#include <string_view>

namespace govmail::store {

inline constexpr char kHierarchyDelimiter = '/';
inline constexpr std::string_view kInbox = "INBOX";
// Leaves room in the 511-byte LMDB key for the account id and later renames under a parent.
inline constexpr std::size_t kMaxMailboxNameBytes = 400;
inline constexpr std::size_t kMaxKeywordBytes = 100;

// The name as stored (NFC, INBOX spelt "INBOX"), or std::nullopt when it is not a valid name.
std::optional<std::string> normalize_mailbox_name(std::string_view name);

// The same, throwing StoreException(Errc::Invalid) naming the problem.
std::string require_mailbox_name(std::string_view name);

// The name without its last component ("a/b/c" -> "a/b"); empty for a top-level name.
std::string_view parent_mailbox_name(std::string_view name);

bool valid_keyword(std::string_view keyword);

// ASCII case-insensitive comparison of two keywords.
bool same_keyword(std::string_view a, std::string_view b);

}  // namespace govmail::store
