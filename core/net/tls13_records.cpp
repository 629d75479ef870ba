#include "core/net/tls13_records.hpp"

#include "core/openssl.hpp"
#include "core/text/text.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace govmail::net {
namespace {

constexpr unsigned char kChangeCipherSpec = 20;
constexpr unsigned char kAlert = 21;
constexpr unsigned char kHandshake = 22;
constexpr unsigned char kApplicationData = 23;
constexpr unsigned char kKeyUpdate = 24;

// Alert descriptions (RFC 8446 section 6).
constexpr unsigned char kCloseNotify = 0;
constexpr unsigned char kUnexpectedMessage = 10;
constexpr unsigned char kBadRecordMac = 20;
constexpr unsigned char kRecordOverflow = 22;
constexpr unsigned char kIllegalParameter = 47;
constexpr unsigned char kDecodeError = 50;
constexpr unsigned char kInternalError = 80;
constexpr unsigned char kUserCanceled = 90;

constexpr std::size_t kHeaderSize = 5;
constexpr std::size_t kTagSize = 16;
constexpr std::size_t kMaxContent = 1 << 14;
constexpr std::size_t kMaxCiphertext = kMaxContent + 256;
// A new write key well before AES-GCM's limit of 2^24.5 full records per key (RFC 8446 5.5).
constexpr std::uint64_t kRecordsPerWriteKey = std::uint64_t{1} << 24;

using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, ssl::Deleter<EVP_KDF_CTX_free>>;

struct SuiteParameters {
    const char* cipher;
    const char* digest;
    std::size_t hash_size;
    std::size_t key_size;
};

SuiteParameters parameters(Tls13Suite suite) {
    switch (suite) {
        case Tls13Suite::Aes128GcmSha256:
            return {"AES-128-GCM", "SHA256", 32, 16};
        case Tls13Suite::Aes256GcmSha384:
            return {"AES-256-GCM", "SHA384", 48, 32};
        case Tls13Suite::Chacha20Poly1305Sha256:
            return {"ChaCha20-Poly1305", "SHA256", 32, 32};
    }
    return {"", "", 0, 0};
}

// Fetched once: fetching per record would look the algorithm up in the provider every time.
const EVP_CIPHER* cipher(Tls13Suite suite) {
    static EVP_CIPHER* const aes128 = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
    static EVP_CIPHER* const aes256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    static EVP_CIPHER* const chacha = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
    switch (suite) {
        case Tls13Suite::Aes128GcmSha256:
            return aes128;
        case Tls13Suite::Aes256GcmSha384:
            return aes256;
        case Tls13Suite::Chacha20Poly1305Sha256:
            return chacha;
    }
    return nullptr;
}

// One cipher context per thread, keyed per record: a context per connection would cost more
// than the rest of the connection's TLS state together.
EVP_CIPHER_CTX* thread_cipher_context() {
    thread_local const ssl::EvpCipherCtxPtr context(EVP_CIPHER_CTX_new());
    return context.get();
}

// HKDF-Expand-Label(secret, label, "", out.size()) (RFC 8446 section 7.1).
bool expand_label(
    const char* digest,
    std::span<const unsigned char> secret,
    std::string_view label,
    std::span<unsigned char> out
) {
    static EVP_KDF* const hkdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    if (hkdf == nullptr) {
        return false;
    }
    KdfCtxPtr context(EVP_KDF_CTX_new(hkdf));
    if (!context) {
        return false;
    }
    std::string info;
    info.push_back(static_cast<char>(out.size() >> 8));
    info.push_back(static_cast<char>(out.size() & 0xff));
    info.push_back(static_cast<char>(6 + label.size()));
    info.append("tls13 ");
    info.append(label);
    info.push_back(0);  // empty context
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_octet_string(
            OSSL_KDF_PARAM_KEY, const_cast<unsigned char*>(secret.data()), secret.size()
        ),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
        OSSL_PARAM_construct_end(),
    };
    return EVP_KDF_derive(context.get(), out.data(), out.size(), params) == 1;
}

