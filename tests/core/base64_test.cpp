#include "core/text/base64.hpp"

#include <gtest/gtest.h>

namespace govmail::text {
namespace {

using namespace std::string_literals;

TEST(Base64, DecodesStrictly) {
    EXPECT_EQ(decode_base64(""), "");
    EXPECT_EQ(decode_base64("AGFsaWNlAGFsaWNlLXB3"), "\0alice\0alice-pw"s);
    EXPECT_EQ(decode_base64("VXNlcm5hbWU6"), "Username:");
    EXPECT_EQ(decode_base64("YQ=="), "a");
    EXPECT_EQ(decode_base64("YWI="), "ab");
    for (const char* bad :
         {"YQ",        // not padded
          "Y===",      // too much padding
          "YQ==YQ==",  // data after padding
          "YW=i",
          "Zm=v",
          "Zm9vYg=",
          "YW I",
          "Zm9v YmFy",
          "YW*i",
          "*",
          "@@@@",
          "Zm9vYh==",  // non-zero pad bits
          "Zm9vYmF="}) {
        EXPECT_FALSE(decode_base64(bad)) << bad;
    }
}

TEST(Base64, RoundTripsAndMatchesRfc4648Vectors) {
    std::string bytes;
    for (int i = 0; i < 300; ++i) {
        bytes += static_cast<char>(i * 7);
        EXPECT_EQ(decode_base64(encode_base64(bytes)), bytes);
    }
    EXPECT_EQ(encode_base64(""), "");
    EXPECT_EQ(encode_base64("f"), "Zg==");
    EXPECT_EQ(encode_base64("fo"), "Zm8=");
    EXPECT_EQ(encode_base64("foo"), "Zm9v");
    EXPECT_EQ(encode_base64("foob"), "Zm9vYg==");
    EXPECT_EQ(encode_base64("fooba"), "Zm9vYmE=");
    EXPECT_EQ(encode_base64("foobar"), "Zm9vYmFy");
    EXPECT_EQ(encode_base64("Password:"), "UGFzc3dvcmQ6");
}

}  // namespace
}  // namespace govmail::text
