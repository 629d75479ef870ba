#pragma once
// Store errors, as error codes in their own category (like Dovecot's mail_error): what a caller
// must act on, not a message. Each protocol maps them to replies in one place
// (smtp/errors.cpp, imap/errors.cpp).
//
// Inside write operations (which run on the writer thread) helpers throw StoreException; the
// writer catches it at the operation boundary and completes that operation with its code.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>

namespace govmail::store {

enum class Errc {
    NotFound = 1,  // no such mailbox, message, blob, account
    Exists,        // a mailbox (or record) with that name already exists
    NoPermission,  // the operation is not allowed on this object (e.g. deleting INBOX)
    OverQuota,     // the account's quota would be exceeded (temporary for delivery)
    TooBig,        // a value exceeds a hard limit
    Expunged,      // the message was expunged meanwhile
    Modified,      // UNCHANGEDSINCE failed: modified since the given MODSEQ
    InUse,         // the object is in use (e.g. a mailbox with children being deleted)
    Invalid,       // a malformed argument (bad mailbox name, ...)
    Temporary,     // a transient failure: map full, I/O error; retrying later may work
    Corrupted,     // a record failed to decode: the store needs `govmailctl check`
    NewerSchema,   // the data directory was written by a newer govmail
};

const boost::system::error_category& store_category() noexcept;

inline boost::system::error_code make_error_code(Errc e) noexcept {
    return {static_cast<int>(e), store_category()};
}

template <typename T>
using StoreResult = boost::system::result<T>;

class StoreException : public std::runtime_error {
public:
    StoreException(Errc code, const std::string& detail)
        : std::runtime_error(detail)
        , code_(code) {}

    Errc code() const { return code_; }

private:
    Errc code_;
};

// The map is full (MDB_MAP_FULL). The writer grows the map and retries; elsewhere it is
// Errc::Temporary like any StoreException.
class MapFull : public StoreException {
public:
    explicit MapFull(const std::string& detail)
        : StoreException(Errc::Temporary, detail) {}
};

}  // namespace govmail::store

template <>
struct boost::system::is_error_code_enum<govmail::store::Errc> : std::true_type {};
