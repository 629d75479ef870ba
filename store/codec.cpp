#include "store/codec.hpp"

#include "store/error.hpp"

namespace govmail::store {

Key& Key::raw(const void* p, std::size_t n) {
    if (size_ + n > data_.size()) {
        throw StoreException(Errc::TooBig, "key longer than " + std::to_string(kMaxKeySize));
    }
    std::memcpy(data_.data() + size_, p, n);
    size_ += n;
    return *this;
}

std::uint32_t read_u32(std::string_view bytes, std::size_t offset) {
    if (bytes.size() < offset + 4) {
        throw StoreException(Errc::Corrupted, "key too short");
    }
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data() + offset);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           std::uint32_t{b[3]};
}

std::uint64_t read_u64(std::string_view bytes, std::size_t offset) {
    return (std::uint64_t{read_u32(bytes, offset)} << 32) | read_u32(bytes, offset + 4);
}

Encoder& Encoder::u32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out_.push_back(static_cast<char>(v >> shift));
    }
    return *this;
}

Encoder& Encoder::u64(std::uint64_t v) {
    u32(static_cast<std::uint32_t>(v >> 32));
    return u32(static_cast<std::uint32_t>(v));
}

Encoder& Encoder::varint(std::uint64_t v) {
    while (v >= 0x80) {
        out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
    return *this;
}

Encoder& Encoder::bytes(std::string_view v) {
    varint(v.size());
    out_.append(v);
    return *this;
}

void Decoder::truncated() const {
    throw StoreException(Errc::Corrupted, "truncated or malformed record");
}

std::uint8_t Decoder::u8() {
    if (pos_ >= in_.size()) {
        truncated();
    }
    return static_cast<std::uint8_t>(in_[pos_++]);
}

std::uint32_t Decoder::u32() {
    if (in_.size() - pos_ < 4) {
        truncated();
    }
    std::uint32_t v = read_u32(in_, pos_);
    pos_ += 4;
    return v;
}

std::uint64_t Decoder::u64() {
    if (in_.size() - pos_ < 8) {
        truncated();
    }
    std::uint64_t v = read_u64(in_, pos_);
    pos_ += 8;
    return v;
}

std::uint64_t Decoder::varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        std::uint8_t b = u8();
        v |= std::uint64_t{b & 0x7fU} << shift;
        if ((b & 0x80) == 0) {
            return v;
        }
    }
    truncated();
}

std::string_view Decoder::bytes() {
    std::uint64_t n = varint();
    if (n > in_.size() - pos_) {
        truncated();
    }
    std::string_view v = in_.substr(pos_, n);
    pos_ += n;
    return v;
}

}  // namespace govmail::store
