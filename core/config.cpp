#include "core/config.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <toml++/toml.h>

namespace govmail {
namespace {

// Thrown inside this file only; load_config() turns it into a ConfigError.
struct ConfigFailure {
    std::string message;
};

std::string type_name(toml::node_type type) {
    switch (type) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
        case toml::node_type::time:
        case toml::node_type::date_time:
            return "a date or time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

// One TOML table being read. Every key read is remembered so that finish() can reject the keys
// nobody asked for: a misspelt key must not be silently ignored.
class Section {
public:
    Section(const toml::table* table, std::string path, const std::string& origin)
        : table_(table)
        , path_(std::move(path))
        , origin_(origin) {}

    bool present() const { return table_ != nullptr; }

    std::optional<std::string> optional_string(std::string_view key) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        return std::string(expect<std::string>(*node, key, "a string"));
    }

    std::string string(std::string_view key, std::string fallback) {
        return optional_string(key).value_or(std::move(fallback));
    }

    std::string required_string(std::string_view key) {
        auto value = optional_string(key);
        if (!value) {
            fail_at(table_source(), key, "is required");
        }
        if (value->empty()) {
            fail_at(find(key)->source(), key, "must not be empty");
        }
        return *value;
    }

    std::vector<std::string> string_list(std::string_view key, bool required) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            if (required) {
                fail_at(table_source(), key, "is required");
            }
            return {};
        }
        const toml::array* array = node->as_array();
        if (array == nullptr) {
            fail_type(*node, key, "an array of strings");
        }
        std::vector<std::string> values;
        for (const toml::node& element : *array) {
            values.emplace_back(expect<std::string>(element, key, "an array of strings"));
        }
        if (required && values.empty()) {
            fail_at(node->source(), key, "must list at least one value");
        }
        return values;
    }

    std::int64_t integer(
        std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max
    ) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return fallback;
        }
        std::int64_t value = expect<std::int64_t>(*node, key, "an integer");
        if (value < min || value > max) {
            fail_at(
                node->source(),
                key,
                "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", got " + std::to_string(value)
            );
        }
        return value;
    }

    bool boolean(std::string_view key, bool fallback) {
        const toml::node* node = find(key);
        return node == nullptr ? fallback : expect<bool>(*node, key, "true or false");
    }

    std::chrono::milliseconds milliseconds(
        std::string_view key, std::chrono::milliseconds fallback
    ) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return fallback;
        }
        std::string_view text = expect<std::string>(*node, key, "a duration like \"30s\"");
        auto value = parse_duration(text);
        if (!value) {
            fail_at(
                node->source(),
                key,
                "expected a duration like \"250ms\", \"30s\", \"5m\", \"2h\" or \"5d\", got \"" +
                    std::string(text) + "\""
            );
        }
        return *value;
    }

    std::uint64_t size(std::string_view key, std::uint64_t fallback) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return fallback;
        }
        if (const auto* integer = node->as_integer()) {
            if (integer->get() < 0) {
                fail_at(node->source(), key, "must not be negative");
            }
            return static_cast<std::uint64_t>(integer->get());
        }
        std::string_view text = expect<std::string>(*node, key, "a size like \"30MB\"");
        auto value = parse_size(text);
        if (!value) {
            fail_at(
                node->source(),
                key,
                "expected a size like \"64KB\", \"30MB\" or \"2GB\", got \"" + std::string(text) +
                    "\""
            );
        }
        return *value;
    }

    std::optional<ListenAddress> listen_address(std::string_view key) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        std::string_view text = expect<std::string>(*node, key, "\"address:port\"");
        auto value = parse_listen_address(text);
        if (!value) {
            fail_at(
                node->source(),
                key,
                "expected \"address:port\" with an IP address and a port from 1 to 65535, "
                "got \"" +
                    std::string(text) + "\""
            );
        }
        return value;
    }

    struct Entry {
        std::string key;
        std::string value;
        toml::source_region source;
    };

    // A sub-table whose keys are free (domain names, ...) and whose values are strings.
    std::vector<Entry> string_entries(std::string_view key) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return {};
        }
        const toml::table* table = node->as_table();
        if (table == nullptr) {
            fail_type(*node, key, "a table");
        }
        std::vector<Entry> entries;
        std::string inner = std::string(key) + ".";
        for (auto&& [name, value] : *table) {
            std::string dotted = inner + std::string(name.str());
            entries.push_back(
                {std::string(name.str()),
                 std::string(expect<std::string>(value, dotted, "a string")),
                 value.source()}
            );
        }
        return entries;
    }

    // The node under `key` (marked as read), for values of several forms; nullptr when absent.
    const toml::node* node(std::string_view key) { return find(key); }

    // Every key of this table with its value, all marked as read: tables whose keys are free
    // (domain names) and whose values take several forms.
    struct Node {
        std::string key;
        const toml::node* value;
        toml::source_region key_source;
    };

    std::vector<Node> entries() {
        std::vector<Node> out;
        if (table_ == nullptr) {
            return out;
        }
        for (auto&& [key, value] : *table_) {
            read_.insert(std::string(key.str()));
            out.push_back({std::string(key.str()), &value, key.source()});
        }
        return out;
    }

    Section table(std::string_view key) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return Section(nullptr, qualified(key), origin_);
        }
        const toml::table* table = node->as_table();
        if (table == nullptr) {
            fail_type(*node, key, "a table");
        }
        return Section(table, qualified(key), origin_);
    }

    // Rejects every key of this table that no reader asked for.
    void finish() const {
        if (table_ == nullptr) {
            return;
        }
        for (auto&& [key, node] : *table_) {
            if (!read_.contains(std::string(key.str()))) {
                fail_at(key.source(), key.str(), "unknown key");
            }
        }
    }

    [[noreturn]] void fail_at(
        const toml::source_region& where, std::string_view key, const std::string& what
    ) const {
        std::ostringstream out;
        out << origin_ << ':' << where.begin.line << ':' << where.begin.column << ": "
            << qualified(key) << ": " << what;
        throw ConfigFailure{out.str()};
    }

