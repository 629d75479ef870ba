#include "mime/detail/structure.hpp"

#include "mime/detail/imap_writer.hpp"

#include <algorithm>
#include <cstring>

namespace govmail::mime::detail {

const std::string* Content::param(std::string_view name) const {
    for (const Param& p : params) {
        if (p.name == name) {
            return &p.value;
        }
    }
    return nullptr;
}

namespace {

// Where the entity being scanned ends: at a boundary delimiter line, or at the end of the message.
struct Stop {
    std::size_t at = 0;     // first byte of the delimiter line, or raw.size()
    std::size_t after = 0;  // just past the delimiter line
    int boundary = -1;      // index in the boundary stack; -1 for the end of the message
    bool close = false;     // "--boundary--"
};

bool is_identity_encoding(std::string_view encoding) {
    return iequals(encoding, "7bit") || iequals(encoding, "8bit") || iequals(encoding, "binary");
}

Content read_content(const std::vector<HeaderField>& fields, bool in_digest) {
    Content c;
    if (const HeaderField* f = find_field(fields, "Content-Type")) {
        // RFC 2045 5.2: a syntactically invalid Content-Type means text/plain; charset=us-ascii.
        if (auto ct = parse_content_type(unfold(f->value))) {
            c.type_raw = std::move(ct->type);
            c.subtype_raw = std::move(ct->subtype);
            c.params = std::move(ct->params);
        }
    } else if (in_digest) {
        // RFC 2046 5.1.5: in multipart/digest the default is message/rfc822.
        c.type_raw = "message";
        c.subtype_raw = "rfc822";
    }
    c.type = to_lower(c.type_raw);
    c.subtype = to_lower(c.subtype_raw);
    if (const HeaderField* f = find_field(fields, "Content-Transfer-Encoding")) {
        if (auto token = parse_single_token(unfold(f->value))) {
            c.encoding_raw = std::move(*token);
        }
    }
    auto text_field = [&](std::string_view name) -> std::optional<std::string> {
        if (const HeaderField* f = find_field(fields, name)) {
            return unfold(f->value);
        }
        return std::nullopt;
    };
    c.id = text_field("Content-ID");
    c.description = text_field("Content-Description");
    c.md5 = text_field("Content-MD5");
    c.location = text_field("Content-Location");
    if (const HeaderField* f = find_field(fields, "Content-Disposition")) {
        if (auto d = parse_disposition(unfold(f->value))) {
            c.disposition_raw = std::move(d->type);
            c.disposition_params = std::move(d->params);
        }
    }
    if (const HeaderField* f = find_field(fields, "Content-Language")) {
        c.languages = parse_language(unfold(f->value));
    }
    return c;
}

// A part whose content is not what its header says it is: a multipart without parts is read as
// text (its bytes stay readable), a composite that is not analysed becomes an opaque octet stream.
void make_plain_text(Content& c) {
    c.type_raw = c.type = "text";
    c.subtype_raw = c.subtype = "plain";
    c.params = {Param{"charset", "us-ascii"}};
}

void make_opaque(Node& node) {
    node.content.type_raw = node.content.type = "application";
    node.content.subtype_raw = node.content.subtype = "octet-stream";
    node.kind = NodeKind::Leaf;
    node.opaque = true;
}

class Scanner {
public:
    Scanner(std::string_view raw, const Limits& limits)
        : raw_(raw)
        , limits_(limits) {
        // One pass over the message: where every line starts (for line counts) and which lines
        // start with "--" (the only ones that can be boundary delimiters).
        std::size_t pos = 0;
        while (pos < raw_.size()) {
            if (raw_.size() - pos >= 2 && raw_[pos] == '-' && raw_[pos + 1] == '-') {
                dash_lines_.push_back(pos);
            }
            const std::size_t next = next_line(raw_, pos);
            if (next <= pos || raw_[next - 1] != '\n') {
                break;
            }
            newlines_.push_back(next - 1);
            pos = next;
        }
    }

