#include "smtp/queue/client_protocol.hpp"

#include <algorithm>
#include <charconv>

namespace govmail::smtp::queue {
namespace {

// RFC 5321 4.5.3.1.6: a text line is at most 1000 octets with its CRLF.
constexpr std::size_t kMaxTextLine = 998;

bool digit(char c) {
    return c >= '0' && c <= '9';
}

// "5.1.1 no such user" -> "5.1.1" when the text starts with an RFC 3463 status whose class
// matches the reply code.
std::string leading_status(std::string_view text, int code) {
    std::size_t end = text.find(' ');
    std::string_view word = text.substr(0, end);
    if (word.size() < 5 || word.size() > 11 || word[1] != '.' ||
        word[0] != static_cast<char>('0' + code / 100)) {
        return {};
    }
    int dots = 0;
    for (char c : word.substr(1)) {
        if (c == '.') {
            ++dots;
        } else if (!digit(c)) {
            return {};
        }
    }
    return dots == 2 && word.back() != '.' ? std::string(word) : std::string();
}

bool keyword_is(std::string_view line, std::string_view keyword) {
    std::string_view first = line.substr(0, line.find(' '));
    return first.size() == keyword.size() &&
           std::equal(first.begin(), first.end(), keyword.begin(), [](char a, char b) {
               return std::toupper(static_cast<unsigned char>(a)) == b;
           });
}

std::string_view body_keyword(BodyType body) {
    switch (body) {
        case BodyType::SevenBit:
            return "7BIT";
        case BodyType::EightBitMime:
            return "8BITMIME";
        case BodyType::BinaryMime:
            return "BINARYMIME";
    }
    return "7BIT";
}

}  // namespace

std::string ClientReply::status() const {
    if (code == 0) {
        return local_status.empty() ? "4.4.1" : local_status;  // RFC 3463: no answer from host
    }
    if (!lines.empty()) {
        if (std::string found = leading_status(lines.front(), code); !found.empty()) {
            return found;
        }
    }
    return std::to_string(code / 100) + ".0.0";
}

std::string ClientReply::text() const {
    std::string out = code == 0 ? std::string() : std::to_string(code);
    for (const std::string& line : lines) {
        if (!out.empty()) {
            out += ' ';
        }
        out += line;
    }
    return out;
}

ClientReply ClientReply::none(std::string why, std::string status) {
    ClientReply reply;
    reply.lines.push_back(std::move(why));
    reply.local_status = std::move(status);
    return reply;
}

ReplyParser::Result ReplyParser::feed(std::string_view line) {
    // RFC 5321 4.2: Reply-code [ ( SP / "-" ) textstring ] CRLF
    int code = 0;
    if (line.size() < 3 || !digit(line[0]) || !digit(line[1]) || !digit(line[2]) || line[0] < '2' ||
        line[0] > '5') {
        return Result::Malformed;
    }
    std::from_chars(line.data(), line.data() + 3, code);
    if (reply_.code != 0 && code != reply_.code) {
        return Result::Malformed;
    }
    reply_.code = code;
    const bool more = line.size() > 3 && line[3] == '-';
    if (line.size() > 3 && line[3] != '-' && line[3] != ' ') {
        return Result::Malformed;
    }
    reply_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view());
    return more ? Result::NeedMore : Result::Complete;
}

ClientReply ReplyParser::take() {
    return std::exchange(reply_, ClientReply{});
}

