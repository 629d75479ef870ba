#pragma once
// The govmail configuration: one TOML file read by govmaild and govmailctl alike.
//
// load_config() validates everything at load time. An unknown key, a value of the wrong type or
// out of range, a malformed "address:port" or a missing required key is an error naming the file,
// the line and column, the dotted key and what was expected, e.g.
//
//     conf/govmail.toml:7:8: listen.smtp: expected "address:port", got "127.0.0.1"
//
// Durations are strings with a unit ("30s", "5m", "2h", "5d") and sizes are strings with a unit
// ("64KB", "30MB", "2GB") or plain integers counted in bytes. Relative paths (data_dir, TLS files)
// are resolved against the working directory of the process at load time.
//
// Each later section (store, smtp, imap, ...) lives here too: one schema, one validator, one place
// for an administrator to read what can be set (conf/govmail.toml documents every key).

#include "core/error.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace govmail {

// An "address:port" listener address. `host` is an IPv4 or IPv6 literal ("::1" without brackets).
struct ListenAddress {
    std::string host;
    std::uint16_t port = 0;

    // "127.0.0.1:2525" or "[::1]:2525"
    std::string to_string() const;
};

// Which listeners to start; a missing key means that listener is off.
struct ListenConfig {
    std::optional<ListenAddress> smtp;         // MX, RFC 5321 (production: 25)
    std::optional<ListenAddress> submission;   // STARTTLS submission, RFC 6409 (587)
    std::optional<ListenAddress> submissions;  // implicit TLS submission, RFC 8314 (465)
    std::optional<ListenAddress> imap;         // STARTTLS IMAP (143)
    std::optional<ListenAddress> imaps;        // implicit TLS IMAP (993)
    std::optional<ListenAddress> http;         // webmail and admin pages
    std::optional<ListenAddress> https;        // the same over TLS
};

struct TlsConfig {
    // PEM certificate chain and private key. Both empty: a self-signed development certificate is
    // generated into <data_dir>/tls/ on first start and reused afterwards.
    std::filesystem::path certificate;
    std::filesystem::path private_key;
};

// Limits every connection shell enforces; protocols may tighten them.
struct LimitsConfig {
    std::size_t max_line_length = 4096;
    // Waiting for the next command from the client.
    std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
    // Receiving the rest of a command once it started, or the client reading our reply.
    std::chrono::milliseconds command_timeout{std::chrono::minutes(1)};
    std::uint32_t max_connections = 20000;
    // Offices often reach the server from behind one NAT address, so this is generous.
    std::uint32_t max_connections_per_address = 300;
};

struct ServerConfig {
    // Threads running the io_context; 0 means one per CPU.
    std::uint32_t threads = 0;
    // On SIGTERM/SIGINT: how long in-flight commands may take before connections are cut.
    std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};
};

enum class LogFormat { Text, Json };

struct LogConfig {
    std::string level = "info";  // debug, info, warn, error
    LogFormat format = LogFormat::Text;
};

// [directory]: address generation and password hashing cost.
struct DirectoryConfig {
    // Local part of generated account addresses. Placeholders: {given}, {family}, {middle} (all
    // middle names run together), {initials} (first letters of the family and middle names),
    // {unit} (the unit's address label, e.g. "stttt" or "vp.stttt"); other characters are taken
    // literally (a-z, 0-9, '.', '-', '_'). "{given}{initials}.{unit}": Nguyễn Ngọc Thanh in
    // Sở Thông tin và Truyền thông -> thanhnn.stttt.
    std::string address_pattern = "{given}{initials}.{unit}";
    // Per-domain overrides of address_pattern, keyed by a domain of `domains`.
    std::map<std::string, std::string, std::less<>> domain_patterns;
    // Argon2id cost (OWASP: m = 19 MiB, t = 2, p = 1).
    std::uint32_t argon2_memory_kib = 19 * 1024;
    std::uint32_t argon2_iterations = 2;
    std::uint32_t argon2_parallelism = 1;
    // Threads hashing passwords (logins and bulk imports), off the I/O threads.
    std::uint32_t hash_threads = 2;

