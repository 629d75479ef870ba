#include "smtp/detail/received_counter.hpp"

namespace govmail::smtp::detail {
namespace {

constexpr std::string_view kName = "received";

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

void ReceivedCounter::feed(std::string_view bytes) {
    for (char c : bytes) {
        if (state_ == State::Done) {
            return;
        }
        if (state_ == State::LineStart) {
            if (c == '\r') {
                state_ = State::BlankCr;
            } else if (c == '\n') {
                state_ = State::Done;
            } else if (lower(c) == kName[0]) {
                state_ = State::Name;
                matched_ = 1;
            } else {
                state_ = State::Skip;  // another field, or a continuation line
            }
            continue;
        }
        if (state_ == State::BlankCr) {
            state_ = c == '\n' ? State::Done : State::Skip;
            continue;
        }
        if (c == '\n') {
            state_ = State::LineStart;
            continue;
        }
        switch (state_) {
            case State::Name:
                if (matched_ < kName.size() && lower(c) == kName[matched_]) {
                    ++matched_;
                } else if (matched_ == kName.size() && (c == ' ' || c == '\t')) {
                    state_ = State::Space;
                } else if (matched_ == kName.size() && c == ':') {
                    ++count_;
                    state_ = State::Skip;
                } else {
                    state_ = State::Skip;
                }
                break;
            case State::Space:
                if (c == ':') {
                    ++count_;
                    state_ = State::Skip;
                } else if (c != ' ' && c != '\t') {
                    state_ = State::Skip;
                }
                break;
            default:
                break;  // Skip: the rest of a line
        }
    }
}

}  // namespace govmail::smtp::detail
