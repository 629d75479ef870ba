#include "smtp/reply.hpp"

namespace govmail::smtp {
namespace {

// RFC 5321 4.5.3.1.5: a reply line is at most 512 octets including its CRLF.
constexpr std::size_t kMaxReplyLine = 510;

// Replaces control characters so that no text can end a reply line early or start another one,
// and cuts the line to the limit without splitting a UTF-8 sequence.
std::string clean(std::string_view text, std::size_t room) {
    std::string line;
    line.reserve(std::min(text.size(), room));
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        line.push_back(byte < 0x20 || byte == 0x7f ? ' ' : c);
    }
    if (line.size() > room) {
        std::size_t cut = room;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80) {
            --cut;
        }
        line.resize(cut);
    }
    return line;
}

std::size_t prefix_length(std::string_view status) {
    return 4 + (status.empty() ? 0 : status.size() + 1);  // "250 " and "2.1.0 "
}

}  // namespace

Reply::Reply(int code, std::string_view status, std::string_view text)
    : code_(code)
    , status_(status) {
    lines_.push_back(clean(text, kMaxReplyLine - prefix_length(status_)));
}

Reply Reply::multiline(int code, std::vector<std::string> lines) {
    Reply reply;
    reply.code_ = code;
    if (lines.empty()) {
        lines.emplace_back();
    }
    for (std::string& line : lines) {
        line = clean(line, kMaxReplyLine - 4);
    }
    reply.lines_ = std::move(lines);
    return reply;
}

Reply Reply::multiline(int code, std::initializer_list<std::string_view> lines) {
    return multiline(code, std::vector<std::string>(lines.begin(), lines.end()));
}

void Reply::append_to(std::string& out) const {
    const std::string code = std::to_string(code_);
    for (std::size_t i = 0; i < lines_.size(); ++i) {
        out += code;
        out += i + 1 < lines_.size() ? '-' : ' ';
        if (!status_.empty()) {
            out += status_;
            if (!lines_[i].empty()) {
                out += ' ';
            }
        }
        out += lines_[i];
        out += "\r\n";
    }
}

std::string Reply::wire() const {
    std::string out;
    append_to(out);
    return out;
}

}  // namespace govmail::smtp
