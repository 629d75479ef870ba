#include "mime/detail/imap_writer.hpp"

#include <algorithm>

namespace govmail::mime::detail {
namespace {

// RFC 3501 9: a quoted string holds 7-bit TEXT-CHARs only (no NUL, CR, LF); the number of bytes
// that need a backslash, or -1 when the string cannot be quoted.
long quoted_escapes(std::string_view s) {
    long escapes = 0;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u == 0 || u >= 0x80 || c == '\r' || c == '\n') {
            return -1;
        }
        escapes += (c == '"' || c == '\\') ? 1 : 0;
    }
    return escapes;
}

void append_params(std::string& out, const std::vector<Param>& params, bool default_charset) {
    const bool has_charset = std::any_of(params.begin(), params.end(), [](const Param& p) {
        return p.name == "charset";
    });
    // Like Dovecot, text parts without a charset show the RFC 2045 5.2 default explicitly.
    const bool add_charset = default_charset && !has_charset;
    if (params.empty() && !add_charset) {
        out += "NIL";
        return;
    }
    out.push_back('(');
    bool first = true;
    for (const Param& p : params) {
        if (!first) {
            out.push_back(' ');
        }
        first = false;
        append_string(out, p.name);
        out.push_back(' ');
        append_string(out, p.value);
    }
    if (add_charset) {
        out += first ? R"("charset" "us-ascii")" : R"( "charset" "us-ascii")";
    }
    out.push_back(')');
}

// body-fld-dsp, body-fld-lang, body-fld-loc (RFC 3501 9).
void append_extension(std::string& out, const Content& c) {
    if (c.disposition_raw) {
        out.push_back('(');
        append_string(out, *c.disposition_raw);
        out.push_back(' ');
        append_params(out, c.disposition_params, false);
        out.push_back(')');
    } else {
        out += "NIL";
    }
    out.push_back(' ');
    if (c.languages && !c.languages->empty()) {
        out.push_back('(');
        for (std::size_t i = 0; i < c.languages->size(); ++i) {
            if (i > 0) {
                out.push_back(' ');
            }
            append_string(out, (*c.languages)[i]);
        }
        out.push_back(')');
    } else {
        out += "NIL";
    }
    out.push_back(' ');
    append_nstring(out, c.location);
}

void append_addresses(std::string& out, const std::vector<RawAddress>& list) {
    if (list.empty()) {
        out += "NIL";
        return;
    }
    out.push_back('(');
    for (const RawAddress& a : list) {
        switch (a.kind) {
            case RawAddress::Kind::GroupStart:
                // RFC 3501 7.4.2: a group starts with NIL host and the group name as mailbox.
                out += "(NIL NIL ";
                append_string(out, a.mailbox);
                out += " NIL)";
                break;
            case RawAddress::Kind::GroupEnd:
                out += "(NIL NIL NIL NIL)";
                break;
            case RawAddress::Kind::Mailbox:
                out.push_back('(');
                append_nstring(out, a.name);
                out.push_back(' ');
                append_nstring(out, a.route);
                out.push_back(' ');
                // A host must never be NIL here (that would open a group); the placeholders
                // are the ones Dovecot and UW-IMAP clients have long seen.
                append_string(out, a.mailbox.empty() ? "MISSING_MAILBOX" : a.mailbox);
                out.push_back(' ');
                append_string(out, a.domain && !a.domain->empty() ? *a.domain : "MISSING_DOMAIN");
                out.push_back(')');
                break;
        }
    }
    out.push_back(')');
}

}  // namespace

