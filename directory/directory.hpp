#pragma once
// The directory as the protocols see it: who a login is, where a recipient's mail goes, who may
// send as whom and to which group. SMTP, IMAP and the webmail call this and nothing else of
// directory/.
//
//     directory::Directory dir(context);                         // one per process
//     // IMAP LOGIN / SMTP AUTH, in a coroutine:
//     auto who = co_await dir.authenticate(user, std::move(pass), {peer_ip, Protocol::Imap});
//     if (!who) co_return no("[AUTHENTICATIONFAILED] Authentication failed.");  // one reply for
//     all
//     // SMTP RCPT TO:
//     auto rcpt = dir.resolve("vanthu.stttt@example.gov.vn");
//     if (!rcpt) reply(550, "5.1.1 no such user");       // else deliver to rcpt->accounts
//     // submission MAIL FROM / From:
//     if (!dir.may_send_as(who->id, from)) reply(550, "5.7.1 not your address");
//     if (!dir.may_send_to(who->id, from, rcpt_address)) reply(550, "5.7.1 restricted list");
//
// Reads are synchronous: each opens one short LMDB read transaction (store::Env::read), never
// suspends and never waits for the writer, so they are safe on I/O threads and cost
// microseconds. Addresses are matched case-insensitively; subaddresses are understood
// ("thanhnn.stttt+bao-cao@…" resolves like "thanhnn.stttt@…").
//
// authenticate() hashes on the password Hasher's own threads (an Argon2id verification costs
// tens of milliseconds; it never runs on an I/O thread) and records failures through the Writer
// without waiting for the commit, so that every refusal costs the same time.
//
// Thread-safety: every member may be called from any thread at the same time.

#include "core/events.hpp"
#include "core/net/asio.hpp"
#include "directory/context.hpp"
#include "directory/types.hpp"

#include <boost/asio/thread_pool.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::directory {

// What a session keeps about the logged-in account.
struct AccountInfo {
    Id id = 0;
    std::string address;  // primary address
    std::string name;     // the person's full name (for From: display names)
    Id unit = 0;
    Roles roles = kRoleUser;
    AccountState state = AccountState::Active;
    // The user must choose a new password (first password, or older than
    // policy.password_max_age): the webmail sends them to the password page; IMAP/SMTP still log
    // in (clients cannot change passwords) and the webmail nags.
    bool must_change_password = false;
    std::uint64_t quota = 0;  // bytes
};

struct Peer {
    std::string address;  // client IP, for the log
    events::Protocol protocol = events::Protocol::Imap;
};

// Where mail for one address goes.
struct Recipients {
    AddressKind kind = AddressKind::Account;  // what the address is
    Id id = 0;                                // account, group or unit id
    // The accounts to deliver to, sorted and unique. May be empty: a group with no members, a
    // unit with no clerk.
    std::vector<Id> accounts;
    // inboxes[i] is the INBOX mailbox id of accounts[i] (read in the same snapshot); 0 when the
    // account has no mail storage.
    std::vector<std::uint64_t> inboxes;
};

class Directory {
public:
    explicit Directory(Context& context);
    ~Directory();  // waits for failure bookkeeping in flight
    Directory(const Directory&) = delete;
    Directory& operator=(const Directory&) = delete;

    // Checks `login` (an account's address or one of its aliases) and `password`.
    // Refused — with the same nullopt, after the same hashing work — when the login is unknown,
    // the password is wrong, or the account is disabled or locked (a locked account may not log
    // in even with the right password). A wrong password increments the account's consecutive
    // failure counter and locks it at policy.lock_after_failures; a success resets the counter.
    // An account whose first password is still unchanged after policy.initial_password_max_age
    // is locked at its next attempt. Reasons go to the log (event "auth.refused"), never to the
    // client.
    net::asio::awaitable<std::optional<AccountInfo>> authenticate(
        std::string login, std::string password, Peer peer
    );

    // The same, hashing on the calling thread (tools, tests).
    std::optional<AccountInfo> authenticate_blocking(
        std::string_view login, std::string_view password, const Peer& peer
    );

    // The user's own password change: checks the old password like authenticate(), the new one
    // against policy.password_min_length, then stores it (must_change_password cleared).
    net::asio::awaitable<DirResult<void>> change_password(
        Id account, std::string old_password, std::string new_password
    );

    std::optional<AccountInfo> account(Id id) const;

    // The account an address or alias belongs to.
    std::optional<AccountInfo> find_account(std::string_view address) const;

    // Where mail to `address` goes: an account or alias (that account, whatever its state: a
    // locked or disabled account still receives mail), a group (its expansion), a unit's
    // official address (the unit's clerks; if none, its unit admins). nullopt: not a local
    // address (SMTP answers 550 5.1.1 for a hosted domain).
    std::optional<Recipients> resolve(std::string_view address) const;

    // True when the account may use `address` as envelope sender or From: its own address, one
    // of its aliases, or the official address of the unit it is a clerk of.
    bool may_send_as(Id account, std::string_view address) const;

    // True when a message submitted by `sender_account` (nullopt: not authenticated, e.g. mail
    // from another server) may go to `recipient`. Only groups restrict senders; any other address
    // is open. Policies: Anyone; Members (the sender's account is in the expansion); Senders
    // (the group's named senders); UnitClerks (clerks of the group's unit). Unauthenticated
    // senders pass only Anyone: an envelope sender claiming a local address proves nothing.
    bool may_send_to(std::optional<Id> sender_account, std::string_view recipient) const;

    // The unit the account belongs to now.
    std::optional<Unit> unit_of(Id account) const;

    // True when `domain` is one of the hosted domains (mail for it is local).
    bool is_local_domain(std::string_view domain) const;

    // Waits until failure bookkeeping of earlier authenticate() calls has committed (tests).
    void wait_for_bookkeeping_for_test();

private:
    // What authenticate() learns before hashing.
    struct Attempt {
        std::optional<Account> account;
        std::optional<std::string> hash;  // nullopt: verify the dummy
        std::string login;
    };

    enum class Outcome { Success, Failure, InitialPasswordExpired };

    Attempt prepare(std::string_view login) const;
    std::optional<AccountInfo> conclude(
        const Attempt& attempt, bool password_ok, std::string_view password, const Peer& peer
    );
    // Counts, resets or locks in the background (never delays the reply).
    void record_outcome(Id account, Outcome outcome);
    void rehash(Id account, std::string password);

    Context& context_;
    net::asio::thread_pool bookkeeping_{1};
};

}  // namespace govmail::directory
