#pragma once
// The demo province's mail: a few days of ordinary provincial correspondence (an invitation to a
// meeting, a report with its spreadsheet attached and the reply to it, an incoming circular from
// a ministry, the week's schedule) between the demo logins, so that a newcomer who logs in finds
// Vietnamese mail to read, search, sort and answer, and the usage figures have something to count.
//
//     std::size_t messages = deliver_demo_mail(session.directory, summary.logins, now);
//
// Each message is analysed and stored as delivered mail: one blob, a copy in each recipient's
// INBOX and one in the sender's Sent (\Seen), all in one durable commit.

#include "directory/context.hpp"
#include "directory/demo.hpp"

#include <chrono>
#include <cstddef>
#include <span>

namespace govmail::cli {

// Messages delivered (each once, whatever its number of recipients). Throws CommandError when the
// store refuses the write.
std::size_t deliver_demo_mail(
    directory::Context& directory,
    std::span<const directory::DemoLogin> logins,
    std::chrono::system_clock::time_point now
);

}  // namespace govmail::cli
