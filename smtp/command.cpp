#include "smtp/command.hpp"

#include "core/text/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace govmail::smtp {
namespace {

using Parsed = boost::system::result<Command, ParseError>;

constexpr std::array<std::string_view, 14> kVerbs = {
    "HELO",
    "EHLO",
    "MAIL",
    "RCPT",
    "DATA",
    "BDAT",
    "RSET",
    "NOOP",
    "QUIT",
    "VRFY",
    "EXPN",
    "HELP",
    "STARTTLS",
    "AUTH",
};

// RFC 3461 4.4: ENVID is at most 100 characters; 4.2: ORCPT at most 500.
constexpr std::size_t kMaxEnvid = 100;
constexpr std::size_t kMaxOrcpt = 500;

char upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (upper(a[i]) != upper(b[i])) {
            return false;
        }
    }
    return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    return upper(c) - 'A' + 10;
}

// RFC 5321 2.4 invites tolerating trailing white space before CRLF.
std::string_view trim_right(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

std::string_view trim_left(std::string_view text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    return text;
}

bool has_control(std::string_view text) {
    return std::ranges::any_of(text, [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

std::optional<std::uint64_t> number(std::string_view text) {
    std::uint64_t value = 0;
    if (text.empty() || text.size() > 20) {
        return std::nullopt;
    }
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
    }
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

ParseError error(Errc errc, Verb verb, std::string detail = {}) {
    return ParseError{errc, std::move(detail), verb};
}

// RFC 6533 3: utf-8-addr-xtext and utf-8-addr-unitext, the ORCPT forms of UTF-8 addresses.
bool valid_utf8_xtext(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (static_cast<unsigned char>(c) >= 0x80) {
            std::size_t n = utf8_sequence(text.substr(i));
            if (n == 0) {
                return false;
            }
            i += n;
        } else if (c == '\\') {
            // EmbeddedUnicodeChar = "\x{" HEXPOINT "}"
            if (text.substr(i, 3) != "\\x{") {
                return false;
            }
            std::size_t close = text.find('}', i + 3);
            if (close == std::string_view::npos || close == i + 3 || close - (i + 3) > 6) {
                return false;
            }
            for (std::size_t j = i + 3; j < close; ++j) {
                if (!is_hex(text[j])) {
                    return false;
                }
            }
            i = close + 1;
        } else if (c >= 0x21 && c <= 0x7e && c != '+' && c != '=') {
            ++i;
        } else {
            return false;
        }
    }
    return true;
}

// One "keyword[=value]" of the parameter list (RFC 5321 4.1.2 esmtp-param, RFC 6531 3.3).
struct Param {
    std::string_view keyword;
    std::optional<std::string_view> value;
};

std::optional<Param> split_param(std::string_view text) {
    Param param;
    std::size_t equals = text.find('=');
    param.keyword = text.substr(0, equals);
    if (param.keyword.empty() || !is_alnum(param.keyword.front())) {
        return std::nullopt;
    }
    for (char c : param.keyword) {
        if (!is_alnum(c) && c != '-') {
            return std::nullopt;
        }
    }
    if (equals != std::string_view::npos) {
        std::string_view value = text.substr(equals + 1);
        if (value.empty()) {
            return std::nullopt;
        }
        for (char c : value) {
            auto byte = static_cast<unsigned char>(c);
            if (byte < 33 || byte == '=' || byte == 127) {
                return std::nullopt;
            }
        }
        if (!text::is_valid_utf8(value)) {
            return std::nullopt;
        }
        param.value = value;
    }
    return param;
}

// Walks the space-separated parameters after a path, calling `apply` for each; `apply` returns
// an error to stop. Rejects a parameter given twice (RFC 5321 4.1.2 lists each at most once).
template <typename Apply>
std::optional<ParseError> each_param(std::string_view text, Verb verb, Apply apply) {
    if (!text.empty() && text.front() != ' ') {
        return error(Errc::SyntaxError, verb, "expected a space after the address");
    }
    std::array<std::string_view, 8> seen{};
    std::size_t seen_count = 0;
    for (;;) {
        text = trim_left(text);
        if (text.empty()) {
            return std::nullopt;
        }
        std::size_t space = text.find(' ');
        std::string_view item = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view() : text.substr(space);
        auto param = split_param(item);
        if (!param) {
            return error(Errc::BadArguments, verb, "malformed parameter " + std::string(item));
        }
        for (std::size_t i = 0; i < seen_count; ++i) {
            if (iequals(seen[i], param->keyword)) {
                return error(
                    Errc::BadArguments, verb, "duplicate parameter " + std::string(param->keyword)
                );
            }
        }
        if (seen_count == seen.size()) {
            return error(Errc::BadArguments, verb, "too many parameters");
        }
        seen[seen_count++] = param->keyword;
        if (auto failed = apply(*param)) {
            return failed;
        }
    }
}

std::optional<ParseError> unknown_param(Verb verb, const Param& param) {
    return error(
        Errc::UnknownParameter, verb, "parameter " + std::string(param.keyword) + " not supported"
    );
}

std::optional<ParseError> bad_value(Verb verb, const Param& param, std::string_view expected) {
    return error(
        Errc::BadArguments,
        verb,
        "bad " + std::string(param.keyword) + " parameter, expected " + std::string(expected)
    );
}

std::optional<ParseError> mail_param(MailParams& params, const Param& param) {
    const Verb verb = Verb::Mail;
    std::string_view key = param.keyword;
    std::string_view value = param.value.value_or("");
    if (iequals(key, "SIZE")) {  // RFC 1870 3
        auto size = number(value);
        if (!size) {
            return bad_value(verb, param, "SIZE=octets");
        }
        params.size = size;
    } else if (iequals(key, "BODY")) {  // RFC 6152 2, RFC 3030 3
        if (iequals(value, "7BIT")) {
            params.body = BodyType::SevenBit;
        } else if (iequals(value, "8BITMIME")) {
            params.body = BodyType::EightBitMime;
        } else if (iequals(value, "BINARYMIME")) {
            params.body = BodyType::BinaryMime;
        } else {
            return bad_value(verb, param, "BODY=7BIT, 8BITMIME or BINARYMIME");
        }
    } else if (iequals(key, "SMTPUTF8")) {  // RFC 6531 3.4
        if (param.value) {
            return bad_value(verb, param, "SMTPUTF8 without a value");
        }
        params.smtputf8 = true;
    } else if (iequals(key, "AUTH")) {  // RFC 4954 5
        auto decoded = value == "<>" ? std::optional<std::string>("<>") : decode_xtext(value);
        if (!decoded || decoded->empty()) {
            return bad_value(verb, param, "AUTH=<> or an xtext mailbox");
        }
        params.auth = std::move(decoded);
    } else if (iequals(key, "RET")) {  // RFC 3461 4.3
        if (iequals(value, "FULL")) {
            params.ret = Ret::Full;
        } else if (iequals(value, "HDRS")) {
            params.ret = Ret::Headers;
        } else {
            return bad_value(verb, param, "RET=FULL or HDRS");
        }
    } else if (iequals(key, "ENVID")) {  // RFC 3461 4.4
        if (value.size() > kMaxEnvid || !valid_xtext(value)) {
            return bad_value(verb, param, "ENVID=xtext of at most 100 characters");
        }
        params.envid = std::string(value);
    } else {
        return unknown_param(verb, param);
    }
    return std::nullopt;
}

std::optional<ParseError> rcpt_param(RcptParams& params, const Param& param) {
    const Verb verb = Verb::Rcpt;
    std::string_view key = param.keyword;
    std::string_view value = param.value.value_or("");
    if (iequals(key, "NOTIFY")) {  // RFC 3461 4.1
        Notify notify;
        if (iequals(value, "NEVER")) {
            notify.never = true;
        } else {
            std::size_t start = 0;
            while (start <= value.size()) {
                std::size_t comma = value.find(',', start);
                std::string_view flag = value.substr(start, comma - start);
                if (iequals(flag, "SUCCESS")) {
                    notify.success = true;
                } else if (iequals(flag, "FAILURE")) {
                    notify.failure = true;
                } else if (iequals(flag, "DELAY")) {
                    notify.delay = true;
                } else {
                    return bad_value(verb, param, "NOTIFY=NEVER or SUCCESS,FAILURE,DELAY");
                }
                if (comma == std::string_view::npos) {
                    break;
                }
                start = comma + 1;
            }
        }
        params.notify = notify;
    } else if (iequals(key, "ORCPT")) {  // RFC 3461 4.2, RFC 6533 3
        std::size_t semicolon = value.find(';');
        std::string_view type = value.substr(0, semicolon);
        std::string_view address =
            semicolon == std::string_view::npos ? std::string_view() : value.substr(semicolon + 1);
        bool type_ok = !type.empty();
        for (char c : type) {
            type_ok = type_ok && (is_alnum(c) || c == '-');
        }
        bool address_ok =
            !address.empty() && address.size() <= kMaxOrcpt &&
            (iequals(type, "utf-8") ? valid_utf8_xtext(address) : valid_xtext(address));
        if (!type_ok || !address_ok) {
            return bad_value(verb, param, "ORCPT=addr-type;xtext");
        }
        params.orcpt = Orcpt{std::string(type), std::string(address)};
    } else {
        return unknown_param(verb, param);
    }
    return std::nullopt;
}

// "FROM:<path> params" and "TO:<path> params".
Parsed mail_or_rcpt(Verb verb, std::string_view args) {
    const bool mail = verb == Verb::Mail;
    std::string_view keyword = mail ? "FROM:" : "TO:";
    std::string_view usage = mail ? "syntax: MAIL FROM:<address> [parameters]"
                                  : "syntax: RCPT TO:<address> [parameters]";
    if (!istarts_with(args, keyword)) {
        return error(Errc::SyntaxError, verb, std::string(usage));
    }
    // RFC 5321 4.1.2 allows no space after the colon; many clients send one anyway.
    std::string_view rest = trim_left(args.substr(keyword.size()));
    if (!rest.starts_with('<')) {
        return error(Errc::SyntaxError, verb, std::string(usage));
    }
    auto path = parse_path(rest, mail ? PathKind::Reverse : PathKind::Forward);
    if (!path) {
        return error(
            mail ? Errc::BadSenderAddress : Errc::BadRecipientAddress,
            verb,
            std::string(describe(path.error()))
        );
    }
    rest = rest.substr(path->length);
    if (mail) {
        Mail command{ReversePath{std::move(path->mailbox)}, {}};
        auto failed = each_param(rest, verb, [&](const Param& param) {
            return mail_param(command.params, param);
        });
        if (failed) {
            return *failed;
        }
        return Command(std::move(command));
    }
    Rcpt command{std::move(*path->mailbox), {}};
    auto failed = each_param(rest, verb, [&](const Param& param) {
        return rcpt_param(command.params, param);
    });
    if (failed) {
        return *failed;
    }
    return Command(std::move(command));
}

Parsed hello(Verb verb, std::string_view args) {
    // RFC 5321 4.1.1.1: EHLO SP (Domain / address-literal). Clients on office networks send
    // whatever their machine is called ("DESKTOP_7", no dots), so any one printable word is taken
    // as the client's own name for it: it is recorded, never trusted.
    if (args.empty()) {
        return error(
            Errc::SyntaxError, verb, "syntax: " + std::string(to_string(verb)) + " domain"
        );
    }
    if (args.find(' ') != std::string_view::npos || has_control(args) ||
        !text::is_valid_utf8(args)) {
        return error(Errc::BadArguments, verb, "expected one domain or address literal");
    }
    if (verb == Verb::Helo) {
        return Command(Helo{std::string(args)});
    }
    return Command(Ehlo{std::string(args)});
}

Parsed bdat(std::string_view args) {
    // RFC 3030 2: "BDAT" SP chunk-size [SP end-marker].
    std::size_t space = args.find(' ');
    auto size = number(args.substr(0, space));
    bool last = false;
    if (space != std::string_view::npos) {
        last = iequals(args.substr(space + 1), "LAST");
        if (!last) {
            size.reset();
        }
    }
    if (!size) {
        return error(Errc::BadChunkSize, Verb::Bdat, "syntax: BDAT octets [LAST]");
    }
    return Command(Bdat{*size, last});
}

Parsed auth(std::string_view args) {
    // RFC 4954 4: AUTH SP sasl-mech [SP initial-response]; RFC 4422 3.1: 1*20 mechanism chars.
    std::size_t space = args.find(' ');
    std::string_view mechanism = args.substr(0, space);
    bool ok = !mechanism.empty() && mechanism.size() <= 20;
    for (char c : mechanism) {
        ok = ok && (is_alnum(c) || c == '-' || c == '_');
    }
    if (!ok) {
        return error(Errc::SyntaxError, Verb::Auth, "syntax: AUTH mechanism [initial-response]");
    }
    Auth command;
    for (char c : mechanism) {
        command.mechanism += upper(c);
    }
    if (space != std::string_view::npos) {
        std::string_view response = args.substr(space + 1);
        bool base64 = !response.empty();
        for (char c : response) {
            base64 = base64 && (is_alnum(c) || c == '+' || c == '/' || c == '=');
        }
        if (!base64) {
            return error(Errc::BadBase64, Verb::Auth, "initial response is not base64");
        }
        command.initial_response = std::string(response);
    }
    return Command(std::move(command));
}

}  // namespace

std::string_view to_string(Verb verb) {
    auto index = static_cast<std::size_t>(verb);
    return index < kVerbs.size() ? kVerbs[index] : "?";
}

Verb parse_verb(std::string_view line) noexcept {
    std::string_view word = line.substr(0, line.find(' '));
    for (std::size_t i = 0; i < kVerbs.size(); ++i) {
        if (iequals(word, kVerbs[i])) {
            return static_cast<Verb>(i);
        }
    }
    return Verb::Unknown;
}

Parsed parse_command(std::string_view line) noexcept {
    line = trim_right(line);
    const Verb verb = parse_verb(line);
    if (verb == Verb::Unknown) {
        return error(Errc::UnknownCommand, verb);
    }
    std::string_view args = line.substr(to_string(verb).size());
    if (!args.empty()) {
        args.remove_prefix(1);  // the space after the verb
    }
    auto no_arguments = [&](Command command) -> Parsed {
        if (!args.empty()) {
            return error(
                Errc::BadArguments, verb, std::string(to_string(verb)) + " takes no arguments"
            );
        }
        return command;
    };
    switch (verb) {
        case Verb::Helo:
        case Verb::Ehlo:
            return hello(verb, trim_left(args));
        case Verb::Mail:
        case Verb::Rcpt:
            return mail_or_rcpt(verb, args);
        case Verb::Data:
            return no_arguments(Data{});
        case Verb::Bdat:
            return bdat(args);
        case Verb::Rset:
            return no_arguments(Rset{});
        case Verb::Noop:
            return Command(Noop{});  // RFC 5321 4.1.1.9: an argument is allowed and ignored
        case Verb::Quit:
            return no_arguments(Quit{});
        case Verb::Vrfy:
        case Verb::Expn:
            if (args.empty()) {
                return error(
                    Errc::SyntaxError, verb, "syntax: " + std::string(to_string(verb)) + " string"
                );
            }
            if (verb == Verb::Vrfy) {
                return Command(Vrfy{std::string(args)});
            }
            return Command(Expn{std::string(args)});
        case Verb::Help:
            return Command(Help{std::string(args)});
        case Verb::StartTls:
            return no_arguments(StartTls{});
        case Verb::Auth:
            return auth(args);
        case Verb::Unknown:
            break;
    }
    return error(Errc::UnknownCommand, verb);
}

bool valid_xtext(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+') {
            if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) {
                return false;
            }
            i += 2;
        } else if (c < '!' || c > '~' || c == '=') {
            return false;
        }
    }
    return true;
}

std::optional<std::string> decode_xtext(std::string_view text) {
    if (!valid_xtext(text)) {
        return std::nullopt;
    }
    std::string decoded;
    decoded.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            decoded += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            decoded += text[i];
        }
    }
    return decoded;
}

}  // namespace govmail::smtp
