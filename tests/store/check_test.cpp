// The consistency check finds each kind of damage and names the record.

#include "store/detail/records.hpp"
#include "tests/store/store_fixture.hpp"

#include <gtest/gtest.h>

namespace govmail::store::test {
namespace {

class CheckTest : public StoreTest {
protected:
    void SetUp() override {
        StoreTest::SetUp();
        inbox_ = provision(1);
        msg_ = std::make_unique<PreparedMessage>(message(kSize, 1));
        append(inbox_, *msg_, {.flags = kSeen});
        append(inbox_, message(500, 2));
        expect_consistent();
    }

    // Applies a raw change behind the store's back.
    template <typename Fn>
    void damage(Fn fn) {
        write([&](StoreWriter& w) { fn(w.txn(), store().schema()); });
    }

    // The check fails and one fault contains `text`.
    void expect_fault(const std::string& text) {
        CheckReport report = check();
        EXPECT_FALSE(report.ok());
        std::string all;
        for (const auto& f : report.faults) {
            all += "\n  " + f;
        }
        EXPECT_NE(all.find(text), std::string::npos)
            << "no fault naming \"" << text << "\":" << all;
    }

    BlobInfo blob_info() {
        return *read([&](const StoreReader& r) { return r.blob_info(msg_->hash()); });
    }

    // Four chunks, the last one short.
    static constexpr std::size_t kSize = 3 * kDefaultChunkSize + 100;

    MailboxId inbox_ = 0;
    std::unique_ptr<PreparedMessage> msg_;
};

TEST_F(CheckTest, WrongReferenceCount) {
    damage([&](WriteTxn& txn, const Schema& s) {
        BlobInfo info = blob_info();
        info.refcount = 3;
        txn.put(s.blob_info, detail::blob_key(info.hash), detail::encode_blob_info(info));
    });
    expect_fault("blob " + msg_->hash().hex() + ": reference count 3, but 1 message records");
}

TEST_F(CheckTest, MissingBlob) {
    std::uint64_t id = blob_info().id;
    damage([&](WriteTxn& txn, const Schema& s) {
        txn.erase(s.blob_info, detail::blob_key(msg_->hash()));
    });
    expect_fault("blob " + msg_->hash().hex() + ": missing, referenced by 1 records");
    expect_fault("blob chunks of blob id " + std::to_string(id) + " without a blob record");
}

TEST_F(CheckTest, DamagedBytes) {
    damage([&](WriteTxn& txn, const Schema& s) {
        std::string chunk(kDefaultChunkSize, 'X');
        txn.put(s.blob_chunks, detail::chunk_key(blob_info().id, 1), chunk);
    });
    expect_fault("blob " + msg_->hash().hex() + ": content does not match its SHA-256");
    CheckOptions quick;
    quick.verify_content = false;
    EXPECT_TRUE(check(quick).ok());
}

TEST_F(CheckTest, MissingChunk) {
    damage([&](WriteTxn& txn, const Schema& s) {
        txn.erase(s.blob_chunks, detail::chunk_key(blob_info().id, 3));
    });
    expect_fault("blob " + msg_->hash().hex() + ": 3 chunks holding");
}

TEST_F(CheckTest, WrongMailboxCounts) {
    damage([&](WriteTxn& txn, const Schema& s) {
        MailboxRecord m = status(inbox_);
        m.unseen = 0;
        m.uidnext = 2;
        txn.put(s.mailboxes, detail::mailbox_key(inbox_), detail::encode_mailbox(m));
    });
    expect_fault(
        "mailbox " + std::to_string(inbox_) + " (\"INBOX\"): unseen count is 0, records say 1"
    );
    expect_fault("UIDNEXT 2 not above UID 2");
}

TEST_F(CheckTest, WrongAccountUsage) {
    damage([&](WriteTxn& txn, const Schema& s) {
        AccountStorage a{.account = 1, .used_bytes = 5};
        txn.put(s.accounts, detail::account_key(1), detail::encode_account(a));
    });
    expect_fault("account 1: used bytes 5, messages say " + std::to_string(kSize + 500));
}

TEST_F(CheckTest, NameIndexDisagrees) {
    damage([&](WriteTxn& txn, const Schema& s) {
        txn.put(s.mailbox_names, detail::name_key(1, "Ghost"), detail::encode_u64(inbox_));
    });
    expect_fault("mailbox name \"Ghost\" of account 1 points to mailbox " + std::to_string(inbox_));
}

TEST_F(CheckTest, StaleModseqIndex) {
    damage([&](WriteTxn& txn, const Schema& s) {
        txn.erase(s.modseq_index, detail::modseq_key(inbox_, 2, 1));
        txn.put(s.modseq_index, detail::modseq_key(inbox_, 99, 1), {});
    });
    expect_fault("message " + std::to_string(inbox_) + "/1: missing from the MODSEQ index");
    expect_fault("MODSEQ index entry 99");
}

TEST_F(CheckTest, UndecodableRecord) {
    damage([&](WriteTxn& txn, const Schema& s) {
        txn.put(s.messages, detail::message_key(inbox_, 2), "junk");
    });
    expect_fault("message " + std::to_string(inbox_) + "/2: ");
}

}  // namespace
}  // namespace govmail::store::test
