#include "core/net/input_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace govmail::net {

void InputBuffer::consume(std::size_t n) {
    begin_ += n;
    if (begin_ == end_) {
        begin_ = end_ = 0;
    }
}

std::span<char> InputBuffer::prepare(std::size_t n) {
    if (capacity_ - end_ >= n) {
        return {storage_.get() + end_, capacity_ - end_};
    }
    std::size_t used = end_ - begin_;
    if (begin_ > 0 && capacity_ - used >= n) {
        std::memmove(storage_.get(), storage_.get() + begin_, used);
    } else {
        std::size_t new_capacity = std::max<std::size_t>({capacity_ * 2, used + n, 1024});
        auto grown = std::make_unique_for_overwrite<char[]>(new_capacity);
        if (used > 0) {
            std::memcpy(grown.get(), storage_.get() + begin_, used);
        }
        storage_ = std::move(grown);
        capacity_ = new_capacity;
    }
    begin_ = 0;
    end_ = used;
    return {storage_.get() + end_, capacity_ - end_};
}

void InputBuffer::release_if_empty() {
    if (empty() && storage_) {
        storage_.reset();
        capacity_ = begin_ = end_ = 0;
    }
}

}  // namespace govmail::net
