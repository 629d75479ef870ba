#include "core/log.hpp"

#include "core/config.hpp"

#include <gtest/gtest.h>

namespace govmail::log {
namespace {

TEST(Log, TextLineHasEventAndFields) {
    std::string line = format_line(
        Level::Info, "listening", {{"service", "smtp"}, {"port", 2525}}, LogFormat::Text
    );
    EXPECT_TRUE(line.ends_with(" info listening service=smtp port=2525")) << line;
}

TEST(Log, TextValuesWithSpacesAreQuotedAndEscaped) {
    std::string line = format_line(
        Level::Warn,
        "auth.failed",
        {{"user", "a b"}, {"detail", "say \"hi\"\nnow"}},
        LogFormat::Text
    );
    EXPECT_TRUE(line.ends_with(R"( warn auth.failed user="a b" detail="say \"hi\"\nnow")")) << line;
}

TEST(Log, JsonLineIsOneObject) {
    std::string line =
        format_line(Level::Error, "store.failed", {{"error", "map \"full\""}}, LogFormat::Json);
    EXPECT_TRUE(line.starts_with("{\"ts\":\"")) << line;
    EXPECT_TRUE(line.ends_with(R"("level":"error","event":"store.failed","error":"map \"full\""})"))
        << line;
}

}  // namespace
}  // namespace govmail::log
