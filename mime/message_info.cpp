#include "mime/message_info.hpp"

#include <algorithm>

// Serialized form, version 1. Integers are unsigned LEB128 varints (the date zigzag-encoded);
// "bytes" is a varint length followed by that many bytes; a range is two varints (offset,
// length); a list is a varint count followed by its elements.
//
//   u8 version = 1
//   size, lines, range header, range text,                           <- MessageInfoView reads
//   bytes imap_envelope, bytes imap_bodystructure, bytes imap_body   <- only up to here
//   bytes subject, date (zigzag), bytes date_raw, bytes message_id,
//   list<bytes> in_reply_to, list<bytes> references,
//   from, sender, reply_to, to, cc, bcc: each list<(bytes name, bytes address)>
//   u8 flags (bit 0 has_attachments)
//   list<part>: bytes section, range header, range body, bytes type, bytes subtype,
//               list<(bytes name, bytes value)> params, bytes encoding, bytes charset,
//               bytes disposition, bytes filename, bytes content_id, lines,
//               u8 flags (bit 0 opaque, bit 1 decoded_size present, bit 2 message part),
//               [decoded_size], [range message_header, range message_text]
//
// The three IMAP strings come first so that FETCH ENVELOPE / BODYSTRUCTURE reads them in place
// (MessageInfoView) without decoding the rest.

namespace govmail::mime {
namespace {

class Writer {
public:
    void byte(std::uint8_t b) { out_.push_back(static_cast<char>(b)); }

    void varint(std::uint64_t v) {
        while (v >= 0x80) {
            byte(static_cast<std::uint8_t>(v | 0x80));
            v >>= 7;
        }
        byte(static_cast<std::uint8_t>(v));
    }

    void bytes(std::string_view s) {
        varint(s.size());
        out_.append(s);
    }

    void range(const Range& r) {
        varint(r.offset);
        varint(r.length);
    }

    void strings(const std::vector<std::string>& list) {
        varint(list.size());
        for (const std::string& s : list) {
            bytes(s);
        }
    }

    void addresses(const std::vector<Address>& list) {
        varint(list.size());
        for (const Address& a : list) {
            bytes(a.name);
            bytes(a.address);
        }
    }

    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

// Every read checks the remaining length; after the first failure all reads fail, so callers
// check ok() once per record.
class Reader {
public:
    explicit Reader(std::string_view in)
        : in_(in) {}

    bool ok() const { return ok_; }

    bool at_end() const { return in_.empty(); }

    std::uint8_t byte() {
        if (!ok_ || in_.empty()) {
            ok_ = false;
            return 0;
        }
        const auto b = static_cast<std::uint8_t>(in_.front());
        in_.remove_prefix(1);
        return b;
    }

    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const std::uint8_t b = byte();
            if (!ok_) {
                return 0;
            }
            if (shift == 63 && b > 1) {
                break;  // more than 64 bits
            }
            v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                // Only the shortest encoding is valid, so that every accepted record has exactly
                // one byte form.
                if (b == 0 && shift > 0) {
                    break;
                }
                return v;
            }
        }
        ok_ = false;
        return 0;
    }

    std::string_view bytes() {
        const std::uint64_t n = varint();
        if (!ok_ || n > in_.size()) {
            ok_ = false;
            return {};
        }
        const std::string_view s = in_.substr(0, n);
        in_.remove_prefix(n);
        return s;
    }

    // A range that must lie inside a message of `size` octets.
    Range range(std::uint64_t size) {
        Range r;
        r.offset = varint();
        r.length = varint();
        if (r.offset > size || r.length > size - r.offset) {
            ok_ = false;
        }
        return r;
    }

    // A list count. Each element takes at least `min_bytes` of input, which bounds what a
    // corrupt count can make the caller allocate.
    std::uint64_t count(std::size_t min_bytes) {
        const std::uint64_t n = varint();
        if (n > in_.size() / min_bytes) {
            ok_ = false;
            return 0;
        }
        return n;
    }

    std::vector<std::string> strings() {
        std::vector<std::string> list(count(1));
        for (std::string& s : list) {
            s = bytes();
        }
        return list;
    }

    std::vector<Address> addresses() {
        std::vector<Address> list(count(2));
        for (Address& a : list) {
            a.name = bytes();
            a.address = bytes();
        }
        return list;
    }

private:
    std::string_view in_;
    bool ok_ = true;
};

// Smallest serialized part: 11 one-byte fields (empty strings, zero counts) and 4 range varints.
constexpr std::size_t kMinPartBytes = 15;
constexpr std::uint8_t kHasAttachments = 1;
constexpr std::uint8_t kOpaque = 1;
constexpr std::uint8_t kHasDecodedSize = 2;
constexpr std::uint8_t kMessagePart = 4;

std::uint64_t zigzag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

