#pragma once
// A MailStore in a fresh temporary directory, with helpers the store tests share:
//
//     TEST_F(StoreTest, Something) {
//         MailboxId inbox = provision(1);                          // account 1, its INBOX
//         Appended a = write([&](StoreWriter& w) { return w.append(inbox, message(100, 1), {}); });
//         EXPECT_EQ(read([&](const StoreReader& r) { return r.mailbox(inbox)->messages; }), 1U);
//         expect_consistent();                                     // govmailctl check finds
//         nothing
//     }
//
// write() and read() throw when the store reports an error, which fails the test with the error
// text; try_write() returns the StoreResult for tests that expect an error.

#include "store/check.hpp"
#include "store/store.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace govmail::store::test {

// A message of exactly `size` bytes (at least 64), different for each `seed`.
inline std::string message_text(std::size_t size, std::uint64_t seed) {
    std::string text = "From: a@example.gov.vn\r\nSubject: test " + std::to_string(seed) +
                       "\r\nMessage-ID: <" + std::to_string(seed) + "@example.gov.vn>\r\n\r\n";
    std::uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
    while (text.size() < size) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        text.push_back(static_cast<char>('a' + x % 26));
        if (text.size() % 76 == 0) {
            text += "\r\n";
        }
    }
    text.resize(size);
    return text;
}

// A prepared message whose MessageInfo is a recognisable stand-in (the store treats it as opaque).
inline PreparedMessage message(std::size_t size, std::uint64_t seed) {
    return PreparedMessage(message_text(size, seed), "info:" + std::to_string(seed));
}

class StoreTest : public ::testing::Test {
protected:
    void SetUp() override { open(); }

    MailStore::Options options() const {
        MailStore::Options o;
        o.path = dir_.path() / "store";
        o.map_size = 64ULL << 20;
        o.max_map_size = 4ULL << 30;
        return o;
    }

    void open() { store_ = MailStore::open(options()); }

    void open(const MailStore::Options& o) { store_ = MailStore::open(o); }

    // Closes and opens the environment again, as a restart of govmaild would.
    void reopen() {
        store_.reset();
        open();
    }

    MailStore& store() { return *store_; }

    template <typename Op>
    auto try_write(Op op) {
        return store_->write_blocking(std::move(op));
    }

    template <typename Op>
    auto write(Op op) {
        auto result = store_->write_blocking(std::move(op));
        if (!result) {
            throw std::runtime_error("write failed: " + result.error().message());
        }
        if constexpr (!std::is_void_v<typename decltype(result)::value_type>) {
            return std::move(*result);
        }
    }

    template <typename Fn>
    auto read(Fn fn) {
        auto result = store_->read(std::move(fn));
        if (!result) {
            throw std::runtime_error("read failed: " + result.error().message());
        }
        if constexpr (!std::is_void_v<typename decltype(result)::value_type>) {
            return std::move(*result);
        }
    }

    // Provisions the account (unlimited quota unless given) and returns its INBOX.
    MailboxId provision(AccountId account, std::uint64_t quota = 0) {
        write([&](StoreWriter& w) { w.provision_account(account, quota); });
        return inbox(account);
    }

    MailboxId inbox(AccountId account) { return mailbox(account, "INBOX"); }

    MailboxId mailbox(AccountId account, std::string_view name) {
        auto id = read([&](const StoreReader& r) { return r.find_mailbox(account, name); });
        if (!id) {
            throw std::runtime_error("no mailbox " + std::string(name));
        }
        return *id;
    }

    MailboxRecord status(MailboxId id) {
        return *read([&](const StoreReader& r) { return r.mailbox(id); });
    }

    Appended append(MailboxId mailbox, const PreparedMessage& msg, AppendOptions options = {}) {
        return write([&](StoreWriter& w) { return w.append(mailbox, msg, options); });
    }

    CheckReport check(const CheckOptions& options = {}) {
        return store_->env().read([&](const ReadTxn& tx) {
            return check_store(tx, store_->schema(), options);
        });
    }

    // The store passes the same check as `govmailctl check`.
    void expect_consistent(const CheckOptions& options = {}) {
        CheckReport report = check(options);
        std::string faults;
        for (const std::string& fault : report.faults) {
            faults += "\n  " + fault;
        }
        EXPECT_TRUE(report.ok()) << report.fault_count << " faults:" << faults;
    }

    govmail::test::TempDir dir_;
    std::unique_ptr<MailStore> store_;
};

}  // namespace govmail::store::test
