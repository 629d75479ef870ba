#include "directory/mail_storage.hpp"

#include "store/operations.hpp"

namespace govmail::directory {

void provision_mail_storage(
    store::WriteScope& scope, store::MailStore& store, Id account, std::uint64_t quota
) {
    store::StoreWriter writer(scope, store.schema(), store.settings());
    writer.provision_account(account, quota);
}

void set_mail_quota(
    store::WriteScope& scope, store::MailStore& store, Id account, std::uint64_t quota
) {
    store::StoreWriter writer(scope, store.schema(), store.settings());
    writer.provision_account(account, quota);  // no-op when present; then the new quota
    writer.set_quota(account, quota);
}

void purge_mail_storage(store::WriteScope& scope, store::MailStore& store, Id account) {
    store::StoreWriter writer(scope, store.schema(), store.settings());
    if (writer.reader().account(account)) {
        writer.remove_account(account);
    }
}

}  // namespace govmail::directory
