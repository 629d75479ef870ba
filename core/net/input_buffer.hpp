#pragma once
// A contiguous, growable byte buffer for bytes read from a connection and not yet consumed by a
// framer. Bytes are appended at the end (prepare + commit) and consumed from the front; the
// storage is compacted lazily and can be released entirely while empty, so that an idle
// connection holds no input memory.
//
// Not thread-safe: owned by one connection, used on its strand.

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

namespace govmail::net {

class InputBuffer {
public:
    InputBuffer() = default;
    InputBuffer(const InputBuffer&) = delete;
    InputBuffer& operator=(const InputBuffer&) = delete;

    // The unconsumed bytes.
    std::string_view data() const { return {storage_.get() + begin_, end_ - begin_}; }

    std::size_t size() const { return end_ - begin_; }

    bool empty() const { return begin_ == end_; }

    std::size_t capacity() const { return capacity_; }

    // Drops the first `n` unconsumed bytes. Precondition: n <= size().
    void consume(std::size_t n);

    // Writable space of at least `n` bytes after the data, growing or compacting as needed.
    std::span<char> prepare(std::size_t n);

    // Marks `n` bytes of the last prepare() as data.
    void commit(std::size_t n) { end_ += n; }

    void clear() { begin_ = end_ = 0; }

    // Frees the storage when there is no data (idle connections keep no buffer).
    void release_if_empty();

private:
    std::unique_ptr<char[]> storage_;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

}  // namespace govmail::net
