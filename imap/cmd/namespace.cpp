// NAMESPACE (RFC 9051 6.3.10): one personal namespace, the root, with "/" as delimiter; no
// other users' or shared namespaces.

#include "imap/detail/session_state.hpp"

namespace govmail::imap {

asio::awaitable<void> Session::cmd_namespace(TaggedCommand& /*command*/) {
    Response response = untagged().atom("NAMESPACE").open().open();
    response.string("").string(std::string(1, kHierarchyDelimiter)).close().close();
    response.nil().nil().end();
    co_return;
}

}  // namespace govmail::imap
