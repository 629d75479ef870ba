#include "directory/mail_storage.hpp"

namespace govmail::directory {

// TODO(directory): call the store's account provisioning (quota + default mailboxes) once
// store/ publishes it; the directory record is already written in the same transaction.
void provision_mail_storage(store::WriteScope&, Id, std::uint64_t) {}

// TODO(directory): the store's quota update, with provisioning.
void set_mail_quota(store::WriteScope&, Id, std::uint64_t) {}

// TODO(directory): the store's account purge (every mailbox and message of the account).
void purge_mail_storage(store::WriteScope&, Id) {}

}  // namespace govmail::directory
