#pragma once
// The private state of imap::Session, shared by session.cpp and the command handlers in cmd/.
// Not part of the public interface.

#include "imap/detail/chars.hpp"
#include "imap/detail/reader.hpp"
#include "imap/message_map.hpp"
#include "imap/session.hpp"
#include "store/names.hpp"
#include "store/types.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace govmail::imap {

// The States a command may run in, as bits.
inline constexpr std::uint8_t kNotAuthenticated = 1;
inline constexpr std::uint8_t kAuthenticated = 2;
inline constexpr std::uint8_t kSelected = 4;
inline constexpr std::uint8_t kAnyState = kNotAuthenticated | kAuthenticated | kSelected;
inline constexpr std::uint8_t kLoggedIn = kAuthenticated | kSelected;

// CommandSpec::flags
inline constexpr std::uint8_t kUsesSeqs = 1;  // without UID, names messages by number
inline constexpr std::uint8_t kEnablesCondstore = 2;

struct Session::CommandSpec {
    std::string_view name;  // for "<NAME> completed" and the log
    Handler handler;
    std::uint8_t states;  // kNotAuthenticated | kAuthenticated | kSelected
    std::uint8_t flags;
};

struct Session::Account {
    std::uint64_t id = 0;
    std::string address;
    AccountConnections::Slot slot;
};

// The selected mailbox (RFC 9051 3.3). Flags and MODSEQs are not cached: they are read from the
// store when a command needs them.
struct Session::Selected {
    store::MailboxId id = 0;
    std::string name;
    bool read_only = false;
    store::Uid uidvalidity = 0;
    store::Uid uidnext = 1;
    // The highest UID the client has been told about (EXISTS); newer messages are reported.
    store::Uid last_uid = 0;
    // Changes up to this MODSEQ have been reported (or were this session's own).
    store::ModSeq known_modseq = 0;
    std::size_t keyword_count = 0;
    MessageMap map;
    // Expunged in the store, not yet reported: they keep their numbers until a command that
    // allows EXPUNGE responses (RFC 9051 7.5.1). Ascending.
    std::vector<store::Uid> pending_expunge;
    // Messages \Recent for this session (RFC 3501 2.3.2), as claimed from the store.
    std::vector<store::UidRange> recent;
    // MODSEQs of this session's own changes since known_modseq: not reported back to it.
    std::vector<store::ModSeq> own_modseqs;
    // SEARCHRES "$" (RFC 5182): UIDs of the last SEARCH ... RETURN (SAVE).
    NumberSet saved;
};

namespace detail {

// System flags and keywords from a flag list as parsed ("\Seen", "$Forwarded").
struct FlagSet {
    store::SystemFlags system = 0;
    std::vector<std::string> keywords;
};

FlagSet split_flags(std::span<const std::string> flags);

// "\Seen \Answered \Flagged \Deleted \Draft": the system flags of RFC 9051 2.3.2.
std::vector<std::string> system_flag_names(store::SystemFlags flags);

// The number of set bits (messages that changed, ...).
std::uint32_t count(std::span<const store::UidRange> ranges);

// UID ranges (ascending, merged) of sorted `uids`.
std::vector<store::UidRange> to_ranges(std::span<const store::Uid> uids);

// True when a SEARCH key names messages by sequence number (RFC 7162 3.2.10: UID SEARCH with
// such a key must not see EXPUNGE/VANISHED responses either).
bool uses_sequence_numbers(const SearchKey& key);

}  // namespace detail
}  // namespace govmail::imap
