#include "tests/imap/transcript.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

namespace govmail::imap::test {
namespace {

bool is_capture_char(char c) {
    return c != ' ' && c != '(' && c != ')' && c != '[' && c != ']' && c != '"' && c != '\r' &&
           c != '\n';
}

bool is_name_start(char c) {
    return c >= 'a' && c <= 'z';
}

bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '_';
}

std::string strip_comment(std::string_view line) {
    // Two or more spaces then "#": a trailing comment.
    for (std::size_t i = 0; i + 2 < line.size(); ++i) {
        if (line[i] == ' ' && line[i + 1] == ' ') {
            std::size_t j = line.find_first_not_of(' ', i);
            if (j != std::string_view::npos && line[j] == '#') {
                return std::string(line.substr(0, i));
            }
        }
    }
    return std::string(line);
}

std::string trim(std::string_view text) {
    std::size_t begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos) {
        return {};
    }
    std::size_t end = text.find_last_not_of(" \t");
    return std::string(text.substr(begin, end - begin + 1));
}

std::string show(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// The size of a literal announced at the end of `line` ("{n}" or "~{n}"), if any.
std::optional<std::size_t> trailing_literal(std::string_view line) {
    if (line.empty() || line.back() != '}') {
        return std::nullopt;
    }
    std::size_t open = line.rfind('{');
    if (open == std::string_view::npos || open + 2 > line.size() - 1) {
        return std::nullopt;
    }
    std::string_view digits = line.substr(open + 1, line.size() - open - 2);
    std::size_t size = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
    if (ec != std::errc{} || end != digits.data() + digits.size()) {
        return std::nullopt;
    }
    return size;
}

bool match_from(
    std::string_view pattern,
    std::size_t p,
    std::string_view text,
    std::size_t t,
    std::map<std::string, std::string>& captures
) {
    while (p < pattern.size()) {
        char c = pattern[p];
        if (c == '*' && !(p == 0 && pattern.size() > 1 && pattern[1] == ' ') &&
            !(p > 0 && pattern[p - 1] == '\\')) {
            for (std::size_t k = text.size() + 1; k-- > t;) {
                std::map<std::string, std::string> attempt = captures;
                if (match_from(pattern, p + 1, text, k, attempt)) {
                    captures = std::move(attempt);
                    return true;
                }
            }
            return false;
        }
        if (c == '$' && p + 1 < pattern.size() && pattern[p + 1] == '$') {
            if (t >= text.size() || text[t] != '$') {
                return false;
            }
            p += 2;
            ++t;
            continue;
        }
        if (c == '$' && p + 1 < pattern.size() && is_name_start(pattern[p + 1])) {
            std::size_t end = p + 1;
            while (end < pattern.size() && is_name_char(pattern[end])) {
                ++end;
            }
            std::string name(pattern.substr(p + 1, end - p - 1));
            auto bound = captures.find(name);
            if (bound != captures.end()) {
                if (text.substr(t, bound->second.size()) != bound->second) {
                    return false;
                }
                t += bound->second.size();
            } else {
                std::size_t value_end = t;
                while (value_end < text.size() && is_capture_char(text[value_end])) {
                    ++value_end;
                }
                if (value_end == t) {
                    return false;
                }
                captures[name] = std::string(text.substr(t, value_end - t));
                t = value_end;
            }
            p = end;
            continue;
        }
        if (t >= text.size() || text[t] != c) {
            return false;
        }
        ++p;
        ++t;
    }
    return t == text.size();
}

bool is_untagged(std::string_view response) {
    return response.starts_with("* ");
}

bool is_tagged(std::string_view response) {
    return !response.empty() && !is_untagged(response) && response[0] != '+';
}

// Client text with captures substituted; nullopt names an unbound capture.
std::optional<std::string> substitute(
    std::string_view text, const std::map<std::string, std::string>& captures, std::string& unbound
) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '$') {
            out.push_back('$');
            ++i;
            continue;
        }
        if (text[i] == '$' && i + 1 < text.size() && is_name_start(text[i + 1])) {
            std::size_t end = i + 1;
            while (end < text.size() && is_name_char(text[end])) {
                ++end;
            }
            std::string name(text.substr(i + 1, end - i - 1));
            auto bound = captures.find(name);
            if (bound == captures.end()) {
                unbound = name;
                return std::nullopt;
            }
            out += bound->second;
            i = end - 1;
            continue;
        }
        out.push_back(text[i]);
    }
    return out;
}

