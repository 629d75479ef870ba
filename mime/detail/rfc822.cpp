#include "mime/detail/rfc822.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>

namespace govmail::mime::detail {
namespace {

// RFC 5322 3.2.3 atext, plus 8-bit bytes (RFC 6532 3.2 allows UTF-8 there).
bool is_atext(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
        return true;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr && c != '\0';
}

// RFC 2045 5.1 token: any CHAR except SPACE, CTLs and tspecials.
bool is_token_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) {
        return false;
    }
    return std::strchr("()<>@,;:\\\"/[]?=", c) == nullptr;
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// A cursor over a structured header value (RFC 5322 3.2 lexical tokens).
class Lexer {
public:
    explicit Lexer(std::string_view s)
        : s_(s) {}

    bool at_end() const { return pos_ >= s_.size(); }

    char peek() const { return at_end() ? '\0' : s_[pos_]; }

    bool starts_with(std::string_view prefix) const { return s_.substr(pos_).starts_with(prefix); }

    void advance() {
        if (!at_end()) {
            ++pos_;
        }
    }

    std::size_t pos() const { return pos_; }

    void reset(std::size_t pos) { pos_ = pos; }

    std::string_view rest() const { return s_.substr(std::min(pos_, s_.size())); }

    // Skips folding white space and comments (RFC 5322 3.2.2), remembering the text of the last
    // non-empty comment for take_comment().
    void skip_cfws() {
        while (!at_end()) {
            const char c = peek();
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                ++pos_;
            } else if (c == '(') {
                std::string text = read_comment();
                if (!text.empty()) {
                    comment_ = std::move(text);
                }
            } else {
                break;
            }
        }
    }

    // The last comment skipped since the previous call, or "".
    std::string take_comment() { return std::exchange(comment_, std::string()); }

    // At '"': the quoted string's content, backslash escapes removed. An unterminated string
    // runs to the end of the value.
    std::string quoted_string() {
        std::string out;
        ++pos_;
        while (!at_end()) {
            const char c = s_[pos_++];
            if (c == '"') {
                break;
            }
            if (c == '\\' && !at_end()) {
                out.push_back(s_[pos_++]);
            } else if (c != '\r' && c != '\n') {
                out.push_back(c);
            }
        }
        return out;
    }

    std::string_view atom(bool allow_dot) {
        const std::size_t start = pos_;
        while (!at_end() && (is_atext(s_[pos_]) || (allow_dot && s_[pos_] == '.'))) {
            ++pos_;
        }
        return s_.substr(start, pos_ - start);
    }

    std::string_view token() {
        const std::size_t start = pos_;
        while (!at_end() && is_token_char(s_[pos_])) {
            ++pos_;
        }
        return s_.substr(start, pos_ - start);
    }

    // At "=?": a whole RFC 2047 encoded word "=?charset?e?text?=" (which may contain specials
    // that careless encoders leave unencoded), or an empty view when it is not one.
    std::string_view encoded_word() {
        const std::string_view r = rest();
        if (!r.starts_with("=?")) {
            return {};
        }
        const std::size_t q1 = r.find('?', 2);
        if (q1 == std::string_view::npos || q1 + 2 >= r.size() || r[q1 + 2] != '?') {
            return {};
        }
        const std::size_t close = r.find("?=", q1 + 3);
        if (close == std::string_view::npos) {
            return {};
        }
        const std::string_view word = r.substr(0, close + 2);
        if (std::any_of(word.begin(), word.end(), [](char c) {
                return c == ' ' || c == '\t' || c == '\r' || c == '\n';
            })) {
            return {};
        }
        pos_ += word.size();
        return word;
    }

    // At '[': a domain literal with its brackets.
    std::string domain_literal() {
        std::string out;
        while (!at_end()) {
            const char c = s_[pos_++];
            if (c == '\\' && !at_end()) {
                out.push_back(s_[pos_++]);
                continue;
            }
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                out.push_back(c);
            }
            if (c == ']') {
                break;
            }
        }
        return out;
    }

    void skip_to(char stop) {
        while (!at_end() && s_[pos_] != stop) {
            if (s_[pos_] == '"') {
                quoted_string();
            } else if (s_[pos_] == '(') {
                read_comment();
            } else {
                ++pos_;
            }
        }
    }