// The per-record nonce: the IV XORed with the record's sequence number (RFC 8446 5.3).
std::array<unsigned char, 12> nonce(const std::array<unsigned char, 12>& iv, std::uint64_t seq) {
    std::array<unsigned char, 12> result = iv;
    for (int i = 0; i < 8; ++i) {
        result[11 - i] ^= static_cast<unsigned char>(seq >> (8 * i));
    }
    return result;
}

std::string decode_hex(std::string_view hex) {
    std::string bytes;
    if (hex.size() % 2 != 0) {
        return bytes;
    }
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int high = text::hex_value(hex[i]);
        int low = text::hex_value(hex[i + 1]);
        if (high < 0 || low < 0) {
            OPENSSL_cleanse(bytes.data(), bytes.size());
            return {};
        }
        bytes.push_back(static_cast<char>(high * 16 + low));
    }
    return bytes;
}

int handoff_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

}  // namespace

std::string_view to_string(Tls13Suite suite) {
    switch (suite) {
        case Tls13Suite::Aes128GcmSha256:
            return "TLS_AES_128_GCM_SHA256";
        case Tls13Suite::Aes256GcmSha384:
            return "TLS_AES_256_GCM_SHA384";
        case Tls13Suite::Chacha20Poly1305Sha256:
            return "TLS_CHACHA20_POLY1305_SHA256";
    }
    return "unknown";
}

std::unique_ptr<Tls13Records> Tls13Records::create(
    Tls13Suite suite, const Tls13TrafficSecret& read, const Tls13TrafficSecret& write
) {
    if (cipher(suite) == nullptr) {
        return nullptr;
    }
    std::unique_ptr<Tls13Records> records(new Tls13Records(suite));
    if (!records->install(records->read_, read.secret) ||
        !records->install(records->write_, write.secret)) {
        return nullptr;
    }
    records->read_.sequence = read.sequence;
    records->write_.sequence = write.sequence;
    return records;
}

Tls13Records::~Tls13Records() {
    OPENSSL_cleanse(&read_, sizeof read_);
    OPENSSL_cleanse(&write_, sizeof write_);
}

bool Tls13Records::install(Direction& direction, std::string_view secret) {
    const SuiteParameters suite = parameters(suite_);
    if (secret.size() != suite.hash_size) {
        return false;
    }
    std::memcpy(direction.secret.data(), secret.data(), secret.size());
    direction.sequence = 0;
    std::span<const unsigned char> bytes(direction.secret.data(), suite.hash_size);
    return expand_label(
               suite.digest, bytes, "key", std::span(direction.key).first(suite.key_size)
           ) &&
           expand_label(suite.digest, bytes, "iv", direction.iv);
}

// application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length)
bool Tls13Records::ratchet(Direction& direction) {
    const SuiteParameters suite = parameters(suite_);
    std::array<unsigned char, 48> next{};
    std::span<unsigned char> next_bytes = std::span(next).first(suite.hash_size);
    if (!expand_label(
            suite.digest,
            std::span(direction.secret).first(suite.hash_size),
            "traffic upd",
            next_bytes
        )) {
        return false;
    }
    bool installed = install(
        direction, std::string_view(reinterpret_cast<const char*>(next.data()), next_bytes.size())
    );
    OPENSSL_cleanse(next.data(), next.size());
    return installed;
}

bool Tls13Records::seal(std::string_view plaintext, std::string& out) {
    if (!failure_.empty()) {
        return false;
    }
    do {
        std::string_view content = plaintext.substr(0, kMaxContent);
        plaintext.remove_prefix(content.size());
        if ((key_update_due_ || write_.sequence >= kRecordsPerWriteKey) && !seal_key_update(out)) {
            return false;
        }
        if (!seal_record(kApplicationData, content, out)) {
            return false;
        }
    } while (!plaintext.empty());
    return true;
}