// Matches actual responses against expected ones; untagged runs in any order.
bool match_block(
    const std::vector<std::string>& expected,
    const std::vector<std::string>& actual,
    std::map<std::string, std::string>& captures,
    std::string& why
) {
    if (expected.size() != actual.size()) {
        why = "expected " + std::to_string(expected.size()) + " responses, got " +
              std::to_string(actual.size());
        return false;
    }
    std::size_t i = 0;
    while (i < expected.size()) {
        if (!is_untagged(expected[i])) {
            if (!match_line(expected[i], actual[i], captures)) {
                why = "\"" + show(actual[i]) + "\" does not match \"" + show(expected[i]) + "\"";
                return false;
            }
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < expected.size() && is_untagged(expected[end])) {
            ++end;
        }
        // A run of untagged responses: find an assignment, trying candidates in order.
        std::vector<bool> used(end - i, false);
        std::function<bool(std::size_t, std::map<std::string, std::string>&)> assign =
            [&](std::size_t k, std::map<std::string, std::string>& bound) -> bool {
            if (k == end) {
                return true;
            }
            for (std::size_t a = i; a < end; ++a) {
                if (used[a - i]) {
                    continue;
                }
                std::map<std::string, std::string> attempt = bound;
                if (match_line(expected[k], actual[a], attempt)) {
                    used[a - i] = true;
                    if (assign(k + 1, attempt)) {
                        bound = std::move(attempt);
                        return true;
                    }
                    used[a - i] = false;
                }
            }
            return false;
        };
        std::map<std::string, std::string> bound = captures;
        if (!assign(i, bound)) {
            why = "untagged responses do not match (in any order):";
            for (std::size_t k = i; k < end; ++k) {
                why += "\n    expected \"" + show(expected[k]) + "\"";
            }
            for (std::size_t a = i; a < end; ++a) {
                why += "\n    got      \"" + show(actual[a]) + "\"";
            }
            return false;
        }
        captures = std::move(bound);
        i = end;
    }
    return true;
}

}  // namespace

bool match_line(
    std::string_view pattern, std::string_view text, std::map<std::string, std::string>& captures
) {
    std::map<std::string, std::string> attempt = captures;
    if (!match_from(pattern, 0, text, 0, attempt)) {
        return false;
    }
    captures = std::move(attempt);
    return true;
}

std::vector<std::string> split_responses(std::string_view bytes, std::string& rest) {
    std::vector<std::string> responses;
    std::size_t start = 0;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        std::size_t crlf = bytes.find("\r\n", pos);
        if (crlf == std::string_view::npos) {
            break;
        }
        std::optional<std::size_t> literal = trailing_literal(bytes.substr(pos, crlf - pos));
        if (literal) {
            std::size_t after = crlf + 2 + *literal;
            if (after > bytes.size()) {
                break;
            }
            pos = after;
            continue;
        }
        responses.emplace_back(bytes.substr(start, crlf - start));
        pos = start = crlf + 2;
    }
    rest = std::string(bytes.substr(start));
    return responses;
}

Result<Transcript> parse_transcript(std::string_view text, std::string name) {
    Transcript transcript;
    transcript.name = std::move(name);
    std::istringstream in{std::string(text)};
    std::string raw;
    int number = 0;
    while (std::getline(in, raw)) {
        ++number;
        if (!raw.empty() && raw.back() == '\r') {
            raw.pop_back();
        }
        std::string where = transcript.name + ":" + std::to_string(number) + ": ";
        std::string line = strip_comment(raw);
        if (trim(line).empty() || trim(line).starts_with("#")) {
            continue;
        }
        if (line.starts_with("@config ")) {
            std::string setting = line.substr(8);
            std::size_t eq = setting.find('=');
            if (eq == std::string::npos) {
                return Error{where + "expected @config key = value"};
            }
            if (!transcript.lines.empty()) {
                return Error{where + "@config must come before the dialogue"};
            }
            transcript.config.emplace_back(
                trim(setting.substr(0, eq)), trim(setting.substr(eq + 1))
            );
            continue;
        }
        TranscriptLine entry;
        entry.number = number;
        std::string_view rest = line;
        std::size_t colon = rest.find(':');
        if (colon != std::string_view::npos && colon > 0 &&
            std::all_of(
                rest.begin(),
                rest.begin() + static_cast<std::ptrdiff_t>(colon),
                [](char c) { return c >= '0' && c <= '9'; }
            )) {
            entry.connection = std::stoi(std::string(rest.substr(0, colon)));
            rest.remove_prefix(colon + 1);
        }
        if (trim(rest) == "@tls") {
            entry.kind = TranscriptLine::Kind::Tls;
            transcript.lines.push_back(std::move(entry));
            continue;
        }
        if (rest.starts_with("C:")) {
            entry.kind = TranscriptLine::Kind::Client;
        } else if (rest.starts_with("S:")) {
            entry.kind = TranscriptLine::Kind::Server;
        } else {
            return Error{where + "expected C:, S:, N:C:, N:S:, @tls, @config or a comment"};
        }
        rest.remove_prefix(2);
        if (!rest.empty() && rest.front() == ' ') {
            rest.remove_prefix(1);
        }
        entry.text = std::string(rest);
        transcript.lines.push_back(std::move(entry));
    }
    return transcript;
}

