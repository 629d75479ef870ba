#include "core/net/server.hpp"

#include "tests/support/client.hpp"
#include "tests/support/echo_server_fixture.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace govmail::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TestClient connect_and_greet(std::uint16_t port) {
    TestClient client;
    EXPECT_TRUE(client.connect(port));
    EXPECT_EQ(client.read_line(), "+OK echo");
    return client;
}

TEST(Server, EchoesLines) {
    TempDir dir;
    EchoServer echo(test_config(dir.path()));
    TestClient client = connect_and_greet(echo.port());
    client.send("hello\r\nworld\r\n");
    EXPECT_EQ(client.read_line(), "hello");
    EXPECT_EQ(client.read_line(), "world");
    client.send("QUIT\r\n");
    EXPECT_EQ(client.read_line(), "+BYE");
    EXPECT_TRUE(client.wait_closed());
}

TEST(Server, OverLongLineIsRefusedAndConnectionStaysUsable) {
    TempDir dir;
    Config config = test_config(dir.path());
    config.limits.max_line_length = 1024;
    EchoServer echo(config);
    TestClient client = connect_and_greet(echo.port());
    client.send(std::string(100'000, 'x') + "\r\nping\r\n");
    EXPECT_EQ(client.read_line(), "-ERR line too long");
    EXPECT_EQ(client.read_line(), "ping");
    client.send(std::string(1022, 'y') + "\r\n");  // exactly at the limit with CRLF
    EXPECT_EQ(client.read_line(), std::string(1022, 'y'));
}

TEST(Server, IdleTimeoutClosesQuietClient) {
    TempDir dir;
    Config config = test_config(dir.path());
    config.limits.idle_timeout = 1s;
    EchoServer echo(config);
    TestClient client = connect_and_greet(echo.port());
    auto start = Clock::now();
    EXPECT_EQ(client.read_line(5s), "-ERR idle timeout");
    EXPECT_TRUE(client.wait_closed(2s));
    auto waited = Clock::now() - start;
    EXPECT_GE(waited, 900ms);
    EXPECT_LT(waited, 4s);
}

TEST(Server, ActivityKeepsConnectionOpenPastIdleTimeout) {
    TempDir dir;
    Config config = test_config(dir.path());
    config.limits.idle_timeout = 1s;
    EchoServer echo(config);
    TestClient client = connect_and_greet(echo.port());
    for (int i = 0; i < 4; ++i) {
        std::this_thread::sleep_for(500ms);
        client.send("still here\r\n");
        EXPECT_EQ(client.read_line(), "still here");
    }
}

TEST(Server, CommandTimeoutCutsClientStuckMidCommand) {
    TempDir dir;
    Config config = test_config(dir.path());
    config.limits.idle_timeout = 30s;
    config.limits.command_timeout = 1s;
    EchoServer echo(config);
    TestClient client = connect_and_greet(echo.port());
    auto start = Clock::now();
    client.send("half a comm");  // no line end: the rest never comes
    EXPECT_TRUE(client.wait_closed(5s));
    auto waited = Clock::now() - start;
    EXPECT_GE(waited, 900ms);
    EXPECT_LT(waited, 4s);
}

TEST(Server, PerAddressConnectionCap) {
    TempDir dir;
    Config config = test_config(dir.path());
    config.limits.max_connections_per_address = 3;
    EchoServer echo(config);
    std::vector<TestClient> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(connect_and_greet(echo.port()));
    }
    TestClient refused;
    ASSERT_TRUE(refused.connect(echo.port()));
    EXPECT_EQ(refused.read_line(), "-ERR too many connections");
    EXPECT_TRUE(refused.wait_closed());

    clients.front().send("QUIT\r\n");
    EXPECT_EQ(clients.front().read_line(), "+BYE");
    EXPECT_TRUE(clients.front().wait_closed());
    // The slot is released as soon as the connection ends.
    auto deadline = Clock::now() + 2s;
    while (echo.server().connection_count() > 2 && Clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    TestClient again = connect_and_greet(echo.port());
    again.send("ok\r\n");
    EXPECT_EQ(again.read_line(), "ok");
}

TEST(Server, TotalConnectionCap) {
    TempDir dir;
    Config config = test_config(dir.path());
    config.limits.max_connections = 2;
    EchoServer echo(config);
    TestClient a = connect_and_greet(echo.port());
    TestClient b = connect_and_greet(echo.port());
    TestClient c;
    ASSERT_TRUE(c.connect(echo.port()));
    EXPECT_EQ(c.read_line(), "-ERR too many connections");
}

TEST(Server, ThousandConcurrentConnections) {
    TempDir dir;
    Config config = test_config(dir.path());
    config.limits.max_connections_per_address = 2000;
    EchoServer echo(config);
    constexpr int kClients = 1000;
    std::vector<TestClient> clients(kClients);
    for (int i = 0; i < kClients; ++i) {
        ASSERT_TRUE(clients[i].connect(echo.port())) << i;
    }
    for (int i = 0; i < kClients; ++i) {
        ASSERT_EQ(clients[i].read_line(10s), "+OK echo") << i;
        ASSERT_TRUE(clients[i].send("client " + std::to_string(i) + "\r\n"));
    }
    EXPECT_EQ(echo.server().connection_count(), static_cast<std::size_t>(kClients));
    for (int i = 0; i < kClients; ++i) {
        ASSERT_EQ(clients[i].read_line(10s), "client " + std::to_string(i));
    }
    clients.clear();
    auto deadline = Clock::now() + 5s;
    while (echo.server().connection_count() > 0 && Clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(echo.server().connection_count(), 0U);
}

TEST(Server, StartTlsUpgradesInPlace) {
    TempDir dir;
    EchoServer echo(test_config(dir.path()));
    TestClient client = connect_and_greet(echo.port());
    client.send("TLS?\r\n");
    EXPECT_EQ(client.read_line(), "+TLS no");
    client.send("STARTTLS\r\n");
    EXPECT_EQ(client.read_line(), "+GO");
    ASSERT_TRUE(client.start_tls());
    client.send("TLS?\r\n");
    EXPECT_EQ(client.read_line(), "+TLS yes");
    client.send("after tls\r\n");
    EXPECT_EQ(client.read_line(), "after tls");
}

// CVE-2011-0411: plaintext pipelined behind STARTTLS must never run as if sent over TLS.
TEST(Server, StartTlsDiscardsPipelinedPlaintext) {
    TempDir dir;
    EchoServer echo(test_config(dir.path()));
    TestClient client = connect_and_greet(echo.port());
    client.send("STARTTLS\r\nINJECTED\r\n");
    EXPECT_EQ(client.read_line(), "+GO");
    ASSERT_TRUE(client.start_tls());
    client.send("TLS?\r\n");
    EXPECT_EQ(client.read_line(), "+TLS yes");
}

TEST(Server, ShutdownLetsInFlightCommandFinishAndSaysGoodbyeToIdle) {
    TempDir dir;
    EchoServer echo(test_config(dir.path()));
    std::vector<TestClient> idle;
    for (int i = 0; i < 3; ++i) {
        idle.push_back(connect_and_greet(echo.port()));
    }
    TestClient busy = connect_and_greet(echo.port());
    busy.send("SLOW 700\r\n");
    std::this_thread::sleep_for(100ms);  // the command is running
    std::thread stopper([&] {
        auto took = echo.shutdown_and_wait();
        EXPECT_LT(took, 3s);
        EXPECT_GE(took, 500ms);  // waited for the in-flight command
    });
    for (auto& client : idle) {
        EXPECT_EQ(client.read_line(), "-BYE shutting down");
        EXPECT_TRUE(client.wait_closed());
    }
    EXPECT_EQ(busy.read_line(), "+SLEPT 700");
    stopper.join();
    // New connections are refused once shutdown began.
    TestClient late;
    EXPECT_FALSE(late.connect(echo.port()) && late.read_line(500ms).has_value());
}

TEST(Server, ShutdownCutsConnectionsAfterGrace) {
    TempDir dir;
    Config config = test_config(dir.path());
    config.server.shutdown_grace = 500ms;
    EchoServer echo(config);
    TestClient busy = connect_and_greet(echo.port());
    busy.send("SLOW 20000\r\n");
    std::this_thread::sleep_for(100ms);
    auto took = echo.shutdown_and_wait();
    EXPECT_GE(took, 400ms);
    EXPECT_LT(took, 3s);
    EXPECT_TRUE(busy.wait_closed(1s));
}

TEST(Server, ListenOnPortInUseFails) {
    TempDir dir;
    EchoServer first(test_config(dir.path()));
    Config config = test_config(dir.path());
    net::Server second(config);
    auto bound = second.listen({
        .name = "echo",
        .address = ListenAddress{"127.0.0.1", first.port()},
        .handler = std::make_shared<EchoHandler>(1024, nullptr),
    });
    ASSERT_FALSE(bound);
    EXPECT_EQ(
        bound.error().message,
        "cannot listen for echo on 127.0.0.1:" + std::to_string(first.port()) +
            ": Address already in use"
    );
}

TEST(Server, SigtermWithOpenConnectionsExitsZeroWithinGrace) {
    TempDir dir;
    std::uint16_t port = free_port();
    write_file(
        dir / "echo.toml",
        "hostname = \"mail.test.gov.vn\"\ndomains = [\"test.gov.vn\"]\n"
        "data_dir = \"" +
            (dir / "data").string() +
            "\"\n"
            "[listen]\nsmtp = \"127.0.0.1:" +
            std::to_string(port) +
            "\"\n"
            "[server]\nshutdown_grace = \"3s\"\n"
    );
    Process server = Process::start({bin("echo_server"), (dir / "echo.toml").string()});
    ASSERT_TRUE(server.wait_for_output("listening", 10s)) << server.errors();
    std::vector<TestClient> clients;
    for (int i = 0; i < 20; ++i) {
        clients.push_back(connect_and_greet(port));
    }
    TestClient busy = connect_and_greet(port);
    busy.send("SLOW 1000\r\n");
    std::this_thread::sleep_for(100ms);
    auto start = Clock::now();
    server.signal(SIGTERM);
    for (auto& client : clients) {
        EXPECT_EQ(client.read_line(), "-BYE shutting down");
    }
    EXPECT_EQ(busy.read_line(), "+SLEPT 1000");
    auto status = server.wait(10s);
    ASSERT_TRUE(status) << "did not exit";
    EXPECT_EQ(*status, 0) << server.errors();
    EXPECT_LT(Clock::now() - start, 4s);
    EXPECT_NE(server.errors().find("shutdown.done"), std::string::npos) << server.errors();
}

}  // namespace
}  // namespace govmail::test
