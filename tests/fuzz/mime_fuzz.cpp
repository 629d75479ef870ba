// libFuzzer target for mime/: analyze() on arbitrary bytes, then everything that reads its
// result: serialization round trip (and deserialize() of the raw input as a corrupt record), the
// in-place view, transfer decoding of every part, text extraction, header field selection.
// Ranges must stay inside the input and round trips must be exact; violations abort.
// Good seeds: tests/mime/corpus/*.eml.

#include "mime/analyze.hpp"
#include "mime/content.hpp"
#include "mime/message_info.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

bool inside(const govmail::mime::Range& r, std::size_t size) {
    return r.offset <= size && r.length <= size - r.offset;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace govmail::mime;  // NOLINT(google-build-using-namespace): a fuzz entry point
    const std::string_view raw(reinterpret_cast<const char*>(data), size);

    // Small limits keep each run fast while still reaching the limit code paths.
    const MessageInfo info = analyze(raw, Limits{.max_depth = 16, .max_parts = 200});
    check(info.size == size);
    check(inside(info.header, size) && inside(info.text, size));
    for (const Part& part : info.parts) {
        check(inside(part.header, size) && inside(part.body, size));
        check(part.header.end() == part.body.offset);
        const auto decoded = decode_part_body(raw, part);
        check(decoded.has_value() == part.decoded_size.has_value());
    }

    const std::string bytes = info.serialize();
    const auto back = MessageInfo::deserialize(bytes);
    check(back.has_value() && *back == info);
    const auto view = MessageInfoView::parse(bytes);
    check(view.has_value() && view->imap_bodystructure == info.imap_bodystructure);

    // The input read as a (most likely corrupt) serialized record must be rejected or exact.
    if (const auto record = MessageInfo::deserialize(raw)) {
        check(record->serialize() == raw);
    }
    (void)MessageInfoView::parse(raw);

    (void)extract_text(raw, info, 64 * 1024);
    const std::string_view names[] = {"Subject", "From", "Content-Type"};
    (void)header_fields(info.header.slice(raw), names, FieldSelect::Only);
    (void)header_fields(info.header.slice(raw), names, FieldSelect::Except);
    return 0;
}
