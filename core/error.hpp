#pragma once
// Failures that end up in front of a person (an administrator reading a log line or a command's
// output) are carried as Error: one line saying what failed and why.
//
//     Result<Config> load(...);             // a Config, or an Error
//     if (!loaded) print(loaded.error().message);
//     return Error{"cannot open " + path + ": " + reason};
//
// Protocol and store errors that code must act on use error codes per domain instead
// (store/error.hpp, ...), mapped to replies in one place per protocol.

#include <boost/system/result.hpp>

#include <string>

namespace govmail {

struct Error {
    std::string message;
};

template <typename T = void>
using Result = boost::system::result<T, Error>;

// Lets Result<T>::value() throw std::runtime_error(message).
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& loc);

}  // namespace govmail
