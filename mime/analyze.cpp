#include "mime/analyze.hpp"

#include "mime/decode.hpp"
#include "mime/detail/gmime.hpp"
#include "mime/detail/imap_writer.hpp"
#include "mime/detail/rfc822.hpp"
#include "mime/detail/structure.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace govmail::mime {
namespace {

using detail::Node;
using detail::NodeKind;

Range range_of(std::size_t begin, std::size_t end) {
    return Range{begin, end - begin};
}

std::string child_section(const std::string& prefix, std::size_t index) {
    std::string section = prefix;
    if (!section.empty()) {
        section.push_back('.');
    }
    section += std::to_string(index);
    return section;
}

bool is_signature(const Part& part) {
    if (part.type != "application") {
        return false;
    }
    return part.subtype == "pkcs7-signature" || part.subtype == "x-pkcs7-signature" ||
           part.subtype == "pgp-signature";
}

class Numbering {
public:
    Numbering(std::string_view raw, std::vector<Part>& parts)
        : raw_(raw)
        , parts_(parts) {}

    // RFC 3501 6.4.5: the parts of a multipart message are numbered from 1; a message that is
    // not multipart has its body as part 1.
    void message(const Node& m, const std::string& prefix) {
        if (m.kind == NodeKind::Multipart) {
            for (std::size_t i = 0; i < m.children.size(); ++i) {
                part(m.children[i], child_section(prefix, i + 1));
            }
        } else {
            part(m, child_section(prefix, 1));
        }
    }

private:
    void part(const Node& n, const std::string& section) {
        const detail::Content& c = n.content;
        Part p;
        p.section = section;
        p.header = range_of(n.header_begin, n.header_end);
        p.body = range_of(n.body_begin, n.body_end);
        p.type = c.type;
        p.subtype = c.subtype;
        p.params = c.params;
        p.encoding = detail::to_lower(c.encoding_raw);
        if (const std::string* charset = c.param("charset")) {
            p.charset = detail::to_lower(*charset);
        }
        if (c.disposition_raw) {
            p.disposition = detail::to_lower(*c.disposition_raw);
        }
        std::optional<std::string> filename =
            detail::decoded_param(c.disposition_params, "filename");
        if (!filename) {
            filename = detail::decoded_param(c.params, "name");
        }
        p.filename = filename.value_or(std::string());
        p.content_id = c.id.value_or(std::string());
        p.lines = n.lines;
        p.opaque = n.opaque;
        // The same rule as decode_part_body() for every part, composite ones included, so that
        // BINARY.SIZE and BINARY always agree.
        p.decoded_size = detail::decoded_length(p.body.slice(raw_), p.encoding);
        if (n.kind == NodeKind::Message) {
            p.message_header = range_of(n.message->header_begin, n.message->header_end);
            p.message_text = range_of(n.message->body_begin, n.message->body_end);
        }
        parts_.push_back(std::move(p));
        if (n.kind == NodeKind::Multipart) {
            for (std::size_t i = 0; i < n.children.size(); ++i) {
                part(n.children[i], child_section(section, i + 1));
            }
        } else if (n.kind == NodeKind::Message) {
            message(*n.message, section);
        }
    }

    std::string_view raw_;
    std::vector<Part>& parts_;
};

void decode_fields(const Node& root, MessageInfo& info) {
    auto value = [&](std::string_view name) -> std::optional<std::string_view> {
        if (const detail::HeaderField* f = detail::find_field(root.fields, name)) {
            return f->value;
        }
        return std::nullopt;
    };
    if (auto v = value("Subject")) {
        info.subject = decode_header(*v);
    }
    const std::array<std::pair<std::string_view, std::vector<Address>*>, 6> lists = {{
        {"From", &info.from},
        {"Sender", &info.sender},
        {"Reply-To", &info.reply_to},
        {"To", &info.to},
        {"Cc", &info.cc},
        {"Bcc", &info.bcc},
    }};
    for (const auto& [name, list] : lists) {
        if (auto v = value(name)) {
            *list = parse_addresses(*v);
        }
    }
    if (auto v = value("Date")) {
        info.date_raw = detail::unfold(*v);
        info.date = parse_date(info.date_raw);
    }
    if (auto v = value("Message-ID")) {
        std::vector<std::string> ids = detail::parse_msg_ids(detail::unfold(*v));
        if (!ids.empty()) {
            info.message_id = std::move(ids.front());
        }
    }
    if (auto v = value("In-Reply-To")) {
        info.in_reply_to = detail::parse_msg_ids(detail::unfold(*v));
    }
    if (auto v = value("References")) {
        info.references = detail::parse_msg_ids(detail::unfold(*v));
    }
}

std::uint64_t count_lf(std::string_view s) {
    std::uint64_t count = 0;
    const char* p = s.data();
    const char* const end = p + s.size();
    while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))
           ) != nullptr) {
        ++count;
        ++p;
    }
    return count;
}

}  // namespace

MessageInfo analyze(std::string_view raw, const Limits& limits) {
    detail::parser_options();
    const Node root = detail::scan_structure(raw, limits);

    MessageInfo info;
    info.size = raw.size();
    info.lines = count_lf(raw);
    info.header = range_of(root.header_begin, root.header_end);
    info.text = range_of(root.body_begin, root.body_end);
    info.imap_envelope = root.envelope;
    detail::write_body(info.imap_bodystructure, root, true);
    detail::write_body(info.imap_body, root, false);
    Numbering(raw, info.parts).message(root, "");
    decode_fields(root, info);
    info.has_attachments = std::any_of(info.parts.begin(), info.parts.end(), [](const Part& p) {
        if (p.is_multipart() || is_signature(p)) {
            return false;
        }
        return p.disposition == "attachment" || !p.filename.empty() || p.is_message() || p.opaque;
    });
    return info;
}

}  // namespace govmail::mime
