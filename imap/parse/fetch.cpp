// FETCH (RFC 9051 6.4.5; RFC822.* items RFC 3501 6.4.5; BINARY RFC 3516 4.2; MODSEQ,
// CHANGEDSINCE RFC 7162 3.1.4; VANISHED RFC 7162 3.2.6).

#include "imap/detail/chars.hpp"
#include "imap/detail/parsers.hpp"
#include "imap/response.hpp"

#include <array>

namespace govmail::imap::detail {
namespace {

struct ItemSpec {
    std::string_view name;
    FetchItem item;
    bool peek;
};

// Items without a section. BODY, BODY.PEEK, BINARY* are handled apart.
constexpr std::array kSimpleItems = {
    ItemSpec{"FLAGS", FetchItem::Flags, false},
    ItemSpec{"UID", FetchItem::Uid, false},
    ItemSpec{"INTERNALDATE", FetchItem::InternalDate, false},
    ItemSpec{"RFC822.SIZE", FetchItem::Rfc822Size, false},
    ItemSpec{"ENVELOPE", FetchItem::Envelope, false},
    ItemSpec{"BODYSTRUCTURE", FetchItem::BodyStructure, false},
    ItemSpec{"MODSEQ", FetchItem::ModSeq, false},
    ItemSpec{"RFC822", FetchItem::Rfc822, false},
    ItemSpec{"RFC822.HEADER", FetchItem::Rfc822Header, true},
    ItemSpec{"RFC822.TEXT", FetchItem::Rfc822Text, false},
};

// header-list = "(" header-fld-name *(SP header-fld-name) ")"
std::vector<std::string> parse_header_list(Reader& r) {
    std::vector<std::string> fields;
    r.space();
    r.expect('(');
    do {
        fields.push_back(r.header_field_name());
    } while (r.ok() && r.take(' '));
    r.expect(')');
    return fields;
}

// section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
// section-text = section-msgtext / "MIME"
void parse_section_text(Reader& r, Section& section, bool after_part) {
    std::size_t start = r.position();
    std::string_view name = r.word();
    if (iequals(name, "HEADER")) {
        section.text = SectionText::Header;
    } else if (iequals(name, "HEADER.FIELDS")) {
        section.text = SectionText::HeaderFields;
        section.fields = parse_header_list(r);
    } else if (iequals(name, "HEADER.FIELDS.NOT")) {
        section.text = SectionText::HeaderFieldsNot;
        section.fields = parse_header_list(r);
    } else if (iequals(name, "TEXT")) {
        section.text = SectionText::Text;
    } else if (iequals(name, "MIME") && after_part) {
        section.text = SectionText::Mime;
    } else {
        r.rewind(start);
        r.fail_near(after_part ? "invalid section text" : "invalid section");
    }
}

// section = "[" [section-spec] "]"
// section-spec = section-msgtext / (section-part ["." section-text])
// section-part = nz-number *("." nz-number)
Section parse_section(Reader& r) {
    Section section;
    r.expect('[');
    if (r.take(']')) {
        return section;
    }
    if (is_digit(r.peek())) {
        section.part.push_back(r.nz_number("part number"));
        while (r.ok() && r.take('.')) {
            if (is_digit(r.peek())) {
                section.part.push_back(r.nz_number("part number"));
            } else {
                parse_section_text(r, section, true);
                break;
            }
        }
    } else {
        parse_section_text(r, section, false);
    }
    r.expect(']');
    return section;
}

// section-binary = "[" [section-part] "]"
Section parse_binary_section(Reader& r) {
    Section section;
    r.expect('[');
    if (r.take(']')) {
        return section;
    }
    do {
        section.part.push_back(r.nz_number("part number"));
    } while (r.ok() && r.take('.'));
    r.expect(']');
    return section;
}

// partial = "<" number64 "." nz-number64 ">"
std::optional<Partial> parse_partial(Reader& r) {
    if (!r.take('<')) {
        return std::nullopt;
    }
    Partial partial;
    partial.offset = r.number64("partial offset");
    r.expect('.');
    std::size_t start = r.position();
    partial.length = r.number64("partial length");
    if (r.ok() && partial.length == 0) {
        r.rewind(start);
        r.fail_near("partial length must not be 0");
    }
    r.expect('>');
    return partial;
}

FetchAttribute parse_attribute(Reader& r) {
    FetchAttribute attribute;
    std::size_t start = r.position();
    std::string_view name = r.word();
    for (const ItemSpec& spec : kSimpleItems) {
        if (iequals(name, spec.name)) {
            attribute.item = spec.item;
            attribute.peek = spec.peek;
            return attribute;
        }
    }
    if (iequals(name, "BODY") || iequals(name, "BODY.PEEK")) {
        attribute.peek = name.size() > 4;
        if (r.peek() != '[') {
            if (attribute.peek) {
                r.fail_near("expected \"[\" after BODY.PEEK");
            }
            attribute.item = FetchItem::Body;
            return attribute;
        }
        attribute.item = FetchItem::BodySection;
        attribute.section = parse_section(r);
        attribute.partial = parse_partial(r);
        return attribute;
    }
    if (iequals(name, "BINARY") || iequals(name, "BINARY.PEEK")) {
        attribute.item = FetchItem::Binary;
        attribute.peek = name.size() > 6;
        attribute.section = parse_binary_section(r);
        attribute.partial = parse_partial(r);
        return attribute;
    }
    if (iequals(name, "BINARY.SIZE")) {
        attribute.item = FetchItem::BinarySize;
        attribute.section = parse_binary_section(r);
        return attribute;
    }
    r.rewind(start);
    if (name.empty()) {
        r.fail_near("expected fetch attribute");
    } else {
        r.fail("unknown fetch attribute \"" + printable(name) + "\"");
    }
    return attribute;
}

std::vector<FetchAttribute> macro(std::initializer_list<FetchItem> items) {
    std::vector<FetchAttribute> attributes;
    for (FetchItem item : items) {
        attributes.push_back(FetchAttribute{.item = item});
    }
    return attributes;
}

void append_section(std::string& out, const Section& section) {
    for (std::size_t i = 0; i < section.part.size(); ++i) {
        if (i > 0) {
            out.push_back('.');
        }
        out += std::to_string(section.part[i]);
    }
    if (section.text == SectionText::Full) {
        return;
    }
    if (!section.part.empty()) {
        out.push_back('.');
    }
    switch (section.text) {
        case SectionText::Full:
            break;
        case SectionText::Header:
            out += "HEADER";
            break;
        case SectionText::HeaderFields:
        case SectionText::HeaderFieldsNot:
            out += section.text == SectionText::HeaderFields ? "HEADER.FIELDS ("
                                                             : "HEADER.FIELDS.NOT (";
            for (std::size_t i = 0; i < section.fields.size(); ++i) {
                if (i > 0) {
                    out.push_back(' ');
                }
                append_astring(out, section.fields[i]);
            }
            out.push_back(')');
            break;
        case SectionText::Text:
            out += "TEXT";
            break;
        case SectionText::Mime:
            out += "MIME";
            break;
    }
}

}  // namespace

// fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
//         "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers]
Command parse_fetch(Reader& r, bool uid) {
    Fetch fetch;
    fetch.uid = uid;
    r.space();
    fetch.set = r.sequence_set(kCommandSet);
    r.space();
    // RFC 9051 6.4.5: the macros.
    if (r.take_word("ALL")) {
        fetch.items = macro(
            {FetchItem::Flags, FetchItem::InternalDate, FetchItem::Rfc822Size, FetchItem::Envelope}
        );
    } else if (r.take_word("FAST")) {
        fetch.items = macro({FetchItem::Flags, FetchItem::InternalDate, FetchItem::Rfc822Size});
    } else if (r.take_word("FULL")) {
        fetch.items = macro(
            {FetchItem::Flags,
             FetchItem::InternalDate,
             FetchItem::Rfc822Size,
             FetchItem::Envelope,
             FetchItem::Body}
        );
    } else if (r.take('(')) {
        do {
            fetch.items.push_back(parse_attribute(r));
        } while (r.ok() && r.take(' '));
        r.expect(')');
    } else {
        fetch.items.push_back(parse_attribute(r));
    }
    if (!r.take(' ')) {
        return fetch;
    }
    // RFC 4466 2.4 fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"
    r.expect('(');
    do {
        std::size_t start = r.position();
        std::string_view name = r.word();
        if (iequals(name, "CHANGEDSINCE")) {
            r.space();
            fetch.changed_since = r.mod_seq(true);
        } else if (iequals(name, "VANISHED")) {
            fetch.vanished = true;
        } else {
            r.rewind(start);
            r.fail_near("unknown FETCH modifier");
        }
    } while (r.ok() && r.take(' '));
    r.expect(')');
    // RFC 7162 3.2.6: VANISHED only in UID FETCH, and only together with CHANGEDSINCE.
    if (r.ok() && fetch.vanished && (!uid || !fetch.changed_since)) {
        r.fail("VANISHED requires UID FETCH with CHANGEDSINCE");
    }
    return fetch;
}

}  // namespace govmail::imap::detail

