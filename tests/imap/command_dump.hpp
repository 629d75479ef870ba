#pragma once
// A canonical one-line description of a parsed command, for table-driven parser tests and the
// parser-level transcripts: every field that was set, in a fixed order.
//
//     dump(Fetch{...}) == "FETCH uid set=1:* items=[FLAGS BODY[HEADER]/peek]"

#include "imap/command.hpp"

#include <string>

namespace govmail::imap::test {

std::string dump(const Command& command);

std::string dump(const SearchKey& key);

// A string as a test shows it: in double quotes, CR/LF/NUL/TAB escaped.
std::string quote(std::string_view text);

}  // namespace govmail::imap::test