    Node scan() {
        Stop stop;
        return parse_entity(0, 0, false, true, stop);
    }

private:
    std::uint64_t count_lines(std::size_t begin, std::size_t end) const {
        const auto first = std::lower_bound(newlines_.begin(), newlines_.end(), begin);
        const auto last = std::lower_bound(first, newlines_.end(), end);
        return static_cast<std::uint64_t>(last - first);
    }

    Stop end_of_message() const { return Stop{raw_.size(), raw_.size(), -1, false}; }

    // RFC 2046 5.1.1: a delimiter line is "--" boundary, then "--" for the close delimiter, then
    // only transport padding (spaces, tabs). The innermost open multipart is tried first; a
    // delimiter of an enclosing one ends the inner multiparts too.
    std::optional<Stop> delimiter_at(std::size_t line_start) const {
        const std::string_view line = line_at(raw_, line_start);
        if (!line.starts_with("--")) {
            return std::nullopt;
        }
        const std::string_view tail = line.substr(2);
        for (std::size_t i = boundaries_.size(); i-- > 0;) {
            const std::string& boundary = boundaries_[i];
            if (!tail.starts_with(boundary)) {
                continue;
            }
            std::string_view rest = tail.substr(boundary.size());
            const bool close = rest.starts_with("--");
            if (close) {
                rest.remove_prefix(2);
            }
            if (rest.find_first_not_of(" \t\r") == std::string_view::npos) {
                return Stop{line_start, next_line(raw_, line_start), static_cast<int>(i), close};
            }
        }
        return std::nullopt;
    }

    // The first delimiter line at or after `from` (a line start).
    Stop find_delimiter(std::size_t from) const {
        if (boundaries_.empty()) {
            return end_of_message();
        }
        for (auto it = std::lower_bound(dash_lines_.begin(), dash_lines_.end(), from);
             it != dash_lines_.end();
             ++it) {
            if (auto stop = delimiter_at(*it)) {
                return *stop;
            }
        }
        return end_of_message();
    }

    // End of content that a delimiter stops: the line break before the delimiter line belongs
    // to the delimiter (RFC 2046 5.1.1).
    std::size_t content_end(const Stop& stop, std::size_t begin) const {
        if (stop.boundary < 0) {
            return raw_.size();
        }
        return std::max(begin, stop.at - break_before(raw_, stop.at, begin));
    }

