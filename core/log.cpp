#include "core/log.hpp"

#include "core/config.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace govmail::log {
namespace {

std::atomic<Level> g_level{Level::Info};
std::atomic<LogFormat> g_format{LogFormat::Text};
std::mutex g_write_mutex;

std::string_view level_name(Level level) {
    switch (level) {
        case Level::Debug:
            return "debug";
        case Level::Info:
            return "info";
        case Level::Warn:
            return "warn";
        case Level::Error:
            return "error";
    }
    return "info";
}

bool needs_quotes(std::string_view value) {
    if (value.empty()) {
        return true;
    }
    for (unsigned char c : value) {
        if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
            return true;
        }
    }
    return false;
}

void append_escaped(std::string& out, std::string_view value) {
    for (unsigned char c : value) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    out += fmt::format("\\u{:04x}", c);
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
}

std::string timestamp() {
    auto now = std::chrono::system_clock::now();
    auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    return fmt::format("{}.{:03}Z", text, millis);
}

}  // namespace

void init(std::string_view level, LogFormat format) {
    Level parsed = Level::Info;
    if (level == "debug") {
        parsed = Level::Debug;
    } else if (level == "warn") {
        parsed = Level::Warn;
    } else if (level == "error") {
        parsed = Level::Error;
    }
    g_level = parsed;
    g_format = format;
}

bool enabled(Level level) {
    return level >= g_level.load(std::memory_order_relaxed);
}

std::string format_line(Level level, std::string_view event, Fields fields, LogFormat format) {
    std::string line;
    line.reserve(128);
    if (format == LogFormat::Json) {
        line += "{\"ts\":\"" + timestamp() + "\",\"level\":\"";
        line += level_name(level);
        line += "\",\"event\":\"";
        append_escaped(line, event);
        line += '"';
        for (const Field& field : fields) {
            line += ",\"";
            append_escaped(line, field.key);
            line += "\":\"";
            append_escaped(line, field.value);
            line += '"';
        }
        line += '}';
        return line;
    }
    line += timestamp();
    line += ' ';
    line += level_name(level);
    line += ' ';
    line += event;
    for (const Field& field : fields) {
        line += ' ';
        line += field.key;
        line += '=';
        if (needs_quotes(field.value)) {
            line += '"';
            append_escaped(line, field.value);
            line += '"';
        } else {
            line += field.value;
        }
    }
    return line;
}

void write(Level level, std::string_view event, Fields fields) {
    if (!enabled(level)) {
        return;
    }
    std::string line = format_line(level, event, fields, g_format.load());
    line += '\n';
    std::lock_guard lock(g_write_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace govmail::log