Result<Transcript> load_transcript(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Error{"cannot open " + path.string()};
    }
    std::stringstream text;
    text << in.rdbuf();
    return parse_transcript(text.str(), path.filename().string());
}

std::vector<std::filesystem::path> list_transcripts(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".txt") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

testing::AssertionResult run_transcript(const Transcript& transcript, TranscriptDriver& driver) {
    if (auto configured = driver.configure(transcript.config); !configured) {
        return testing::AssertionFailure()
               << transcript.name << ": configuration: " << configured.error().message;
    }
    std::map<std::string, std::string> captures;
    std::map<int, std::string> pending;  // server bytes not yet split into responses
    std::map<int, bool> opened;
    auto ensure_open = [&](int connection) {
        if (!opened[connection]) {
            opened[connection] = true;
            driver.open(connection);
        }
    };
    const auto& lines = transcript.lines;
    std::size_t i = 0;
    while (i < lines.size()) {
        const TranscriptLine& line = lines[i];
        std::string where = transcript.name + ":" + std::to_string(line.number) + ": ";
        ensure_open(line.connection);
        if (line.kind == TranscriptLine::Kind::Tls) {
            if (!pending[line.connection].empty()) {
                return testing::AssertionFailure()
                       << where
                       << "unexpected output before TLS: " << show(pending[line.connection]);
            }
            if (!driver.start_tls(line.connection)) {
                return testing::AssertionFailure() << where << "the TLS handshake failed";
            }
            ++i;
            continue;
        }
        if (line.kind == TranscriptLine::Kind::Client) {
            // Consecutive C: lines of one connection go out together, as a pipelining client
            // sends them (what follows STARTTLS in the same write must not be executed).
            std::string bytes;
            for (; i < lines.size() && lines[i].kind == TranscriptLine::Kind::Client &&
                   lines[i].connection == line.connection;
                 ++i) {
                std::string unbound;
                auto text = substitute(lines[i].text, captures, unbound);
                if (!text) {
                    return testing::AssertionFailure() << transcript.name << ":" << lines[i].number
                                                       << ": $" << unbound << " is not bound";
                }
                bytes += *text + "\r\n";
            }
            driver.send(line.connection, bytes);
            continue;
        }
        // A block: consecutive S: lines of one connection.
        std::size_t end = i;
        std::string expected_bytes;
        while (end < lines.size() && lines[end].kind == TranscriptLine::Kind::Server &&
               lines[end].connection == line.connection) {
            expected_bytes += lines[end].text + "\r\n";
            ++end;
        }
        std::string leftover;
        std::vector<std::string> expected = split_responses(expected_bytes, leftover);
        if (!leftover.empty()) {
            return testing::AssertionFailure()
                   << where << "a literal in the expected lines is longer than what follows it";
        }
        // Read responses one at a time until there are as many as expected and as many tagged
        // ones: an unexpected extra response then shows as a mismatch in this block instead of
        // shifting the rest of the dialogue.
        auto tagged_count = [](const std::vector<std::string>& responses) {
            return std::count_if(responses.begin(), responses.end(), [](const std::string& r) {
                return is_tagged(r);
            });
        };
        const auto expected_tagged = tagged_count(expected);
        std::vector<std::string> actual;
        std::string& buffer = pending[line.connection];
        while (actual.size() < expected.size() || tagged_count(actual) < expected_tagged) {
            std::string rest;
            std::vector<std::string> available = split_responses(buffer, rest);
            if (!available.empty()) {
                actual.push_back(available.front());
                buffer.erase(0, available.front().size() + 2);
                continue;
            }
            if (actual.size() > expected.size() + 100) {
                break;
            }
            std::optional<std::string> more = driver.read(line.connection);
            if (!more) {
                break;
            }
            buffer += *more;
        }
        std::string why;
        if (!match_block(expected, actual, captures, why)) {
            testing::AssertionResult failure = testing::AssertionFailure();
            failure << where << why << "\n  server said:";
            for (const std::string& response : actual) {
                failure << "\n    " << show(response);
            }
            if (!buffer.empty()) {
                failure << "\n  and, incomplete: " << show(buffer);
            }
            return failure;
        }
        i = end;
    }
    // Nothing unexpected may be left over.
    for (auto& [connection, buffer] : pending) {
        while (auto more = driver.read_rest(connection)) {
            buffer += *more;
        }
        if (!buffer.empty()) {
            return testing::AssertionFailure() << transcript.name << ": connection " << connection
                                               << " said more than expected: " << show(buffer);
        }
    }
    return testing::AssertionSuccess();
}

}  // namespace govmail::imap::test
