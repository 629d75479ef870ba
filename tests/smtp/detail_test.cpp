#include "smtp/detail/received_counter.hpp"

#include <gtest/gtest.h>

namespace govmail::smtp::detail {
namespace {

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
