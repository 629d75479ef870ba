#include "smtp/detail/base64.hpp"
#include "smtp/detail/received_counter.hpp"

#include <gtest/gtest.h>

namespace govmail::smtp::detail {
namespace {

TEST(Base64, DecodesStrictly) {
    using namespace std::string_literals;
    EXPECT_EQ(decode_base64(""), "");
    EXPECT_EQ(decode_base64("AGFsaWNlAGFsaWNlLXB3"), "\0alice\0alice-pw"s);
    EXPECT_EQ(decode_base64("VXNlcm5hbWU6"), "Username:");
    EXPECT_EQ(decode_base64("YQ=="), "a");
    EXPECT_EQ(decode_base64("YWI="), "ab");
    EXPECT_FALSE(decode_base64("YQ"));        // not padded
    EXPECT_FALSE(decode_base64("Y==="));      // too much padding
    EXPECT_FALSE(decode_base64("YQ==YQ=="));  // data after padding
    EXPECT_FALSE(decode_base64("YW=i"));
    EXPECT_FALSE(decode_base64("YW I"));
    EXPECT_FALSE(decode_base64("YW*i"));
    EXPECT_FALSE(decode_base64("*"));
}

TEST(Base64, RoundTrips) {
    std::string bytes;
    for (int i = 0; i < 300; ++i) {
        bytes += static_cast<char>(i * 7);
        EXPECT_EQ(decode_base64(encode_base64(bytes)), bytes);
    }
    EXPECT_EQ(encode_base64("Password:"), "UGFzc3dvcmQ6");
}

std::size_t count_in_pieces(std::string_view message, std::size_t split) {
    ReceivedCounter counter;
    counter.feed(message.substr(0, split));
    counter.feed(message.substr(split));
    return counter.count();
}

TEST(ReceivedCounter, CountsHeaderFieldsOnlyAtEverySplit) {
    const std::string message =
        "Received: from a by b\r\n"
        "\tfor <x@y>; Mon, 1 Jan 2024\r\n"
        "received : from c\r\n"
        "X-Received: not this one\r\n"
        "Subject: Received: neither\r\n"
        "RECEIVED:from d\r\n"
        "Receive: no\r\n"
        "Receivedx: no\r\n"
        "\r\n"
        "Received: in the body\r\n";
    for (std::size_t split = 0; split <= message.size(); ++split) {
        EXPECT_EQ(count_in_pieces(message, split), 3U) << "split at " << split;
    }
}

TEST(ReceivedCounter, StopsAtTheEndOfTheHeader) {
    ReceivedCounter counter;
    counter.feed("Subject: x\r\n\r\n");
    EXPECT_TRUE(counter.header_done());
    counter.feed("Received: x\r\n");
    EXPECT_EQ(counter.count(), 0U);
}

}  // namespace
}  // namespace govmail::smtp::detail
