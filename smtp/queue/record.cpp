#include "smtp/queue/record.hpp"

#include "store/codec.hpp"
#include "store/error.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace govmail::smtp::queue {
namespace {

constexpr std::uint8_t kVersion = 1;

// NOTIFY flags as bits.
std::uint8_t notify_bits(const Notify& n) {
    return static_cast<std::uint8_t>(
        (n.never ? 1U : 0U) | (n.success ? 2U : 0U) | (n.failure ? 4U : 0U) | (n.delay ? 8U : 0U)
    );
}

Notify notify_from(std::uint8_t bits) {
    return {
        .never = (bits & 1U) != 0,
        .success = (bits & 2U) != 0,
        .failure = (bits & 4U) != 0,
        .delay = (bits & 8U) != 0};
}

template <typename Enum>
Enum checked(std::uint8_t value, std::uint8_t max) {
    if (value > max) {
        throw store::StoreException(store::Errc::Corrupted, "queue record: bad enum value");
    }
    return static_cast<Enum>(value);
}

}  // namespace

Millis now_millis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch()
    )
        .count();
}

std::string_view to_string(RecipientState state) {
    switch (state) {
        case RecipientState::Pending:
            return "pending";
        case RecipientState::Failed:
            return "failed";
        case RecipientState::Delivered:
            return "delivered";
    }
    return "unknown";
}

std::size_t QueuedMessage::count(RecipientState state) const {
    return static_cast<std::size_t>(std::ranges::count_if(recipients, [&](const auto& r) {
        return r.state == state;
    }));
}

std::string encode(const QueuedMessage& m) {
    store::Encoder e;
    e.u8(kVersion);
    e.bytes(m.blob.view());
    e.varint(m.skip);
    e.varint(m.size);
    e.bytes(m.sender);
    e.u8(static_cast<std::uint8_t>(m.body));
    e.boolean(m.smtputf8);
    e.u8(static_cast<std::uint8_t>(m.ret));
    e.bytes(m.envid);
    e.svarint(m.created);
    e.svarint(m.next_attempt);
    e.varint(m.attempts);
    e.varint(m.recipients.size());
    for (const QueuedRecipient& r : m.recipients) {
        e.bytes(r.address);
        e.boolean(r.local);
        e.u8(static_cast<std::uint8_t>(r.state));
        e.u8(notify_bits(r.notify));
        e.boolean(r.orcpt.has_value());
        if (r.orcpt) {
            e.bytes(r.orcpt->type);
            e.bytes(r.orcpt->value);
        }
        e.bytes(r.status);
        e.bytes(r.diagnostic);
        e.bytes(r.remote_mta);
        e.boolean(r.delay_notified);
        e.boolean(r.relayed);
    }
    return e.take();
}

QueuedMessage decode(std::uint64_t id, std::string_view value) {
    store::Decoder d(value);
    if (d.u8() != kVersion) {
        throw store::StoreException(store::Errc::Corrupted, "queue record: unknown version");
    }
    QueuedMessage m;
    m.id = id;
    auto hash = store::BlobHash::from_bytes(d.bytes());
    if (!hash) {
        throw store::StoreException(store::Errc::Corrupted, "queue record: bad blob hash");
    }
    m.blob = *hash;
    m.skip = static_cast<std::uint32_t>(d.varint());
    m.size = d.varint();
    m.sender = std::string(d.bytes());
    m.body = checked<BodyType>(d.u8(), static_cast<std::uint8_t>(BodyType::BinaryMime));
    m.smtputf8 = d.boolean();
    m.ret = checked<Ret>(d.u8(), static_cast<std::uint8_t>(Ret::Headers));
    m.envid = std::string(d.bytes());
    m.created = d.svarint();
    m.next_attempt = d.svarint();
    m.attempts = static_cast<std::uint32_t>(d.varint());
    std::uint64_t count = d.varint();
    if (count > value.size()) {
        throw store::StoreException(store::Errc::Corrupted, "queue record: bad recipient count");
    }
    m.recipients.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        QueuedRecipient r;
        r.address = std::string(d.bytes());
        r.local = d.boolean();
        r.state =
            checked<RecipientState>(d.u8(), static_cast<std::uint8_t>(RecipientState::Delivered));
        r.notify = notify_from(d.u8());
        if (d.boolean()) {
            Orcpt orcpt;
            orcpt.type = std::string(d.bytes());
            orcpt.value = std::string(d.bytes());
            r.orcpt = std::move(orcpt);
        }
        r.status = std::string(d.bytes());
        r.diagnostic = std::string(d.bytes());
        r.remote_mta = std::string(d.bytes());
        r.delay_notified = d.boolean();
        r.relayed = d.boolean();
        m.recipients.push_back(std::move(r));
    }
    if (!d.done()) {
        throw store::StoreException(store::Errc::Corrupted, "queue record: trailing bytes");
    }
    return m;
}

std::string format_id(std::uint64_t id) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llX", static_cast<unsigned long long>(id));
    return text;
}

std::optional<std::uint64_t> parse_id(std::string_view text) {
    std::uint64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id, 16);
    if (ec != std::errc() || end != text.data() + text.size() || text.size() > 16 || id == 0) {
        return std::nullopt;
    }
    return id;
}

std::uint64_t new_id() {
    std::uint64_t id = 0;
    while (id == 0) {
        // Random rather than a counter: an id is made before the write that stores it (it goes
        // into the Received field), and must not collide with one queued before a restart.
        if (RAND_bytes(reinterpret_cast<unsigned char*>(&id), sizeof id) != 1) {
            throw std::runtime_error("RAND_bytes failed");
        }
    }
    return id;
}

}  // namespace govmail::smtp::queue