bool Tls13Records::seal_key_update(std::string& out) {
    // update_not_requested: a peer's request is answered, ours is only a new key of our own.
    const char message[] = {static_cast<char>(kKeyUpdate), 0, 0, 1, 0};
    if (!seal_record(kHandshake, std::string_view(message, sizeof message), out)) {
        return false;
    }
    key_update_due_ = false;
    if (!ratchet(write_)) {
        failure_ = "cannot derive the next write key";
        failure_alert_ = -1;
        return false;
    }
    return true;
}

void Tls13Records::seal_alert(unsigned char description, std::string& out) {
    const char alert[] = {
        static_cast<char>(description == kCloseNotify ? 1 : 2), static_cast<char>(description)};
    seal_record(kAlert, std::string_view(alert, sizeof alert), out);
}

void Tls13Records::seal_failure_alert(std::string& out) {
    if (failure_alert_ >= 0) {
        seal_alert(static_cast<unsigned char>(failure_alert_), out);
    }
}

bool Tls13Records::seal_record(
    unsigned char content_type, std::string_view content, std::string& out
) {
    const std::size_t length = content.size() + 1 + kTagSize;
    const std::size_t start = out.size();
    out.resize(start + kHeaderSize + length);
    auto* record = reinterpret_cast<unsigned char*>(out.data() + start);
    record[0] = kApplicationData;
    record[1] = 3;
    record[2] = 3;
    record[3] = static_cast<unsigned char>(length >> 8);
    record[4] = static_cast<unsigned char>(length & 0xff);
    unsigned char* body = record + kHeaderSize;

    EVP_CIPHER_CTX* context = thread_cipher_context();
    const auto iv = nonce(write_.iv, write_.sequence);
    int n = 0;
    int tail = 0;
    bool ok =
        context != nullptr &&
        EVP_EncryptInit_ex2(context, cipher(suite_), write_.key.data(), iv.data(), nullptr) == 1 &&
        EVP_EncryptUpdate(context, nullptr, &n, record, kHeaderSize) == 1 &&
        EVP_EncryptUpdate(
            context,
            body,
            &n,
            reinterpret_cast<const unsigned char*>(content.data()),
            static_cast<int>(content.size())
        ) == 1 &&
        EVP_EncryptUpdate(context, body + content.size(), &tail, &content_type, 1) == 1 &&
        EVP_EncryptFinal_ex(context, body + content.size() + 1, &n) == 1 &&
        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, kTagSize, body + content.size() + 1) ==
            1;
    if (!ok) {
        out.resize(start);
        failure_ = ssl::last_error("tls record encryption");
        failure_alert_ = -1;
        return false;
    }
    ++write_.sequence;
    return true;
}

Tls13Records::Opened Tls13Records::fail(int alert, std::string_view why) {
    failure_alert_ = alert;
    failure_ = why;
    return {Status::Failed, 0, 0};
}