private:
    std::string read_comment() {
        std::string out;
        int depth = 0;
        while (!at_end()) {
            const char c = s_[pos_++];
            if (c == '\\' && !at_end()) {
                out.push_back(s_[pos_++]);
                continue;
            }
            if (c == '(') {
                if (depth++ > 0) {
                    out.push_back(c);
                }
                continue;
            }
            if (c == ')') {
                if (--depth == 0) {
                    break;
                }
                out.push_back(c);
                continue;
            }
            if (c != '\r' && c != '\n') {
                out.push_back(c);
            }
        }
        const auto first = out.find_first_not_of(" \t");
        if (first == std::string::npos) {
            return {};
        }
        return out.substr(first, out.find_last_not_of(" \t") - first + 1);
    }

    std::string_view s_;
    std::size_t pos_ = 0;
    std::string comment_;
};

// RFC 5322 3.2.5 phrase with obs-phrase ('.' inside words): the words joined by one space,
// quoted strings unquoted, encoded words kept whole. nullopt when there is no word.
std::optional<std::string> parse_phrase(Lexer& lex) {
    std::optional<std::string> phrase;
    for (;;) {
        lex.skip_cfws();
        std::string word;
        if (lex.peek() == '"') {
            word = lex.quoted_string();
        } else if (std::string_view ew = lex.encoded_word(); !ew.empty()) {
            word = ew;
        } else if (is_atext(lex.peek()) || lex.peek() == '.') {
            word = lex.atom(true);
        } else {
            break;
        }
        if (phrase) {
            phrase->push_back(' ');
            phrase->append(word);
        } else {
            phrase = std::move(word);
        }
    }
    return phrase;
}

// local-part with obs-local-part: words separated by '.', CFWS allowed around them.
std::string parse_local_part(Lexer& lex) {
    std::string local;
    for (;;) {
        lex.skip_cfws();
        if (lex.peek() == '"') {
            local += lex.quoted_string();
        } else if (is_atext(lex.peek())) {
            local += lex.atom(false);
        } else {
            break;
        }
        lex.skip_cfws();
        if (lex.peek() != '.') {
            break;
        }
        local.push_back('.');
        lex.advance();
    }
    return local;
}

std::string parse_domain(Lexer& lex) {
    lex.skip_cfws();
    if (lex.peek() == '[') {
        return lex.domain_literal();
    }
    std::string domain;
    for (;;) {
        lex.skip_cfws();
        if (!is_atext(lex.peek())) {
            break;
        }
        domain += lex.atom(false);
        lex.skip_cfws();
        if (lex.peek() != '.') {
            break;
        }
        domain.push_back('.');
        lex.advance();
    }
    return domain;
}

// obs-route "@a,@b:" inside an angle address; the cursor is at '@'.
std::optional<std::string> parse_route(Lexer& lex) {
    const std::size_t start = lex.pos();
    std::string route;
    while (lex.peek() == '@') {
        lex.advance();
        if (!route.empty()) {
            route.push_back(',');
        }
        route.push_back('@');
        route += parse_domain(lex);
        lex.skip_cfws();
        while (lex.peek() == ',') {
            lex.advance();
            lex.skip_cfws();
        }
    }
    if (lex.peek() != ':') {
        lex.reset(start);  // not a route: "<@domain>" is read as an addr-spec without local part
        return std::nullopt;
    }
    lex.advance();
    return route;
}

void parse_angle_addr(Lexer& lex, RawAddress& address) {
    lex.advance();  // '<'
    lex.skip_cfws();
    if (lex.peek() == '@') {
        address.route = parse_route(lex);
    }
    address.mailbox = parse_local_part(lex);
    lex.skip_cfws();
    if (lex.peek() == '@') {
        lex.advance();
        address.domain = parse_domain(lex);
    }
    lex.skip_cfws();
    if (lex.peek() != '>') {
        lex.skip_to('>');  // tolerate junk before the closing '>'
    }
    lex.advance();
}

