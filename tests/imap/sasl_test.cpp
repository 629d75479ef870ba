#include "imap/sasl.hpp"

#include <gtest/gtest.h>

namespace govmail::imap {
namespace {

using namespace std::string_literals;

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
