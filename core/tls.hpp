#pragma once
// TLS contexts for servers and for govmail's own outbound connections.
//
// Server contexts accept TLS 1.2 and 1.3 only, with AEAD ciphers only (AES-GCM, ChaCha20-Poly1305)
// and ECDHE key exchange, the server's cipher order, no compression, no renegotiation, and
// SSL_MODE_RELEASE_BUFFERS so that an idle TLS connection holds no record buffers.
//
// When the configuration names no certificate, ensure_development_certificate() creates a
// self-signed one (EC P-256, SHA-256, valid two years, SAN = hostname, localhost, 127.0.0.1, ::1)
// in <data_dir>/tls/ on first start and reuses it afterwards. Clients will warn about it: it is
// for development and tests, and the production example configuration names a real one.

#include "core/config.hpp"
#include "core/error.hpp"

#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace govmail::tls {

using Context = boost::asio::ssl::context;

struct CertificateFiles {
    std::filesystem::path certificate;
    std::filesystem::path private_key;
};

// Returns <data_dir>/tls/dev-cert.pem and dev-key.pem, creating them (key mode 0600) when absent.
Result<CertificateFiles> ensure_development_certificate(
    const std::filesystem::path& data_dir, const std::string& hostname
);

// The server context for a configuration: its [tls] files, or the development certificate.
Result<std::shared_ptr<Context>> make_server_context(const Config& config);

Result<std::shared_ptr<Context>> make_server_context(const CertificateFiles& files);

// A client context with the same protocol floor. `verify_peer` checks the server certificate
// against the system trust store (used for routes that require authenticated TLS).
std::shared_ptr<Context> make_client_context(bool verify_peer);

}  // namespace govmail::tls