Capabilities Capabilities::from_ehlo(const ClientReply& reply) {
    Capabilities caps;
    caps.esmtp = reply.code == 250;
    if (!caps.esmtp) {
        return caps;
    }
    // The first line greets; the others name one extension each.
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        std::string_view line = reply.lines[i];
        if (keyword_is(line, "PIPELINING")) {
            caps.pipelining = true;
        } else if (keyword_is(line, "STARTTLS")) {
            caps.starttls = true;
        } else if (keyword_is(line, "8BITMIME")) {
            caps.eight_bit_mime = true;
        } else if (keyword_is(line, "SMTPUTF8")) {
            caps.smtputf8 = true;
        } else if (keyword_is(line, "CHUNKING")) {
            caps.chunking = true;
        } else if (keyword_is(line, "BINARYMIME")) {
            caps.binary_mime = true;
        } else if (keyword_is(line, "DSN")) {
            caps.dsn = true;
        } else if (keyword_is(line, "SIZE")) {
            caps.size = true;
            std::size_t space = line.find(' ');
            if (space != std::string_view::npos) {
                std::string_view number = line.substr(space + 1);
                std::uint64_t limit = 0;
                auto [end, ec] =
                    std::from_chars(number.data(), number.data() + number.size(), limit);
                if (ec == std::errc()) {
                    caps.max_size = limit;
                }
            }
        }
    }
    return caps;
}

std::string mail_command(const MailSpec& spec, const Capabilities& caps) {
    std::string out = "MAIL FROM:<" + spec.sender + ">";
    if (caps.size && spec.size > 0) {
        out += " SIZE=" + std::to_string(spec.size);
    }
    if (spec.body != BodyType::SevenBit &&
        (spec.body == BodyType::BinaryMime ? caps.binary_mime : caps.eight_bit_mime)) {
        out += " BODY=" + std::string(body_keyword(spec.body));
    }
    if (spec.smtputf8 && caps.smtputf8) {
        out += " SMTPUTF8";
    }
    if (caps.dsn) {
        if (spec.ret == Ret::Full) {
            out += " RET=FULL";
        } else if (spec.ret == Ret::Headers) {
            out += " RET=HDRS";
        }
        if (!spec.envid.empty()) {
            out += " ENVID=" + spec.envid;
        }
    }
    return out + "\r\n";
}

std::string rcpt_command(
    std::string_view address,
    const Notify& notify,
    const std::optional<Orcpt>& orcpt,
    const Capabilities& caps
) {
    std::string out = "RCPT TO:<" + std::string(address) + ">";
    if (caps.dsn) {
        if (notify.never) {
            out += " NOTIFY=NEVER";
        } else if (notify.given()) {
            std::string flags;
            for (auto [set, name] :
                 {std::pair{notify.success, "SUCCESS"},
                  std::pair{notify.failure, "FAILURE"},
                  std::pair{notify.delay, "DELAY"}}) {
                if (set) {
                    flags += flags.empty() ? "" : ",";
                    flags += name;
                }
            }
            out += " NOTIFY=" + flags;
        }
        if (orcpt) {
            out += " ORCPT=" + orcpt->type + ";" + orcpt->value;
        }
    }
    return out + "\r\n";
}

bool has_eight_bit(std::string_view text) noexcept {
    return std::ranges::any_of(text, [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::string data_payload(std::string_view message) {
    std::string out;
    out.reserve(message.size() + message.size() / 64 + 8);
    bool in_header = true;
    std::size_t at = 0;
    while (at < message.size()) {
        std::size_t end = message.find_first_of("\r\n", at);
        std::string_view line =
            message.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        if (end == std::string_view::npos) {
            at = message.size();
        } else if (message[end] == '\r' && end + 1 < message.size() && message[end + 1] == '\n') {
            at = end + 2;
        } else {
            at = end + 1;  // a CR or LF alone ends the line too
        }
        if (line.empty()) {
            in_header = false;
        }
        bool first_piece = true;
        do {
            std::string_view prefix;
            if (!first_piece && in_header) {
                prefix = " ";  // a folded continuation of the same field
            } else if (line.starts_with('.')) {
                prefix = ".";  // RFC 5321 4.5.2: transparency
            }
            std::string_view piece = line.substr(0, kMaxTextLine - prefix.size());
            line.remove_prefix(piece.size());
            out += prefix;
            out += piece;
            out += "\r\n";
            first_piece = false;
        } while (!line.empty());
    }
    out += ".\r\n";
    return out;
}

}  // namespace govmail::smtp::queue
