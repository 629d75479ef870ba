#include "store/codec.hpp"

#include "store/error.hpp"

#include <gtest/gtest.h>

namespace govmail::store {
namespace {

TEST(Codec, KeysSortNumerically) {
    Key a, b, c;
    a.u64(7).u32(2);
    b.u64(7).u32(10);
    c.u64(8).u32(0);
    EXPECT_LT(a.view(), b.view());
    EXPECT_LT(b.view(), c.view());
    EXPECT_EQ(read_u64(a.view(), 0), 7U);
    EXPECT_EQ(read_u32(b.view(), 8), 10U);
}

TEST(Codec, KeyRefusesMoreThanLmdbAllows) {
    Key key;
    key.bytes(std::string(kMaxKeySize, 'x'));
    EXPECT_THROW(key.u8(1), StoreException);
}

TEST(Codec, RoundTrip) {
    Encoder e;
    e.u8(1).u32(0xdeadbeef).u64(1ULL << 40).varint(300).svarint(-5).boolean(true).bytes("name");
    e.tail("rest");
    Decoder d(e.view());
    EXPECT_EQ(d.u8(), 1);
    EXPECT_EQ(d.u32(), 0xdeadbeefU);
    EXPECT_EQ(d.u64(), 1ULL << 40);
    EXPECT_EQ(d.varint(), 300U);
    EXPECT_EQ(d.svarint(), -5);
    EXPECT_TRUE(d.boolean());
    EXPECT_EQ(d.bytes(), "name");
    EXPECT_EQ(d.tail(), "rest");
    EXPECT_TRUE(d.done());
}

TEST(Codec, TruncatedValuesThrowCorrupted) {
    Encoder e;
    e.bytes("a longer string");
    std::string value(e.view());
    for (std::size_t n = 0; n < value.size(); ++n) {
        Decoder d(std::string_view(value).substr(0, n));
        try {
            d.bytes();
            FAIL() << "no error at length " << n;
        } catch (const StoreException& ex) {
            EXPECT_EQ(ex.code(), Errc::Corrupted);
        }
    }
    std::string endless_varint(20, '\xff');
    Decoder endless(endless_varint);
    EXPECT_THROW(endless.varint(), StoreException);
}

}  // namespace
}  // namespace govmail::store
