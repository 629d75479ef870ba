#pragma once
// Directory errors: a code that callers act on (the CLI's exit status, the admin pages' HTTP
// status) and one line of text for the person who asked ("unit 000.00.15.H29 has 3 members;
// use --recursive").
//
//     DirResult<Unit> added = dir.add_unit(spec);
//     if (!added) { fail(added.error().message); }          // added.error().code == Errc::Exists
//
// Write operations run on the store's writer thread; inside them helpers throw DirectoryException,
// which the operation wrapper (directory/directory.cpp) catches after aborting the operation's
// own child transaction, so a refused operation leaves no trace.

#include "store/error.hpp"

#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>

namespace govmail::directory {

enum class Errc {
    NotFound = 1,  // no such unit, person, account, group or address
    Exists,        // the code, employee id or address is already in use (or was once issued)
    Invalid,       // a malformed argument: empty name, bad address, unknown kind, cycle
    InUse,         // a unit with members or sub-units; a group still referenced
    Temporary,     // the store failed for a reason that may pass (map full, I/O)
    Corrupted,     // a record failed to decode
};

struct Error {
    Errc code = Errc::Invalid;
    std::string message;
};

template <typename T = void>
using DirResult = boost::system::result<T, Error>;

// Lets DirResult<T>::value() throw DirectoryException.
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& loc);

class DirectoryException : public std::runtime_error {
public:
    DirectoryException(Errc code, const std::string& message)
        : std::runtime_error(message)
        , code_(code) {}

    Errc code() const { return code_; }

    Error error() const { return {code_, what()}; }

private:
    Errc code_;
};

[[noreturn]] inline void fail(Errc code, const std::string& message) {
    throw DirectoryException(code, message);
}

// A store error code as a directory error ("store: map full" -> Temporary).
Error from_store(boost::system::error_code ec);

const char* to_string(Errc code);

}  // namespace govmail::directory
