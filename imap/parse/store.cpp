// STORE (RFC 9051 6.4.6; UNCHANGEDSINCE RFC 7162 3.1.3).

#include "imap/detail/parsers.hpp"

namespace govmail::imap::detail {

// store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags
// store-modifiers = SP "(" store-modifier *(SP store-modifier) ")"
// store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
Command parse_store(Reader& r, bool uid) {
    Store store;
    store.uid = uid;
    r.space();
    store.set = r.sequence_set(kCommandSet);
    r.space();
    if (r.take('(')) {
        do {
            if (!r.take_word("UNCHANGEDSINCE")) {
                r.fail_near("unknown STORE modifier");
                break;
            }
            r.space();
            store.unchanged_since = r.mod_seq(true);
        } while (r.ok() && r.take(' '));
        r.expect(')');
        r.space();
    }
    if (r.take('+')) {
        store.mode = StoreMode::Add;
    } else if (r.take('-')) {
        store.mode = StoreMode::Remove;
    }
    std::size_t start = r.position();
    std::string_view item = r.word();
    if (iequals(item, "FLAGS.SILENT")) {
        store.silent = true;
    } else if (!iequals(item, "FLAGS")) {
        r.rewind(start);
        r.fail_near("expected FLAGS, +FLAGS or -FLAGS");
    }
    r.space();
    if (r.peek() == '(') {
        store.flags = r.flag_list();
    } else {
        do {
            store.flags.push_back(r.flag());
        } while (r.ok() && r.take(' '));
    }
    return store;
}

}  // namespace govmail::imap::detail
