#pragma once
// A directory over a fresh LMDB environment, with cheap Argon2 parameters (the tests that are
// about hashing cost make their own Hasher) and a clock the test sets.

#include "core/config.hpp"
#include "core/password.hpp"
#include "directory/admin.hpp"
#include "directory/context.hpp"
#include "directory/directory.hpp"
#include "store/store.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

namespace govmail::directory::test {

inline constexpr password::Params kCheap{.memory_kib = 64, .iterations = 1, .parallelism = 1};

inline Settings test_settings() {
    Settings s;
    s.domains = {"example.gov.vn", "other.gov.vn"};
    return s;
}

class DirectoryFixture {
public:
    explicit DirectoryFixture(Settings settings = test_settings())
        : store_(store::MailStore::open({.path = dir_.path() / "store", .map_size = 64ULL << 20}))
        , hasher_(kCheap, 2)
        , context_(*store_, hasher_, std::move(settings), [this] { return now.load(); })
        , admin(context_)
        , directory(context_) {}

    // Adds a unit or fails the test.
    Unit unit(
        const std::string& code,
        const std::string& name,
        const std::string& parent = "",
        UnitKind kind = UnitKind::Department,
        const std::string& short_code = ""
    ) {
        auto added = admin.add_unit(
            {.code = code,
             .name = name,
             .short_code = short_code,
             .parent_code = parent,
             .kind = kind}
        );
        EXPECT_TRUE(added) << added.error().message;
        return added ? *added : Unit{};
    }

    // Adds a user or fails the test; returns the primary address.
    std::string user(
        const std::string& name,
        const std::string& unit_code,
        const std::string& password = "",
        Roles roles = kRoleUser,
        const std::string& address = ""
    ) {
        auto added = admin.add_user(
            {.full_name = name,
             .unit_code = unit_code,
             .address = address,
             .password = password,
             .roles = roles}
        );
        EXPECT_TRUE(added) << added.error().message;
        return added ? added->account->address : std::string();
    }

    Context& context() { return context_; }

    store::MailStore& mail_store() { return *store_; }

    std::atomic<Time> now{1'700'000'000};

private:
    govmail::test::TempDir dir_;
    std::unique_ptr<store::MailStore> store_;
    password::Hasher hasher_;
    Context context_;

public:
    Admin admin;
    Directory directory;
};

}  // namespace govmail::directory::test
