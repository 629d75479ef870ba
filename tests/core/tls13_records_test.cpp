// Tls13Records against OpenSSL's own TLS 1.3 client: a real handshake over memory BIOs, then the
// server's SSL is freed and every record in both directions must interoperate, through key
// updates, session tickets and closure. The client is the reference implementation.
#include "core/net/tls13_records.hpp"

#include "core/tls.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace govmail::test {
namespace {

using net::Tls13Records;
using SslPtr = std::unique_ptr<SSL, decltype(&SSL_free)>;

std::string drain(BIO* bio) {
    std::string bytes;
    char chunk[4096];
    int n = 0;
    while ((n = BIO_read(bio, chunk, sizeof chunk)) > 0) {
        bytes.append(chunk, static_cast<std::size_t>(n));
    }
    return bytes;
}

void feed(BIO* bio, std::string_view bytes) {
    ASSERT_EQ(
        BIO_write(bio, bytes.data(), static_cast<int>(bytes.size())), static_cast<int>(bytes.size())
    );
}

// An OpenSSL client and a govmail server context, handshaking over memory BIOs.
class Tls13RecordsTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto files = tls::ensure_development_certificate(dir_.path(), "mail.test.gov.vn");
        ASSERT_TRUE(files) << files.error().message;
        auto server = tls::make_server_context(*files);
        ASSERT_TRUE(server) << server.error().message;
        server_context_ = *server;
        client_context_ = tls::make_client_context(false);
    }

    // Handshakes; afterwards `records_` serves the server side, or is null when the hand-off
    // refused (TLS 1.2).
    void handshake(const char* suites = nullptr, int max_version = 0, int tickets = -1) {
        SSL_CTX* client_ctx = client_context_->native_handle();
        if (suites != nullptr) {
            ASSERT_EQ(SSL_CTX_set_ciphersuites(client_ctx, suites), 1);
        }
        if (max_version != 0) {
            SSL_CTX_set_max_proto_version(client_ctx, max_version);
        }
        if (tickets >= 0) {
            SSL_CTX_set_num_tickets(server_context_->native_handle(), tickets);
        }
        server_.reset(SSL_new(server_context_->native_handle()));
        client_.reset(SSL_new(client_ctx));
        server_in_ = BIO_new(BIO_s_mem());
        server_out_ = BIO_new(BIO_s_mem());
        client_in_ = BIO_new(BIO_s_mem());
        client_out_ = BIO_new(BIO_s_mem());
        SSL_set_bio(server_.get(), server_in_, server_out_);
        SSL_set_bio(client_.get(), client_in_, client_out_);
        SSL_set_accept_state(server_.get());
        SSL_set_connect_state(client_.get());
        handoff_ = std::make_unique<net::Tls13Handoff>();
        handoff_->attach(server_.get());
        bool server_done = false;
        bool client_done = false;
        for (int round = 0; round < 20 && !(server_done && client_done); ++round) {
            client_done = client_done || SSL_do_handshake(client_.get()) == 1;
            feed(server_in_, drain(client_out_));
            server_done = server_done || SSL_do_handshake(server_.get()) == 1;
            feed(client_in_, drain(server_out_));
        }
        ASSERT_TRUE(server_done && client_done) << ERR_reason_error_string(ERR_get_error());
        records_ = handoff_->take_over();
        if (records_) {
            // What OpenSSL wrote before the hand-off (session tickets) is already with the
            // client; from here on the SSL object is gone, as in a Connection.
            server_.reset();
        }
    }

    // What the client reads now, after being given `bytes` from the server.
    std::string client_reads(std::string_view bytes) {
        feed(client_in_, bytes);
        std::string text;
        char chunk[4096];
        std::size_t n = 0;
        while (SSL_read_ex(client_.get(), chunk, sizeof chunk, &n) == 1) {
            text.append(chunk, n);
        }
        return text;
    }

    // The client's records for `text`.
    std::string client_sends(std::string_view text) {
        std::size_t written = 0;
        EXPECT_EQ(SSL_write_ex(client_.get(), text.data(), text.size(), &written), 1);
        EXPECT_EQ(written, text.size());
        return drain(client_out_);
    }

    // Opens every record in `wire`; the application data, or "<closed>" / "<failed>" appended.
    std::string server_opens(std::string_view wire) {
        std::string text;
        std::string buffer(Tls13Records::kMaxPlaintext, '\0');
        for (;;) {
            auto opened = records_->open(wire, buffer);
            if (opened.status == Tls13Records::Status::NeedMore) {
                EXPECT_TRUE(wire.empty()) << "a partial record was left: " << wire.size();
                return text;
            }
            if (opened.status == Tls13Records::Status::Closed) {
                return text + "<closed>";
            }
            if (opened.status == Tls13Records::Status::Failed) {
                return text + "<failed>";
            }
            text.append(buffer.data(), opened.plaintext);
            wire.remove_prefix(opened.consumed);
        }
    }

    std::string server_seals(std::string_view text) {
        std::string wire;
        EXPECT_TRUE(records_->seal(text, wire)) << records_->failure();
        return wire;
    }

    TempDir dir_;
    std::shared_ptr<tls::Context> server_context_;
    std::shared_ptr<tls::Context> client_context_;
    SslPtr server_{nullptr, SSL_free};
    SslPtr client_{nullptr, SSL_free};
    BIO* server_in_ = nullptr;
    BIO* server_out_ = nullptr;
    BIO* client_in_ = nullptr;
    BIO* client_out_ = nullptr;
    std::unique_ptr<net::Tls13Handoff> handoff_;
    std::unique_ptr<Tls13Records> records_;
};

