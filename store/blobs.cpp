#include "store/blobs.hpp"

#include "store/detail/blob_store.hpp"
#include "store/detail/records.hpp"

#include <cstring>

namespace govmail::store {

PreparedMessage::PreparedMessage(std::string raw, std::string info)
    : raw_(std::move(raw))
    , info_(std::move(info))
    , hash_(sha256(raw_)) {}

std::uint32_t chunk_count_for(std::uint64_t size, std::uint32_t chunk_size) {
    std::uint64_t count = (size + chunk_size - 1) / chunk_size;
    if (count > UINT32_MAX) {
        throw StoreException(Errc::TooBig, "blob has too many chunks");
    }
    return static_cast<std::uint32_t>(count);
}

std::string_view BlobView::chunk(std::uint32_t index) const {
    auto bytes = txn_->get(chunks_, detail::chunk_key(info_.id, index));
    std::uint64_t start = std::uint64_t{index} * info_.chunk_size;
    std::uint64_t expected = index < info_.chunk_count
                                 ? std::min<std::uint64_t>(info_.chunk_size, info_.size - start)
                                 : 0;
    if (!bytes || bytes->size() != expected) {
        throw StoreException(
            Errc::Corrupted,
            "blob " + info_.hash.hex() + " chunk " + std::to_string(index) + " is " +
                (bytes ? "of the wrong size" : "missing")
        );
    }
    return *bytes;
}

std::string BlobView::copy(std::uint64_t offset, std::uint64_t length) const {
    std::string out;
    if (offset < info_.size) {
        out.reserve(std::min(length, info_.size - offset));
    }
    read(offset, length, [&](std::string_view piece) { out.append(piece); });
    return out;
}

namespace detail {
namespace {

void write_chunks(
    WriteTxn& txn, MDB_dbi dbi, std::uint64_t id, std::string_view bytes, std::uint32_t chunk_size
) {
    std::uint32_t count = chunk_count_for(bytes.size(), chunk_size);
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string_view piece = bytes.substr(std::size_t{i} * chunk_size, chunk_size);
        // The bytes are copied once, straight into their pages; the keys are the largest so far.
        char* place = txn.reserve(dbi, chunk_key(id, i), piece.size(), MDB_APPEND);
        std::memcpy(place, piece.data(), piece.size());
    }
}

void erase_chunks(WriteTxn& txn, MDB_dbi dbi, std::uint64_t id) {
    Key prefix;
    prefix.u64(id);
    Cursor cursor = txn.cursor(dbi);
    for (bool ok = cursor.seek(prefix); ok && cursor.key().starts_with(prefix.view());
         ok = cursor.next()) {
        cursor.erase();
    }
}

}  // namespace

bool put_blob(
    WriteTxn& txn,
    const Schema& schema,
    const PreparedMessage& message,
    std::uint64_t references,
    std::uint32_t chunk_size
) {
    const BlobHash& hash = message.hash();
    if (auto existing = find_blob(txn, schema, hash)) {
        existing->refcount += references;
        txn.put(schema.blob_info, blob_key(hash), encode_blob_info(*existing));
        return false;
    }
    BlobInfo info;
    info.hash = hash;
    info.id = decode_u64(*txn.get(schema.meta, kMetaNextBlobId));
    txn.put(schema.meta, kMetaNextBlobId, encode_u64(info.id + 1));
    info.refcount = references;
    info.size = message.size();
    info.chunk_size = chunk_size;
    info.chunk_count = chunk_count_for(info.size, chunk_size);
    info.info_size = message.info().size();
    info.info_chunks = chunk_count_for(info.info_size, chunk_size);
    write_chunks(txn, schema.blob_chunks, info.id, message.raw(), chunk_size);
    write_chunks(txn, schema.blob_meta, info.id, message.info(), chunk_size);
    txn.put(schema.blob_info, blob_key(hash), encode_blob_info(info));
    return true;
}

void adjust_blob_references(
    WriteTxn& txn, const Schema& schema, const BlobHash& hash, std::int64_t delta
) {
    auto info = find_blob(txn, schema, hash);
    if (!info) {
        throw StoreException(Errc::NotFound, "blob " + hash.hex() + " not found");
    }
    if (delta < 0 && info->refcount < static_cast<std::uint64_t>(-delta)) {
        throw StoreException(
            Errc::Corrupted, "blob " + hash.hex() + " has fewer references than are released"
        );
    }
    info->refcount += static_cast<std::uint64_t>(delta);
    if (info->refcount > 0) {
        txn.put(schema.blob_info, blob_key(hash), encode_blob_info(*info));
        return;
    }
    erase_chunks(txn, schema.blob_chunks, info->id);
    erase_chunks(txn, schema.blob_meta, info->id);
    txn.erase(schema.blob_info, blob_key(hash));
}

std::optional<BlobInfo> find_blob(const TxnBase& txn, const Schema& schema, const BlobHash& hash) {
    auto value = txn.get(schema.blob_info, blob_key(hash));
    if (!value) {
        return std::nullopt;
    }
    return decode_blob_info(hash, *value);
}

MessageInfoBytes read_message_info(const TxnBase& txn, const Schema& schema, const BlobInfo& info) {
    BlobInfo meta = info;
    meta.size = info.info_size;
    meta.chunk_count = info.info_chunks;
    BlobView view(txn, schema.blob_meta, meta);
    if (meta.chunk_count == 1) {
        return MessageInfoBytes(view.chunk(0));
    }
    return MessageInfoBytes(view.copy());
}

}  // namespace detail
}  // namespace govmail::store
