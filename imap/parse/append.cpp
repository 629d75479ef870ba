// APPEND (RFC 9051 6.3.12) with MULTIAPPEND (RFC 3502 6), binary literals (RFC 3516 4.4) and
// UTF8 data (RFC 6855 4).

#include "imap/detail/parsers.hpp"

namespace govmail::imap::detail {

// append = "APPEND" SP mailbox 1*append-message
// append-message = append-opts SP append-data
// append-opts = [SP flag-list] [SP date-time]
// append-data = literal / literal8 / "UTF8" SP "(" literal8 ")"
Command parse_append(Reader& r, bool /*uid*/) {
    Append append;
    r.space();
    append.mailbox = r.mailbox();
    do {
        AppendMessage message;
        r.space();
        if (r.peek() == '(') {
            message.flags = r.flag_list();
            r.space();
        }
        if (r.peek() == '"') {
            message.internal_date = r.date_time();
            r.space();
        }
        if (r.at_literal()) {
            message.data = r.literal(true, message.binary);
        } else if (r.take_word("UTF8")) {
            message.utf8 = true;
            r.space();
            r.expect('(');
            if (!r.at_literal()) {
                r.fail_near("expected literal after UTF8 (");
            }
            message.data = r.literal(true, message.binary);
            r.expect(')');
        } else {
            r.fail_near("expected message literal");
        }
        append.messages.push_back(std::move(message));
    } while (r.ok() && !r.at_end());
    return append;
}

}  // namespace govmail::imap::detail