private:
    const toml::node* find(std::string_view key) {
        read_.insert(std::string(key));
        return table_ == nullptr ? nullptr : table_->get(key);
    }

    // A string is read as a view into the TOML document, other values by value.
    template <typename T>
    using Value = std::conditional_t<std::is_same_v<T, std::string>, std::string_view, T>;

    template <typename T>
    Value<T> expect(const toml::node& node, std::string_view key, const char* wanted) const {
        const auto* value = node.as<T>();
        if (value == nullptr) {
            fail_type(node, key, wanted);
        }
        if constexpr (std::is_same_v<T, std::string>) {
            return std::string_view(value->get());
        } else {
            return value->get();
        }
    }

    [[noreturn]] void fail_type(const toml::node& node, std::string_view key, const char* wanted)
        const {
        fail_at(
            node.source(),
            key,
            std::string("expected ") + wanted + ", got " + type_name(node.type())
        );
    }

    toml::source_region table_source() const {
        if (table_ == nullptr) {
            return toml::source_region{{1, 1}, {1, 1}, nullptr};
        }
        return table_->source();
    }

    std::string qualified(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }

    const toml::table* table_;
    std::string path_;
    const std::string& origin_;
    std::set<std::string, std::less<>> read_;
};

std::filesystem::path absolute_path(const std::string& text) {
    if (text.empty()) {
        return {};
    }
    return std::filesystem::absolute(std::filesystem::path(text)).lexically_normal();
}

bool valid_hostname(std::string_view name) {
    if (name.empty() || name.size() > 253) {
        return false;
    }
    std::size_t label = 0;
    for (char c : name) {
        if (c == '.') {
            if (label == 0) {
                return false;
            }
            label = 0;
            continue;
        }
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok || ++label > 63) {
            return false;
        }
    }
    return label != 0;
}

