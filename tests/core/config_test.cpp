#include "core/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace govmail {
namespace {

constexpr std::string_view kMinimal = R"(hostname = "mail.example.gov.vn"
domains = ["Example.gov.vn"]
data_dir = "/tmp/govmail-data"
)";

TEST(Config, MinimalFileGetsDefaults) {
    auto config = parse_config(kMinimal, "test.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->hostname, "mail.example.gov.vn");
    ASSERT_EQ(config->domains.size(), 1U);
    EXPECT_EQ(config->domains[0], "example.gov.vn");
    EXPECT_EQ(config->data_dir, "/tmp/govmail-data");
    EXPECT_FALSE(config->listen.smtp);
    EXPECT_EQ(config->limits.max_line_length, 4096U);
    EXPECT_EQ(config->limits.idle_timeout, std::chrono::minutes(5));
    EXPECT_EQ(config->server.shutdown_grace, std::chrono::seconds(10));
}

TEST(Config, DefaultFileIsValidAndListensOnLoopback) {
    auto config = load_config("conf/govmail.toml");
    ASSERT_TRUE(config) << config.error().message;
    ASSERT_TRUE(config->listen.smtp);
    EXPECT_EQ(config->listen.smtp->to_string(), "127.0.0.1:2525");
    EXPECT_EQ(config->listen.submission->port, 2587);
    EXPECT_EQ(config->listen.submissions->port, 2465);
    EXPECT_EQ(config->listen.imap->port, 2143);
    EXPECT_EQ(config->listen.imaps->port, 2993);
    EXPECT_EQ(config->listen.http->port, 8080);
    EXPECT_EQ(config->data_dir, std::filesystem::current_path() / "var");
}

TEST(Config, ProductionExampleIsValid) {
    auto config = load_config("conf/govmail.production.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->listen.smtp->port, 25);
    EXPECT_EQ(config->log.format, LogFormat::Json);
}

TEST(Config, ParsesListenAddressesAndUnits) {
    std::string text(kMinimal);
    text += R"(
[listen]
smtp = "[::1]:2525"
imap = "0.0.0.0:143"
[limits]
idle_timeout = "30m"
command_timeout = "90s"
)";
    auto config = parse_config(text, "test.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->listen.smtp->host, "::1");
    EXPECT_EQ(config->listen.smtp->to_string(), "[::1]:2525");
    EXPECT_EQ(config->listen.imap->port, 143);
    EXPECT_EQ(config->limits.idle_timeout, std::chrono::minutes(30));
    EXPECT_EQ(config->limits.command_timeout, std::chrono::seconds(90));
}

struct BadConfig {
    const char* name;
    std::string extra;     // appended to the minimal file (which has 3 lines)
    std::string expected;  // the whole error message
};

class ConfigErrors : public testing::TestWithParam<BadConfig> {};

TEST_P(ConfigErrors, NameFileLineAndProblem) {
    auto config = parse_config(std::string(kMinimal) + GetParam().extra, "conf/test.toml");
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().message, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    ConfigErrors,
    testing::Values(
        BadConfig{
            "UnknownTopLevelKey", "hostnme = \"x\"\n", "conf/test.toml:4:1: hostnme: unknown key"},
        BadConfig{
            "UnknownSectionKey",
            "[listen]\nsmpt = \"127.0.0.1:25\"\n",
            "conf/test.toml:5:1: listen.smpt: unknown key"},
        BadConfig{
            "UnknownSection",
            "[lisen]\nsmtp = \"127.0.0.1:25\"\n",
            "conf/test.toml:4:2: lisen: unknown key"},
        BadConfig{
            "AddressWithoutPort",
            "[listen]\nsmtp = \"127.0.0.1\"\n",
            "conf/test.toml:5:8: listen.smtp: expected \"address:port\" with an IP address "
            "and a port from 1 to 65535, got \"127.0.0.1\""},
        BadConfig{
            "PortOutOfRange",
            "[listen]\nimap = \"127.0.0.1:70000\"\n",
            "conf/test.toml:5:8: listen.imap: expected \"address:port\" with an IP address "
            "and a port from 1 to 65535, got \"127.0.0.1:70000\""},
        BadConfig{
            "HostNameInsteadOfAddress",
            "[listen]\nimap = \"localhost:143\"\n",
            "conf/test.toml:5:8: listen.imap: expected \"address:port\" with an IP address "
            "and a port from 1 to 65535, got \"localhost:143\""},
        BadConfig{
            "WrongType",
            "[limits]\nmax_line_length = \"big\"\n",
            "conf/test.toml:5:19: limits.max_line_length: expected an integer, got a "
            "string"},
        BadConfig{
            "OutOfRange",
            "[limits]\nmax_line_length = 10\n",
            "conf/test.toml:5:19: limits.max_line_length: must be between 512 and "
            "1048576, got 10"},
        BadConfig{
            "BadDuration",
            "[limits]\nidle_timeout = \"5 minutes\"\n",
            "conf/test.toml:5:16: limits.idle_timeout: expected a duration like \"250ms\", "
            "\"30s\", \"5m\", \"2h\" or \"5d\", got \"5 minutes\""},
        BadConfig{
            "SectionIsNotATable",
            "listen = 25\n",
            "conf/test.toml:4:10: listen: expected a table, got an integer"},
        BadConfig{
            "BadLogLevel",
            "[log]\nlevel = \"loud\"\n",
            "conf/test.toml:5:9: log.level: expected one of debug, info, warn, error, got "
            "\"loud\""},
        BadConfig{
            "HalfTls",
            "[tls]\ncertificate = \"/etc/cert.pem\"\n",
            "conf/test.toml:4:1: tls.private_key: certificate and private_key must be set "
            "together"},
        BadConfig{
            "TomlSyntax",
            "[listen\n",
            "conf/test.toml:4:8: Error while parsing table header: expected ']', saw "
            "'\\n'"}
    ),
    [](const auto& info) { return std::string(info.param.name); }
);

TEST(Config, MissingRequiredKey) {
    auto config =
        parse_config("hostname = \"mail.example.gov.vn\"\ndomains = [\"a.vn\"]\n", "x.toml");
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().message, "x.toml:1:1: data_dir: is required");
}

TEST(Config, EmptyDomainList) {
    auto config = parse_config("hostname = \"m.a.vn\"\ndomains = []\ndata_dir = \"v\"\n", "x.toml");
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().message, "x.toml:2:11: domains: must list at least one value");
}