std::int64_t unzigzag(std::uint64_t v) {
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// The fields shared with MessageInfoView, in order.
template <typename Header>
bool read_head(Reader& r, Header& h) {
    if (r.byte() != MessageInfo::kFormatVersion) {
        return false;
    }
    h.size = r.varint();
    h.lines = r.varint();
    h.header = r.range(h.size);
    h.text = r.range(h.size);
    h.imap_envelope = r.bytes();
    h.imap_bodystructure = r.bytes();
    h.imap_body = r.bytes();
    return r.ok();
}

}  // namespace

std::string_view Range::slice(std::string_view raw) const noexcept {
    if (offset >= raw.size()) {
        return raw.substr(raw.size());
    }
    return raw.substr(offset, std::min<std::uint64_t>(length, raw.size() - offset));
}

const Part* MessageInfo::find_part(std::string_view section) const {
    for (const Part& part : parts) {
        if (part.section == section) {
            return &part;
        }
    }
    return nullptr;
}

std::string MessageInfo::serialize() const {
    Writer w;
    w.byte(kFormatVersion);
    w.varint(size);
    w.varint(lines);
    w.range(header);
    w.range(text);
    w.bytes(imap_envelope);
    w.bytes(imap_bodystructure);
    w.bytes(imap_body);
    w.bytes(subject);
    w.varint(zigzag(date));
    w.bytes(date_raw);
    w.bytes(message_id);
    w.strings(in_reply_to);
    w.strings(references);
    for (const std::vector<Address>* list : {&from, &sender, &reply_to, &to, &cc, &bcc}) {
        w.addresses(*list);
    }
    w.byte(has_attachments ? kHasAttachments : 0);
    w.varint(parts.size());
    for (const Part& p : parts) {
        w.bytes(p.section);
        w.range(p.header);
        w.range(p.body);
        w.bytes(p.type);
        w.bytes(p.subtype);
        w.varint(p.params.size());
        for (const Param& param : p.params) {
            w.bytes(param.name);
            w.bytes(param.value);
        }
        w.bytes(p.encoding);
        w.bytes(p.charset);
        w.bytes(p.disposition);
        w.bytes(p.filename);
        w.bytes(p.content_id);
        w.varint(p.lines);
        const bool message = p.message_header && p.message_text;
        w.byte(static_cast<std::uint8_t>(
            (p.opaque ? kOpaque : 0) | (p.decoded_size ? kHasDecodedSize : 0) |
            (message ? kMessagePart : 0)
        ));
        if (p.decoded_size) {
            w.varint(*p.decoded_size);
        }
        if (message) {
            w.range(*p.message_header);
            w.range(*p.message_text);
        }
    }
    return w.take();
}

std::optional<MessageInfo> MessageInfo::deserialize(std::string_view bytes) {
    Reader r(bytes);
    MessageInfoView head;
    if (!read_head(r, head)) {
        return std::nullopt;
    }
    MessageInfo info;
    info.size = head.size;
    info.lines = head.lines;
    info.header = head.header;
    info.text = head.text;
    info.imap_envelope = head.imap_envelope;
    info.imap_bodystructure = head.imap_bodystructure;
    info.imap_body = head.imap_body;
    info.subject = r.bytes();
    info.date = unzigzag(r.varint());
    info.date_raw = r.bytes();
    info.message_id = r.bytes();
    info.in_reply_to = r.strings();
    info.references = r.strings();
    for (std::vector<Address>* list :
         {&info.from, &info.sender, &info.reply_to, &info.to, &info.cc, &info.bcc}) {
        *list = r.addresses();
    }
    const std::uint8_t flags = r.byte();
    if ((flags & ~kHasAttachments) != 0) {
        return std::nullopt;
    }
    info.has_attachments = (flags & kHasAttachments) != 0;
    info.parts.resize(r.count(kMinPartBytes));
    for (Part& p : info.parts) {
        p.section = r.bytes();
        p.header = r.range(info.size);
        p.body = r.range(info.size);
        p.type = r.bytes();
        p.subtype = r.bytes();
        p.params.resize(r.count(2));
        for (Param& param : p.params) {
            param.name = r.bytes();
            param.value = r.bytes();
        }
        p.encoding = r.bytes();
        p.charset = r.bytes();
        p.disposition = r.bytes();
        p.filename = r.bytes();
        p.content_id = r.bytes();
        p.lines = r.varint();
        const std::uint8_t part_flags = r.byte();
        if ((part_flags & ~(kOpaque | kHasDecodedSize | kMessagePart)) != 0) {
            return std::nullopt;
        }
        p.opaque = (part_flags & kOpaque) != 0;
        if ((part_flags & kHasDecodedSize) != 0) {
            p.decoded_size = r.varint();
        }
        if ((part_flags & kMessagePart) != 0) {
            p.message_header = r.range(info.size);
            p.message_text = r.range(info.size);
        }
        if (!r.ok()) {
            return std::nullopt;
        }
    }
    if (!r.ok() || !r.at_end()) {
        return std::nullopt;
    }
    return info;
}

std::optional<MessageInfoView> MessageInfoView::parse(std::string_view bytes) noexcept {
    Reader r(bytes);
    MessageInfoView view;
    if (!read_head(r, view)) {
        return std::nullopt;
    }
    return view;
}

}  // namespace govmail::mime
