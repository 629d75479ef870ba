#include "smtp/delivery/policy.hpp"

#include "mime/content.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace govmail::smtp {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

// The unfolded value of a header field line "Name: value\r\n\tmore".
std::string field_value(std::string_view field) {
    std::size_t colon = field.find(':');
    std::string value;
    for (char c : field.substr(colon == std::string_view::npos ? field.size() : colon + 1)) {
        if (c != '\r' && c != '\n') {
            value += c;
        }
    }
    return value;
}

}  // namespace

SendLimiter::Verdict SendLimiter::take(std::uint64_t account, Clock::time_point now) {
    if (limit_ == 0) {
        return Verdict::Ok;
    }
    std::lock_guard lock(mutex_);
    if (accounts_.size() > 100'000) {
        // Forget accounts that sent nothing within the window, so the map stays small.
        std::erase_if(accounts_, [&](const auto& entry) {
            return entry.second.sent.empty() || entry.second.sent.back() + window_ <= now;
        });
    }
    Account& state = accounts_[account];
    while (!state.sent.empty() && state.sent.front() + window_ <= now) {
        state.sent.pop_front();
    }
    if (state.sent.size() >= limit_) {
        return std::exchange(state.exceeded, true) ? Verdict::Refused : Verdict::Exceeded;
    }
    state.exceeded = false;
    state.sent.push_back(now);
    return Verdict::Ok;
}

bool is_automatic_forward(std::string_view header) {
    static constexpr std::array<std::string_view, 6> kNames = {
        "Auto-Submitted",
        "Resent-From",
        "Resent-Sender",
        "Resent-To",
        "X-Forwarded-To",
        "X-Forwarded-For"};
    std::string fields = mime::header_fields(header, kNames, mime::FieldSelect::Only);
    for (std::size_t at = 0; at < fields.size();) {
        // One field with its continuation lines.
        std::size_t end = at;
        do {
            end = fields.find('\n', end);
            end = end == std::string::npos ? fields.size() : end + 1;
        } while (end < fields.size() && (fields[end] == ' ' || fields[end] == '\t'));
        std::string_view field(fields.data() + at, end - at);
        at = end;
        std::string name = lower(field.substr(0, field.find(':')));
        if (name.empty() || name == "\r\n" || name == "\n") {
            continue;
        }
        if (name != "auto-submitted") {
            return true;
        }
        // RFC 3834 5: auto-submitted = "no" / "auto-generated" / "auto-replied" / extension;
        // parameters and comments follow a ';' or '('.
        std::string value = lower(field_value(field));
        value = value.substr(0, value.find_first_of(";("));
        std::erase_if(value, [](char c) { return c == ' ' || c == '\t'; });
        if (value.find("forward") != std::string::npos) {
            return true;
        }
    }
    return false;
}

bool is_government_domain(std::string_view domain, std::span<const std::string> government) {
    const std::string name = lower(domain);
    return std::ranges::any_of(government, [&](const std::string& suffix) {
        return name == suffix || (name.size() > suffix.size() && name.ends_with(suffix) &&
                                  name[name.size() - suffix.size() - 1] == '.');
    });
}

std::string encode_xtext(std::string_view text) {
    static constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 33 && byte <= 126 && c != '+' && c != '=') {
            out += c;
        } else {
            out += '+';
            out += kHex[byte >> 4];
            out += kHex[byte & 15];
        }
    }
    return out;
}

}  // namespace govmail::smtp
