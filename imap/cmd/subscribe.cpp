// SUBSCRIBE and UNSUBSCRIBE (RFC 9051 6.3.7, 6.3.8). Names need not exist (a subscription
// survives the mailbox's deletion); unsubscribing a name that was not subscribed is not an error.

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_subscribe(TaggedCommand& command) {
    auto& subscribe = std::get<Subscribe>(command.command);
    auto subscribing = services_.store.subscribe(account_id(), normalize_name(subscribe.mailbox));
    auto done = co_await std::move(subscribing);
    if (!done) {
        throw failure(done.error(), Operation::Other);
    }
}

asio::awaitable<void> Session::cmd_unsubscribe(TaggedCommand& command) {
    auto& unsubscribe = std::get<Unsubscribe>(command.command);
    auto unsubscribing =
        services_.store.unsubscribe(account_id(), normalize_name(unsubscribe.mailbox));
    auto done = co_await std::move(unsubscribing);
    if (!done) {
        throw failure(done.error(), Operation::Other);
    }
}

}  // namespace govmail::imap
