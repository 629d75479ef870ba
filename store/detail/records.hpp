#pragma once
// Keys and record encodings of the store's databases (the layouts are listed in
// store/README.md). Internal to store/: other folders go through StoreReader and StoreWriter.
//
// Every record value starts with kRecordVersion; a decoder meeting another version or a
// truncated value throws StoreException(Errc::Corrupted). Index records (modseq_index, expunged,
// subscriptions) have empty values: the key is the whole record. Chunk values (blob_chunks,
// blob_meta) are the raw bytes, described by their blob_info record.

#include "store/blobs.hpp"
#include "store/codec.hpp"
#include "store/types.hpp"

#include <string>
#include <string_view>

namespace govmail::store::detail {

inline constexpr std::uint8_t kRecordVersion = 1;

// meta keys
inline constexpr std::string_view kMetaSchema = "schema";
inline constexpr std::string_view kMetaNextMailboxId = "next_mailbox_id";
inline constexpr std::string_view kMetaNextUidvalidity = "next_uidvalidity";
inline constexpr std::string_view kMetaNextBlobId = "next_blob_id";

inline Key account_key(AccountId account) {
    Key k;
    k.u64(account);
    return k;
}

inline Key mailbox_key(MailboxId mailbox) {
    Key k;
    k.u64(mailbox);
    return k;
}

// mailbox_names and subscriptions: account id + UTF-8 name.
inline Key name_key(AccountId account, std::string_view name) {
    Key k;
    k.u64(account).bytes(name);
    return k;
}

inline Key message_key(MailboxId mailbox, Uid uid) {
    Key k;
    k.u64(mailbox).u32(uid);
    return k;
}

// modseq_index and expunged: mailbox id + MODSEQ + UID.
inline Key modseq_key(MailboxId mailbox, ModSeq modseq, Uid uid) {
    Key k;
    k.u64(mailbox).u64(modseq).u32(uid);
    return k;
}

inline Key blob_key(const BlobHash& hash) {
    Key k;
    k.bytes(hash.view());
    return k;
}

// blob_chunks and blob_meta: blob id + chunk index. Blob ids grow, so new chunks are appended
// at the end of these trees (MDB_APPEND) instead of landing on random pages as hash keys would.
inline Key chunk_key(std::uint64_t blob_id, std::uint32_t index) {
    Key k;
    k.u64(blob_id).u32(index);
    return k;
}

inline constexpr std::size_t kMessageKeySize = 12;
inline constexpr std::size_t kModseqKeySize = 20;
inline constexpr std::size_t kChunkKeySize = 12;

std::string encode_u64(std::uint64_t value);
std::uint64_t decode_u64(std::string_view value);

std::string encode_account(const AccountStorage& account);
AccountStorage decode_account(AccountId account, std::string_view value);

std::string encode_mailbox(const MailboxRecord& mailbox);
MailboxRecord decode_mailbox(MailboxId mailbox, std::string_view value);

std::string encode_message(const MessageRecord& message);
MessageRecord decode_message(Uid uid, std::string_view value);

std::string encode_blob_info(const BlobInfo& info);
BlobInfo decode_blob_info(const BlobHash& hash, std::string_view value);

// Key field readers; they throw Corrupted on a key of the wrong length.
MailboxId key_mailbox(std::string_view key);
Uid message_key_uid(std::string_view key);
ModSeq modseq_key_modseq(std::string_view key);
Uid modseq_key_uid(std::string_view key);

}  // namespace govmail::store::detail
