#pragma once
// TLS 1.3 record protection for server connections once OpenSSL has finished the handshake.
//
// An OpenSSL SSL object keeps ~14 KiB per connection after the handshake even with its record
// buffers released; ten thousand clients idling in IMAP IDLE would spend most of the server's
// memory on it. Kernel TLS would move that state out of the process, but is not available on
// every kernel we run on. So, for TLS 1.3 with an AEAD suite, a server connection hands the
// record layer over after the handshake: the application traffic secrets are taken from
// OpenSSL's key log callback, the SSL object is freed, and this class protects and opens the
// records (RFC 8446 section 5) with OpenSSL's AEAD ciphers, keeping ~200 bytes per connection.
// The handshake, certificates and every cryptographic primitive stay OpenSSL's; TLS 1.2
// connections and client connections keep their SSL object.
//
// After the handshake a TLS 1.3 peer can only send application data, alerts and KeyUpdate
// (the server requests no certificate after the handshake and accepts no early data); anything
// else is refused with the alert RFC 8446 names.
//
// Pure: no I/O. Tls13Handoff is the glue that collects the secrets during OpenSSL's handshake.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace govmail::net {

enum class Tls13Suite : std::uint8_t { Aes128GcmSha256, Aes256GcmSha384, Chacha20Poly1305Sha256 };

// The IANA name of a suite, "TLS_AES_256_GCM_SHA384".
std::string_view to_string(Tls13Suite suite);

// One direction's traffic secret and how many records it has protected so far.
struct Tls13TrafficSecret {
    std::string_view secret;  // raw bytes, the hash's length; copied by create()
    std::uint64_t sequence = 0;
};

class Tls13Records {
public:
    // The largest record on the wire: header, 2^14 bytes of content, content type, AEAD tag.
    static constexpr std::size_t kMaxRecordSize = 5 + (1 << 14) + 1 + 16;
    // Room open() needs for one record's plaintext.
    static constexpr std::size_t kMaxPlaintext = (1 << 14) + 256;

    // nullptr when the secrets do not fit the suite.
    static std::unique_ptr<Tls13Records> create(
        Tls13Suite suite, const Tls13TrafficSecret& read, const Tls13TrafficSecret& write
    );

    ~Tls13Records();  // wipes the keys
    Tls13Records(const Tls13Records&) = delete;
    Tls13Records& operator=(const Tls13Records&) = delete;

    Tls13Suite suite() const { return suite_; }

    // Appends `plaintext` to `out` as application data records, preceded by a KeyUpdate when
    // the peer requested one or the write key has protected enough records. False (and
    // failure() says why) when the connection cannot go on.
    bool seal(std::string_view plaintext, std::string& out);

    // Appends a close_notify alert to `out`.
    void seal_close_notify(std::string& out) { seal_alert(0, out); }

    // Appends the fatal alert that ends the connection after open() failed, if one is due
    // (none answers the peer's own fatal alert).
    void seal_failure_alert(std::string& out);

    enum class Status {
        NeedMore,  // no complete record at the front of the input yet
        Opened,    // one record consumed; `plaintext` bytes of application data (maybe zero)
        Closed,    // the peer sent close_notify
        Failed,    // the connection must end: see failure()
    };

    struct Opened {
        Status status = Status::NeedMore;
        std::size_t consumed = 0;
        std::size_t plaintext = 0;
    };

    // Opens the record at the front of `input`, writing its application data to `plaintext`,
    // which must have room for kMaxPlaintext bytes.
    Opened open(std::string_view input, std::span<char> plaintext);

    // Why the connection failed, for the log.
    std::string_view failure() const { return failure_; }

private:
    struct Direction {
        std::array<unsigned char, 48> secret{};
        std::array<unsigned char, 32> key{};
        std::array<unsigned char, 12> iv{};
        std::uint64_t sequence = 0;
    };

    explicit Tls13Records(Tls13Suite suite)
        : suite_(suite) {}

    bool install(Direction& direction, std::string_view secret);
    bool ratchet(Direction& direction);
    bool seal_record(unsigned char content_type, std::string_view content, std::string& out);
    void seal_alert(unsigned char description, std::string& out);
    bool seal_key_update(std::string& out);
    Opened open_handshake(std::span<const unsigned char> content, std::size_t consumed);
    Opened fail(int alert, std::string_view why);

    Tls13Suite suite_;
    bool key_update_due_ = false;
    bool closed_ = false;
    int failure_alert_ = -1;  // the alert to send after a failure, -1 for none
    std::uint8_t handshake_size_ = 0;
    std::array<unsigned char, 5> handshake_{};  // a KeyUpdate split over records
    Direction read_;
    Direction write_;
    std::string failure_;
};

// Collects, during one server handshake, what the hand-off needs: the application traffic
// secrets from the key log callback and the number of records OpenSSL protected with the
// server's application key (its session tickets).
class Tls13Handoff {
public:
    Tls13Handoff() = default;
    ~Tls13Handoff();  // detaches and wipes the secrets
    Tls13Handoff(const Tls13Handoff&) = delete;
    Tls13Handoff& operator=(const Tls13Handoff&) = delete;

    // Lets every SSL made from `context` report its secrets to an attached Tls13Handoff.
    static void enable(SSL_CTX* context);

    // Watches `ssl`'s handshake until take_over() or the Tls13Handoff's end, whichever comes
    // first; `ssl` must live that long.
    void attach(SSL* ssl);

    // After a completed server handshake: the record layer to continue with, or nullptr when
    // the connection stays with OpenSSL (TLS 1.2, another suite, bytes OpenSSL still holds).
    // Stops watching the SSL, which may be freed afterwards.
    std::unique_ptr<Tls13Records> take_over();

private:
    static void on_key_log(const SSL* ssl, const char* line);
    static void on_message(
        int write,
        int version,
        int content_type,
        const void* buffer,
        std::size_t length,
        SSL* ssl,
        void* self
    );

    void detach();

    SSL* ssl_ = nullptr;
    std::string client_secret_;
    std::string server_secret_;
    std::uint64_t server_records_ = 0;  // written after the server application secret existed
};

}  // namespace govmail::net
