// COPY (RFC 9051 6.4.7) and MOVE (RFC 6851, RFC 9051 6.4.8), UID variants too, with COPYUID
// (RFC 4315 3). The target must exist (TRYCREATE otherwise, RFC 9051 E.8). MOVE is atomic in the
// store; its COPYUID goes in an untagged OK before the expunges (RFC 6851 4.3).

#include "imap/detail/session_state.hpp"

namespace govmail::imap {
namespace {

std::string copyuid(const store::CopyResult& result) {
    std::vector<store::Uid> sources;
    std::vector<store::Uid> targets;
    for (const store::UidMapping& mapping : result.uids) {
        sources.push_back(mapping.source);
        targets.push_back(mapping.target);
    }
    return "COPYUID " + std::to_string(result.target_uidvalidity) + " " +
           format_number_list(sources) + " " + format_number_list(targets);
}

}  // namespace

asio::awaitable<void> Session::cmd_copy(TaggedCommand& command) {
    auto& copy = std::get<Copy>(command.command);
    std::vector<store::UidRange> uids = resolve(copy.set, copy.uid);
    auto name = store::normalize_mailbox_name(copy.mailbox);
    std::optional<store::MailboxId> target = name ? find_mailbox(*name) : std::nullopt;
    if (!target) {
        throw no("TRYCREATE", "Mailbox does not exist");
    }
    if (uids.empty()) {
        co_return;
    }
    auto copying = services_.store.copy(selected().id, std::move(uids), *target);
    auto copied = co_await std::move(copying);
    if (!copied) {
        throw failure(copied.error(), Operation::Target);
    }
    if (!copied->uids.empty()) {
        complete(Condition::Ok, copyuid(*copied), "COPY completed");
    }
}

asio::awaitable<void> Session::cmd_move(TaggedCommand& command) {
    auto& move = std::get<Move>(command.command);
    if (selected().read_only) {
        throw no("READ-ONLY", "Mailbox was opened with EXAMINE");
    }
    std::vector<store::UidRange> uids = resolve(move.set, move.uid);
    auto name = store::normalize_mailbox_name(move.mailbox);
    std::optional<store::MailboxId> target = name ? find_mailbox(*name) : std::nullopt;
    if (!target) {
        throw no("TRYCREATE", "Mailbox does not exist");
    }
    if (*target == selected().id) {
        throw no("CANNOT", "The messages are already in this mailbox");
    }
    if (uids.empty()) {
        co_return;
    }
    auto moving = services_.store.move(selected().id, std::move(uids), *target);
    auto moved = co_await std::move(moving);
    if (!moved) {
        throw failure(moved.error(), Operation::Target);
    }
    if (moved->copied.uids.empty()) {
        co_return;
    }
    untagged().status(Condition::Ok).code(copyuid(moved->copied)).end_code().text("Moved").end();
    std::vector<store::Uid> sources;
    for (const store::UidMapping& mapping : moved->copied.uids) {
        sources.push_back(mapping.source);
    }
    std::ranges::sort(sources);
    selected().own_modseqs.push_back(moved->source_modseq);
    // RFC 6851 4.1: the moved messages are expunged from the client's view now, even for MOVE
    // with message numbers (the command's own expunges).
    report_expunged(sources);
    if (qresync_) {
        complete(
            Condition::Ok, "HIGHESTMODSEQ " + std::to_string(moved->source_modseq), "MOVE completed"
        );
    }
}

}  // namespace govmail::imap