TEST(Config, BadHostname) {
    auto config = parse_config(
        "hostname = \"mail server\"\ndomains = [\"a.vn\"]\ndata_dir = \"v\"\n", "x.toml"
    );
    ASSERT_FALSE(config);
    EXPECT_EQ(
        config.error().message, "x.toml:1:12: hostname: \"mail server\" is not a valid host name"
    );
}

TEST(Config, UnreadableFile) {
    auto config = load_config("/nonexistent/govmail.toml");
    ASSERT_FALSE(config);
    EXPECT_EQ(
        config.error().message,
        "/nonexistent/govmail.toml: cannot read the configuration file: No such file or "
        "directory"
    );
}

TEST(Config, DurationsAndSizes) {
    EXPECT_EQ(parse_duration("250ms"), std::chrono::milliseconds(250));
    EXPECT_EQ(parse_duration("5d"), std::chrono::hours(120));
    EXPECT_FALSE(parse_duration("5"));
    EXPECT_FALSE(parse_duration("m"));
    EXPECT_FALSE(parse_duration("-5s"));
    EXPECT_EQ(parse_size("30MB"), 30ULL << 20);
    EXPECT_EQ(parse_size("2GB"), 2ULL << 30);
    EXPECT_EQ(parse_size("4096"), 4096U);
    EXPECT_FALSE(parse_size("lots"));
    EXPECT_FALSE(parse_size("99999999999999999999TB"));
}

