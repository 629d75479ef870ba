#include "core/tls.hpp"

#include "tests/support/client.hpp"
#include "tests/support/echo_server_fixture.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <sys/stat.h>

namespace govmail::test {
namespace {

using namespace std::chrono_literals;

TEST(Tls, DevelopmentCertificateIsMadeOnceWithPrivateKey) {
    TempDir dir;
    auto first = tls::ensure_development_certificate(dir.path(), "mail.test.gov.vn");
    ASSERT_TRUE(first) << first.error().message;

    struct stat info {};

    ASSERT_EQ(::stat(first->private_key.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    std::string cert = read_file(first->certificate);
    EXPECT_NE(cert.find("BEGIN CERTIFICATE"), std::string::npos);

    auto second = tls::ensure_development_certificate(dir.path(), "mail.test.gov.vn");
    ASSERT_TRUE(second);
    EXPECT_EQ(read_file(second->certificate), cert);  // reused, not regenerated

    auto text = run({"openssl", "x509", "-in", first->certificate.string(), "-noout", "-text"});
    EXPECT_EQ(text.status, 0);
    EXPECT_NE(
        text.output.find("DNS:mail.test.gov.vn, DNS:localhost, IP Address:127.0.0.1"),
        std::string::npos
    ) << text.output;
}

TEST(Tls, ServerContextRefusesBelowTls12) {
    TempDir dir;
    auto context = tls::make_server_context(test_config(dir.path()));
    ASSERT_TRUE(context) << context.error().message;
    EXPECT_EQ(SSL_CTX_get_min_proto_version((*context)->native_handle()), TLS1_2_VERSION);
}

TEST(Tls, MissingCertificateFileIsAnError) {
    TempDir dir;
    Config config = test_config(dir.path());
    config.tls.certificate = dir / "missing.pem";
    config.tls.private_key = dir / "missing-key.pem";
    auto context = tls::make_server_context(config);
    ASSERT_FALSE(context);
    EXPECT_NE(context.error().message.find("loading the TLS certificate"), std::string::npos);
}

// openssl s_client against the implicit-TLS echo listener.
RunResult s_client(std::uint16_t port, std::vector<std::string> options) {
    std::vector<std::string> argv = {
        "openssl",
        "s_client",
        "-connect",
        "127.0.0.1:" + std::to_string(port),
        "-brief",
        "-ign_eof"};
    argv.insert(argv.end(), options.begin(), options.end());
    return run(argv, "TLS?\nQUIT\n", 20s);
}

TEST(Tls, OpensslClientNegotiatesTls13And12WithAeadCiphers) {
    TempDir dir;
    EchoServer echo(test_config(dir.path()), /*implicit_tls=*/true);
    auto tls13 = s_client(echo.port(), {"-tls1_3"});
    EXPECT_EQ(tls13.status, 0) << tls13.output;
    EXPECT_NE(tls13.output.find("Protocol version: TLSv1.3"), std::string::npos) << tls13.output;
    EXPECT_NE(tls13.output.find("+TLS yes"), std::string::npos) << tls13.output;

    auto tls12 = s_client(echo.port(), {"-tls1_2"});
    EXPECT_EQ(tls12.status, 0) << tls12.output;
    EXPECT_NE(tls12.output.find("Protocol version: TLSv1.2"), std::string::npos) << tls12.output;
    EXPECT_NE(tls12.output.find("Ciphersuite: ECDHE-ECDSA-AES128-GCM-SHA256"), std::string::npos)
        << tls12.output;
}

TEST(Tls, OpensslClientOfferingTls10Or11IsRefused) {
    TempDir dir;
    EchoServer echo(test_config(dir.path()), /*implicit_tls=*/true);
    // SECLEVEL=0 makes the client willing to speak the old versions: the refusal is the server's.
    for (const char* version : {"-tls1_1", "-tls1"}) {
        auto old = s_client(echo.port(), {version, "-cipher", "DEFAULT:@SECLEVEL=0"});
        EXPECT_NE(old.status, 0) << version << "\n" << old.output;
        EXPECT_EQ(old.output.find("+TLS yes"), std::string::npos) << old.output;
        EXPECT_NE(old.output.find("alert protocol version"), std::string::npos) << old.output;
    }
}

TEST(Tls, NonAeadCipherIsRefused) {
    TempDir dir;
    EchoServer echo(test_config(dir.path()), /*implicit_tls=*/true);
    auto cbc = s_client(echo.port(), {"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256"});
    EXPECT_NE(cbc.status, 0) << cbc.output;
    EXPECT_EQ(cbc.output.find("+TLS yes"), std::string::npos) << cbc.output;
}

TEST(Tls, ImplicitTlsListenerWithTestClient) {
    TempDir dir;
    EchoServer echo(test_config(dir.path()), /*implicit_tls=*/true);
    TestClient client;
    ASSERT_TRUE(client.connect(echo.port()));
    ASSERT_TRUE(client.start_tls());
    EXPECT_EQ(client.read_line(), "+OK echo");
    EXPECT_EQ(client.tls_version(), "TLSv1.3");
    client.send("TLS?\r\n");
    EXPECT_EQ(client.read_line(), "+TLS yes");

    TestClient old;
    ASSERT_TRUE(old.connect(echo.port()));
    EXPECT_FALSE(old.start_tls(TLS1_VERSION, TLS1_1_VERSION));
}

// A TLS 1.3 server connection continues without OpenSSL after the handshake (Tls13Records):
// through a real socket, key updates in both directions, lines spanning several records and the
// closing alert must all reach OpenSSL's client intact.
TEST(Tls, Tls13ConnectionSurvivesKeyUpdatesAndClosesWithCloseNotify) {
    TempDir dir;
    EchoServer echo(test_config(dir.path()), /*implicit_tls=*/true);
    TestClient client;
    ASSERT_TRUE(client.connect(echo.port()));
    ASSERT_TRUE(client.start_tls());
    EXPECT_EQ(client.read_line(), "+OK echo");
    ASSERT_EQ(client.tls_version(), "TLSv1.3");
    for (int round = 0; round < 4; ++round) {
        SCOPED_TRACE(round);
        ASSERT_TRUE(client.update_keys());
        std::string line(900 + round, static_cast<char>('a' + round));
        ASSERT_TRUE(client.send(line + "\r\n"));
        EXPECT_EQ(client.read_line(), line);
    }
    std::string pipelined;
    for (int i = 0; i < 50; ++i) {
        pipelined += "line " + std::to_string(i) + "\r\n";
    }
    ASSERT_TRUE(client.send(pipelined));
    for (int i = 0; i < 50; ++i) {
        EXPECT_EQ(client.read_line(), "line " + std::to_string(i));
    }
    client.send("QUIT\r\n");
    EXPECT_EQ(client.read_line(), "+BYE");
    EXPECT_TRUE(client.wait_closed());
}

}  // namespace
}  // namespace govmail::test
