#include "store/detail/records.hpp"

#include "store/error.hpp"

namespace govmail::store::detail {
namespace {

void expect_version(Decoder& d, const char* what) {
    std::uint8_t version = d.u8();
    if (version != kRecordVersion) {
        throw StoreException(
            Errc::Corrupted,
            std::string(what) + " record has unknown format version " + std::to_string(version)
        );
    }
}

template <typename T>
T narrow(std::uint64_t value, const char* what) {
    if (value > std::numeric_limits<T>::max()) {
        throw StoreException(Errc::Corrupted, std::string(what) + " out of range");
    }
    return static_cast<T>(value);
}

void expect_done(const Decoder& d, const char* what) {
    if (!d.done()) {
        throw StoreException(Errc::Corrupted, std::string(what) + " record has trailing bytes");
    }
}

}  // namespace

std::string encode_u64(std::uint64_t value) {
    Encoder e;
    e.u8(kRecordVersion).varint(value);
    return e.take();
}

std::uint64_t decode_u64(std::string_view value) {
    Decoder d(value);
    expect_version(d, "counter");
    std::uint64_t v = d.varint();
    expect_done(d, "counter");
    return v;
}

std::string encode_account(const AccountStorage& account) {
    Encoder e;
    e.u8(kRecordVersion).varint(account.quota).varint(account.used_bytes).varint(account.messages);
    return e.take();
}

AccountStorage decode_account(AccountId account, std::string_view value) {
    Decoder d(value);
    expect_version(d, "account");
    AccountStorage a;
    a.account = account;
    a.quota = d.varint();
    a.used_bytes = d.varint();
    a.messages = d.varint();
    expect_done(d, "account");
    return a;
}

std::string encode_mailbox(const MailboxRecord& m) {
    Encoder e;
    e.u8(kRecordVersion)
        .varint(m.account)
        .bytes(m.name)
        .u8(static_cast<std::uint8_t>(m.special_use))
        .varint(m.uidvalidity)
        .varint(m.uidnext)
        .varint(m.first_recent_uid)
        .varint(m.highest_modseq)
        .varint(m.messages)
        .varint(m.unseen)
        .varint(m.recent)
        .varint(m.deleted)
        .varint(m.size)
        .varint(m.keywords.size());
    for (const std::string& keyword : m.keywords) {
        e.bytes(keyword);
    }
    return e.take();
}

MailboxRecord decode_mailbox(MailboxId mailbox, std::string_view value) {
    Decoder d(value);
    expect_version(d, "mailbox");
    MailboxRecord m;
    m.id = mailbox;
    m.account = d.varint();
    m.name = std::string(d.bytes());
    std::uint8_t use = d.u8();
    if (use > static_cast<std::uint8_t>(SpecialUse::Trash)) {
        throw StoreException(Errc::Corrupted, "mailbox record has an unknown special-use");
    }
    m.special_use = static_cast<SpecialUse>(use);
    m.uidvalidity = narrow<Uid>(d.varint(), "uidvalidity");
    m.uidnext = narrow<Uid>(d.varint(), "uidnext");
    m.first_recent_uid = narrow<Uid>(d.varint(), "first recent uid");
    m.highest_modseq = d.varint();
    m.messages = narrow<std::uint32_t>(d.varint(), "message count");
    m.unseen = narrow<std::uint32_t>(d.varint(), "unseen count");
    m.recent = narrow<std::uint32_t>(d.varint(), "recent count");
    m.deleted = narrow<std::uint32_t>(d.varint(), "deleted count");
    m.size = d.varint();
    std::uint64_t keywords = d.varint();
    if (keywords > kMaxKeywords) {
        throw StoreException(Errc::Corrupted, "mailbox record has too many keywords");
    }
    for (std::uint64_t i = 0; i < keywords; ++i) {
        m.keywords.emplace_back(d.bytes());
    }
    expect_done(d, "mailbox");
    return m;
}

std::string encode_message(const MessageRecord& m) {
    Encoder e;
    e.reserve(64);
    e.u8(kRecordVersion)
        .varint(m.modseq)
        .u8(m.flags)
        .varint(m.keywords)
        .svarint(m.internal_date.time_since_epoch().count())
        .varint(m.size)
        .tail(m.blob.view());
    return e.take();
}

MessageRecord decode_message(Uid uid, std::string_view value) {
    Decoder d(value);
    expect_version(d, "message");
    MessageRecord m;
    m.uid = uid;
    m.modseq = d.varint();
    m.flags = d.u8();
    if ((m.flags & ~kAllSystemFlags) != 0) {
        throw StoreException(Errc::Corrupted, "message record has unknown flag bits");
    }
    m.keywords = d.varint();
    m.internal_date = UnixTime(std::chrono::seconds(d.svarint()));
    m.size = d.varint();
    auto hash = BlobHash::from_bytes(d.tail());
    if (!hash) {
        throw StoreException(Errc::Corrupted, "message record has a malformed blob hash");
    }
    m.blob = *hash;
    return m;
}

std::string encode_blob_info(const BlobInfo& b) {
    Encoder e;
    e.u8(kRecordVersion)
        .varint(b.id)
        .varint(b.refcount)
        .varint(b.size)
        .varint(b.chunk_size)
        .varint(b.chunk_count)
        .varint(b.info_size)
        .varint(b.info_chunks);
    return e.take();
}

BlobInfo decode_blob_info(const BlobHash& hash, std::string_view value) {
    Decoder d(value);
    expect_version(d, "blob");
    BlobInfo b;
    b.hash = hash;
    b.id = d.varint();
    b.refcount = d.varint();
    b.size = d.varint();
    b.chunk_size = narrow<std::uint32_t>(d.varint(), "chunk size");
    b.chunk_count = narrow<std::uint32_t>(d.varint(), "chunk count");
    b.info_size = d.varint();
    b.info_chunks = narrow<std::uint32_t>(d.varint(), "info chunk count");
    expect_done(d, "blob");
    if (b.chunk_size < kMinChunkSize || b.chunk_size > kMaxChunkSize ||
        b.chunk_count != chunk_count_for(b.size, b.chunk_size) ||
        b.info_chunks != chunk_count_for(b.info_size, b.chunk_size)) {
        throw StoreException(Errc::Corrupted, "blob record has inconsistent chunking");
    }
    return b;
}

MailboxId key_mailbox(std::string_view key) {
    return read_u64(key, 0);
}

Uid message_key_uid(std::string_view key) {
    if (key.size() != kMessageKeySize) {
        throw StoreException(Errc::Corrupted, "message key of the wrong length");
    }
    return read_u32(key, 8);
}

ModSeq modseq_key_modseq(std::string_view key) {
    if (key.size() != kModseqKeySize) {
        throw StoreException(Errc::Corrupted, "modseq key of the wrong length");
    }
    return read_u64(key, 8);
}

Uid modseq_key_uid(std::string_view key) {
    if (key.size() != kModseqKeySize) {
        throw StoreException(Errc::Corrupted, "modseq key of the wrong length");
    }
    return read_u32(key, 16);
}

}  // namespace govmail::store::detail
