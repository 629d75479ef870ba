#include "tests/smtp/transcript.hpp"

#include "core/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace govmail::test {
namespace {

std::string trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

// "S: 250 ok   # why" -> "S: 250 ok": a comment starts at two spaces and a '#'.
std::string strip_comment(std::string_view line) {
    std::size_t at = line.find("  #");
    return std::string(at == std::string_view::npos ? line : line.substr(0, at));
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) {
            out += separator;
        }
        out += parts[i];
    }
    return out;
}

std::string body_name(smtp::BodyType body) {
    switch (body) {
        case smtp::BodyType::SevenBit:
            return "7BIT";
        case smtp::BodyType::EightBitMime:
            return "8BITMIME";
        case smtp::BodyType::BinaryMime:
            return "BINARYMIME";
    }
    return "?";
}

std::string notify_name(const smtp::Notify& notify) {
    if (notify.never) {
        return "NEVER";
    }
    std::vector<std::string> flags;
    if (notify.success) {
        flags.emplace_back("SUCCESS");
    }
    if (notify.failure) {
        flags.emplace_back("FAILURE");
    }
    if (notify.delay) {
        flags.emplace_back("DELAY");
    }
    return join(flags, ",");
}

std::string event_name(const events::ActivityEvent& event) {
    std::string name;
    switch (event.activity) {
        case events::Activity::Login:
            name = "login";
            break;
        case events::Activity::Read:
            name = "read";
            break;
        case events::Activity::Send:
            name = "send";
            break;
        case events::Activity::Receive:
            name = "receive";
            break;
    }
    return name + ":" + std::to_string(event.account_id) + "x" + std::to_string(event.count);
}

}  // namespace

std::string unescape(std::string_view quoted) {
    if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"') {
        throw std::runtime_error("expected a quoted string");
    }
    std::string_view text = quoted.substr(1, quoted.size() - 2);
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out += text[i];
            continue;
        }
        if (++i == text.size()) {
            throw std::runtime_error("escape at the end of a string");
        }
        switch (text[i]) {
            case 'r':
                out += '\r';
                break;
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case '\\':
                out += '\\';
                break;
            case '"':
                out += '"';
                break;
            case 'x':
                if (i + 2 >= text.size()) {
                    throw std::runtime_error("short \\x escape");
                }
                out +=
                    static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
                i += 2;
                break;
            default:
                throw std::runtime_error("unknown escape");
        }
    }
    return out;
}

std::string escape(std::string_view bytes) {
    std::string out = "\"";
    for (char c : bytes) {
        switch (c) {
            case '\r':
                out += "\\r";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    static constexpr char kHex[] = "0123456789abcdef";
                    out += "\\x";
                    out += kHex[(c >> 4) & 0xf];
                    out += kHex[c & 0xf];
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

bool glob_match(std::string_view pattern, std::string_view text) {
    // Iterative wildcard matching with backtracking to the last '*'.
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = std::string_view::npos;
    std::size_t resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

Transcript load_transcript(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) {
        throw std::runtime_error("cannot read " + file.string());
    }
    Transcript transcript;
    transcript.file = file;
    std::string raw;
    int number = 0;
    auto fail = [&](const std::string& what) {
        throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": " + what);
    };
    while (std::getline(in, raw)) {
        ++number;
        if (!raw.empty() && raw.back() == '\r') {
            raw.pop_back();
        }
        if (raw.empty() || raw.front() == '#') {
            continue;
        }
        std::string line = strip_comment(raw);
        auto directive = [&](std::string_view name) {
            return line.starts_with(name) &&
                   (line.size() == name.size() || line[name.size()] == ' ');
        };
        try {
            if (line.starts_with("S: ")) {
                // Kept as written: "334 " (an empty SASL challenge) ends with its space.
                transcript.steps.push_back({Transcript::Kind::Expect, line.substr(3), "", number});
            } else if (line.starts_with("C: ") || line == "C:") {
                std::string text = line.size() > 3 ? line.substr(3) : "";
                transcript.steps.push_back({Transcript::Kind::Send, text + "\r\n", "", number});
            } else if (directive("@send")) {
                transcript.steps.push_back(
                    {Transcript::Kind::Send, unescape(trim(line.substr(5))), "", number}
                );
            } else if (directive("@tls")) {
                transcript.steps.push_back({Transcript::Kind::Tls, "", "", number});
            } else if (directive("@closed")) {
                transcript.steps.push_back({Transcript::Kind::Closed, "", "", number});
            } else if (directive("@config") || directive("@expect")) {
                const bool config = directive("@config");
                std::string rest = line.substr(config ? 7 : 7);
                std::size_t equals = rest.find('=');
                if (equals == std::string::npos) {
                    fail("expected key = value");
                }
                std::string key = trim(rest.substr(0, equals));
                std::string value = trim(rest.substr(equals + 1));
                if (value.starts_with('"')) {
                    value = unescape(value);
                }
                if (config) {
                    transcript.config[key] = value;
                } else {
                    transcript.steps.push_back({Transcript::Kind::Check, value, key, number});
                }
            } else {
                fail("unknown line: " + raw);
            }
        } catch (const std::invalid_argument&) {
            fail("bad escape");
        }
    }
    return transcript;
}

std::vector<std::filesystem::path> transcript_files() {
    const char* source = std::getenv("GOVMAIL_SOURCE_DIR");
    std::filesystem::path dir =
        std::filesystem::path(source != nullptr ? source : ".") / "tests/transcripts/smtp";
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() == ".txt") {
            files.push_back(entry.path());
        }
    }
    std::ranges::sort(files);
    return files;
}