    // The pattern for `domain` (its override, else address_pattern).
    const std::string& pattern_for(std::string_view domain) const;
};

// [policy]: account policy. Defaults follow current provincial regulations.
struct PolicyConfig {
    std::uint32_t password_min_length = 9;
    // A password older than this must be changed at the next login.
    std::chrono::milliseconds password_max_age{std::chrono::hours(24 * 180)};
    // Consecutive failed logins that lock an account; 0 never locks.
    std::uint32_t lock_after_failures = 12;
    // An account whose first (administrator-set) password is unchanged after this is locked.
    std::chrono::milliseconds initial_password_max_age{std::chrono::hours(24 * 30)};
    std::uint64_t default_quota = 2ULL << 30;
    // `govmailctl user purge` deletes accounts departed longer than this, with their mail.
    std::chrono::milliseconds purge_departed_after{std::chrono::hours(24 * 90)};
    // External recipients (outside the hosted domains) one account may submit within
    // external_send_window; the next one locks the account and the global admins are told, so
    // that a stolen password cannot turn the province into a spam source. 0: no limit.
    std::uint32_t external_send_limit = 250;
    std::chrono::milliseconds external_send_window{std::chrono::minutes(10)};
    // Domains (and their subdomains) that count as government for automatic forwarding: an
    // automatically forwarded message (smtp/README.md defines it) may go to these and to the
    // hosted domains only.
    std::vector<std::string> government_domains = {"gov.vn"};
    // Whether automatically forwarded mail may leave the government domains (regulations: no).
    bool allow_external_auto_forward = false;
};

// [smtp]: the SMTP server, MX and submission alike.
struct SmtpConfig {
    // Largest message accepted, in octets as received (advertised as SIZE, RFC 1870); larger ones
    // are read to their end, discarded and refused with 552 5.3.4. Held in memory while received.
    std::uint64_t max_message_size = 30ULL << 20;
    // Recipients per message (RFC 5321 4.5.3.1.8 asks for at least 100); more get 452 4.5.3.
    std::uint32_t max_recipients = 1000;
    // Received fields a message may carry before it is refused as a mail loop (RFC 5321 6.3).
    std::uint32_t max_received_headers = 100;
    // 5xx replies a client may provoke without delivering a message before it is disconnected.
    std::uint32_t max_errors = 20;
    // NOOP, RSET, VRFY, EXPN and HELP allowed without delivering a message.
    std::uint32_t max_junk_commands = 100;
    // Waiting for the next command (RFC 5321 4.5.3.2.7: at least 5 minutes).
    std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
};

// [imap]: the IMAP server (imap/), both listeners.
struct ImapConfig {
    // Autologout of an authenticated client that sends nothing, IDLE included: RFC 9051 5.4 asks
    // for at least 30 minutes (clients renew IDLE every 29). Before login, [limits] idle_timeout.
    std::chrono::milliseconds idle_timeout{std::chrono::minutes(30)};
    // Longest command line, literal data excluded (RFC 7162 4 asks clients to stay near 8192
    // octets; long UID sets from CONDSTORE/QRESYNC clients need the room).
    std::size_t max_command_length = std::size_t{64} * 1024;
    // Largest message APPEND accepts, advertised as APPENDLIMIT (RFC 7889); larger literals are
    // refused with NO [TOOBIG] before the client sends them. Held in memory while received.
    std::uint64_t max_append_size = 30ULL << 20;
    // Simultaneous authenticated connections of one account (a desktop client opens several,
    // phones one each); more get NO [LIMIT] at login.
    std::uint32_t max_connections_per_user = 50;
};

// [store]: the mail store (store/), one LMDB environment in <data_dir>/store.
struct StoreConfig {
    // Address space reserved for the environment at start. It costs no disk: the file grows
    // with the data. When it is full the map doubles, without a restart, up to max_map_size.
    std::uint64_t map_size = 1ULL << 30;
    // Beyond this, writes fail as a temporary error (SMTP 451, IMAP NO) and an error is logged.
    std::uint64_t max_map_size = 1ULL << 40;
};

