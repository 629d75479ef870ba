#pragma once
// Internal: the MIME structure of a message as a tree of entities with exact byte offsets,
// produced by a boundary scanner (see mime/analyze.hpp for the rules on broken input).

#include "mime/analyze.hpp"
#include "mime/detail/rfc822.hpp"
#include "mime/message_info.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::mime::detail {

// What an entity's MIME header says, with RFC 2045 defaults applied.
struct Content {
    std::string type_raw = "text";  // as written, for BODYSTRUCTURE
    std::string subtype_raw = "plain";
    std::string type = "text";  // lower-case
    std::string subtype = "plain";
    std::vector<Param> params;
    std::string encoding_raw = "7bit";
    std::optional<std::string> id;
    std::optional<std::string> description;
    std::optional<std::string> md5;
    std::optional<std::string> location;
    std::optional<std::string> disposition_raw;
    std::vector<Param> disposition_params;
    std::optional<std::vector<std::string>> languages;

    const std::string* param(std::string_view name) const;
};

enum class NodeKind { Leaf, Multipart, Message };

// A MIME entity: [header_begin, header_end) is its header (with the blank line when there is
// one), [body_begin, body_end) its body. A Message node's `message` is the encapsulated message,
// whose header and body lie inside this node's body. The root and every encapsulated message
// carry their ENVELOPE.
struct Node {
    std::size_t header_begin = 0;
    std::size_t header_end = 0;
    std::size_t body_begin = 0;
    std::size_t body_end = 0;
    std::uint64_t lines = 0;  // LF bytes in the body
    Content content;
    NodeKind kind = NodeKind::Leaf;
    bool opaque = false;
    std::vector<Node> children;
    std::unique_ptr<Node> message;
    std::string envelope;             // message roots only
    std::vector<HeaderField> fields;  // header fields; offsets relative to header_begin
};

// The structure of `raw`: the root node is the message itself.
Node scan_structure(std::string_view raw, const Limits& limits);

}  // namespace govmail::mime::detail