// mailbox = name-addr / addr-spec. Returns false when nothing was consumed.
bool parse_mailbox(Lexer& lex, std::vector<RawAddress>& out) {
    const std::size_t start = lex.pos();
    RawAddress address;
    std::optional<std::string> phrase = parse_phrase(lex);
    lex.skip_cfws();
    if (lex.peek() == '<') {
        address.name = std::move(phrase);
        parse_angle_addr(lex, address);
    } else {
        lex.reset(start);
        lex.take_comment();
        address.mailbox = parse_local_part(lex);
        lex.skip_cfws();
        if (lex.peek() == '@') {
            lex.advance();
            address.domain = parse_domain(lex);
        }
        // RFC 5322 4.4: "a@b (Name)" is an old way to give the display name.
        lex.skip_cfws();
        if (std::string comment = lex.take_comment(); !comment.empty()) {
            address.name = std::move(comment);
        }
    }
    if (lex.pos() == start) {
        return false;
    }
    if (address.mailbox.empty() && !address.domain && !address.name) {
        return true;  // only comments or white space: nothing to list
    }
    out.push_back(std::move(address));
    return true;
}

// group = display-name ":" [group-list] ";". Returns false (cursor unchanged) when the element
// is not a group.
bool parse_group(Lexer& lex, std::vector<RawAddress>& out) {
    const std::size_t start = lex.pos();
    std::optional<std::string> phrase = parse_phrase(lex);
    lex.skip_cfws();
    if (!phrase || lex.peek() != ':') {
        lex.reset(start);
        return false;
    }
    lex.advance();
    RawAddress begin;
    begin.kind = RawAddress::Kind::GroupStart;
    begin.mailbox = std::move(*phrase);
    out.push_back(std::move(begin));
    for (;;) {
        lex.skip_cfws();
        if (lex.at_end()) {
            break;
        }
        if (lex.peek() == ';') {
            lex.advance();
            break;
        }
        if (lex.peek() == ',') {
            lex.advance();
            continue;
        }
        if (!parse_mailbox(lex, out)) {
            lex.advance();  // a stray special: skip it
        }
    }
    RawAddress end;
    end.kind = RawAddress::Kind::GroupEnd;
    out.push_back(std::move(end));
    return true;
}

bool is_dot_atom(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != std::string::npos) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char c) { return c == '.' || is_atext(c); });
}

struct RawParam {
    std::string name;  // lower-case
    std::string value;
};

// RFC 2231 3: "name*<n>" and "name*<n>*" are continuation segments of "name"; segment 0 decides
// whether the joined value is extended ("name*": charset'language'%XX).
std::vector<Param> join_continuations(std::vector<RawParam> raw) {
    struct Segments {
        std::map<unsigned, std::pair<std::string, bool>> parts;  // index -> (value, extended)
        std::size_t order = 0;
    };

    std::map<std::string, Segments> continued;
    std::vector<std::pair<std::size_t, Param>> ordered;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const std::string& name = raw[i].name;
        const std::size_t star = name.find('*');
        if (star != std::string::npos && star > 0 && star + 1 < name.size()) {
            std::string_view index = std::string_view(name).substr(star + 1);
            const bool extended = index.ends_with('*');
            if (extended) {
                index.remove_suffix(1);
            }
            if (!index.empty() && index.size() <= 4 &&
                std::all_of(index.begin(), index.end(), [](char c) {
                    return c >= '0' && c <= '9';
                })) {
                const std::string base = name.substr(0, star);
                auto [it, inserted] = continued.try_emplace(base);
                if (inserted) {
                    it->second.order = i;
                }
                it->second.parts.try_emplace(
                    static_cast<unsigned>(std::stoul(std::string(index))),
                    std::move(raw[i].value),
                    extended
                );
                continue;
            }
        }
        ordered.emplace_back(i, Param{name, std::move(raw[i].value)});
    }
    for (auto& [base, segments] : continued) {
        const bool extended = segments.parts.begin()->second.second;
        std::string value;
        for (const auto& segment : segments.parts) {
            value += segment.second.first;
        }
        ordered.emplace_back(segments.order, Param{extended ? base + "*" : base, std::move(value)});
    }
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
        return a.first < b.first;
    });
    std::vector<Param> params;
    params.reserve(ordered.size());
    for (auto& entry : ordered) {
        Param& param = entry.second;  // not a structured binding: clang 14 cannot capture those
        const bool duplicate = std::any_of(params.begin(), params.end(), [&](const Param& p) {
            return p.name == param.name;
        });
        if (!duplicate) {
            params.push_back(std::move(param));
        }
    }
    return params;
}

}  // namespace

