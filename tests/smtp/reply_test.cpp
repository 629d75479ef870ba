#include "smtp/reply.hpp"

#include <gtest/gtest.h>

namespace govmail::smtp {
namespace {

TEST(Reply, OneLineWithStatus) {
    EXPECT_EQ(Reply(250, "2.1.0", "sender ok").wire(), "250 2.1.0 sender ok\r\n");
}

TEST(Reply, WithoutStatusForGreetingAnd3xx) {
    EXPECT_EQ(Reply(220, "", "mail.test.gov.vn ESMTP").wire(), "220 mail.test.gov.vn ESMTP\r\n");
    EXPECT_EQ(Reply(334, "", "").wire(), "334 \r\n");  // RFC 4954 4: an empty challenge
}

TEST(Reply, MultilineUsesDashesUntilTheLastLine) {
    Reply reply = Reply::multiline(250, {"mail.test.gov.vn Hello x", "PIPELINING", "DSN"});
    EXPECT_EQ(reply.wire(), "250-mail.test.gov.vn Hello x\r\n250-PIPELINING\r\n250 DSN\r\n");
    EXPECT_EQ(reply.code(), 250);
    EXPECT_TRUE(reply.positive());
}

TEST(Reply, ControlCharactersCannotInjectLines) {
    Reply reply(550, "5.7.1", "no\r\n250 2.0.0 fake\x01");
    EXPECT_EQ(reply.wire(), "550 5.7.1 no  250 2.0.0 fake \r\n");
    EXPECT_FALSE(reply.positive());
}

TEST(Reply, LinesFitIn512OctetsWithoutSplittingUtf8) {
    std::string text;
    for (int i = 0; i < 300; ++i) {
        text += "ư";  // two octets each
    }
    std::string wire = Reply(550, "5.7.1", text).wire();
    EXPECT_LE(wire.size(), 512U);  // RFC 5321 4.5.3.1.5
    EXPECT_TRUE(wire.ends_with("ư\r\n"));
    std::string ehlo = Reply::multiline(250, {std::string(600, 'a'), "x"}).wire();
    EXPECT_EQ(ehlo.find("\r\n"), 510U);
}

}  // namespace
}  // namespace govmail::smtp
