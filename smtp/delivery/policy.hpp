#pragma once
// The sending policies of the delivery pipeline that need no store or directory: the external
// sending limit's window, what counts as automatic forwarding, and which domains are
// government ones. Pure, except SendLimiter, which is a thread-safe counter in memory.
//
//     SendLimiter limiter(250, std::chrono::minutes(10));
//     switch (limiter.take(account, now)) {
//         case SendLimiter::Verdict::Ok: ...                     // counted
//         case SendLimiter::Verdict::Exceeded: lock(account); ... // the first refusal: lock once
//         case SendLimiter::Verdict::Refused: ...                 // later refusals
//     }
//     bool forward = is_automatic_forward(header_block);
//     bool gov = is_government_domain("so-tttt.hanoi.gov.vn", {"gov.vn"});   // true

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace govmail::smtp {

// Counts the external recipients of each account in a sliding window. The counts live in memory
// only: a restart forgets them (the lock it caused, a directory record, stays).
class SendLimiter {
public:
    using Clock = std::chrono::steady_clock;

    enum class Verdict : std::uint8_t {
        Ok,        // within the limit: counted
        Exceeded,  // over the limit for the first time since the account was last under it
        Refused,   // still over the limit
    };

    // `limit` 0: no limit.
    SendLimiter(std::uint32_t limit, std::chrono::milliseconds window)
        : limit_(limit)
        , window_(window) {}

    Verdict take(std::uint64_t account, Clock::time_point now);

private:
    struct Account {
        std::deque<Clock::time_point> sent;
        bool exceeded = false;
    };

    std::uint32_t limit_;
    std::chrono::milliseconds window_;
    std::mutex mutex_;
    std::unordered_map<std::uint64_t, Account> accounts_;
};

// Automatic forwarding, as the policy [policy] allow_external_auto_forward means it: a message
// whose header says that it is someone else's message sent on without a person writing it:
//   - Auto-Submitted: auto-forwarded (the value forwarding rules and Sieve redirects set; any
//     Auto-Submitted value other than "no" that names forwarding);
//   - Resent-From, Resent-Sender or Resent-To fields (RFC 5322 3.6.6: a message reintroduced
//     into the transport, which is what "redirect" rules do);
//   - X-Forwarded-To / X-Forwarded-For (set by common providers' forwarding).
// Submissions through smtp/submission.hpp with automatic_forward set count too.
// `header` is the message's header block.
bool is_automatic_forward(std::string_view header);

// True when `domain` is one of `government` or below one ("hanoi.gov.vn" under "gov.vn").
bool is_government_domain(std::string_view domain, std::span<const std::string> government);

// RFC 3461 4: xtext encoding (for ORCPT values the pipeline makes).
std::string encode_xtext(std::string_view text);

}  // namespace govmail::smtp