namespace govmail::imap {

std::string response_name(const FetchAttribute& attribute) {
    switch (attribute.item) {
        case FetchItem::Flags:
            return "FLAGS";
        case FetchItem::Uid:
            return "UID";
        case FetchItem::InternalDate:
            return "INTERNALDATE";
        case FetchItem::Rfc822Size:
            return "RFC822.SIZE";
        case FetchItem::Envelope:
            return "ENVELOPE";
        case FetchItem::Body:
            return "BODY";
        case FetchItem::BodyStructure:
            return "BODYSTRUCTURE";
        case FetchItem::ModSeq:
            return "MODSEQ";
        case FetchItem::Rfc822:
            return "RFC822";
        case FetchItem::Rfc822Header:
            return "RFC822.HEADER";
        case FetchItem::Rfc822Text:
            return "RFC822.TEXT";
        case FetchItem::BodySection:
        case FetchItem::Binary:
        case FetchItem::BinarySize:
            break;
    }
    std::string name = attribute.item == FetchItem::BodySection ? "BODY["
                       : attribute.item == FetchItem::Binary    ? "BINARY["
                                                                : "BINARY.SIZE[";
    detail::append_section(name, attribute.section);
    name.push_back(']');
    if (attribute.partial) {
        name += "<" + std::to_string(attribute.partial->offset) + ">";
    }
    return name;
}

}  // namespace govmail::imap