std::size_t next_line(std::string_view s, std::size_t pos) {
    if (pos >= s.size()) {
        return s.size();
    }
    const void* nl = std::memchr(s.data() + pos, '\n', s.size() - pos);
    return nl == nullptr ? s.size()
                         : static_cast<std::size_t>(static_cast<const char*>(nl) - s.data()) + 1;
}

std::string_view line_at(std::string_view s, std::size_t pos) {
    std::size_t end = next_line(s, pos);
    if (end > pos && s[end - 1] == '\n') {
        --end;
        if (end > pos && s[end - 1] == '\r') {
            --end;
        }
    }
    return s.substr(pos, end - pos);
}

std::size_t break_before(std::string_view s, std::size_t pos, std::size_t floor) {
    if (pos <= floor || pos > s.size() || s[pos - 1] != '\n') {
        return 0;
    }
    return (pos - 1 > floor && s[pos - 2] == '\r') ? 2 : 1;
}

LineKind classify_line(std::string_view line) {
    if (line.empty()) {
        return LineKind::Blank;
    }
    if (is_wsp(line.front())) {
        return LineKind::Continuation;
    }
    // RFC 5322 3.6.8 field-name = 1*ftext (printable ASCII except ':'); 4.5 allows WSP before ':'.
    std::size_t i = 0;
    while (i < line.size()) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (c == ':' || c <= 0x20 || c >= 0x7F) {
            break;
        }
        ++i;
    }
    if (i == 0) {
        return LineKind::Other;
    }
    while (i < line.size() && is_wsp(line[i])) {
        ++i;
    }
    return (i < line.size() && line[i] == ':') ? LineKind::Field : LineKind::Other;
}

std::vector<HeaderField> split_fields(std::string_view block) {
    std::vector<HeaderField> fields;
    std::size_t pos = 0;
    while (pos < block.size()) {
        const std::string_view line = line_at(block, pos);
        const std::size_t next = next_line(block, pos);
        const LineKind kind = classify_line(line);
        if (kind == LineKind::Blank || kind == LineKind::Other) {
            break;
        }
        if (kind == LineKind::Continuation) {
            if (!fields.empty()) {
                HeaderField& field = fields.back();
                const auto value_begin =
                    static_cast<std::size_t>(field.value.data() - block.data());
                field.value = block.substr(value_begin, pos + line.size() - value_begin);
                field.end = next;
            }
        } else {
            const std::size_t colon = line.find(':');
            std::string_view name = line.substr(0, colon);
            while (!name.empty() && is_wsp(name.back())) {
                name.remove_suffix(1);
            }
            fields.push_back(HeaderField{name, line.substr(colon + 1), pos, next});
        }
        pos = next;
    }
    return fields;
}

const HeaderField* find_field(const std::vector<HeaderField>& fields, std::string_view name) {
    for (const HeaderField& field : fields) {
        if (iequals(field.name, name)) {
            return &field;
        }
    }
    return nullptr;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return lower(x) == lower(y);
           });
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = lower(c);
    }
    return out;
}

std::string unfold(std::string_view value) {
    auto edge = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0'; };
    // Trimming every byte that is either removed or trimmed first leaves a value that starts and
    // ends with bytes that stay. (A plain loop: string_view::find_first_of() costs a memchr()
    // per byte in libstdc++.)
    std::size_t begin = 0;
    std::size_t end = value.size();
    while (begin < end && edge(value[begin])) {
        ++begin;
    }
    while (end > begin && edge(value[end - 1])) {
        --end;
    }
    std::string out(end - begin, '\0');
    std::size_t n = 0;
    for (std::size_t i = begin; i < end; ++i) {
        const char c = value[i];
        if (c != '\r' && c != '\n' && c != '\0') {
            out[n++] = c;
        }
    }
    out.resize(n);
    return out;
}

std::vector<Param> parse_params(std::string_view rest) {
    Lexer lex(rest);
    std::vector<RawParam> raw;
    for (;;) {
        lex.skip_to(';');
        if (lex.at_end()) {
            break;
        }
        lex.advance();  // ';'
        lex.skip_cfws();
        const std::string_view name = lex.token();
        lex.skip_cfws();
        if (name.empty() || lex.peek() != '=') {
            continue;
        }
        lex.advance();
        lex.skip_cfws();
        std::string value;
        if (lex.peek() == '"') {
            value = lex.quoted_string();
        } else {
            // Unquoted values should be tokens; real mail also has '/', '?', '=', spaces and
            // 8-bit bytes in them, so take everything up to the next ';'.
            const std::string_view r = lex.rest();
            std::string_view v = r.substr(0, std::min(r.find(';'), r.size()));
            lex.reset(lex.pos() + v.size());
            while (!v.empty() && is_wsp(v.back())) {
                v.remove_suffix(1);
            }
            value = v;
        }
        raw.push_back(RawParam{to_lower(name), std::move(value)});
    }
    return join_continuations(std::move(raw));
}

