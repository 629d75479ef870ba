#include "core/password.hpp"

#include "tests/directory/fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace govmail::directory {
namespace {

TEST(Password, HashIsPhcAndVerifies) {
    std::string phc = password::hash("mật khẩu", test::kCheap);
    EXPECT_TRUE(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$")) << phc;
    EXPECT_TRUE(password::verify(phc, "mật khẩu"));
    EXPECT_FALSE(password::verify(phc, "mat khau"));
    EXPECT_FALSE(password::verify(phc, ""));
    EXPECT_NE(password::hash("mật khẩu", test::kCheap), phc);  // fresh salt each time
    EXPECT_FALSE(password::verify("", "x"));
    EXPECT_FALSE(password::verify("$argon2id$garbage", "x"));
    EXPECT_FALSE(password::verify("$2y$10$bcrypt", "x"));
}

TEST(Password, NeedsRehashWhenParametersChange) {
    std::string phc = password::hash("x", test::kCheap);
    EXPECT_FALSE(password::needs_rehash(phc, test::kCheap));
    EXPECT_TRUE(password::needs_rehash(phc, {.memory_kib = 128, .iterations = 1, .parallelism = 1})
    );
    EXPECT_TRUE(password::needs_rehash("$argon2i$v=19$m=64,t=1,p=1$a$b", test::kCheap));
    EXPECT_TRUE(password::needs_rehash("", test::kCheap));
}

TEST(Password, OwaspDefaults) {
    password::Params defaults;
    EXPECT_EQ(defaults.memory_kib, 19U * 1024);
    EXPECT_EQ(defaults.iterations, 2U);
    EXPECT_EQ(defaults.parallelism, 1U);
}

TEST(Password, RandomPasswordsAreMixedAndDistinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        std::string p = password::random_password(12);
        ASSERT_EQ(p.size(), 12U);
        EXPECT_TRUE(std::ranges::any_of(p, [](char c) { return c >= 'a' && c <= 'z'; }));
        EXPECT_TRUE(std::ranges::any_of(p, [](char c) { return c >= 'A' && c <= 'Z'; }));
        EXPECT_TRUE(std::ranges::any_of(p, [](char c) { return c >= '2' && c <= '9'; }));
        EXPECT_EQ(p.find_first_of("0O1lI"), std::string::npos);
        seen.insert(p);
    }
    EXPECT_EQ(seen.size(), 200U);
}

TEST(Password, HashAllMatchesInputOrder) {
    password::Hasher hasher(test::kCheap, 3);
    std::vector<std::string> passwords;
    for (int i = 0; i < 25; ++i) {
        passwords.push_back("password-" + std::to_string(i));
    }
    std::size_t last_progress = 0;
    auto hashes = hasher.hash_all(passwords, [&](std::size_t done) { last_progress = done; });
    ASSERT_EQ(hashes.size(), passwords.size());
    for (std::size_t i = 0; i < passwords.size(); ++i) {
        EXPECT_TRUE(password::verify(hashes[i], passwords[i])) << i;
    }
    EXPECT_EQ(last_progress, passwords.size());
}

TEST(Password, HasherVerifiesUnknownAsFalse) {
    password::Hasher hasher(test::kCheap, 1);
    EXPECT_FALSE(hasher.verify(std::nullopt, "anything"));
    std::string phc = hasher.hash("right");
    EXPECT_TRUE(hasher.verify(std::string_view(phc), "right"));
}

// Acceptance: a refusal for an unknown user takes as long as one for a wrong password, because
// the same Argon2id work is done (against a dummy hash). Measured through the directory facade,
// many interleaved samples, medians compared.
TEST(Password, UnknownUserTimingMatchesWrongPassword) {
    Settings settings = test::test_settings();
    settings.policy.lock_after_failures = 0;  // the wrong-password samples must not lock
    govmail::test::TempDir dir;
    auto mail_store =
        store::MailStore::open({.path = dir.path() / "store", .map_size = 64ULL << 20});
    // A cost where hashing dominates (~2-4 ms) without making the test slow.
    password::Hasher hasher({.memory_kib = 4096, .iterations = 1, .parallelism = 1}, 1);
    Context context(*mail_store, hasher, settings);
    Admin admin(context);
    Directory directory(context);
    ASSERT_TRUE(admin.add_unit({.code = "U", .name = "Sở Nội vụ"}));
    auto user =
        admin.add_user({.full_name = "Lê Văn Tám", .unit_code = "U", .password = "right-password"});
    ASSERT_TRUE(user);
    const std::string known = user->account->address;
    const Peer peer{"192.0.2.1", events::Protocol::Smtp};

    auto time_one = [&](const std::string& login) {
        auto start = std::chrono::steady_clock::now();
        EXPECT_FALSE(directory.authenticate_blocking(login, "wrong-password", peer));
        double micros =
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count();
        // The failure count is written in the background after the refusal is returned; let it
        // finish outside the timed span so that it does not slow down the next sample.
        directory.wait_for_bookkeeping_for_test();
        return micros;
    };
    for (int i = 0; i < 5; ++i) {  // warm up caches and the allocator
        time_one(known);
        time_one("nobody@example.gov.vn");
    }
    std::vector<double> wrong;
    std::vector<double> unknown;
    for (int i = 0; i < 60; ++i) {
        wrong.push_back(time_one(known));
        unknown.push_back(time_one("nobody." + std::to_string(i) + "@example.gov.vn"));
    }
    auto median = [](std::vector<double> v) {
        std::ranges::nth_element(v, v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2));
        return v[v.size() / 2];
    };
    double m_wrong = median(wrong);
    double m_unknown = median(unknown);
    double difference = std::abs(m_wrong - m_unknown) / std::max(m_wrong, m_unknown);
    RecordProperty("median_wrong_password_us", std::to_string(m_wrong));
    RecordProperty("median_unknown_user_us", std::to_string(m_unknown));
    // Both did real hashing work (a refusal without hashing would take microseconds).
    EXPECT_GT(m_unknown, 500.0);
#ifdef GOVMAIL_SANITIZE
    // Under ASan our code around the (uninstrumented) Argon2 work runs several times slower and
    // the comparison measures the instrumentation; the refusals above are still checked.
    GTEST_SKIP() << "timing compared in the normal build only (wrong password " << m_wrong
                 << " us, unknown user " << m_unknown << " us)";
#endif
    EXPECT_LT(difference, 0.15) << "wrong password " << m_wrong << " us, unknown user " << m_unknown
                                << " us";
}

}  // namespace
}  // namespace govmail::directory
