// ID (RFC 2971 3.3), ENABLE (RFC 5161 3.1) and QUOTA (RFC 9208 4.1-4.3).

#include "imap/detail/parsers.hpp"

namespace govmail::imap::detail {
namespace {

// RFC 2971 3.3: at most 30 pairs, field names up to 30 octets, values up to 1024.
constexpr std::size_t kMaxIdFields = 30;
constexpr std::size_t kMaxIdName = 30;
constexpr std::size_t kMaxIdValue = 1024;

}  // namespace

// id = "ID" SP id-params-list
// id-params-list = "(" *(string SP nstring) ")" / nil
Command parse_id(Reader& r, bool /*uid*/) {
    Id id;
    r.space();
    if (r.take_word("NIL")) {
        return id;
    }
    r.expect('(');
    if (r.take(')')) {
        return id;
    }
    do {
        IdField field;
        field.name = r.string("field name");
        r.space();
        field.value = r.nstring("field value");
        if (!r.ok()) {
            break;
        }
        if (id.fields.size() == kMaxIdFields) {
            r.fail("more than 30 fields");
        } else if (field.name.size() > kMaxIdName) {
            r.fail("field name longer than 30 octets");
        } else if (field.value && field.value->size() > kMaxIdValue) {
            r.fail("field value longer than 1024 octets");
        }
        id.fields.push_back(std::move(field));
    } while (r.ok() && r.take(' '));
    r.expect(')');
    return id;
}

// enable = "ENABLE" 1*(SP capability)
Command parse_enable(Reader& r, bool /*uid*/) {
    Enable enable;
    r.space();
    do {
        enable.capabilities.push_back(to_upper(r.atom("capability")));
    } while (r.ok() && r.take(' '));
    return enable;
}

// getquota = "GETQUOTA" SP quota-root-name
Command parse_getquota(Reader& r, bool /*uid*/) {
    r.space();
    return GetQuota{r.astring("quota root")};
}

// getquotaroot = "GETQUOTAROOT" SP mailbox
Command parse_getquotaroot(Reader& r, bool /*uid*/) {
    r.space();
    return GetQuotaRoot{r.mailbox()};
}

// setquota = "SETQUOTA" SP quota-root-name SP setquota-list
// setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"
// setquota-resource = resource-name SP resource-limit
Command parse_setquota(Reader& r, bool /*uid*/) {
    SetQuota set;
    r.space();
    set.root = r.astring("quota root");
    r.space();
    r.expect('(');
    if (r.take(')')) {
        return set;
    }
    do {
        QuotaLimit limit;
        limit.resource = to_upper(r.atom("resource name"));
        r.space();
        limit.limit = r.number64("resource limit");
        set.limits.push_back(std::move(limit));
    } while (r.ok() && r.take(' '));
    r.expect(')');
    return set;
}

}  // namespace govmail::imap::detail