// Where outbound mail for a domain goes instead of its MX hosts ([routes], [queue] smart_host).
struct RouteConfig {
    std::string host;  // an IP address, or a host name resolved through [dns]
    std::uint16_t port = 25;
    // STARTTLS must succeed: no fallback to plaintext (the message waits in the queue instead).
    bool require_tls = false;
    // The certificate must also verify against the system's trust store and name `host`.
    // Implies require_tls.
    bool verify_tls = false;

    // "10.0.0.5:25", "[2001:db8::5]:25", "mx.agency.gov.vn:25"
    std::string to_string() const;
};

// [queue]: the outbound queue and its SMTP client (smtp/queue/).
struct QueueConfig {
    // How long a message is retried before it is returned to its sender.
    std::chrono::milliseconds lifetime{std::chrono::hours(24 * 5)};
    // Retries back off exponentially: retry_initial after the first failed attempt, doubling up
    // to retry_max between attempts.
    std::chrono::milliseconds retry_initial{std::chrono::minutes(5)};
    std::chrono::milliseconds retry_max{std::chrono::hours(1)};
    // A message still queued this long after it arrived gets its sender a delay notice (once);
    // 0: never.
    std::chrono::milliseconds delay_notice{std::chrono::hours(4)};
    // Messages being delivered at the same time.
    std::uint32_t concurrency = 20;
    // Establishing a TCP connection to a remote server.
    std::chrono::milliseconds connect_timeout{std::chrono::seconds(30)};
    // The port of hosts found by MX lookup (25; other values are for tests on loopback).
    std::uint16_t mx_port = 25;
    // All mail for domains without a route goes to this host instead of their MX hosts.
    std::optional<RouteConfig> smart_host;
};

// [dns]: the resolvers used for MX lookups (c-ares).
struct DnsConfig {
    std::vector<ListenAddress> resolvers;  // empty: the system's (/etc/resolv.conf)
    std::chrono::milliseconds timeout{std::chrono::seconds(5)};
};

// Checks an address pattern (see DirectoryConfig::address_pattern); the problem, or nullopt.
std::optional<std::string> address_pattern_problem(std::string_view pattern);

struct Config {
    std::filesystem::path file;        // the file this was loaded from
    std::string hostname;              // the name this server answers as (EHLO, greeting, TLS)
    std::vector<std::string> domains;  // mail domains hosted here, lower case; first is primary
    std::filesystem::path data_dir;    // absolute
    ListenConfig listen;
    TlsConfig tls;
    LimitsConfig limits;
    ServerConfig server;
    LogConfig log;
    DirectoryConfig directory;
    PolicyConfig policy;
    SmtpConfig smtp;
    ImapConfig imap;
    StoreConfig store;
    QueueConfig queue;
    DnsConfig dns;
    // [routes]: "domain" -> route. A key starting with "." matches every subdomain of it
    // (".agency.gov.vn"); an exact key wins over a suffix, a longer suffix over a shorter one.
    std::map<std::string, RouteConfig, std::less<>> routes;
};

// Reads and validates a configuration file. Never throws. The error message is the whole
// one-line description (file:line:column: key: problem).
Result<Config> load_config(const std::filesystem::path& file);

// The same from text already in memory; `origin` names it in error messages.
Result<Config> parse_config(std::string_view text, const std::filesystem::path& origin);

// "30s", "5m", "2h", "5d", "250ms" -> duration; std::nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// "4096", "64KB", "30MB", "2GB" (powers of 1024) -> bytes; std::nullopt when malformed.
std::optional<std::uint64_t> parse_size(std::string_view text);

// "127.0.0.1:25", "[::1]:25", "0.0.0.0:25" -> address; std::nullopt when malformed.
std::optional<ListenAddress> parse_listen_address(std::string_view text);

// A route's "host[:port]": an IP address ("[v6]" with a port) or a host name; port 25 when
// absent. std::nullopt when malformed.
std::optional<RouteConfig> parse_route_address(std::string_view text);

}  // namespace govmail
