// LIST (RFC 9051 6.3.9; LIST-EXTENDED RFC 5258 3; LIST-STATUS RFC 5819; SPECIAL-USE RFC 6154)
// and LSUB (RFC 3501 6.3.9).

#include "imap/detail/parsers.hpp"

namespace govmail::imap::detail {
namespace {

// list-select-opts = "(" [list-select-opt *(SP list-select-opt)] ")"
void parse_selection_options(Reader& r, List& list) {
    r.expect('(');
    if (r.take(')')) {
        return;
    }
    do {
        std::size_t start = r.position();
        std::string_view option = r.word();
        if (iequals(option, "SUBSCRIBED")) {
            list.select_subscribed = true;
        } else if (iequals(option, "REMOTE")) {
            list.select_remote = true;
        } else if (iequals(option, "RECURSIVEMATCH")) {
            list.select_recursive_match = true;
        } else if (iequals(option, "SPECIAL-USE")) {
            list.select_special_use = true;
        } else {
            r.rewind(start);
            r.fail_near("unknown selection option");
        }
    } while (r.ok() && r.take(' '));
    r.expect(')');
    // RFC 5258 3.1: RECURSIVEMATCH alone (or with only REMOTE) is BAD.
    if (r.ok() && list.select_recursive_match && !list.select_subscribed &&
        !list.select_special_use) {
        r.fail("RECURSIVEMATCH needs another selection option");
    }
}

// list-return-opts = "RETURN" SP "(" [return-option *(SP return-option)] ")"
void parse_return_options(Reader& r, List& list) {
    if (!r.take_word("RETURN")) {
        r.fail_near("expected RETURN");
        return;
    }
    r.space();
    r.expect('(');
    if (r.take(')')) {
        return;
    }
    do {
        std::size_t start = r.position();
        std::string_view option = r.word();
        if (iequals(option, "SUBSCRIBED")) {
            list.return_subscribed = true;
        } else if (iequals(option, "CHILDREN")) {
            list.return_children = true;
        } else if (iequals(option, "SPECIAL-USE")) {
            list.return_special_use = true;
        } else if (iequals(option, "STATUS")) {
            // RFC 5819 6: "STATUS" SP "(" status-att *(SP status-att) ")"
            r.space();
            list.return_status = parse_status_items(r);
        } else {
            r.rewind(start);
            r.fail_near("unknown return option");
        }
    } while (r.ok() && r.take(' '));
    r.expect(')');
}

}  // namespace

Command parse_list(Reader& r, bool /*uid*/) {
    List list;
    r.space();
    if (r.peek() == '(') {
        list.extended = true;
        parse_selection_options(r, list);
        r.space();
    }
    list.reference = r.mailbox();
    r.space();
    if (r.take('(')) {
        // RFC 5258 3: patterns = "(" list-mailbox *(SP list-mailbox) ")"
        list.extended = true;
        do {
            list.patterns.push_back(r.list_mailbox());
        } while (r.ok() && r.take(' '));
        r.expect(')');
    } else {
        list.patterns.push_back(r.list_mailbox());
    }
    if (r.take(' ')) {
        list.extended = true;
        parse_return_options(r, list);
    }
    return list;
}

Command parse_lsub(Reader& r, bool /*uid*/) {
    Lsub lsub;
    r.space();
    lsub.reference = r.mailbox();
    r.space();
    lsub.pattern = r.list_mailbox();
    return lsub;
}

}  // namespace govmail::imap::detail
