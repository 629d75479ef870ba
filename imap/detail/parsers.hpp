#pragma once
// The argument parsers of each command, called by parse_command() with the reader positioned
// just after the command name (and "UID" for UID variants). Each consumes the whole argument
// text or fails; parse_command() checks that nothing is left.

#include "imap/command.hpp"
#include "imap/detail/reader.hpp"

namespace govmail::imap::detail {

// parse/auth.cpp
Command parse_login(Reader& r, bool uid);
Command parse_authenticate(Reader& r, bool uid);

// parse/mailbox.cpp
Command parse_select(Reader& r, bool uid);
Command parse_examine(Reader& r, bool uid);
Command parse_create(Reader& r, bool uid);
Command parse_delete(Reader& r, bool uid);
Command parse_rename(Reader& r, bool uid);
Command parse_subscribe(Reader& r, bool uid);
Command parse_unsubscribe(Reader& r, bool uid);
Command parse_status(Reader& r, bool uid);

// STATUS items and LIST RETURN (STATUS (...)): "(" status-att *(SP status-att) ")".
std::vector<StatusItem> parse_status_items(Reader& r);

// parse/list.cpp
Command parse_list(Reader& r, bool uid);
Command parse_lsub(Reader& r, bool uid);

// parse/append.cpp
Command parse_append(Reader& r, bool uid);

// parse/search.cpp
Command parse_search(Reader& r, bool uid);
Command parse_sort(Reader& r, bool uid);

// parse/fetch.cpp
Command parse_fetch(Reader& r, bool uid);

// parse/store.cpp
Command parse_store(Reader& r, bool uid);

// parse/copy_move.cpp
Command parse_copy(Reader& r, bool uid);
Command parse_move(Reader& r, bool uid);
Command parse_uid_expunge(Reader& r, bool uid);

// parse/misc.cpp
Command parse_id(Reader& r, bool uid);
Command parse_enable(Reader& r, bool uid);
Command parse_getquota(Reader& r, bool uid);
Command parse_getquotaroot(Reader& r, bool uid);
Command parse_setquota(Reader& r, bool uid);

}  // namespace govmail::imap::detail
