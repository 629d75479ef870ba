// libFuzzer target for the IMAP protocol layer without the store: the request framer fed in
// chunks, the command parser on every request, SASL lines, and the small parsers (modified UTF-7,
// sequence sets, dates, BASE64) with their round-trip properties. Any crash, sanitizer report or
// broken property (__builtin_trap) is a bug.
//
// Input: one control byte, then the bytes a client would send. The control byte picks the read
// chunk size, the LITERAL+/- mode, the command length limit and UTF8=ACCEPT.
//
// Seeds: the C: lines of tests/transcripts/imap/**/*.txt joined with CRLF make a good corpus.

#include "core/text/base64.hpp"
#include "imap/command.hpp"
#include "imap/datetime.hpp"
#include "imap/framer.hpp"
#include "imap/response.hpp"
#include "imap/sasl.hpp"
#include "imap/seqset.hpp"
#include "imap/utf7.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace govmail::imap;

void check(bool property) {
    if (!property) {
        __builtin_trap();
    }
}

void fuzz_small_parsers(std::string_view text) {
    // Strict decoding accepts exactly what the encoder writes.
    if (auto decoded = decode_mutf7(text)) {
        auto encoded = encode_mutf7(*decoded);
        check(encoded && *encoded == text);
    }
    check(is_valid_mutf7(text) == decode_mutf7(text).has_value());
    if (auto encoded = encode_mutf7(text)) {
        auto decoded = decode_mutf7(*encoded);
        check(decoded && *decoded == text);
    }

    // A parsed set prints as text that parses to the same set.
    if (auto set = parse_sequence_set(text, {.allow_star = true, .allow_saved = true})) {
        auto again =
            parse_sequence_set(set->to_string(), {.allow_star = true, .allow_saved = true});
        check(again && *again == *set);
        if (!set->is_saved()) {
            NumberSet numbers = set->resolve(1000);
            check(
                NumberSet::from_ranges({numbers.ranges().begin(), numbers.ranges().end()}) ==
                numbers
            );
            auto reparsed = parse_sequence_set(numbers.to_string());
            check(numbers.empty() || (reparsed && reparsed->resolve(1000) == numbers));
        }
    }

    if (auto date_time = parse_date_time(text)) {
        auto again =
            parse_date_time(format_date_time(date_time->to_sys_seconds(), date_time->zone_minutes));
        check(again && again->to_sys_seconds() == date_time->to_sys_seconds());
    }
    static_cast<void>(parse_date(text));

    if (auto bytes = govmail::text::decode_base64(text)) {
        check(govmail::text::encode_base64(*bytes) == text);
    }
    static_cast<void>(parse_plain(text));
}

void exercise(const TaggedCommand& command, bool utf8) {
    std::string out;
    Response response(out, utf8);
    response.tagged(command.tag).status(Condition::Ok).text("done").end();
    if (const auto* fetch = std::get_if<Fetch>(&command.command)) {
        for (const FetchAttribute& attribute : fetch->items) {
            response.atom(response_name(attribute));
        }
    }
    if (const auto* select = std::get_if<Select>(&command.command)) {
        response.untagged().atom("LIST").open().close().string("/").mailbox(select->mailbox).end();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    std::uint8_t control = data[0];
    std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    fuzz_small_parsers(input);

    FramerLimits limits;
    limits.max_command_length = std::size_t{64} << ((control >> 6) & 3);
    limits.max_literal_size = 2048;
    limits.max_command_literals = 4096;
    limits.max_literals = 8;
    limits.non_sync = static_cast<NonSyncLiterals>((control >> 4) % 3);
    ParseOptions options;
    options.utf8_names = (control & 8) != 0;
    options.max_search_depth = 16;
    std::size_t chunk = (control & 7) * 3 + 1;

    govmail::net::InputBuffer buffer;
    Framer framer(limits);
    for (std::size_t offset = 0; offset < input.size(); offset += chunk) {
        std::string_view piece = input.substr(offset, chunk);
        auto space = buffer.prepare(piece.size());
        std::copy(piece.begin(), piece.end(), space.begin());
        buffer.commit(piece.size());
        for (;;) {
            Event event = framer.next(buffer);
            if (std::holds_alternative<NeedMore>(event)) {
                break;
            }
            if (auto* literal = std::get_if<NeedLiteral>(&event)) {
                // Refuse some literals so that both paths run.
                if (literal->size % 7 != 3) {
                    framer.accept_literal();
                } else {
                    framer.reject_literal();
                }
            } else if (auto* request = std::get_if<Request>(&event)) {
                check(request->text.size() <= limits.max_command_length);
                auto parsed = parse_command(std::move(*request), options);
                if (parsed) {
                    exercise(*parsed, options.utf8_names);
                    const auto* auth = std::get_if<Authenticate>(&parsed->command);
                    if (std::holds_alternative<Idle>(parsed->command) ||
                        (auth != nullptr && !auth->initial_response)) {
                        framer.expect_line();
                    }
                } else {
                    check(!parsed.error().tag.empty() && !parsed.error().text.empty());
                }
            } else if (auto* line = std::get_if<Line>(&event)) {
                SaslResponse response = parse_sasl_response(line->text);
                if (response.data) {
                    static_cast<void>(parse_plain(*response.data));
                }
            } else if (auto* error = std::get_if<Error>(&event)) {
                if (error->fatal) {
                    return 0;
                }
            }
        }
        // The framer never lets unconsumed input grow past a line's worth.
        check(buffer.size() <= limits.max_command_length + chunk + 2);
    }
    return 0;
}