smtp::SessionConfig session_config_for(const Transcript& transcript) {
    smtp::SessionConfig config;
    config.hostname = "mail.test.gov.vn";
    config.starttls = true;
    for (const auto& [key, value] : transcript.config) {
        auto number = [&] {
            auto size = parse_size(value);
            if (!size) {
                throw std::runtime_error(transcript.file.string() + ": bad number for " + key);
            }
            return static_cast<std::size_t>(*size);
        };
        if (key == "listener") {
            if (value == "smtp") {
                config.mode = smtp::Mode::Mx;
            } else if (value == "submission") {
                config.mode = smtp::Mode::Submission;
            } else if (value == "submissions") {
                config.mode = smtp::Mode::Submissions;
            } else {
                throw std::runtime_error(transcript.file.string() + ": unknown listener " + value);
            }
        } else if (key == "tls") {
            config.starttls = value != "off";
        } else if (key == "smtp.max_message_size") {
            config.max_message_size = number();
        } else if (key == "smtp.max_recipients") {
            config.max_recipients = number();
        } else if (key == "smtp.max_received_headers") {
            config.max_received_headers = number();
        } else if (key == "smtp.max_errors") {
            config.max_errors = number();
        } else if (key == "smtp.max_junk_commands") {
            config.max_junk_commands = number();
        } else if (key == "limits.max_line_length") {
            config.max_line_length = number();
        } else if (key != "fake.rate_limit") {
            throw std::runtime_error(transcript.file.string() + ": unknown @config " + key);
        }
    }
    if (config.mode == smtp::Mode::Submissions) {
        config.starttls = false;
    }
    return config;
}