void append_string(std::string& out, std::string_view s) {
    std::string without_nul;
    if (s.find('\0') != std::string_view::npos) {
        without_nul.reserve(s.size());
        for (const char c : s) {
            if (c != '\0') {
                without_nul.push_back(c);
            }
        }
        s = without_nul;
    }
    if (const long escapes = quoted_escapes(s); escapes >= 0) {
        out.reserve(out.size() + s.size() + static_cast<std::size_t>(escapes) + 2);
        out.push_back('"');
        if (escapes == 0) {
            out.append(s);
        } else {
            for (const char c : s) {
                if (c == '"' || c == '\\') {
                    out.push_back('\\');
                }
                out.push_back(c);
            }
        }
        out.push_back('"');
        return;
    }
    out.push_back('{');
    out += std::to_string(s.size());
    out += "}\r\n";
    out.append(s);
}

void append_nstring(std::string& out, const std::optional<std::string>& s) {
    if (s) {
        append_string(out, *s);
    } else {
        out += "NIL";
    }
}

std::string write_envelope(const std::vector<HeaderField>& fields) {
    auto text = [&](std::string_view name) -> std::optional<std::string> {
        if (const HeaderField* f = find_field(fields, name)) {
            return unfold(f->value);
        }
        return std::nullopt;
    };
    auto addresses = [&](std::string_view name) -> std::vector<RawAddress> {
        if (const HeaderField* f = find_field(fields, name)) {
            return parse_address_list(unfold(f->value));
        }
        return {};
    };
    std::string out = "(";
    append_nstring(out, text("Date"));
    out.push_back(' ');
    append_nstring(out, text("Subject"));
    const std::vector<RawAddress> from = addresses("From");
    const std::vector<RawAddress> sender = addresses("Sender");
    const std::vector<RawAddress> reply_to = addresses("Reply-To");
    out.push_back(' ');
    append_addresses(out, from);
    // RFC 3501 7.4.2: absent or empty Sender and Reply-To repeat From.
    out.push_back(' ');
    append_addresses(out, sender.empty() ? from : sender);
    out.push_back(' ');
    append_addresses(out, reply_to.empty() ? from : reply_to);
    for (const std::string_view name : {"To", "Cc", "Bcc"}) {
        out.push_back(' ');
        append_addresses(out, addresses(name));
    }
    out.push_back(' ');
    append_nstring(out, text("In-Reply-To"));
    out.push_back(' ');
    append_nstring(out, text("Message-ID"));
    out.push_back(')');
    return out;
}

void write_body(std::string& out, const Node& node, bool extended) {
    const Content& c = node.content;
    out.push_back('(');
    if (node.kind == NodeKind::Multipart) {
        // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
        for (const Node& child : node.children) {
            write_body(out, child, extended);
        }
        out.push_back(' ');
        append_string(out, c.subtype_raw);
        if (extended) {
            out.push_back(' ');
            append_params(out, c.params, false);
            out.push_back(' ');
            append_extension(out, c);
        }
        out.push_back(')');
        return;
    }
    // body-type-1part: media type, body-fld-param, -id, -desc, -enc, -octets
    const bool text = c.type == "text";
    append_string(out, c.type_raw);
    out.push_back(' ');
    append_string(out, c.subtype_raw);
    out.push_back(' ');
    append_params(out, c.params, text);
    out.push_back(' ');
    append_nstring(out, c.id);
    out.push_back(' ');
    append_nstring(out, c.description);
    out.push_back(' ');
    append_string(out, c.encoding_raw);
    out.push_back(' ');
    out += std::to_string(node.body_end - node.body_begin);
    if (node.kind == NodeKind::Message) {
        // body-type-msg: envelope, the encapsulated body, body-fld-lines
        out.push_back(' ');
        out += node.message->envelope;
        out.push_back(' ');
        write_body(out, *node.message, extended);
        out.push_back(' ');
        out += std::to_string(node.lines);
    } else if (text) {
        out.push_back(' ');
        out += std::to_string(node.lines);
    }
    if (extended) {
        // body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
        out.push_back(' ');
        append_nstring(out, c.md5);
        out.push_back(' ');
        append_extension(out, c);
    }
    out.push_back(')');
}

}  // namespace govmail::mime::detail
