#include "core/net/line_reader.hpp"

#include <cstring>

namespace govmail::net {

void LineReader::consume_pending(InputBuffer& input) {
    input.consume(pending_);
    pending_ = 0;
}

LineStatus LineReader::next(InputBuffer& input, Line& line) {
    consume_pending(input);
    for (;;) {
        std::string_view data = input.data();
        const char* found = nullptr;
        if (scanned_ < data.size()) {
            found = static_cast<const char*>(
                std::memchr(data.data() + scanned_, '\n', data.size() - scanned_)
            );
        }
        if (discarding_) {
            if (found == nullptr) {
                input.consume(data.size());
                scanned_ = 0;
                return LineStatus::NeedMore;
            }
            input.consume(static_cast<std::size_t>(found - data.data()) + 1);
            scanned_ = 0;
            discarding_ = false;
            continue;
        }
        if (found == nullptr) {
            scanned_ = data.size();
            if (data.size() >= max_length_) {
                // No terminator within the limit: report once, then drop the rest of the line.
                input.consume(data.size());
                scanned_ = 0;
                discarding_ = true;
                return LineStatus::TooLong;
            }
            return LineStatus::NeedMore;
        }
        std::size_t length = static_cast<std::size_t>(found - data.data()) + 1;
        scanned_ = 0;
        if (length > max_length_) {
            input.consume(length);
            return LineStatus::TooLong;
        }
        bool crlf = length >= 2 && data[length - 2] == '\r';
        line.text = data.substr(0, length - (crlf ? 2 : 1));
        line.bare_lf = !crlf;
        pending_ = length;
        return LineStatus::Complete;
    }
}

}  // namespace govmail::net