Tls13Records::Opened Tls13Records::open(std::string_view input, std::span<char> plaintext) {
    if (!failure_.empty()) {
        return {Status::Failed, 0, 0};
    }
    if (closed_) {
        return {Status::Closed, 0, 0};
    }
    if (input.size() < kHeaderSize) {
        return {Status::NeedMore, 0, 0};
    }
    const auto* record = reinterpret_cast<const unsigned char*>(input.data());
    const std::size_t length = std::size_t{record[3]} << 8 | record[4];
    if (record[0] != kApplicationData) {
        return fail(
            kUnexpectedMessage,
            record[0] == kChangeCipherSpec ? "change_cipher_spec after the handshake"
                                           : "unprotected record after the handshake"
        );
    }
    if (length > kMaxCiphertext) {
        return fail(kRecordOverflow, "record longer than 2^14 + 256 bytes");
    }
    if (length < 1 + kTagSize) {
        return fail(kDecodeError, "record too short to be protected");
    }
    if (input.size() < kHeaderSize + length) {
        return {Status::NeedMore, 0, 0};
    }
    if (plaintext.size() < length - kTagSize) {
        return fail(kInternalError, "no room for the record's plaintext");
    }
    if (read_.sequence == UINT64_MAX) {
        return fail(kUnexpectedMessage, "the peer never updated its key");
    }

    const unsigned char* body = record + kHeaderSize;
    const std::size_t ciphertext = length - kTagSize;
    std::array<unsigned char, kTagSize> tag{};
    std::memcpy(tag.data(), body + ciphertext, kTagSize);
    auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
    EVP_CIPHER_CTX* context = thread_cipher_context();
    const auto iv = nonce(read_.iv, read_.sequence);
    int n = 0;
    bool authentic =
        context != nullptr &&
        EVP_DecryptInit_ex2(context, cipher(suite_), read_.key.data(), iv.data(), nullptr) == 1 &&
        EVP_DecryptUpdate(context, nullptr, &n, record, kHeaderSize) == 1 &&
        EVP_DecryptUpdate(context, out, &n, body, static_cast<int>(ciphertext)) == 1 &&
        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, kTagSize, tag.data()) == 1 &&
        EVP_DecryptFinal_ex(context, out + ciphertext, &n) == 1;
    if (!authentic) {
        OPENSSL_cleanse(out, ciphertext);
        return fail(kBadRecordMac, "record failed authentication");
    }
    ++read_.sequence;

    // TLSInnerPlaintext: content, the real content type, then zero padding.
    std::size_t end = ciphertext;
    while (end > 0 && out[end - 1] == 0) {
        --end;
    }
    if (end == 0) {
        return fail(kUnexpectedMessage, "record without a content type");
    }
    const unsigned char content_type = out[end - 1];
    const std::size_t content = end - 1;
    if (content > kMaxContent) {
        return fail(kRecordOverflow, "record content longer than 2^14 bytes");
    }
    const std::size_t consumed = kHeaderSize + length;
    if (content_type != kHandshake && handshake_size_ > 0) {
        return fail(kUnexpectedMessage, "handshake message interrupted by another record type");
    }
    switch (content_type) {
        case kApplicationData:
            return {Status::Opened, consumed, content};
        case kAlert:
            if (content != 2) {
                return fail(kDecodeError, "malformed alert");
            }
            if (out[1] == kCloseNotify) {
                closed_ = true;
                return {Status::Closed, consumed, 0};
            }
            if (out[1] == kUserCanceled) {
                return {Status::Opened, consumed, 0};  // a close_notify follows
            }
            failure_alert_ = -1;  // no answer to a fatal alert
            failure_ = "the peer sent alert " + std::to_string(out[1]);
            return {Status::Failed, consumed, 0};
        case kHandshake:
            return open_handshake(std::span<const unsigned char>(out, content), consumed);
        default:
            return fail(kUnexpectedMessage, "unexpected record type after the handshake");
    }
}

// After the handshake a client may only send KeyUpdate (RFC 8446 4.6.3). It may, in theory,
// split even that five-byte message over records, so the bytes are collected until whole.
Tls13Records::Opened Tls13Records::open_handshake(
    std::span<const unsigned char> content, std::size_t consumed
) {
    if (content.empty()) {
        return fail(kUnexpectedMessage, "empty handshake record");
    }
    for (std::size_t i = 0; i < content.size(); ++i) {
        handshake_[handshake_size_++] = content[i];
        if (handshake_size_ == 1 && handshake_[0] != kKeyUpdate) {
            return fail(kUnexpectedMessage, "handshake message after the handshake");
        }
        if (handshake_size_ == 4 &&
            (handshake_[1] != 0 || handshake_[2] != 0 || handshake_[3] != 1)) {
            return fail(kDecodeError, "malformed KeyUpdate");
        }
        if (handshake_size_ < handshake_.size()) {
            continue;
        }
        handshake_size_ = 0;
        const unsigned char request = handshake_[4];
        if (request > 1) {
            return fail(kIllegalParameter, "KeyUpdate with an unknown request");
        }
        if (i + 1 != content.size()) {
            return fail(kUnexpectedMessage, "KeyUpdate not at the end of its record");
        }
        if (!ratchet(read_)) {
            return fail(kInternalError, "cannot derive the next read key");
        }
        if (request == 1) {
            key_update_due_ = true;
        }
    }
    return {Status::Opened, consumed, 0};
}