std::string expect_value(const FakeServices& services, const std::string& key) {
    auto deliveries = services.deliveries();
    if (key == "deliveries") {
        return std::to_string(deliveries.size());
    }
    if (key == "events") {
        std::vector<std::string> names;
        for (const auto& event : services.events()) {
            names.push_back(event_name(event));
        }
        return join(names, " ");
    }
    if (deliveries.empty()) {
        return "(no delivery)";
    }
    const FakeServices::Delivery& last = deliveries.back();
    const smtp::Envelope& envelope = last.envelope;
    const smtp::MailParams& params = envelope.params;
    std::vector<std::string> values;
    if (key == "message") {
        return last.message;
    }
    if (key == "from") {
        return envelope.sender.to_string();
    }
    if (key == "to" || key == "targets" || key == "notify" || key == "orcpt") {
        for (const smtp::Recipient& recipient : envelope.recipients) {
            if (key == "to") {
                values.push_back("<" + recipient.address.to_string() + ">");
            } else if (key == "targets") {
                values.push_back(FakeServices::target_name(recipient.target));
            } else if (key == "notify") {
                values.push_back(notify_name(recipient.params.notify));
            } else if (recipient.params.orcpt) {
                values.push_back(
                    recipient.params.orcpt->type + ";" + recipient.params.orcpt->value
                );
            } else {
                values.emplace_back();
            }
        }
        return join(values, key == "notify" ? ";" : key == "orcpt" ? "|" : ",");
    }
    if (key == "protocol") {
        return envelope.protocol;
    }
    if (key == "helo") {
        return envelope.client.helo;
    }
    if (key == "account") {
        return envelope.client.account ? envelope.client.account->login : "";
    }
    if (key == "tls") {
        return envelope.client.tls.empty() ? "no" : "yes";
    }
    if (key == "body") {
        return body_name(params.body);
    }
    if (key == "smtputf8") {
        return params.smtputf8 ? "yes" : "no";
    }
    if (key == "size") {
        return params.size ? std::to_string(*params.size) : "";
    }
    if (key == "ret") {
        return params.ret == smtp::Ret::Full      ? "FULL"
               : params.ret == smtp::Ret::Headers ? "HDRS"
                                                  : "";
    }
    if (key == "envid") {
        return params.envid;
    }
    if (key == "auth") {
        return params.auth.value_or("");
    }
    return "(unknown key " + key + ")";
}

void play(const Transcript& transcript, Peer& peer) {
    const std::string where = transcript.file.filename().string();
    std::string pending;  // C: lines waiting to go out in one write
    std::optional<std::string> lookahead;
    bool closed = false;
    auto flush = [&] {
        if (!pending.empty()) {
            peer.send(pending);
            pending.clear();
        }
    };
    auto next_line = [&]() -> std::optional<std::string> {
        if (lookahead) {
            return std::exchange(lookahead, std::nullopt);
        }
        return peer.read_line();
    };
    auto expect_line = [&](const std::string& pattern, int number) {
        auto line = next_line();
        if (!line) {
            ADD_FAILURE() << where << ":" << number << ": expected \"" << pattern
                          << "\", the server said nothing";
            return false;
        }
        if (!glob_match(pattern, *line)) {
            ADD_FAILURE() << where << ":" << number << ": expected \"" << pattern << "\", got \""
                          << *line << "\"";
            return false;
        }
        // "250-*" stands for every continuation line of the reply.
        if (pattern.size() == 5 && pattern[3] == '-' && pattern[4] == '*') {
            const std::string prefix = pattern.substr(0, 4);
            for (;;) {
                auto more = next_line();
                if (!more || !more->starts_with(prefix)) {
                    lookahead = more;
                    break;
                }
            }
        }
        return true;
    };
    for (const Transcript::Step& step : transcript.steps) {
        if (step.kind == Transcript::Kind::Send) {
            pending += step.text;
            continue;
        }
        flush();
        switch (step.kind) {
            case Transcript::Kind::Expect:
                if (!expect_line(step.text, step.line)) {
                    return;
                }
                break;
            case Transcript::Kind::Tls:
                if (!peer.start_tls()) {
                    ADD_FAILURE() << where << ":" << step.line << ": TLS handshake failed";
                    return;
                }
                break;
            case Transcript::Kind::Closed:
                if (lookahead) {
                    ADD_FAILURE() << where << ":" << step.line << ": unexpected \"" << *lookahead
                                  << "\" before the close";
                }
                if (!peer.wait_closed()) {
                    ADD_FAILURE() << where << ":" << step.line << ": the server did not close";
                }
                closed = true;
                break;
            case Transcript::Kind::Check: {
                std::string actual = expect_value(peer.services(), step.key);
                EXPECT_EQ(actual, step.text) << where << ":" << step.line << ": @expect "
                                             << step.key << " (" << escape(actual) << ")";
                break;
            }
            case Transcript::Kind::Send:
                break;
        }
    }
    flush();
    if (!closed) {
        peer.send("QUIT\r\n");
        expect_line("221 *", 0);
    }
}

}  // namespace govmail::test
