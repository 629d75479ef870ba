#pragma once
// Binary encoding of keys and values.
//
// Keys: big-endian fixed-width integers, so that LMDB's bytewise order is numeric order and
// cursors walk records in order (all records of mailbox 7 lie between key(7, 0) and key(8, 0)).
// Values: a schema-version byte first, then fields written with Encoder (varints, fixed
// integers, length-prefixed byte strings) and read back with Decoder, which checks every bound
// and throws StoreException(Corrupted) on a truncated or malformed value rather than reading
// past it.
//
//     Encoder e;  e.u8(1); e.varint(uid); e.bytes(name);  db.put(key, e.view());
//     Decoder d(value); auto version = d.u8(); auto uid = d.varint(); auto name = d.bytes();

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace govmail::store {

// LMDB's default maximum key size (mdb_env_get_maxkeysize).
inline constexpr std::size_t kMaxKeySize = 511;

// A key built from big-endian integers and raw bytes, on the stack. Appending past kMaxKeySize
// throws StoreException(TooBig).
class Key {
public:
    Key& u8(std::uint8_t v) { return raw(&v, 1); }

    Key& u32(std::uint32_t v) {
        unsigned char b[4] = {
            static_cast<unsigned char>(v >> 24),
            static_cast<unsigned char>(v >> 16),
            static_cast<unsigned char>(v >> 8),
            static_cast<unsigned char>(v)};
        return raw(b, 4);
    }

    Key& u64(std::uint64_t v) {
        u32(static_cast<std::uint32_t>(v >> 32));
        return u32(static_cast<std::uint32_t>(v));
    }

    Key& bytes(std::string_view v) { return raw(v.data(), v.size()); }

    std::string_view view() const { return {data_.data(), size_}; }

    operator std::string_view() const { return view(); }

    std::size_t size() const { return size_; }

private:
    Key& raw(const void* p, std::size_t n);

    std::array<char, kMaxKeySize> data_;
    std::size_t size_ = 0;
};

std::uint32_t read_u32(std::string_view bytes, std::size_t offset);
std::uint64_t read_u64(std::string_view bytes, std::size_t offset);

class Encoder {
public:
    Encoder& u8(std::uint8_t v) {
        out_.push_back(static_cast<char>(v));
        return *this;
    }

    Encoder& u32(std::uint32_t v);
    Encoder& u64(std::uint64_t v);
    Encoder& varint(std::uint64_t v);

    Encoder& svarint(std::int64_t v) {
        return varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
    }

    Encoder& boolean(bool v) { return u8(v ? 1 : 0); }

    // Length-prefixed (varint) bytes.
    Encoder& bytes(std::string_view v);

    // Raw bytes without a length: only as the last field.
    Encoder& tail(std::string_view v) {
        out_.append(v);
        return *this;
    }

    std::string_view view() const { return out_; }

    std::string take() { return std::move(out_); }

    void reserve(std::size_t n) { out_.reserve(n); }

private:
    std::string out_;
};

class Decoder {
public:
    explicit Decoder(std::string_view in)
        : in_(in) {}

    std::uint8_t u8();
    std::uint32_t u32();
    std::uint64_t u64();
    std::uint64_t varint();

    std::int64_t svarint() {
        std::uint64_t z = varint();
        return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
    }

    bool boolean() { return u8() != 0; }

    std::string_view bytes();

    std::string_view tail() {
        std::string_view rest = in_.substr(pos_);
        pos_ = in_.size();
        return rest;
    }

    bool done() const { return pos_ == in_.size(); }

private:
    [[noreturn]] void truncated() const;

    std::string_view in_;
    std::size_t pos_ = 0;
};

}  // namespace govmail::store