    Node parse_entity(
        std::size_t begin, std::size_t depth, bool in_digest, bool message_root, Stop& stop
    ) {
        ++nodes_;
        Node node;
        node.header_begin = begin;

        // The header: up to its blank line, a line that is not a header line, a delimiter line
        // (an entity without body), or the end of the message.
        bool body_cut = false;  // no body: the header ran into a delimiter or the end
        std::size_t pos = begin;
        for (;;) {
            if (pos >= raw_.size()) {
                node.header_end = node.body_begin = raw_.size();
                stop = end_of_message();
                body_cut = true;
                break;
            }
            if (!boundaries_.empty()) {
                if (auto delimiter = delimiter_at(pos)) {
                    node.header_end = std::max(begin, pos - break_before(raw_, pos, begin));
                    node.body_begin = node.header_end;
                    stop = *delimiter;
                    body_cut = true;
                    break;
                }
            }
            const LineKind kind = classify_line(line_at(raw_, pos));
            if (kind == LineKind::Blank) {
                node.header_end = node.body_begin = next_line(raw_, pos);
                break;
            }
            if (kind == LineKind::Other) {
                node.header_end = node.body_begin = pos;
                break;
            }
            pos = next_line(raw_, pos);
        }
        node.fields =
            split_fields(raw_.substr(node.header_begin, node.header_end - node.header_begin));
        node.content = read_content(node.fields, in_digest);
        if (message_root) {
            node.envelope = write_envelope(node.fields);
        }

        const Content& c = node.content;
        const std::string* boundary = c.param("boundary");
        if (c.type == "multipart") {
            node.kind =
                (boundary != nullptr && !boundary->empty()) ? NodeKind::Multipart : NodeKind::Leaf;
            if (node.kind == NodeKind::Leaf) {
                make_plain_text(node.content);  // RFC 2046 5.1.1 requires the boundary
            }
        } else if (c.type == "message" && (c.subtype == "rfc822" || c.subtype == "global")) {
            node.kind = NodeKind::Message;
        }
        if (node.kind != NodeKind::Leaf) {
            // Limits, and RFC 2046 5.2.1: message/rfc822 may only be 7bit, 8bit or binary; an
            // encoded one cannot be described by offsets into the stored bytes.
            const bool encoded_message =
                node.kind == NodeKind::Message && !is_identity_encoding(c.encoding_raw);
            if (depth >= limits_.max_depth || nodes_ >= limits_.max_parts || encoded_message) {
                make_opaque(node);
            }
        }

        if (body_cut) {
            node.body_end = node.body_begin;
            if (node.kind == NodeKind::Multipart) {
                node.kind = NodeKind::Leaf;
                make_plain_text(node.content);
            } else if (node.kind == NodeKind::Message) {
                node.message = std::make_unique<Node>();
                node.message->header_begin = node.message->header_end = node.body_begin;
                node.message->body_begin = node.message->body_end = node.body_begin;
                node.message->envelope = write_envelope({});
            }
            return node;
        }

        switch (node.kind) {
            case NodeKind::Leaf:
                stop = find_delimiter(node.body_begin);
                break;
            case NodeKind::Message: {
                node.message = std::make_unique<Node>(
                    parse_entity(node.body_begin, depth + 1, false, true, stop)
                );
                break;
            }
            case NodeKind::Multipart:
                stop = parse_parts(node, *boundary, depth);
                break;
        }
        node.body_end = content_end(stop, node.body_begin);
        node.lines = count_lines(node.body_begin, node.body_end);
        return node;
    }

    // The body of a multipart: preamble, parts, close delimiter, epilogue (RFC 2046 5.1.1).
    // Returns the stop that ends the multipart itself.
    Stop parse_parts(Node& node, const std::string& boundary, std::size_t depth) {
        boundaries_.push_back(boundary);
        const int mine = static_cast<int>(boundaries_.size()) - 1;
        const bool digest = node.content.subtype == "digest";
        bool skipped = false;
        Stop stop = find_delimiter(node.body_begin);
        while (stop.boundary == mine && !stop.close) {
            if (nodes_ >= limits_.max_parts) {
                skipped = true;  // past the part limit: the part stays unlisted in our body
                stop = find_delimiter(stop.after);
                continue;
            }
            Stop child_stop;
            node.children.push_back(parse_entity(stop.after, depth + 1, digest, false, child_stop));
            stop = child_stop;
        }
        boundaries_.pop_back();
        if (stop.boundary == mine) {
            stop = find_delimiter(stop.after);  // the epilogue runs to an enclosing delimiter
        }
        if (node.children.empty()) {
            node.kind = NodeKind::Leaf;
            if (skipped) {
                make_opaque(node);
            } else {
                make_plain_text(node.content);  // the boundary never occurs
            }
        }
        return stop;
    }

    std::string_view raw_;
    Limits limits_;
    std::vector<std::string> boundaries_;  // open multiparts, innermost last
    std::vector<std::size_t> dash_lines_;  // starts of lines beginning with "--"
    std::vector<std::size_t> newlines_;    // offsets of every LF
    std::size_t nodes_ = 0;
};

}  // namespace

Node scan_structure(std::string_view raw, const Limits& limits) {
    return Scanner(raw, limits).scan();
}

}  // namespace govmail::mime::detail
