#include "core/tls.hpp"

#include "core/net/tls13_records.hpp"
#include "core/openssl.hpp"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace govmail::tls {
namespace {

// Mozilla "intermediate" TLS 1.2 suites: ECDHE with AEAD only. TLS 1.3 suites are all AEAD.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

constexpr long kDevelopmentValidityDays = 730;

void apply_protocol_floor(SSL_CTX* ctx) {
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(
        ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE
    );
    SSL_CTX_set_cipher_list(ctx, kTls12Ciphers);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
}

bool add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    ssl::X509ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    return extension && X509_add_ext(cert, extension.get(), -1) == 1;
}

// Writes `text` to `path` through a temporary file and rename, so a crash never leaves half a
// key behind; the file is created with `mode`.
Result<void> write_file_atomically(
    const std::filesystem::path& path, const std::string& text, mode_t mode
) {
    std::filesystem::path temporary = path;
    temporary += ".tmp";
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        return Error{"cannot create " + temporary.string() + ": " + std::strerror(errno)};
    }
    std::size_t written = 0;
    while (written < text.size()) {
        ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0) {
            ::close(fd);
            return Error{"cannot write " + temporary.string() + ": " + std::strerror(errno)};
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        return Error{"cannot write " + temporary.string() + ": " + std::strerror(errno)};
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        return Error{"cannot rename " + temporary.string() + ": " + ec.message()};
    }
    return {};
}

Result<void> generate_self_signed(const CertificateFiles& files, const std::string& hostname) {
    ssl::EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    ssl::X509Ptr cert(X509_new());
    if (!key || !cert) {
        return Error{ssl::last_error("generating the development key")};
    }
    X509_set_version(cert.get(), 2);
    unsigned char serial_bytes[16];
    RAND_bytes(serial_bytes, sizeof serial_bytes);
    serial_bytes[0] &= 0x7f;  // a positive serial number (RFC 5280 4.1.2.2)
    ssl::BignumPtr serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
    BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), kDevelopmentValidityDays * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());

    X509_NAME* name = X509_get_subject_name(cert.get());
    auto add_name = [&](const char* field, const std::string& value) {
        X509_NAME_add_entry_by_txt(
            name,
            field,
            MBSTRING_UTF8,
            reinterpret_cast<const unsigned char*>(value.c_str()),
            -1,
            -1,
            0
        );
    };
    add_name("O", "govmail development");
    add_name("CN", hostname);
    X509_set_issuer_name(cert.get(), name);

    std::string san = "DNS:" + hostname + ",DNS:localhost,IP:127.0.0.1,IP:::1";
    if (!add_extension(cert.get(), NID_subject_alt_name, san.c_str()) ||
        !add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
        !add_extension(cert.get(), NID_key_usage, "critical,digitalSignature") ||
        !add_extension(cert.get(), NID_ext_key_usage, "serverAuth")) {
        return Error{ssl::last_error("building the development certificate")};
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
        return Error{ssl::last_error("signing the development certificate")};
    }

    ssl::BioPtr key_pem(BIO_new(BIO_s_mem()));
    ssl::BioPtr cert_pem(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(key_pem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
            1 ||
        PEM_write_bio_X509(cert_pem.get(), cert.get()) != 1) {
        return Error{ssl::last_error("encoding the development certificate")};
    }
    // The key first: a certificate without its key would be taken as complete on the next start.
    if (auto written =
            write_file_atomically(files.private_key, ssl::bio_to_string(key_pem.get()), 0600);
        !written) {
        return written.error();
    }
    return write_file_atomically(files.certificate, ssl::bio_to_string(cert_pem.get()), 0644);
}

}  // namespace

Result<CertificateFiles> ensure_development_certificate(
    const std::filesystem::path& data_dir, const std::string& hostname
) {
    std::filesystem::path dir = data_dir / "tls";
    CertificateFiles files{dir / "dev-cert.pem", dir / "dev-key.pem"};
    std::error_code ec;
    if (std::filesystem::exists(files.certificate, ec) &&
        std::filesystem::exists(files.private_key, ec)) {
        return files;
    }
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        return Error{"cannot create " + dir.string() + ": " + ec.message()};
    }
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    if (auto made = generate_self_signed(files, hostname); !made) {
        return made.error();
    }
    return files;
}

Result<std::shared_ptr<Context>> make_server_context(const CertificateFiles& files) {
    auto context = std::make_shared<Context>(Context::tls_server);
    SSL_CTX* ctx = context->native_handle();
    apply_protocol_floor(ctx);
    if (SSL_CTX_use_certificate_chain_file(ctx, files.certificate.c_str()) != 1) {
        return Error{ssl::last_error("loading the TLS certificate " + files.certificate.string())};
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, files.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
        return Error{ssl::last_error("loading the TLS private key " + files.private_key.string())};
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        return Error{ssl::last_error("the TLS private key does not match the certificate")};
    }
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    net::Tls13Handoff::enable(ctx);
    static const unsigned char kSessionContext[] = "govmail";
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
    return context;
}

Result<std::shared_ptr<Context>> make_server_context(const Config& config) {
    if (!config.tls.certificate.empty()) {
        return make_server_context(CertificateFiles{config.tls.certificate, config.tls.private_key}
        );
    }
    auto files = ensure_development_certificate(config.data_dir, config.hostname);
    if (!files) {
        return files.error();
    }
    return make_server_context(*files);
}

std::shared_ptr<Context> make_client_context(bool verify_peer) {
    auto context = std::make_shared<Context>(Context::tls_client);
    apply_protocol_floor(context->native_handle());
    if (verify_peer) {
        context->set_default_verify_paths();
        context->set_verify_mode(boost::asio::ssl::verify_peer);
    } else {
        context->set_verify_mode(boost::asio::ssl::verify_none);
    }
    return context;
}

}  // namespace govmail::tls
