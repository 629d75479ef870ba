#pragma once
// Activity events: how protocols report use of a mailbox without depending on reporting.
//
// SMTP, IMAP and the webmail call ActivitySink::record() when an account logs in, reads a
// message (\Seen set, or a body fetched without PEEK), sends or receives mail. usage/ implements
// the sink (counters in memory, flushed to LMDB every few seconds); tests and tools without usage
// recording pass NullActivitySink. Only metadata is reported, never content.
//
// record() must be cheap and must never block or fail: it is called on the hot path of every
// protocol, from any thread.

#include <chrono>
#include <cstdint>

namespace govmail::events {

enum class Protocol : std::uint8_t { Imap, Smtp, Webmail };

enum class Activity : std::uint8_t {
    Login,    // a successful authentication
    Read,     // messages marked \Seen by the user (count = how many)
    Send,     // messages submitted by the user (count = recipients outside the account)
    Receive,  // messages delivered to the account
};

struct ActivityEvent {
    std::uint64_t account_id = 0;
    Activity activity = Activity::Login;
    Protocol protocol = Protocol::Imap;
    std::uint32_t count = 1;
    std::chrono::system_clock::time_point at = std::chrono::system_clock::now();
};

class ActivitySink {
public:
    virtual ~ActivitySink() = default;
    virtual void record(const ActivityEvent& event) noexcept = 0;
};

class NullActivitySink final : public ActivitySink {
public:
    void record(const ActivityEvent&) noexcept override {}
};

}  // namespace govmail::events
