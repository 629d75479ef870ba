#pragma once
// Password hashing: Argon2id (RFC 9106, libargon2) in the PHC string format, e.g.
//
//     $argon2id$v=19$m=19456,t=2,p=1$<salt, base64>$<hash, base64>
//
// The parameters travel inside each stored string, so raising them in the configuration only
// changes new hashes; needs_rehash() tells a login that the stored hash should be replaced.
// Defaults follow the OWASP password storage guidance for Argon2id (m = 19 MiB, t = 2, p = 1),
// about 22 ms per hash on the reference machine.
//
//     password::Params params;                                   // or from [directory] argon2_*
//     std::string phc = password::hash("correct horse", params);
//     password::verify(phc, "correct horse");                    // true
//
// One hash costs tens of milliseconds of CPU and 19 MiB of memory, so it must never run on an
// io_context thread or serially on the store's writer thread. Hasher owns a small dedicated thread
// pool for that:
//
//     password::Hasher hasher(params, 2);
//     bool ok = co_await hasher.async_verify(stored_or_nullopt, std::move(typed));  // on the pool
//     std::vector<std::string> phcs = hasher.hash_all(initial_passwords);         // bulk import
//
// Timing: verify() compares in constant time (libargon2's argon2_compare). Hasher::verify with no
// stored hash verifies against a dummy hash made with the same parameters and returns false, so
// "no such user" costs the same as "wrong password" and a client cannot probe for accounts.

#include "core/net/asio.hpp"

#include <boost/asio/thread_pool.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::password {

struct Params {
    std::uint32_t memory_kib = 19 * 1024;  // m, in KiB
    std::uint32_t iterations = 2;          // t
    std::uint32_t parallelism = 1;         // p (lanes)
};

// A PHC string of `password` under `params` with a fresh 16-byte random salt and a 32-byte hash.
// Throws std::runtime_error only if libargon2 fails (memory allocation).
[[nodiscard]] std::string hash(std::string_view password, const Params& params);

// True when `password` matches the PHC string `encoded`. A malformed `encoded` (or a non-Argon2id
// one) is simply false. Never throws.
[[nodiscard]] bool verify(std::string_view encoded, std::string_view password) noexcept;

// True when `encoded` was not made with exactly `params` (or is not an Argon2id PHC string).
[[nodiscard]] bool needs_rehash(std::string_view encoded, const Params& params);

// A random password of `length` characters from an alphabet without look-alikes (no 0/O, 1/l/I),
// with at least one lower case letter, one upper case letter and one digit: what an officer
// receives on paper and types once before choosing their own. Uses the OpenSSL CSPRNG.
[[nodiscard]] std::string random_password(std::size_t length = 12);

class Hasher {
public:
    // Starts `threads` (at least 1) worker threads and makes the dummy hash.
    Hasher(const Params& params, unsigned threads);
    ~Hasher();  // waits for work in progress
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;

    const Params& params() const { return params_; }

    // Verifies on the calling thread. `encoded` == std::nullopt (unknown user, or an account that
    // must be refused anyway) verifies the dummy hash and returns false: same work, same time.
    [[nodiscard]] bool verify(std::optional<std::string_view> encoded, std::string_view password)
        const;

    // The same on the pool; completes on the awaiting coroutine's executor.
    net::asio::awaitable<bool> async_verify(
        std::optional<std::string> encoded, std::string password
    );

    [[nodiscard]] std::string hash(std::string_view password) const {
        return password::hash(password, params_);
    }

    net::asio::awaitable<std::string> async_hash(std::string password);

    // Hashes every password on `threads` threads (the calling one and threads - 1 helpers);
    // result[i] is the hash of passwords[i]. For bulk provisioning: 10,000 hashes on 2 cores take
    // ~110 s serially at the default cost and half that in parallel, before the one write
    // transaction. `progress`, when set, is called on the calling thread with the count done so
    // far.
    [[nodiscard]] std::vector<std::string> hash_all(
        std::span<const std::string> passwords,
        const std::function<void(std::size_t)>& progress = {}
    );

private:
    Params params_;
    unsigned threads_;
    std::string dummy_;
    boost::asio::thread_pool pool_;
};

}  // namespace govmail::password
