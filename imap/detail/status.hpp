#pragma once
// The STATUS response, shared by STATUS and LIST ... RETURN (STATUS (...)) (RFC 5819).

#include "imap/command.hpp"
#include "imap/response.hpp"
#include "store/types.hpp"

#include <span>
#include <string_view>

namespace govmail::imap::detail {

// "* STATUS <name> (<item> <value> ...)" for `record`, items in the order asked.
void write_status(
    Response& response,
    std::string_view name,
    const store::MailboxRecord& record,
    std::span<const StatusItem> items,
    std::uint64_t append_limit
);

}  // namespace govmail::imap::detail