TEST_F(Tls13RecordsTest, EverySuiteInteroperatesWithOpensslBothWays) {
    for (const char* suite :
         {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
        SCOPED_TRACE(suite);
        handshake(suite);
        ASSERT_TRUE(records_);
        EXPECT_EQ(net::to_string(records_->suite()), suite);
        // The server's first record follows the session tickets OpenSSL sent under the same key.
        EXPECT_EQ(
            client_reads(server_seals("* OK IMAP4rev2 ready\r\n")), "* OK IMAP4rev2 ready\r\n"
        );
        EXPECT_EQ(server_opens(client_sends("a1 LOGIN x y\r\n")), "a1 LOGIN x y\r\n");
        EXPECT_EQ(client_reads(server_seals("a1 OK\r\n")), "a1 OK\r\n");
    }
}

TEST_F(Tls13RecordsTest, WithoutSessionTicketsTheSequenceStartsAtZero) {
    handshake(nullptr, 0, 0);
    ASSERT_TRUE(records_);
    EXPECT_EQ(client_reads(server_seals("hello")), "hello");
}

TEST_F(Tls13RecordsTest, LargeWritesAreSplitIntoFullRecords) {
    handshake();
    ASSERT_TRUE(records_);
    std::string big(100'000, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) {
        big[i] = static_cast<char>('a' + i % 26);
    }
    std::string wire = server_seals(big);
    // Seven records: six of 2^14 bytes and the rest, each with 22 bytes of framing.
    EXPECT_EQ(wire.size(), big.size() + 7 * 22);
    EXPECT_EQ(client_reads(wire), big);
    EXPECT_EQ(server_opens(client_sends(big)), big);
}

TEST_F(Tls13RecordsTest, KeyUpdatesFromTheClientAreFollowedAndAnswered) {
    handshake();
    ASSERT_TRUE(records_);
    EXPECT_EQ(client_reads(server_seals("greeting")), "greeting");
    for (int update = 0; update < 3; ++update) {
        SCOPED_TRACE(update);
        ASSERT_EQ(SSL_key_update(client_.get(), SSL_KEY_UPDATE_REQUESTED), 1);
        // The KeyUpdate goes out ahead of the client's next application data.
        EXPECT_EQ(server_opens(client_sends("after update")), "after update");
        // Our answer (a KeyUpdate of our own) precedes the reply; the client must follow it.
        EXPECT_EQ(client_reads(server_seals("reply")), "reply");
        EXPECT_EQ(server_opens(client_sends("again")), "again");
        EXPECT_EQ(client_reads(server_seals("again")), "again");
    }
    ASSERT_EQ(SSL_key_update(client_.get(), SSL_KEY_UPDATE_NOT_REQUESTED), 1);
    EXPECT_EQ(server_opens(client_sends("not requested")), "not requested");
    EXPECT_EQ(client_reads(server_seals("still old key")), "still old key");
}

TEST_F(Tls13RecordsTest, CloseNotifyBothWays) {
    handshake();
    ASSERT_TRUE(records_);
    EXPECT_EQ(client_reads(server_seals("bye")), "bye");
    std::string alert;
    records_->seal_close_notify(alert);
    feed(client_in_, alert);
    char byte = 0;
    std::size_t n = 0;
    EXPECT_EQ(SSL_read_ex(client_.get(), &byte, 1, &n), 0);
    EXPECT_EQ(SSL_get_error(client_.get(), 0), SSL_ERROR_ZERO_RETURN);

    SSL_shutdown(client_.get());
    EXPECT_EQ(server_opens(drain(client_out_)), "<closed>");
}

TEST_F(Tls13RecordsTest, RecordsArriveInAnyFragments) {
    handshake();
    ASSERT_TRUE(records_);
    std::string wire = client_sends("a1 NOOP\r\n");
    wire += client_sends("a2 NOOP\r\n");
    std::string buffer(Tls13Records::kMaxPlaintext, '\0');
    std::string text;
    std::string pending;
    for (char byte : wire) {
        pending.push_back(byte);
        auto opened = records_->open(pending, buffer);
        if (opened.status == Tls13Records::Status::NeedMore) {
            continue;
        }
        ASSERT_EQ(opened.status, Tls13Records::Status::Opened) << records_->failure();
        EXPECT_EQ(opened.consumed, pending.size());
        text.append(buffer.data(), opened.plaintext);
        pending.clear();
    }
    EXPECT_EQ(text, "a1 NOOP\r\na2 NOOP\r\n");
}

TEST_F(Tls13RecordsTest, TamperedRecordFailsAndTheClientIsToldBadRecordMac) {
    handshake();
    ASSERT_TRUE(records_);
    std::string wire = client_sends("a1 LOGOUT\r\n");
    wire[8] ^= 1;
    EXPECT_EQ(server_opens(wire), "<failed>");
    EXPECT_EQ(records_->failure(), "record failed authentication");
    // A failed record layer stays failed: nothing more is opened or sealed.
    EXPECT_EQ(server_opens(client_sends("a2 NOOP\r\n")), "<failed>");
    std::string more;
    EXPECT_FALSE(records_->seal("x", more));

    std::string alert;
    records_->seal_failure_alert(alert);
    ASSERT_FALSE(alert.empty());
    feed(client_in_, alert);
    char byte = 0;
    std::size_t n = 0;
    EXPECT_EQ(SSL_read_ex(client_.get(), &byte, 1, &n), 0);
    EXPECT_NE(
        std::string(ERR_reason_error_string(ERR_peek_last_error())).find("bad record mac"),
        std::string::npos
    );
    ERR_clear_error();
}

TEST_F(Tls13RecordsTest, MalformedRecordsAreRefused) {
    handshake();
    ASSERT_TRUE(records_);
    std::string buffer(Tls13Records::kMaxPlaintext, '\0');

    struct Case {
        std::string wire;
        std::string failure;
    };

    const Case cases[] = {
        {std::string("\x14\x03\x03\x00\x01\x01", 6), "change_cipher_spec after the handshake"},
        {std::string("\x15\x03\x03\x00\x02\x01\x00", 7), "unprotected record after the handshake"},
        {std::string("\x17\x03\x03\x41\x01", 5), "record longer than 2^14 + 256 bytes"},
        {std::string("\x17\x03\x03\x00\x10", 5) + std::string(16, 'x'),
         "record too short to be protected"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.failure);
        auto fresh = Tls13Records::create(
            net::Tls13Suite::Aes128GcmSha256, {std::string(32, 'k'), 0}, {std::string(32, 'k'), 0}
        );
        ASSERT_TRUE(fresh);
        auto opened = fresh->open(c.wire, buffer);
        EXPECT_EQ(opened.status, Tls13Records::Status::Failed);
        EXPECT_EQ(fresh->failure(), c.failure);
    }
}

// Two record layers facing each other (one's write secret is the other's read secret).
TEST(Tls13RecordsPair, WriteKeyIsRenewedBeforeTheAeadLimit) {
    const std::string client_secret(48, 'c');
    const std::string server_secret(48, 's');
    const std::uint64_t limit = std::uint64_t{1} << 24;
    auto server = Tls13Records::create(
        net::Tls13Suite::Aes256GcmSha384, {client_secret, 0}, {server_secret, limit - 1}
    );
    auto client = Tls13Records::create(
        net::Tls13Suite::Aes256GcmSha384, {server_secret, limit - 1}, {client_secret, 0}
    );
    ASSERT_TRUE(server && client);
    std::string wire;
    ASSERT_TRUE(server->seal("one", wire));  // the last record under the first key
    ASSERT_TRUE(server->seal("two", wire));  // a KeyUpdate first, then a new key
    std::string buffer(Tls13Records::kMaxPlaintext, '\0');
    std::string text;
    int records = 0;
    std::string_view rest = wire;
    while (!rest.empty()) {
        auto opened = client->open(rest, buffer);
        ASSERT_EQ(opened.status, Tls13Records::Status::Opened) << client->failure();
        text.append(buffer.data(), opened.plaintext);
        rest.remove_prefix(opened.consumed);
        ++records;
    }
    EXPECT_EQ(records, 3);
    EXPECT_EQ(text, "onetwo");
}

TEST_F(Tls13RecordsTest, Tls12StaysWithOpenssl) {
    handshake(nullptr, TLS1_2_VERSION);
    EXPECT_FALSE(records_);
    EXPECT_TRUE(server_);
}

}  // namespace
}  // namespace govmail::test
