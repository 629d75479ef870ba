#pragma once
// The one place where the directory reaches into the mail store: an account's storage (quota and
// default mailboxes INBOX, Sent, Drafts, Trash, Junk, Archive) is created in the same write as
// its directory record, and deleted — with all its mail — in the same write as the record.
//
//     create_user(...) -> provision_mail_storage(scope, account.id, account.quota);
//
// Both run inside a directory write operation (Context::write), on the writer thread.

#include "directory/types.hpp"
#include "store/writer.hpp"

#include <cstdint>

namespace govmail::directory {

void provision_mail_storage(store::WriteScope& scope, Id account, std::uint64_t quota);

void set_mail_quota(store::WriteScope& scope, Id account, std::uint64_t quota);

void purge_mail_storage(store::WriteScope& scope, Id account);

}  // namespace govmail::directory
