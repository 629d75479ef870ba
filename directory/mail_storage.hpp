#pragma once
// The one place where the directory reaches into the mail store: an account's storage (quota and
// the default mailboxes INBOX, Sent, Drafts, Trash, Junk, Archive) is created in the same write
// as its directory record, and deleted — with all its mail — in the same write as the record.
//
//     create_user(...) -> provision_mail_storage(scope, context.mail_store, account.id, quota);
//
// All run inside a directory write operation (Context::write), on the writer thread, and throw
// store::StoreException on failure, which rolls the whole operation back.

#include "directory/types.hpp"
#include "store/store.hpp"

#include <cstdint>

namespace govmail::directory {

void provision_mail_storage(
    store::WriteScope& scope, store::MailStore& store, Id account, std::uint64_t quota
);

void set_mail_quota(
    store::WriteScope& scope, store::MailStore& store, Id account, std::uint64_t quota
);

// Removes every mailbox and message of the account. An account without storage (made before
// provisioning existed) is fine.
void purge_mail_storage(store::WriteScope& scope, store::MailStore& store, Id account);

}  // namespace govmail::directory
