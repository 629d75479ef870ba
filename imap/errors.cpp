#include "imap/errors.hpp"

#include "store/error.hpp"

namespace govmail::imap {

SessionError failure(const boost::system::error_code& error, Operation operation) {
    if (error.category() != store::store_category()) {
        return no("SERVERBUG", "Internal error, see the server log");
    }
    switch (static_cast<store::Errc>(error.value())) {
        case store::Errc::NotFound:
            // RFC 9051 6.3.12, 6.4.7: TRYCREATE tells the client to CREATE the target first.
            if (operation == Operation::Target) {
                return no("TRYCREATE", "Mailbox does not exist");
            }
            return no("NONEXISTENT", "Mailbox does not exist");
        case store::Errc::Exists:
            return no("ALREADYEXISTS", "Mailbox already exists");
        case store::Errc::NoPermission:
            if (operation == Operation::Delete) {
                return no("NOPERM", "INBOX cannot be deleted");
            }
            return no("NOPERM", "Not permitted");
        case store::Errc::OverQuota:
            return no("OVERQUOTA", "Quota exceeded");
        case store::Errc::TooBig:
            if (operation == Operation::Flags) {
                return no("LIMIT", "Too many keywords in this mailbox");
            }
            if (operation == Operation::Append) {
                return no("TOOBIG", "Message too large");
            }
            return no("LIMIT", "Too many messages or names");
        case store::Errc::Expunged:
            return no("EXPUNGEISSUED", "Some of the messages no longer exist");
        case store::Errc::Modified:
            return no("MODIFIED", "Modified meanwhile");
        case store::Errc::InUse:
            // RFC 9051 7.1: HASCHILDREN for a mailbox that keeps its children.
            if (operation == Operation::Delete) {
                return no("HASCHILDREN", "Delete the mailboxes inside it first");
            }
            return no("INUSE", "Mailbox in use, try again");
        case store::Errc::Invalid:
            if (operation == Operation::Flags) {
                return bad("Invalid keyword");
            }
            if (operation == Operation::Rename) {
                return no("CANNOT", "Invalid new name (a mailbox cannot move inside itself)");
            }
            return no("CANNOT", "Invalid mailbox name");
        case store::Errc::Temporary:
            return no("UNAVAILABLE", "Temporary failure, try again later");
        case store::Errc::Corrupted:
        case store::Errc::NewerSchema:
            break;
    }
    return no("SERVERBUG", "Internal error, see the server log");
}

}  // namespace govmail::imap
