#include "core/password.hpp"

#include "core/net/offload.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <argon2.h>
#include <atomic>
#include <charconv>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace govmail::password {
namespace {

constexpr std::size_t kSaltLength = 16;
constexpr std::size_t kHashLength = 32;

void random_bytes(unsigned char* out, std::size_t n) {
    if (RAND_bytes(out, static_cast<int>(n)) != 1) {
        throw std::runtime_error("the random number generator failed");
    }
}

// Reads "name=<digits>" at the front of `text`, advancing it past the digits.
bool take_param(std::string_view& text, std::string_view name, std::uint32_t& value) {
    if (!text.starts_with(name) || text.size() <= name.size() || text[name.size()] != '=') {
        return false;
    }
    text.remove_prefix(name.size() + 1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc()) {
        return false;
    }
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return true;
}

}  // namespace

std::string hash(std::string_view password, const Params& params) {
    unsigned char salt[kSaltLength];
    random_bytes(salt, sizeof salt);
    std::string encoded(
        argon2_encodedlen(
            params.iterations,
            params.memory_kib,
            params.parallelism,
            kSaltLength,
            kHashLength,
            Argon2_id
        ),
        '\0'
    );
    int rc = argon2id_hash_encoded(
        params.iterations,
        params.memory_kib,
        params.parallelism,
        password.data(),
        password.size(),
        salt,
        sizeof salt,
        kHashLength,
        encoded.data(),
        encoded.size()
    );
    if (rc != ARGON2_OK) {
        throw std::runtime_error(std::string("argon2id: ") + argon2_error_message(rc));
    }
    encoded.resize(encoded.find('\0'));
    return encoded;
}

bool verify(std::string_view encoded, std::string_view password) noexcept {
    if (!encoded.starts_with("$argon2id$")) {
        return false;
    }
    try {
        std::string terminated(encoded);  // libargon2 wants a C string
        return argon2id_verify(terminated.c_str(), password.data(), password.size()) == ARGON2_OK;
    } catch (const std::bad_alloc&) {
        return false;
    }
}

bool needs_rehash(std::string_view encoded, const Params& params) {
    constexpr std::string_view kPrefix = "$argon2id$v=19$";
    if (!encoded.starts_with(kPrefix)) {
        return true;
    }
    encoded.remove_prefix(kPrefix.size());
    Params found;
    bool ok = take_param(encoded, "m", found.memory_kib) && encoded.starts_with(',');
    if (ok) {
        encoded.remove_prefix(1);
        ok = take_param(encoded, "t", found.iterations) && encoded.starts_with(',');
    }
    if (ok) {
        encoded.remove_prefix(1);
        ok = take_param(encoded, "p", found.parallelism) && encoded.starts_with('$');
    }
    return !ok || found.memory_kib != params.memory_kib || found.iterations != params.iterations ||
           found.parallelism != params.parallelism;
}

std::string random_password(std::size_t length) {
    constexpr std::string_view kLower = "abcdefghijkmnopqrstuvwxyz";
    constexpr std::string_view kUpper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    constexpr std::string_view kDigits = "23456789";
    static const std::string kAll =
        std::string(kLower) + std::string(kUpper) + std::string(kDigits);
    length = std::max<std::size_t>(length, 3);
    for (;;) {
        std::string out(length, '\0');
        // Rejection sampling keeps every character equally likely (no modulo bias).
        std::size_t filled = 0;
        while (filled < length) {
            unsigned char buffer[64];
            random_bytes(buffer, sizeof buffer);
            for (unsigned char b : buffer) {
                if (filled == length) {
                    break;
                }
                if (b < 256 - 256 % kAll.size()) {
                    out[filled++] = kAll[b % kAll.size()];
                }
            }
        }
        auto has = [&](std::string_view set) {
            return out.find_first_of(set) != std::string::npos;
        };
        if (has(kLower) && has(kUpper) && has(kDigits)) {
            return out;
        }
    }
}

Hasher::Hasher(const Params& params, unsigned threads)
    : params_(params)
    , threads_(std::max(threads, 1U))
    , dummy_(password::hash(random_password(24), params))
    , pool_(threads_) {}

Hasher::~Hasher() {
    pool_.join();
}

bool Hasher::verify(std::optional<std::string_view> encoded, std::string_view password) const {
    if (!encoded) {
        (void)password::verify(dummy_, password);
        return false;
    }
    return password::verify(*encoded, password);
}

net::asio::awaitable<bool> Hasher::async_verify(
    std::optional<std::string> encoded, std::string password
) {
    return net::offload<bool>(
        pool_,
        [this, encoded = std::move(encoded), password = std::move(password)] {
            return verify(
                encoded ? std::optional<std::string_view>(*encoded) : std::nullopt, password
            );
        }
    );
}

net::asio::awaitable<std::string> Hasher::async_hash(std::string password) {
    return net::offload<std::string>(pool_, [this, password = std::move(password)] {
        return hash(password);
    });
}

std::vector<std::string> Hasher::hash_all(
    std::span<const std::string> passwords, const std::function<void(std::size_t)>& progress
) {
    std::vector<std::string> out(passwords.size());
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto worker = [&] {
        for (std::size_t i = next++; i < passwords.size(); i = next++) {
            try {
                out[i] = hash(passwords[i]);
            } catch (...) {
                std::lock_guard lock(failure_mutex);
                failure = std::current_exception();
            }
            ++done;
        }
    };
    std::vector<std::jthread> helpers;
    for (unsigned t = 1; t < threads_; ++t) {
        helpers.emplace_back(worker);
    }
    // The calling thread works too, and reports progress between its own hashes.
    for (std::size_t i = next++; i < passwords.size(); i = next++) {
        try {
            out[i] = hash(passwords[i]);
        } catch (...) {
            std::lock_guard lock(failure_mutex);
            failure = std::current_exception();
        }
        ++done;
        if (progress) {
            progress(done.load());
        }
    }
    helpers.clear();
    if (progress) {
        progress(done.load());
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    return out;
}

}  // namespace govmail::password
