#pragma once
// Store errors as IMAP responses, in one place (STYLE 3): every command that calls the store
// turns a failure into the tagged NO (or BAD) with the response code of RFC 9051 7.1 / RFC 5530.
//
//     auto created = co_await store.create_mailbox(account, name);
//     if (!created) throw failure(created.error(), Operation::Create);
//     // -> "a1 NO [ALREADYEXISTS] Mailbox already exists"
//
// What the same store error means depends on the command: NotFound is NONEXISTENT for the
// mailbox a command works on, but TRYCREATE for the target of COPY, MOVE and APPEND (RFC 9051
// 6.3.12, 6.4.7); TooBig is TOOBIG for a message and LIMIT for the keyword table; InUse is
// HASCHILDREN for DELETE. Details of server faults go to the log, never to the client.

#include "imap/response.hpp"

#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>

namespace govmail::imap {

// The command a store call served, which decides how its errors read.
enum class Operation : std::uint8_t {
    Select,   // SELECT, EXAMINE, STATUS, GETQUOTAROOT: the named mailbox must exist
    Create,   // CREATE
    Delete,   // DELETE
    Rename,   // RENAME
    Target,   // the destination of APPEND, COPY, MOVE
    Append,   // storing an APPENDed message
    Flags,    // STORE, and \Seen set by FETCH
    Message,  // other operations on the selected mailbox (EXPUNGE, COPY, MOVE sources)
    Other,
};

// A tagged completion other than OK, thrown by command handlers and written by the session:
// "<tag> <condition> [<code>] <text>".
struct SessionError {
    Condition condition = Condition::No;
    std::string code;  // response code without brackets, may carry arguments ("BADCHARSET (..)")
    std::string text;
};

// The response for a store error code (store::Errc) raised by `operation`. Unknown codes and
// server faults give NO [SERVERBUG] or NO [UNAVAILABLE].
SessionError failure(const boost::system::error_code& error, Operation operation);

// Shorthands for handlers.
inline SessionError bad(std::string text) {
    return {Condition::Bad, "", std::move(text)};
}

inline SessionError no(std::string_view code, std::string text) {
    return {Condition::No, std::string(code), std::move(text)};
}

}  // namespace govmail::imap