std::optional<ContentType> parse_content_type(std::string_view unfolded) {
    Lexer lex(unfolded);
    lex.skip_cfws();
    const std::string_view type = lex.token();
    lex.skip_cfws();
    if (type.empty() || lex.peek() != '/') {
        return std::nullopt;
    }
    lex.advance();
    lex.skip_cfws();
    const std::string_view subtype = lex.token();
    if (subtype.empty()) {
        return std::nullopt;
    }
    return ContentType{std::string(type), std::string(subtype), parse_params(lex.rest())};
}

std::optional<Disposition> parse_disposition(std::string_view unfolded) {
    Lexer lex(unfolded);
    lex.skip_cfws();
    const std::string_view type = lex.token();
    if (type.empty()) {
        return std::nullopt;
    }
    return Disposition{std::string(type), parse_params(lex.rest())};
}

std::optional<std::string> parse_single_token(std::string_view unfolded) {
    Lexer lex(unfolded);
    lex.skip_cfws();
    const std::string_view token = lex.token();
    lex.skip_cfws();
    if (token.empty() || !lex.at_end()) {
        return std::nullopt;
    }
    return std::string(token);
}

std::vector<std::string> parse_language(std::string_view unfolded) {
    Lexer lex(unfolded);
    std::vector<std::string> tags;
    for (;;) {
        lex.skip_cfws();
        if (lex.peek() == ',') {
            lex.advance();
            continue;
        }
        const std::string_view tag = lex.token();
        if (tag.empty()) {
            break;
        }
        tags.emplace_back(tag);
    }
    return tags;
}

std::vector<RawAddress> parse_address_list(std::string_view unfolded) {
    Lexer lex(unfolded);
    std::vector<RawAddress> out;
    for (;;) {
        lex.skip_cfws();
        if (lex.at_end()) {
            break;
        }
        if (lex.peek() == ',') {
            lex.advance();
            continue;
        }
        const std::size_t start = lex.pos();
        if (!parse_group(lex, out)) {
            parse_mailbox(lex, out);
        }
        if (lex.pos() == start) {
            lex.advance();  // a stray special that starts no address: skip just that byte
            continue;
        }
        lex.skip_cfws();
        if (!lex.at_end() && lex.peek() != ',') {
            lex.skip_to(',');  // junk after an address
        }
    }
    return out;
}

std::string address_spec(const RawAddress& address) {
    std::string spec;
    if (is_dot_atom(address.mailbox) || address.mailbox.empty()) {
        spec = address.mailbox;
    } else {
        spec.push_back('"');
        for (const char c : address.mailbox) {
            if (c == '"' || c == '\\') {
                spec.push_back('\\');
            }
            spec.push_back(c);
        }
        spec.push_back('"');
    }
    if (address.domain && !address.domain->empty()) {
        spec.push_back('@');
        spec += *address.domain;
    }
    return spec;
}

std::vector<std::string> parse_msg_ids(std::string_view unfolded) {
    std::vector<std::string> ids;
    Lexer lex(unfolded);
    for (;;) {
        lex.skip_cfws();
        if (lex.at_end()) {
            break;
        }
        if (lex.peek() == '<') {
            std::string id;
            while (!lex.at_end()) {
                const char c = lex.peek();
                lex.advance();
                if (c != ' ' && c != '\t') {
                    id.push_back(c);
                }
                if (c == '>') {
                    break;
                }
            }
            ids.push_back(std::move(id));
        } else if (lex.peek() == '"') {
            lex.quoted_string();
        } else {
            lex.advance();
        }
    }
    if (ids.empty()) {
        std::string whole = unfold(unfolded);
        if (!whole.empty()) {
            ids.push_back(std::move(whole));
        }
    }
    return ids;
}

}  // namespace govmail::mime::detail
