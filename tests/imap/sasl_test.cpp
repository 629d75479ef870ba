#include "imap/sasl.hpp"

#include <gtest/gtest.h>

namespace govmail::imap {
namespace {

using namespace std::string_literals;

TEST(Sasl, Base64RoundTrip) {
    for (const std::string& bytes :
         {""s,
          "f"s,
          "fo"s,
          "foo"s,
          "foob"s,
          "fooba"s,
          "foobar"s,
          "\0alice\0secret"s,
          "\xff\xfe\xfd"s}) {
        auto decoded = decode_base64(encode_base64(bytes));
        ASSERT_TRUE(decoded) << bytes;
        EXPECT_EQ(*decoded, bytes);
    }
    // RFC 4648 10 test vectors.
    EXPECT_EQ(encode_base64("foobar"), "Zm9vYmFy");
    EXPECT_EQ(encode_base64("fooba"), "Zm9vYmE=");
    EXPECT_EQ(encode_base64("foob"), "Zm9vYg==");
}

TEST(Sasl, Base64RefusesMalformed) {
    for (const char* bad :
         {"Zm9",
          "Zm9vY",
          "Zm=v",
          "Z===",
          "Zm9vYg=",
          "Zm9v YmFy",
          "Zm9vYh==",
          "Zm9vYmF=",
          "Zg==Zg==",
          "@@@@"}) {
        EXPECT_FALSE(decode_base64(bad)) << bad;
    }
}

TEST(Sasl, Responses) {
    EXPECT_TRUE(parse_sasl_response("*").cancelled);
    EXPECT_EQ(parse_sasl_response("").data, std::optional<std::string>(""));
    EXPECT_EQ(parse_sasl_response("Zm9v").data, std::optional<std::string>("foo"));
    auto bad = parse_sasl_response("Zm9");
    EXPECT_FALSE(bad.cancelled);
    EXPECT_FALSE(bad.data);
}

TEST(Sasl, Plain) {
    auto plain = parse_plain("\0alice\0secret"s);
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->authzid, "");
    EXPECT_EQ(plain->authcid, "alice");
    EXPECT_EQ(plain->password, "secret");
    auto as = parse_plain("vanthu@example.gov.vn\0alice\0secret"s);
    ASSERT_TRUE(as);
    EXPECT_EQ(as->authzid, "vanthu@example.gov.vn");
    for (const std::string& bad :
         {"alice"s, "\0alice"s, "\0\0secret"s, "\0alice\0"s, "\0a\0b\0c"s}) {
        EXPECT_FALSE(parse_plain(bad));
    }
}

}  // namespace
}  // namespace govmail::imap
