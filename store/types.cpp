#include "store/types.hpp"

#include "core/text/text.hpp"
#include "store/error.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace govmail::store {
namespace {

struct SpecialUseName {
    SpecialUse use;
    std::string_view attribute;
};

// RFC 6154 2.
constexpr SpecialUseName kSpecialUses[] = {
    {SpecialUse::All, "\\All"},
    {SpecialUse::Archive, "\\Archive"},
    {SpecialUse::Drafts, "\\Drafts"},
    {SpecialUse::Flagged, "\\Flagged"},
    {SpecialUse::Junk, "\\Junk"},
    {SpecialUse::Sent, "\\Sent"},
    {SpecialUse::Trash, "\\Trash"},
};

bool iequals(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

}  // namespace

std::string_view special_use_attribute(SpecialUse use) {
    for (const auto& entry : kSpecialUses) {
        if (entry.use == use) {
            return entry.attribute;
        }
    }
    return {};
}

std::optional<SpecialUse> parse_special_use(std::string_view attribute) {
    for (const auto& entry : kSpecialUses) {
        if (iequals(entry.attribute, attribute)) {
            return entry.use;
        }
    }
    return std::nullopt;
}

std::string BlobHash::hex() const {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0x0f]);
    }
    return out;
}

std::optional<BlobHash> BlobHash::from_hex(std::string_view hex) {
    BlobHash hash;
    if (hex.size() != hash.bytes.size() * 2) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < hash.bytes.size(); ++i) {
        int high = text::hex_value(hex[2 * i]);
        int low = text::hex_value(hex[2 * i + 1]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        hash.bytes[i] = static_cast<std::uint8_t>((high << 4) | low);
    }
    return hash;
}

std::optional<BlobHash> BlobHash::from_bytes(std::string_view raw) {
    BlobHash hash;
    if (raw.size() != hash.bytes.size()) {
        return std::nullopt;
    }
    std::copy(raw.begin(), raw.end(), reinterpret_cast<char*>(hash.bytes.data()));
    return hash;
}

BlobHash sha256(std::string_view data) {
    BlobHash hash;
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), hash.bytes.data(), &length, EVP_sha256(), nullptr) !=
            1 ||
        length != hash.bytes.size()) {
        throw StoreException(Errc::Temporary, "SHA-256 failed");
    }
    return hash;
}

std::vector<std::string> MailboxRecord::keyword_names(KeywordBits bits) const {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < keywords.size() && i < kMaxKeywords; ++i) {
        if ((bits & (KeywordBits{1} << i)) != 0) {
            names.push_back(keywords[i]);
        }
    }
    return names;
}

}  // namespace govmail::store
