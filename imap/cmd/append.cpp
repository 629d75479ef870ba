// APPEND (RFC 9051 6.3.12) with MULTIAPPEND (RFC 3502: several messages, all or none), flags and
// internal date, APPENDUID (RFC 4315 3), literal8 data (RFC 3516 4.4) and UTF8 (RFC 6855 4).
// Each message is parsed once here (mime::analyze), before the store's writer sees it; the OK is
// sent after the durable commit.

#include "imap/detail/session_state.hpp"
#include "mime/analyze.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_append(TaggedCommand& command) {
    auto& append = std::get<Append>(command.command);
    auto name = store::normalize_mailbox_name(append.mailbox);
    std::optional<store::MailboxId> target = name ? find_mailbox(*name) : std::nullopt;
    if (!target) {
        throw no("TRYCREATE", "Mailbox does not exist");
    }

    struct Prepared {
        store::PreparedMessage message;
        store::AppendOptions options;
    };

    std::vector<Prepared> messages;
    messages.reserve(append.messages.size());
    for (AppendMessage& message : append.messages) {
        if (message.utf8 && !utf8()) {
            // RFC 6855 4: the UTF8 data extension needs ENABLE UTF8=ACCEPT.
            throw bad("APPEND UTF8 requires ENABLE UTF8=ACCEPT");
        }
        if (message.data.empty()) {
            throw no("CANNOT", "Empty messages are not stored");
        }
        if (message.data.size() > config_.max_append_size) {
            throw no("TOOBIG", "Message larger than APPENDLIMIT");
        }
        detail::FlagSet flags = detail::split_flags(message.flags);
        store::AppendOptions options{.flags = flags.system, .keywords = std::move(flags.keywords)};
        if (message.internal_date) {
            options.internal_date = message.internal_date->to_sys_seconds();
        }
        std::string info = mime::analyze(message.data).serialize();
        messages.push_back(
            {store::PreparedMessage(std::move(message.data), std::move(info)), std::move(options)}
        );
    }
    const store::MailboxId mailbox = *target;
    auto writing = services_.store.write([&messages, mailbox](store::StoreWriter& w) {
        std::vector<store::Appended> appended;
        appended.reserve(messages.size());
        for (const Prepared& prepared : messages) {
            appended.push_back(w.append(mailbox, prepared.message, prepared.options));
        }
        return appended;
    });
    auto written = co_await std::move(writing);
    if (!written) {
        throw failure(written.error(), Operation::Append);
    }
    std::vector<store::Uid> uids;
    for (const store::Appended& appended : *written) {
        uids.push_back(appended.uid);
    }
    // RFC 4315 3: APPENDUID <uidvalidity> <uid-set> (MULTIAPPEND: all the new UIDs, in order).
    complete(
        Condition::Ok,
        "APPENDUID " + std::to_string(written->front().uidvalidity) + " " +
            format_number_list(uids),
        "APPEND completed"
    );
}

}  // namespace govmail::imap
