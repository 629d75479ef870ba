// EXPUNGE (RFC 9051 6.4.3) and UID EXPUNGE (RFC 4315 2.1): the removed messages are reported at
// once (EXPUNGE, or VANISHED after ENABLE QRESYNC, RFC 7162 3.2.7), with the new HIGHESTMODSEQ in
// the tagged OK when QRESYNC is on.

#include "imap/detail/session_state.hpp"

namespace govmail::imap {
namespace {

std::string highest_modseq_code(bool qresync, bool expunged_any, store::ModSeq highest) {
    if (!qresync || !expunged_any) {
        return {};
    }
    return "HIGHESTMODSEQ " + std::to_string(highest);
}

}  // namespace

asio::awaitable<void> Session::expunge_deleted(
    std::optional<std::vector<store::UidRange>> uids, const char* completed
) {
    Selected& s = selected();
    auto expunging = services_.store.expunge(s.id, std::move(uids));
    auto expunged = co_await std::move(expunging);
    if (!expunged) {
        throw failure(expunged.error(), Operation::Message);
    }
    if (!expunged->expunged.empty()) {
        selected().own_modseqs.push_back(expunged->highest_modseq);
        report_expunged(expunged->expunged);
    }
    complete(
        Condition::Ok,
        highest_modseq_code(qresync_, !expunged->expunged.empty(), expunged->highest_modseq),
        completed
    );
}

asio::awaitable<void> Session::cmd_expunge(TaggedCommand& /*command*/) {
    if (selected().read_only) {
        throw no("READ-ONLY", "Mailbox was opened with EXAMINE");
    }
    auto expunging = expunge_deleted(std::nullopt, "EXPUNGE completed");
    co_await std::move(expunging);
}

asio::awaitable<void> Session::cmd_uid_expunge(TaggedCommand& command) {
    auto& expunge = std::get<UidExpunge>(command.command);
    if (selected().read_only) {
        throw no("READ-ONLY", "Mailbox was opened with EXAMINE");
    }
    std::vector<store::UidRange> uids = resolve(expunge.uids, true);
    if (uids.empty()) {
        co_return;
    }
    auto expunging = expunge_deleted(std::move(uids), "UID EXPUNGE completed");
    co_await std::move(expunging);
}

}  // namespace govmail::imap