TEST(Config, DirectoryAndPolicyDefaults) {
    auto config = parse_config(kMinimal, "test.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->directory.address_pattern, "{given}{initials}.{unit}");
    EXPECT_EQ(config->directory.pattern_for("example.gov.vn"), "{given}{initials}.{unit}");
    EXPECT_EQ(config->directory.argon2_memory_kib, 19U * 1024);
    EXPECT_EQ(config->directory.argon2_iterations, 2U);
    EXPECT_EQ(config->directory.argon2_parallelism, 1U);
    EXPECT_EQ(config->policy.password_min_length, 9U);
    EXPECT_EQ(config->policy.password_max_age, std::chrono::hours(24 * 180));
    EXPECT_EQ(config->policy.lock_after_failures, 12U);
    EXPECT_EQ(config->policy.initial_password_max_age, std::chrono::hours(24 * 30));
    EXPECT_EQ(config->policy.default_quota, 2ULL << 30);
    EXPECT_EQ(config->policy.purge_departed_after, std::chrono::hours(24 * 90));
}

TEST(Config, DirectoryAndPolicySections) {
    std::string text = R"(hostname = "mail.example.gov.vn"
domains = ["example.gov.vn", "other.gov.vn"]
data_dir = "/tmp/govmail-data"
[directory]
address_pattern = "{given}.{family}"
argon2_memory = "64KB"
argon2_iterations = 1
hash_threads = 4
[directory.domain_patterns]
"Other.gov.vn" = "{family}{middle}{given}"
[policy]
password_min_length = 12
lock_after_failures = 5
default_quota = "5GB"
purge_departed_after = "30d"
)";
    auto config = parse_config(text, "test.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->directory.pattern_for("example.gov.vn"), "{given}.{family}");
    EXPECT_EQ(config->directory.pattern_for("other.gov.vn"), "{family}{middle}{given}");
    EXPECT_EQ(config->directory.argon2_memory_kib, 64U);
    EXPECT_EQ(config->directory.argon2_iterations, 1U);
    EXPECT_EQ(config->directory.hash_threads, 4U);
    EXPECT_EQ(config->policy.password_min_length, 12U);
    EXPECT_EQ(config->policy.lock_after_failures, 5U);
    EXPECT_EQ(config->policy.default_quota, 5ULL << 30);
    EXPECT_EQ(config->policy.purge_departed_after, std::chrono::hours(24 * 30));
}

TEST(Config, DirectoryErrors) {
    struct Case {
        std::string extra;
        std::string expected;
    };

    const Case cases[] = {
        {"[directory]\naddress_pattern = \"{given}{nick}\"\n",
         "x.toml:5:19: directory.address_pattern: unknown placeholder \"{nick}\" (known: "
         "{given}, {family}, {middle}, {initials}, {unit})"},
        {"[directory]\naddress_pattern = \"{unit}\"\n",
         "x.toml:5:19: directory.address_pattern: must contain {given} or {family}"},
        {"[directory]\naddress_pattern = \"{given} {family}\"\n",
         "x.toml:5:19: directory.address_pattern: \" \" cannot appear in an address (use a-z, "
         "0-9, '.', '-', '_')"},
        {"[directory.domain_patterns]\n\"elsewhere.vn\" = \"{given}\"\n",
         "x.toml:5:18: directory.domain_patterns.elsewhere.vn: is not one of the hosted domains"},
        {"[directory]\nargon2_memory = \"1KB\"\n",
         "x.toml:5:17: directory.argon2_memory: must be between 64KB and 4GB"},
        {"[policy]\npassword_min_length = 4\n",
         "x.toml:5:23: policy.password_min_length: must be between 6 and 128, got 4"},
        {"[policy]\npassword_max_age = \"6 months\"\n",
         "x.toml:5:20: policy.password_max_age: expected a duration like \"250ms\", \"30s\", "
         "\"5m\", \"2h\" or \"5d\", got \"6 months\""},
        {"[policy]\nquota = \"2GB\"\n", "x.toml:5:1: policy.quota: unknown key"},
    };
    for (const Case& c : cases) {
        auto config = parse_config(std::string(kMinimal) + c.extra, "x.toml");
        ASSERT_FALSE(config) << c.extra;
        EXPECT_EQ(config.error().message, c.expected);
    }
}

TEST(Config, SmtpDefaults) {
    auto config = parse_config(kMinimal, "test.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->smtp.max_message_size, 30ULL << 20);
    EXPECT_EQ(config->smtp.max_recipients, 1000U);
    EXPECT_EQ(config->smtp.max_received_headers, 100U);
    EXPECT_EQ(config->smtp.max_errors, 20U);
    EXPECT_EQ(config->smtp.max_junk_commands, 100U);
    EXPECT_EQ(config->smtp.idle_timeout, std::chrono::minutes(5));
}

TEST(Config, SmtpSection) {
    std::string text(kMinimal);
    text += R"([smtp]
max_message_size = "10MB"
max_recipients = 500
max_received_headers = 50
max_errors = 5
max_junk_commands = 30
idle_timeout = "10m"
)";
    auto config = parse_config(text, "test.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->smtp.max_message_size, 10ULL << 20);
    EXPECT_EQ(config->smtp.max_recipients, 500U);
    EXPECT_EQ(config->smtp.max_received_headers, 50U);
    EXPECT_EQ(config->smtp.max_errors, 5U);
    EXPECT_EQ(config->smtp.max_junk_commands, 30U);
    EXPECT_EQ(config->smtp.idle_timeout, std::chrono::minutes(10));
}

TEST(Config, SmtpErrors) {
    struct Case {
        std::string extra;
        std::string expected;
    };

    const Case cases[] = {
        {"[smtp]\nmax_message_size = \"1KB\"\n",
         "x.toml:5:20: smtp.max_message_size: must be between 64KB and 1GB"},
        {"[smtp]\nmax_message_size = \"2GB\"\n",
         "x.toml:5:20: smtp.max_message_size: must be between 64KB and 1GB"},
        {"[smtp]\nmax_message_size = \"huge\"\n",
         "x.toml:5:20: smtp.max_message_size: expected a size like \"64KB\", \"30MB\" or "
         "\"2GB\", got \"huge\""},
        {"[smtp]\nmax_recipients = 10\n",
         "x.toml:5:18: smtp.max_recipients: must be between 100 and 100000, got 10"},
        {"[smtp]\nmax_received_headers = 0\n",
         "x.toml:5:24: smtp.max_received_headers: must be between 10 and 1000, got 0"},
        {"[smtp]\nmax_errors = 0\n",
         "x.toml:5:14: smtp.max_errors: must be between 1 and 1000, got 0"},
        {"[smtp]\nidle_timeout = \"0s\"\n",
         "x.toml:5:16: smtp.idle_timeout: must be between 1s and 1h"},
        {"[smtp]\nmax_line_length = 512\n", "x.toml:5:1: smtp.max_line_length: unknown key"},
    };
    for (const Case& c : cases) {
        auto config = parse_config(std::string(kMinimal) + c.extra, "x.toml");
        ASSERT_FALSE(config) << c.extra;
        EXPECT_EQ(config.error().message, c.expected);
    }
}

TEST(Config, ImapDefaultsAndSection) {
    auto defaults = parse_config(kMinimal, "test.toml");
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_EQ(defaults->imap.idle_timeout, std::chrono::minutes(30));
    EXPECT_EQ(defaults->imap.max_command_length, 64U * 1024);
    EXPECT_EQ(defaults->imap.max_append_size, 30ULL << 20);
    EXPECT_EQ(defaults->imap.max_connections_per_user, 50U);

    std::string text(kMinimal);
    text += R"([imap]
idle_timeout = "1h"
max_command_length = "16KB"
max_append_size = "50MB"
max_connections_per_user = 8
)";
    auto config = parse_config(text, "test.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->imap.idle_timeout, std::chrono::hours(1));
    EXPECT_EQ(config->imap.max_command_length, 16U * 1024);
    EXPECT_EQ(config->imap.max_append_size, 50ULL << 20);
    EXPECT_EQ(config->imap.max_connections_per_user, 8U);
}

TEST(Config, ImapErrors) {
    struct Case {
        std::string extra;
        std::string expected;
    };

    const Case cases[] = {
        {"[imap]\nidle_timeout = \"29m\"\n",
         "x.toml:5:16: imap.idle_timeout: must be between 30m and 24h (RFC 9051 5.4)"},
        {"[imap]\nidle_timeout = \"2d\"\n",
         "x.toml:5:16: imap.idle_timeout: must be between 30m and 24h (RFC 9051 5.4)"},
        {"[imap]\nmax_command_length = 1000\n",
         "x.toml:5:22: imap.max_command_length: must be between 8KB and 1MB"},
        {"[imap]\nmax_append_size = \"2GB\"\n",
         "x.toml:5:19: imap.max_append_size: must be between 64KB and 1GB"},
        {"[imap]\nmax_append_size = \"big\"\n",
         "x.toml:5:19: imap.max_append_size: expected a size like \"64KB\", \"30MB\" or "
         "\"2GB\", got \"big\""},
        {"[imap]\nmax_connections_per_user = 0\n",
         "x.toml:5:28: imap.max_connections_per_user: must be between 1 and 10000, got 0"},
        {"[imap]\nappendlimit = 5\n", "x.toml:5:1: imap.appendlimit: unknown key"},
    };
    for (const Case& c : cases) {
        auto config = parse_config(std::string(kMinimal) + c.extra, "x.toml");
        ASSERT_FALSE(config) << c.extra;
        EXPECT_EQ(config.error().message, c.expected);
    }
}

TEST(Config, StoreDefaultsAndSection) {
    auto defaults = parse_config(kMinimal, "test.toml");
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_EQ(defaults->store.map_size, 1ULL << 30);
    EXPECT_EQ(defaults->store.max_map_size, 1ULL << 40);

    auto config = parse_config(
        std::string(kMinimal) + "[store]\nmap_size = \"64MB\"\nmax_map_size = 17179869184\n",
        "test.toml"
    );
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->store.map_size, 64ULL << 20);
    EXPECT_EQ(config->store.max_map_size, 16ULL << 30);
}

TEST(Config, StoreErrors) {
    struct Case {
        std::string extra;
        std::string expected;
    };

    const Case cases[] = {
        {"[store]\nmap_size = \"64KB\"\n",
         "x.toml:5:12: store.map_size: must be between 1MB and 1PB"},
        {"[store]\nmap_size = \"2GB\"\nmax_map_size = \"1GB\"\n",
         "x.toml:6:16: store.max_map_size: must be between map_size and 1PB"},
        {"[store]\nmap_size = \"2TB\"\n",
         "x.toml:5:12: store.max_map_size: must be between map_size and 1PB"},
        {"[store]\nmax_map_size = \"lots\"\n",
         "x.toml:5:16: store.max_map_size: expected a size like \"64KB\", \"30MB\" or "
         "\"2GB\", got \"lots\""},
        {"[store]\npath = \"/srv\"\n", "x.toml:5:1: store.path: unknown key"},
    };
    for (const Case& c : cases) {
        auto config = parse_config(std::string(kMinimal) + c.extra, "x.toml");
        ASSERT_FALSE(config) << c.extra;
        EXPECT_EQ(config.error().message, c.expected);
    }
}

TEST(Config, QueueDnsRoutesAndSendingPolicyDefaults) {
    auto config = parse_config(kMinimal, "test.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->queue.lifetime, std::chrono::hours(24 * 5));
    EXPECT_EQ(config->queue.retry_initial, std::chrono::minutes(5));
    EXPECT_EQ(config->queue.retry_max, std::chrono::hours(1));
    EXPECT_EQ(config->queue.delay_notice, std::chrono::hours(4));
    EXPECT_EQ(config->queue.concurrency, 20U);
    EXPECT_EQ(config->queue.connect_timeout, std::chrono::seconds(30));
    EXPECT_EQ(config->queue.mx_port, 25);
    EXPECT_FALSE(config->queue.smart_host);
    EXPECT_TRUE(config->dns.resolvers.empty());
    EXPECT_EQ(config->dns.timeout, std::chrono::seconds(5));
    EXPECT_TRUE(config->routes.empty());
    EXPECT_EQ(config->policy.external_send_limit, 250U);
    EXPECT_EQ(config->policy.external_send_window, std::chrono::minutes(10));
    EXPECT_EQ(config->policy.government_domains, std::vector<std::string>{"gov.vn"});
    EXPECT_FALSE(config->policy.allow_external_auto_forward);
}

TEST(Config, QueueDnsRoutesAndSendingPolicy) {
    std::string text(kMinimal);
    text += R"([policy]
external_send_limit = 100
external_send_window = "1h"
government_domains = [".gov.vn", "Chinhphu.VN"]
allow_external_auto_forward = true

[queue]
lifetime = "2d"
retry_initial = "1s"
retry_max = "10m"
delay_notice = "0s"
concurrency = 4
connect_timeout = "2s"
mx_port = 2525
smart_host = { address = "relay.tinh.gov.vn:587", require_tls = true }

[dns]
resolvers = ["127.0.0.1:5353", "192.0.2.53", "[::1]:53"]
timeout = "2s"

[routes]
"Other-Agency.gov.vn" = "10.0.0.5:25"
".bo.gov.vn" = { address = "[2001:db8::5]:2525", verify_tls = true }
"so.gov.vn" = "mx.so.gov.vn"
)";
    auto config = parse_config(text, "test.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->policy.external_send_limit, 100U);
    EXPECT_EQ(config->policy.external_send_window, std::chrono::hours(1));
    EXPECT_EQ(
        config->policy.government_domains, (std::vector<std::string>{"gov.vn", "chinhphu.vn"})
    );
    EXPECT_TRUE(config->policy.allow_external_auto_forward);
    EXPECT_EQ(config->queue.lifetime, std::chrono::hours(48));
    EXPECT_EQ(config->queue.retry_initial, std::chrono::seconds(1));
    EXPECT_EQ(config->queue.retry_max, std::chrono::minutes(10));
    EXPECT_EQ(config->queue.delay_notice, std::chrono::milliseconds(0));
    EXPECT_EQ(config->queue.concurrency, 4U);
    EXPECT_EQ(config->queue.connect_timeout, std::chrono::seconds(2));
    EXPECT_EQ(config->queue.mx_port, 2525);
    ASSERT_TRUE(config->queue.smart_host);
    EXPECT_EQ(config->queue.smart_host->to_string(), "relay.tinh.gov.vn:587");
    EXPECT_TRUE(config->queue.smart_host->require_tls);
    EXPECT_FALSE(config->queue.smart_host->verify_tls);
    ASSERT_EQ(config->dns.resolvers.size(), 3U);
    EXPECT_EQ(config->dns.resolvers[0].to_string(), "127.0.0.1:5353");
    EXPECT_EQ(config->dns.resolvers[1].to_string(), "192.0.2.53:53");
    EXPECT_EQ(config->dns.resolvers[2].to_string(), "[::1]:53");
    EXPECT_EQ(config->dns.timeout, std::chrono::seconds(2));
    ASSERT_EQ(config->routes.size(), 3U);
    const RouteConfig& agency = config->routes.at("other-agency.gov.vn");
    EXPECT_EQ(agency.to_string(), "10.0.0.5:25");
    EXPECT_FALSE(agency.require_tls);
    const RouteConfig& ministry = config->routes.at(".bo.gov.vn");
    EXPECT_EQ(ministry.to_string(), "[2001:db8::5]:2525");
    EXPECT_TRUE(ministry.require_tls);  // verify_tls implies it
    EXPECT_TRUE(ministry.verify_tls);
    EXPECT_EQ(config->routes.at("so.gov.vn").to_string(), "mx.so.gov.vn:25");
}

TEST(Config, QueueDnsRoutesAndSendingPolicyErrors) {
    struct Case {
        std::string extra;
        std::string expected;
    };

    const Case cases[] = {
        {"[queue]\nlifetime = \"60d\"\n",
         "x.toml:5:12: queue.lifetime: must be between 1s and 30d"},
        {"[queue]\nretry_initial = \"1m\"\nretry_max = \"30s\"\n",
         "x.toml:6:13: queue.retry_max: must be between retry_initial and 24h"},
        {"[queue]\nconcurrency = 0\n",
         "x.toml:5:15: queue.concurrency: must be between 1 and 1000, got 0"},
        {"[queue]\nsmart_host = 25\n",
         "x.toml:5:14: queue.smart_host: expected \"host:port\" or a table {address = "
         "\"host:port\", ...}"},
        {"[queue]\nsmart_host = { require_tls = true }\n",
         "x.toml:5:14: queue.smart_host: a route table needs address = \"host:port\""},
        {"[queue]\nsmart_host = { address = \"relay:25\", tls = true }\n",
         "x.toml:5:38: queue.smart_host.tls: unknown key"},
        {"[queue]\nspeed = 1\n", "x.toml:5:1: queue.speed: unknown key"},
        {"[dns]\nresolvers = [\"localhost\"]\n",
         "x.toml:5:13: dns.resolvers: expected \"address\" or \"address:port\" with an IP "
         "address, got \"localhost\""},
        {"[dns]\ntimeout = \"2m\"\n", "x.toml:5:11: dns.timeout: must be between 100ms and 1m"},
        {"[routes]\n\"agency.gov.vn\" = \"10.0.0.5:99999\"\n",
         "x.toml:5:19: routes.agency.gov.vn: expected \"host:port\" with an IP address or a "
         "host name and a port from 1 to 65535, got \"10.0.0.5:99999\""},
        {"[routes]\n\"bad domain\" = \"10.0.0.5\"\n",
         "x.toml:5:16: routes.bad domain: is not a domain name (or .domain for its subdomains)"},
        {"[routes]\n\"A.gov.vn\" = \"10.0.0.5\"\n\"a.gov.vn\" = \"10.0.0.6\"\n",
         "x.toml:6:14: routes.a.gov.vn: is given twice"},
        {"[policy]\nexternal_send_window = \"0s\"\n",
         "x.toml:5:24: policy.external_send_window: must be between 1s and 24h"},
        {"[policy]\ngovernment_domains = [\"gov vn\"]\n",
         "x.toml:5:22: policy.government_domains: \"gov vn\" is not a valid domain name"},
    };
    for (const Case& c : cases) {
        auto config = parse_config(std::string(kMinimal) + c.extra, "x.toml");
        ASSERT_FALSE(config) << c.extra;
        EXPECT_EQ(config.error().message, c.expected) << c.extra;
    }
}

TEST(Config, RouteAddresses) {
    EXPECT_EQ(parse_route_address("10.0.0.5")->to_string(), "10.0.0.5:25");
    EXPECT_EQ(parse_route_address("[::1]:2525")->to_string(), "[::1]:2525");
    EXPECT_EQ(parse_route_address("MX.Agency.gov.vn:587")->to_string(), "mx.agency.gov.vn:587");
    EXPECT_FALSE(parse_route_address(""));
    EXPECT_FALSE(parse_route_address("mx.agency.gov.vn:"));
    EXPECT_FALSE(parse_route_address("mx..gov.vn"));
    EXPECT_FALSE(parse_route_address("host:0"));
}

}  // namespace
}  // namespace govmail
