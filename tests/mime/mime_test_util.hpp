#pragma once
// Helpers shared by the mime tests: the corpus, a resolver from IMAP section specifiers to
// bytes, structural invariants every analysis must satisfy, and an IMAP syntax checker for the
// FETCH strings.

#include "mime/message_info.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::mime::test {

std::filesystem::path corpus_dir();

// The bytes of tests/mime/corpus/<name>.
std::string load_corpus(const std::string& name);

// Every *.eml file name in the corpus, sorted.
std::vector<std::string> corpus_files();

// What an IMAP server sends for BODY[<spec>]: "HEADER", "TEXT", "", "2", "2.MIME", "2.HEADER",
// "2.TEXT" (HEADER/TEXT only on message/rfc822 parts). Fails the test for an unknown spec.
std::string_view fetch(std::string_view raw, const MessageInfo& info, const std::string& spec);

// Adds a gtest failure for every broken invariant: ranges inside the message, headers directly
// followed by their bodies, children inside their parents, siblings in order without overlap,
// line counts and decoded sizes matching the bytes, sections well formed.
void expect_consistent(std::string_view raw, const MessageInfo& info);

// Empty when `s` is one well-formed IMAP parenthesised list made of NIL, numbers, quoted
// strings and literals (RFC 3501 9); otherwise what is wrong with it.
std::string imap_syntax_error(std::string_view s);

}  // namespace govmail::mime::test
