#pragma once
// Writing and reading blobs inside a transaction (internal to store/; see store/blobs.hpp).

#include "store/blobs.hpp"
#include "store/schema.hpp"

#include <optional>

namespace govmail::store::detail {

// Adds `references` references to the message's blob, first storing its bytes and info in
// `chunk_size` chunks when the blob is new. Returns true when the blob was stored now.
bool put_blob(
    WriteTxn& txn,
    const Schema& schema,
    const PreparedMessage& message,
    std::uint64_t references,
    std::uint32_t chunk_size
);

// Adds `delta` (> 0) or removes (-delta) references of an existing blob; when none remain the
// blob, its chunks and its info are deleted. NotFound when the blob is absent; Corrupted when
// more references would be removed than it has.
void adjust_blob_references(
    WriteTxn& txn, const Schema& schema, const BlobHash& hash, std::int64_t delta
);

std::optional<BlobInfo> find_blob(const TxnBase& txn, const Schema& schema, const BlobHash& hash);

MessageInfoBytes read_message_info(const TxnBase& txn, const Schema& schema, const BlobInfo& info);

}  // namespace govmail::store::detail