void Tls13Handoff::enable(SSL_CTX* context) {
    SSL_CTX_set_keylog_callback(context, &Tls13Handoff::on_key_log);
}

Tls13Handoff::~Tls13Handoff() {
    detach();
    OPENSSL_cleanse(client_secret_.data(), client_secret_.size());
    OPENSSL_cleanse(server_secret_.data(), server_secret_.size());
}

void Tls13Handoff::attach(SSL* ssl) {
    detach();
    ssl_ = ssl;
    SSL_set_ex_data(ssl, handoff_index(), this);
    SSL_set_msg_callback(ssl, &Tls13Handoff::on_message);
    SSL_set_msg_callback_arg(ssl, this);
}

void Tls13Handoff::detach() {
    if (ssl_ == nullptr) {
        return;
    }
    SSL_set_ex_data(ssl_, handoff_index(), nullptr);
    SSL_set_msg_callback(ssl_, nullptr);
    SSL_set_msg_callback_arg(ssl_, nullptr);
    ssl_ = nullptr;
}

void Tls13Handoff::on_key_log(const SSL* ssl, const char* line) {
    auto* self = static_cast<Tls13Handoff*>(SSL_get_ex_data(ssl, handoff_index()));
    if (self == nullptr) {
        return;
    }
    // "<label> <client random in hex> <secret in hex>" (NSS key log format).
    std::string_view text(line);
    const std::size_t first = text.find(' ');
    const std::size_t second = text.find(' ', first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos) {
        return;
    }
    const std::string_view label = text.substr(0, first);
    if (label == "CLIENT_TRAFFIC_SECRET_0") {
        self->client_secret_ = decode_hex(text.substr(second + 1));
    } else if (label == "SERVER_TRAFFIC_SECRET_0") {
        self->server_secret_ = decode_hex(text.substr(second + 1));
    }
}

// Counts the records OpenSSL protects with the server's application key before the hand-off
// (its NewSessionTicket messages): our write sequence continues from there. The key is
// installed right after the server's Finished record is written, which is when its secret is
// logged, so every record header written after that used it.
void Tls13Handoff::on_message(
    int write, int, int content_type, const void*, std::size_t, SSL*, void* self
) {
    auto* handoff = static_cast<Tls13Handoff*>(self);
    if (write == 1 && content_type == SSL3_RT_HEADER && !handoff->server_secret_.empty()) {
        ++handoff->server_records_;
    }
}

std::unique_ptr<Tls13Records> Tls13Handoff::take_over() {
    SSL* ssl = ssl_;
    detach();
    if (ssl == nullptr || SSL_version(ssl) != TLS1_3_VERSION || SSL_has_pending(ssl) == 1 ||
        client_secret_.empty() || server_secret_.empty()) {
        return nullptr;
    }
    const SSL_CIPHER* negotiated = SSL_get_current_cipher(ssl);
    if (negotiated == nullptr) {
        return nullptr;
    }
    Tls13Suite suite;
    switch (SSL_CIPHER_get_protocol_id(negotiated)) {
        case 0x1301:
            suite = Tls13Suite::Aes128GcmSha256;
            break;
        case 0x1302:
            suite = Tls13Suite::Aes256GcmSha384;
            break;
        case 0x1303:
            suite = Tls13Suite::Chacha20Poly1305Sha256;
            break;
        default:
            return nullptr;  // CCM suites stay with OpenSSL
    }
    return Tls13Records::create(
        suite,
        Tls13TrafficSecret{client_secret_, 0},
        Tls13TrafficSecret{server_secret_, server_records_}
    );
}

}  // namespace govmail::net
