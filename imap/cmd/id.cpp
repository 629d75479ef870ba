// ID (RFC 2971): the client's identification goes to the log (which mail clients staff use is
// worth knowing); the server names itself.

#include "core/log.hpp"
#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_id(TaggedCommand& command) {
    const auto& id = std::get<Id>(command.command);
    std::string client;
    for (const IdField& field : id.fields) {
        if (field.value &&
            (detail::iequals(field.name, "NAME") || detail::iequals(field.name, "VERSION") ||
             detail::iequals(field.name, "OS"))) {
            client += (client.empty() ? "" : " ") + *field.value;
        }
    }
    if (!client.empty()) {
        log::info("imap.client", {{"conn", client_.connection}, {"id", client}});
    }
    Response response = untagged().atom("ID").open();
    response.string("name").string("govmail").string("vendor").string("govmail");
    response.close().end();
    co_return;
}

}  // namespace govmail::imap
