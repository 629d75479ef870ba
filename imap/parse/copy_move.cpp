// COPY (RFC 9051 6.4.7), MOVE (RFC 6851 3.1) and UID EXPUNGE (RFC 4315 2.1).

#include "imap/detail/parsers.hpp"

namespace govmail::imap::detail {

Command parse_copy(Reader& r, bool uid) {
    Copy copy;
    copy.uid = uid;
    r.space();
    copy.set = r.sequence_set(kCommandSet);
    r.space();
    copy.mailbox = r.mailbox();
    return copy;
}

Command parse_move(Reader& r, bool uid) {
    Move move;
    move.uid = uid;
    r.space();
    move.set = r.sequence_set(kCommandSet);
    r.space();
    move.mailbox = r.mailbox();
    return move;
}

Command parse_uid_expunge(Reader& r, bool /*uid*/) {
    r.space();
    return UidExpunge{r.sequence_set(kCommandSet)};
}

}  // namespace govmail::imap::detail
