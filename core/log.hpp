#pragma once
// Structured logging: one line per event, an event name and key=value fields.
//
//     log::info("listening", {{"service", "smtp"}, {"address", "127.0.0.1:2525"}});
//
// prints, in the text format,
//
//     2026-11-21T10:00:00.123Z info listening service=smtp address=127.0.0.1:2525
//
// and in the JSON format one object per line with "ts", "level", "event" and the fields. Values
// containing spaces, quotes or '=' are quoted and escaped, so a log line can always be split back
// into its fields. Thread-safe; writes to standard error.

#include <fmt/format.h>
#include <initializer_list>
#include <string>
#include <string_view>

namespace govmail {

enum class LogFormat;

namespace log {

enum class Level { Debug, Info, Warn, Error };

struct Field {
    template <typename T>
    Field(std::string_view key, const T& value)
        : key(key)
        , value(fmt::to_string(value)) {}

    Field(std::string_view key, std::string value)
        : key(key)
        , value(std::move(value)) {}

    Field(std::string_view key, const char* value)
        : key(key)
        , value(value) {}

    std::string_view key;
    std::string value;
};

using Fields = std::initializer_list<Field>;

// Sets the level ("debug", "info", "warn", "error") and format. Before init: info, text.
void init(std::string_view level, LogFormat format);

bool enabled(Level level);
void write(Level level, std::string_view event, Fields fields);

// Formats one line without writing it (used by tests and by write()).
std::string format_line(Level level, std::string_view event, Fields fields, LogFormat format);

inline void debug(std::string_view event, Fields fields = {}) {
    if (enabled(Level::Debug)) {
        write(Level::Debug, event, fields);
    }
}

inline void info(std::string_view event, Fields fields = {}) {
    write(Level::Info, event, fields);
}

inline void warn(std::string_view event, Fields fields = {}) {
    write(Level::Warn, event, fields);
}

inline void error(std::string_view event, Fields fields = {}) {
    write(Level::Error, event, fields);
}

}  // namespace log
}  // namespace govmail
