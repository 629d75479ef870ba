#pragma once
// Content-addressed message blobs.
//
// A message's bytes are stored once per distinct content, keyed by their SHA-256, with a
// reference count: one per message record that points at it, plus one per reference another
// module holds (the outbound queue, through StoreWriter::put_blob / ref_blob / unref_blob). A
// circular to 5,000 officers is one blob, one copy of its parsed MessageInfo and 5,000 small
// message records. When the count reaches zero the blob and its chunks are deleted in the same
// transaction.
//
// Bytes live in LMDB in chunks of chunk_size bytes (kDefaultChunkSize, chosen by measuring with
// bench/store_churn: a chunk fills exactly four 4 KiB overflow pages, short enough that LMDB
// finds such runs in its free list, long enough that new mail is written in runs rather than
// scattered over single free pages; see store/README.md for the figures). The parsed
// mime::MessageInfo is stored beside the blob, chunked the same way, once per blob.
//
// Parse once, outside the writer: the caller (SMTP delivery, IMAP APPEND) runs mime::analyze and
// hashes the bytes on its own thread, then hands the PreparedMessage to a write operation, which
// only stores.
//
//     std::string info = mime::analyze(raw).serialize();
//     store::PreparedMessage msg(std::move(raw), std::move(info));
//     co_await store.append(inbox, std::move(msg), {});
//
// Reading is zero-copy: a BlobView hands out string_views into the memory map, valid while the
// read transaction that produced it lives (never across a co_await). A range read touches only
// the chunks that hold the range, so BODY[2.1]<0.1000> of a 20 MB message reads one or two
// 16 KB chunks:
//
//     store.read([&](const StoreReader& r) {
//         auto blob = r.blob(record.blob);
//         blob->read(part.body_offset, 1000, [&](std::string_view piece) { out.append(piece); });
//     });

#include "store/lmdb.hpp"
#include "store/types.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace govmail::store {

// Four 4 KiB overflow pages minus LMDB's 16-byte page header: the chunk size that kept both the
// file size and the delivery speed steady under churn (store/README.md, bench/README.md).
inline constexpr std::uint32_t kDefaultChunkSize = 4 * 4096 - 16;
inline constexpr std::uint32_t kMinChunkSize = 256;
inline constexpr std::uint32_t kMaxChunkSize = 16U << 20;

// A message ready to store: its bytes, its serialized mime::MessageInfo (opaque to the store)
// and the SHA-256 of the bytes, computed by the constructor on the caller's thread.
class PreparedMessage {
public:
    PreparedMessage(std::string raw, std::string info);

    const std::string& raw() const { return raw_; }

    const std::string& info() const { return info_; }

    const BlobHash& hash() const { return hash_; }

    std::uint64_t size() const { return raw_.size(); }

private:
    std::string raw_;
    std::string info_;
    BlobHash hash_;
};

// The blob_info record: how a blob is stored.
struct BlobInfo {
    BlobHash hash;
    std::uint64_t id = 0;  // the key prefix of its chunks, from a counter: never reused
    std::uint64_t refcount = 0;
    std::uint64_t size = 0;
    std::uint32_t chunk_size = kDefaultChunkSize;
    std::uint32_t chunk_count = 0;
    std::uint64_t info_size = 0;
    std::uint32_t info_chunks = 0;
};

// The number of chunks `size` bytes take.
std::uint32_t chunk_count_for(std::uint64_t size, std::uint32_t chunk_size);

// Zero-copy access to a blob's bytes inside one transaction. Cheap to copy. Throws
// StoreException(Corrupted) when a chunk it needs is missing or of the wrong size.
class BlobView {
public:
    BlobView(const TxnBase& txn, MDB_dbi chunks, const BlobInfo& info)
        : txn_(&txn)
        , chunks_(chunks)
        , info_(info) {}

    std::uint64_t size() const { return info_.size; }

    const BlobInfo& info() const { return info_; }

    // Chunk `index` (< info().chunk_count), a view into the map.
    std::string_view chunk(std::uint32_t index) const;

    // Calls sink(std::string_view) with the bytes [offset, offset + length), clipped to the blob,
    // in order, one piece per chunk touched. Only those chunks are read.
    template <typename Sink>
    void read(std::uint64_t offset, std::uint64_t length, Sink&& sink) const {
        if (offset >= info_.size || length == 0) {
            return;
        }
        std::uint64_t end = offset + std::min(length, info_.size - offset);
        auto index = static_cast<std::uint32_t>(offset / info_.chunk_size);
        std::uint64_t chunk_start = std::uint64_t{index} * info_.chunk_size;
        for (; chunk_start < end; ++index, chunk_start += info_.chunk_size) {
            std::string_view bytes = chunk(index);
            std::size_t from = offset > chunk_start ? offset - chunk_start : 0;
            std::size_t to = std::min<std::uint64_t>(bytes.size(), end - chunk_start);
            sink(bytes.substr(from, to - from));
        }
    }

    // A copy of the range (or of everything), for callers that need contiguous bytes.
    std::string copy(std::uint64_t offset, std::uint64_t length) const;

    std::string copy() const { return copy(0, info_.size); }

private:
    const TxnBase* txn_;
    MDB_dbi chunks_;
    BlobInfo info_;
};

// The serialized MessageInfo of a blob: a view into the map when it fits one chunk (nearly
// always), else an owned copy of the joined chunks. view() is valid while this object and the
// read transaction live.
class MessageInfoBytes {
public:
    explicit MessageInfoBytes(std::string_view in_map)
        : in_map_(in_map) {}

    explicit MessageInfoBytes(std::string owned)
        : owned_(std::move(owned))
        , is_owned_(true) {}

    std::string_view view() const { return is_owned_ ? std::string_view(owned_) : in_map_; }

private:
    std::string_view in_map_;
    std::string owned_;
    bool is_owned_ = false;
};

}  // namespace govmail::store
