// ENABLE (RFC 5161, RFC 9051 6.3.1): CONDSTORE and QRESYNC (RFC 7162 3.1, 3.2.3), UTF8=ACCEPT
// (RFC 6855 3) and IMAP4rev2 (RFC 9051 appendix A). The ENABLED response lists what this command
// enabled; unknown names are ignored.

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_enable(TaggedCommand& command) {
    const auto& enable = std::get<Enable>(command.command);
    std::vector<std::string> enabled;
    for (const std::string& name : enable.capabilities) {
        bool* flag = nullptr;
        if (name == "CONDSTORE") {
            flag = &condstore_;
        } else if (name == "QRESYNC") {
            flag = &qresync_;
            condstore_ = true;  // RFC 7162 3.2.3: QRESYNC implies CONDSTORE
        } else if (name == "UTF8=ACCEPT") {
            flag = &utf8_accept_;
        } else if (name == "IMAP4REV2") {
            flag = &rev2_;
        }
        if (flag != nullptr && !*flag) {
            *flag = true;
            enabled.push_back(name == "IMAP4REV2" ? "IMAP4rev2" : name);
        }
    }
    Response response = untagged().atom("ENABLED");
    for (const std::string& name : enabled) {
        response.atom(name);
    }
    response.end();
    co_return;
}

}  // namespace govmail::imap