std::string lower(std::string text) {
    std::ranges::transform(text, text.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return text;
}

// A route value: "host:port", or a table {address = "host:port", require_tls, verify_tls}.
RouteConfig read_route(
    Section& parent,
    const std::string& key,
    const std::string& path,
    const toml::node& node,
    const std::string& origin
) {
    std::string_view text;
    std::optional<Section> options;
    if (const auto* string = node.as_string()) {
        text = string->get();
    } else if (const auto* table = node.as_table()) {
        options.emplace(table, path, origin);
        const toml::node* address = table->get("address");
        if (address == nullptr || !address->is_string()) {
            parent.fail_at(node.source(), key, "a route table needs address = \"host:port\"");
        }
        text = address->as_string()->get();
    } else {
        parent.fail_at(
            node.source(), key, "expected \"host:port\" or a table {address = \"host:port\", ...}"
        );
    }
    auto route = parse_route_address(text);
    if (!route) {
        parent.fail_at(
            node.source(),
            key,
            "expected \"host:port\" with an IP address or a host name and a port from 1 to "
            "65535, got \"" +
                std::string(text) + "\""
        );
    }
    if (options) {
        (void)options->node("address");
        route->require_tls = options->boolean("require_tls", false);
        route->verify_tls = options->boolean("verify_tls", false);
        // Verifying a certificate only means something over TLS.
        route->require_tls = route->require_tls || route->verify_tls;
        for (const auto& entry : options->entries()) {
            if (entry.key != "address" && entry.key != "require_tls" && entry.key != "verify_tls") {
                parent.fail_at(entry.key_source, key + "." + entry.key, "unknown key");
            }
        }
    }
    return *route;
}

// A domain of a policy list or a route key: a valid host name, lower case.
std::optional<std::string> domain_name(std::string_view text) {
    std::string domain = lower(std::string(text));
    if (!valid_hostname(domain)) {
        return std::nullopt;
    }
    return domain;
}

Config read_config(const toml::table& root, const std::filesystem::path& origin) {
    const std::string origin_text = origin.string();
    Section top(&root, "", origin_text);
    Config config;
    config.file = origin;

    config.hostname = lower(top.required_string("hostname"));
    if (!valid_hostname(config.hostname)) {
        top.fail_at(
            root.get("hostname")->source(),
            "hostname",
            "\"" + config.hostname + "\" is not a valid host name"
        );
    }
    for (std::string& domain : top.string_list("domains", true)) {
        domain = lower(std::move(domain));
        if (!valid_hostname(domain)) {
            top.fail_at(
                root.get("domains")->source(),
                "domains",
                "\"" + domain + "\" is not a valid domain name"
            );
        }
        config.domains.push_back(std::move(domain));
    }
    config.data_dir = absolute_path(top.required_string("data_dir"));

    Section listen = top.table("listen");
    config.listen.smtp = listen.listen_address("smtp");
    config.listen.submission = listen.listen_address("submission");
    config.listen.submissions = listen.listen_address("submissions");
    config.listen.imap = listen.listen_address("imap");
    config.listen.imaps = listen.listen_address("imaps");
    config.listen.http = listen.listen_address("http");
    config.listen.https = listen.listen_address("https");
    listen.finish();

    Section tls = top.table("tls");
    config.tls.certificate = absolute_path(tls.string("certificate", ""));
    config.tls.private_key = absolute_path(tls.string("private_key", ""));
    if (config.tls.certificate.empty() != config.tls.private_key.empty()) {
        tls.fail_at(
            root.get("tls")->source(),
            config.tls.certificate.empty() ? "certificate" : "private_key",
            "certificate and private_key must be set together"
        );
    }
    tls.finish();

    Section limits = top.table("limits");
    config.limits.max_line_length =
        static_cast<std::size_t>(limits.integer("max_line_length", 4096, 512, 1 << 20));
    config.limits.idle_timeout = limits.milliseconds("idle_timeout", config.limits.idle_timeout);
    config.limits.command_timeout =
        limits.milliseconds("command_timeout", config.limits.command_timeout);
    config.limits.max_connections =
        static_cast<std::uint32_t>(limits.integer("max_connections", 20000, 1, 1'000'000));
    config.limits.max_connections_per_address =
        static_cast<std::uint32_t>(limits.integer("max_connections_per_address", 300, 1, 1'000'000)
        );
    limits.finish();

    Section server = top.table("server");
    config.server.threads = static_cast<std::uint32_t>(server.integer("threads", 0, 0, 256));
    config.server.shutdown_grace =
        server.milliseconds("shutdown_grace", config.server.shutdown_grace);
    server.finish();

    Section log = top.table("log");
    config.log.level = log.string("level", "info");
    if (config.log.level != "debug" && config.log.level != "info" && config.log.level != "warn" &&
        config.log.level != "error") {
        log.fail_at(
            root.at_path("log.level").node()->source(),
            "level",
            "expected one of debug, info, warn, error, got \"" + config.log.level + "\""
        );
    }
    std::string format = log.string("format", "text");
    if (format == "json") {
        config.log.format = LogFormat::Json;
    } else if (format != "text") {
        log.fail_at(
            root.at_path("log.format").node()->source(),
            "format",
            "expected \"text\" or \"json\", got \"" + format + "\""
        );
    }
    log.finish();

    Section directory = top.table("directory");
    auto pattern_at =
        [&](std::string_view key, const std::string& pattern, const toml::source_region& where) {
            if (auto problem = address_pattern_problem(pattern)) {
                directory.fail_at(where, key, *problem);
            }
        };
    config.directory.address_pattern =
        directory.string("address_pattern", config.directory.address_pattern);
    if (const toml::node* node = root.at_path("directory.address_pattern").node()) {
        pattern_at("address_pattern", config.directory.address_pattern, node->source());
    }
    for (auto& entry : directory.string_entries("domain_patterns")) {
        std::string key = "domain_patterns." + entry.key;
        std::string domain = lower(entry.key);
        if (std::ranges::find(config.domains, domain) == config.domains.end()) {
            directory.fail_at(entry.source, key, "is not one of the hosted domains");
        }
        pattern_at(key, entry.value, entry.source);
        config.directory.domain_patterns.emplace(std::move(domain), std::move(entry.value));
    }
    std::uint64_t memory = directory.size("argon2_memory", 19ULL << 20);
    if (memory < (64ULL << 10) || memory > (4ULL << 30)) {
        directory.fail_at(
            root.at_path("directory.argon2_memory").node()->source(),
            "argon2_memory",
            "must be between 64KB and 4GB"
        );
    }
    config.directory.argon2_memory_kib = static_cast<std::uint32_t>(memory >> 10);
    config.directory.argon2_iterations =
        static_cast<std::uint32_t>(directory.integer("argon2_iterations", 2, 1, 100));
    config.directory.argon2_parallelism =
        static_cast<std::uint32_t>(directory.integer("argon2_parallelism", 1, 1, 64));
    config.directory.hash_threads =
        static_cast<std::uint32_t>(directory.integer("hash_threads", 2, 1, 256));
    directory.finish();

    Section policy = top.table("policy");
    config.policy.password_min_length =
        static_cast<std::uint32_t>(policy.integer("password_min_length", 9, 6, 128));
    config.policy.password_max_age =
        policy.milliseconds("password_max_age", config.policy.password_max_age);
    config.policy.lock_after_failures =
        static_cast<std::uint32_t>(policy.integer("lock_after_failures", 12, 0, 1000));
    config.policy.initial_password_max_age =
        policy.milliseconds("initial_password_max_age", config.policy.initial_password_max_age);
    config.policy.default_quota = policy.size("default_quota", config.policy.default_quota);
    config.policy.purge_departed_after =
        policy.milliseconds("purge_departed_after", config.policy.purge_departed_after);
    config.policy.external_send_limit = static_cast<std::uint32_t>(
        policy.integer("external_send_limit", config.policy.external_send_limit, 0, 1'000'000)
    );
    config.policy.external_send_window =
        policy.milliseconds("external_send_window", config.policy.external_send_window);
    if (config.policy.external_send_window < std::chrono::seconds(1) ||
        config.policy.external_send_window > std::chrono::hours(24)) {
        policy.fail_at(
            root.at_path("policy.external_send_window").node()->source(),
            "external_send_window",
            "must be between 1s and 24h"
        );
    }
    if (const toml::node* node = policy.node("government_domains")) {
        config.policy.government_domains.clear();
        for (const std::string& text : policy.string_list("government_domains", false)) {
            // ".gov.vn" and "gov.vn" mean the same: the domain and everything below it.
            auto domain = domain_name(text.starts_with('.') ? text.substr(1) : text);
            if (!domain) {
                policy.fail_at(
                    node->source(),
                    "government_domains",
                    "\"" + text + "\" is not a valid domain name"
                );
            }
            config.policy.government_domains.push_back(std::move(*domain));
        }
    }
    config.policy.allow_external_auto_forward =
        policy.boolean("allow_external_auto_forward", config.policy.allow_external_auto_forward);
    policy.finish();

    Section smtp = top.table("smtp");
    config.smtp.max_message_size = smtp.size("max_message_size", config.smtp.max_message_size);
    // RFC 5321 4.5.3.1.7: at least 64K octets. The message is held in memory while received.
    if (config.smtp.max_message_size < (64ULL << 10) ||
        config.smtp.max_message_size > (1ULL << 30)) {
        smtp.fail_at(
            root.at_path("smtp.max_message_size").node()->source(),
            "max_message_size",
            "must be between 64KB and 1GB"
        );
    }
    config.smtp.max_recipients =
        static_cast<std::uint32_t>(smtp.integer("max_recipients", 1000, 100, 100'000));
    config.smtp.max_received_headers =
        static_cast<std::uint32_t>(smtp.integer("max_received_headers", 100, 10, 1000));
    config.smtp.max_errors = static_cast<std::uint32_t>(smtp.integer("max_errors", 20, 1, 1000));
    config.smtp.max_junk_commands =
        static_cast<std::uint32_t>(smtp.integer("max_junk_commands", 100, 1, 100'000));
    config.smtp.idle_timeout = smtp.milliseconds("idle_timeout", config.smtp.idle_timeout);
    if (config.smtp.idle_timeout < std::chrono::seconds(1) ||
        config.smtp.idle_timeout > std::chrono::hours(1)) {
        smtp.fail_at(
            root.at_path("smtp.idle_timeout").node()->source(),
            "idle_timeout",
            "must be between 1s and 1h"
        );
    }
    smtp.finish();

    Section imap = top.table("imap");
    config.imap.idle_timeout = imap.milliseconds("idle_timeout", config.imap.idle_timeout);
    // RFC 9051 5.4: an autologout timer of at least 30 minutes.
    if (config.imap.idle_timeout < std::chrono::minutes(30) ||
        config.imap.idle_timeout > std::chrono::hours(24)) {
        imap.fail_at(
            root.at_path("imap.idle_timeout").node()->source(),
            "idle_timeout",
            "must be between 30m and 24h (RFC 9051 5.4)"
        );
    }
    std::uint64_t command_length = imap.size("max_command_length", config.imap.max_command_length);
    if (command_length < (8ULL << 10) || command_length > (1ULL << 20)) {
        imap.fail_at(
            root.at_path("imap.max_command_length").node()->source(),
            "max_command_length",
            "must be between 8KB and 1MB"
        );
    }
    config.imap.max_command_length = static_cast<std::size_t>(command_length);
    config.imap.max_append_size = imap.size("max_append_size", config.imap.max_append_size);
    if (config.imap.max_append_size < (64ULL << 10) || config.imap.max_append_size > (1ULL << 30)) {
        imap.fail_at(
            root.at_path("imap.max_append_size").node()->source(),
            "max_append_size",
            "must be between 64KB and 1GB"
        );
    }
    config.imap.max_connections_per_user =
        static_cast<std::uint32_t>(imap.integer("max_connections_per_user", 50, 1, 10'000));
    imap.finish();

    Section store = top.table("store");
    config.store.map_size = store.size("map_size", config.store.map_size);
    config.store.max_map_size = store.size("max_map_size", config.store.max_map_size);
    // LMDB needs room for its meta pages and a few trees: 1MB is a floor, not a sensible size.
    // 1PB bounds what a 64-bit address space and a sane file system can map.
    if (config.store.map_size < (1ULL << 20) || config.store.map_size > (1ULL << 50)) {
        store.fail_at(
            root.at_path("store.map_size").node()->source(),
            "map_size",
            "must be between 1MB and 1PB"
        );
    }
    if (config.store.max_map_size < config.store.map_size ||
        config.store.max_map_size > (1ULL << 50)) {
        const toml::node* node = root.at_path("store.max_map_size").node();
        store.fail_at(
            node != nullptr ? node->source() : root.at_path("store.map_size").node()->source(),
            "max_map_size",
            "must be between map_size and 1PB"
        );
    }
    store.finish();

    Section queue = top.table("queue");
    auto bounded = [&](std::string_view key,
                       std::chrono::milliseconds value,
                       std::chrono::milliseconds min,
                       std::chrono::milliseconds max,
                       const char* range) {
        auto read = queue.milliseconds(key, value);
        if (read < min || read > max) {
            queue.fail_at(
                root.at_path("queue." + std::string(key)).node()->source(),
                key,
                std::string("must be between ") + range
            );
        }
        return read;
    };
    using std::chrono::hours;
    using std::chrono::milliseconds;
    using std::chrono::seconds;
    config.queue.lifetime =
        bounded("lifetime", config.queue.lifetime, seconds(1), hours(24 * 30), "1s and 30d");
    config.queue.retry_initial = bounded(
        "retry_initial", config.queue.retry_initial, milliseconds(100), hours(24), "100ms and 24h"
    );
    config.queue.retry_max = bounded(
        "retry_max",
        config.queue.retry_max,
        config.queue.retry_initial,
        hours(24),
        "retry_initial and 24h"
    );
    config.queue.delay_notice = bounded(
        "delay_notice", config.queue.delay_notice, milliseconds(0), hours(24 * 30), "0 and 30d"
    );
    config.queue.concurrency =
        static_cast<std::uint32_t>(queue.integer("concurrency", config.queue.concurrency, 1, 1000));
    config.queue.connect_timeout = bounded(
        "connect_timeout",
        config.queue.connect_timeout,
        milliseconds(100),
        seconds(300),
        "100ms and 5m"
    );
    config.queue.mx_port =
        static_cast<std::uint16_t>(queue.integer("mx_port", config.queue.mx_port, 1, 65535));
    if (const toml::node* node = queue.node("smart_host")) {
        config.queue.smart_host =
            read_route(queue, "smart_host", "queue.smart_host", *node, origin_text);
    }
    queue.finish();

    Section dns = top.table("dns");
    if (const toml::node* node = dns.node("resolvers")) {
        for (const std::string& text : dns.string_list("resolvers", false)) {
            auto address = parse_listen_address(text);
            boost::system::error_code ec;
            auto ip = boost::asio::ip::make_address(text, ec);
            if (!address && !ec) {
                address = ListenAddress{ip.to_string(), 53};
            }
            if (!address) {
                dns.fail_at(
                    node->source(),
                    "resolvers",
                    "expected \"address\" or \"address:port\" with an IP address, got \"" + text +
                        "\""
                );
            }
            config.dns.resolvers.push_back(std::move(*address));
        }
    }
    config.dns.timeout = dns.milliseconds("timeout", config.dns.timeout);
    if (config.dns.timeout < milliseconds(100) || config.dns.timeout > seconds(60)) {
        dns.fail_at(
            root.at_path("dns.timeout").node()->source(), "timeout", "must be between 100ms and 1m"
        );
    }
    dns.finish();

    Section routes = top.table("routes");
    for (const auto& [key, node, key_source] : routes.entries()) {
        // ".agency.gov.vn": every subdomain of agency.gov.vn.
        const bool suffix = key.starts_with('.');
        auto domain = domain_name(suffix ? std::string_view(key).substr(1) : std::string_view(key));
        if (!domain) {
            routes.fail_at(
                node->source(), key, "is not a domain name (or .domain for its subdomains)"
            );
        }
        RouteConfig route = read_route(routes, key, "routes." + key, *node, origin_text);
        if (!config.routes.emplace((suffix ? "." : "") + *domain, std::move(route)).second) {
            routes.fail_at(node->source(), key, "is given twice");
        }
    }

    top.finish();
    return config;
}

}  // namespace

const std::string& DirectoryConfig::pattern_for(std::string_view domain) const {
    auto found = domain_patterns.find(domain);
    return found == domain_patterns.end() ? address_pattern : found->second;
}

std::optional<std::string> address_pattern_problem(std::string_view pattern) {
    static constexpr std::string_view kPlaceholders[] = {
        "{given}", "{family}", "{middle}", "{initials}", "{unit}"};
    bool names_person = false;
    for (std::size_t i = 0; i < pattern.size();) {
        if (pattern[i] == '{') {
            std::size_t close = pattern.find('}', i);
            std::string_view placeholder =
                pattern.substr(i, close == std::string_view::npos ? close : close - i + 1);
            if (std::ranges::find(kPlaceholders, placeholder) == std::end(kPlaceholders)) {
                return "unknown placeholder \"" + std::string(placeholder) +
                       "\" (known: {given}, {family}, {middle}, {initials}, {unit})";
            }
            names_person = names_person || placeholder == "{given}" || placeholder == "{family}";
            i += placeholder.size();
            continue;
        }
        char c = pattern[i];
        bool literal =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
        if (!literal) {
            return "\"" + std::string(1, c) +
                   "\" cannot appear in an address (use a-z, 0-9, '.', '-', '_')";
        }
        ++i;
    }
    if (!names_person) {
        return std::string("must contain {given} or {family}");
    }
    return std::nullopt;
}

std::string ListenAddress::to_string() const {
    if (host.find(':') != std::string::npos) {
        return "[" + host + "]:" + std::to_string(port);
    }
    return host + ":" + std::to_string(port);
}

void throw_exception_from_error(const Error& error, const boost::source_location&) {
    throw std::runtime_error(error.message);
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end == text.data() || number > 100'000'000) {
        return std::nullopt;
    }
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    using std::chrono::milliseconds;
    if (unit == "ms") {
        return milliseconds(number);
    }
    if (unit == "s") {
        return milliseconds(number * 1000);
    }
    if (unit == "m") {
        return milliseconds(number * 60'000);
    }
    if (unit == "h") {
        return milliseconds(number * 3'600'000);
    }
    if (unit == "d") {
        return milliseconds(number * 86'400'000);
    }
    return std::nullopt;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end == text.data()) {
        return std::nullopt;
    }
    std::string unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    unit = lower(unit);
    std::uint64_t scale = 0;
    if (unit.empty() || unit == "b") {
        scale = 1;
    } else if (unit == "kb" || unit == "k" || unit == "kib") {
        scale = 1ULL << 10;
    } else if (unit == "mb" || unit == "m" || unit == "mib") {
        scale = 1ULL << 20;
    } else if (unit == "gb" || unit == "g" || unit == "gib") {
        scale = 1ULL << 30;
    } else if (unit == "tb" || unit == "t" || unit == "tib") {
        scale = 1ULL << 40;
    } else {
        return std::nullopt;
    }
    if (number > UINT64_MAX / scale) {
        return std::nullopt;
    }
    return number * scale;
}

std::optional<ListenAddress> parse_listen_address(std::string_view text) {
    std::string_view host;
    std::string_view port;
    if (text.starts_with('[')) {
        auto close = text.find("]:");
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string_view::npos || text.find(':') != colon) {
            return std::nullopt;
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(std::string(host), ec);
    if (ec || host.empty()) {
        return std::nullopt;
    }
    unsigned number = 0;
    auto [end, parse_ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (parse_ec != std::errc() || end != port.data() + port.size() || number == 0 ||
        number > 65535) {
        return std::nullopt;
    }
    return ListenAddress{address.to_string(), static_cast<std::uint16_t>(number)};
}

std::string RouteConfig::to_string() const {
    return ListenAddress{host, port}.to_string();
}

std::optional<RouteConfig> parse_route_address(std::string_view text) {
    if (auto address = parse_listen_address(text)) {
        return RouteConfig{.host = address->host, .port = address->port};
    }
    boost::system::error_code ec;
    if (auto ip = boost::asio::ip::make_address(std::string(text), ec); !ec) {
        return RouteConfig{.host = ip.to_string()};
    }
    std::string_view host = text;
    std::uint16_t port = 25;
    if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
        host = text.substr(0, colon);
        std::string_view digits = text.substr(colon + 1);
        unsigned number = 0;
        auto [end, parse_ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), number);
        if (parse_ec != std::errc() || end != digits.data() + digits.size() || number == 0 ||
            number > 65535) {
            return std::nullopt;
        }
        port = static_cast<std::uint16_t>(number);
    }
    if (!valid_hostname(host)) {
        return std::nullopt;
    }
    return RouteConfig{.host = lower(std::string(host)), .port = port};
}

Result<Config> parse_config(std::string_view text, const std::filesystem::path& origin) {
    try {
        toml::table root = toml::parse(text, origin.string());
        return read_config(root, origin);
    } catch (const toml::parse_error& error) {
        std::ostringstream out;
        out << origin.string() << ':' << error.source().begin.line << ':'
            << error.source().begin.column << ": " << error.description();
        return Error{out.str()};
    } catch (const ConfigFailure& failure) {
        return Error{failure.message};
    }
}

Result<Config> load_config(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return Error{
            file.string() + ": cannot read the configuration file: " + std::strerror(errno)};
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), file);
}

}  // namespace govmail
