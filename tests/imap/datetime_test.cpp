#include "imap/datetime.hpp"

#include <gtest/gtest.h>

namespace govmail::imap {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

TEST(Date, Parses) {
    EXPECT_EQ(parse_date("1-Feb-1994").value(), (Date{1994, 2, 1}));
    EXPECT_EQ(parse_date("01-feb-1994").value(), (Date{1994, 2, 1}));
    EXPECT_EQ(parse_date("29-FEB-2024").value(), (Date{2024, 2, 29}));
    EXPECT_EQ(parse_date("31-Dec-2025").value(), (Date{2025, 12, 31}));
}

TEST(Date, Refuses) {
    for (const char* bad :
         {"",
          "1-Feb-94",
          "1-February-1994",
          "123-Feb-1994",
          "29-Feb-2023",
          "31-Apr-2024",
          "0-Jan-2024",
          "1 Feb 1994",
          "1-Feb-1994x",
          "1-Fex-1994",
          "-Feb-1994"}) {
        auto date = parse_date(bad);
        ASSERT_FALSE(date) << bad;
        EXPECT_EQ(date.error(), make_error_code(SyntaxErrc::BadDate));
    }
}

TEST(DateTime, Parses) {
    auto dt = parse_date_time("17-Jul-1996 02:44:25 -0700");
    ASSERT_TRUE(dt);
    EXPECT_EQ(dt->date, (Date{1996, 7, 17}));
    EXPECT_EQ(dt->zone_minutes, -420);
    EXPECT_EQ(dt->to_sys_seconds(), sys_days{1996y / 7 / 17} + 9h + 44min + 25s);
    auto fixed = parse_date_time(" 7-Jul-1996 02:44:25 +0700");
    ASSERT_TRUE(fixed);
    EXPECT_EQ(fixed->to_sys_seconds(), sys_days{1996y / 7 / 6} + 19h + 44min + 25s);
    EXPECT_TRUE(parse_date_time("7-Jul-1996 02:44:25 +0000"));
    EXPECT_TRUE(parse_date_time("31-Dec-2016 23:59:60 +0000"));
}

TEST(DateTime, Refuses) {
    for (const char* bad :
         {"",
          "17-Jul-1996 02:44:25",
          "17-Jul-1996 2:44:25 -0700",
          "17-Jul-1996 24:00:00 +0000",
          "17-Jul-1996 02:60:00 +0000",
          "17-Jul-1996 02:44:25 +2400",
          "17-Jul-1996 02:44:25 +0060",
          "17-Jul-1996 02:44:25 0700",
          "17-Jul-1996  02:44:25 +0700",
          "30-Feb-1996 02:44:25 +0700",
          "17-Jul-1996 02:44:25 +07000"}) {
        auto dt = parse_date_time(bad);
        ASSERT_FALSE(dt) << bad;
        EXPECT_EQ(dt.error(), make_error_code(SyntaxErrc::BadDateTime));
    }
}

TEST(DateTime, Formats) {
    auto t = sys_days{1996y / 7 / 17} + 9h + 44min + 25s;
    EXPECT_EQ(format_date_time(t, -420), "17-Jul-1996 02:44:25 -0700");
    EXPECT_EQ(format_date_time(t, 0), "17-Jul-1996 09:44:25 +0000");
    EXPECT_EQ(format_date_time(sys_days{2024y / 1 / 5} + 20h, 420), " 6-Jan-2024 03:00:00 +0700");
    EXPECT_EQ(format_date_time(sys_days{2024y / 1 / 5}, -150), " 4-Jan-2024 21:30:00 -0230");
}

TEST(DateTime, FormatRoundTrips) {
    auto t = sys_days{2026y / 11 / 21} + 13h + 5min + 9s;
    for (int zone : {-720, -420, 0, 330, 420, 840}) {
        auto parsed = parse_date_time(format_date_time(t, zone));
        ASSERT_TRUE(parsed);
        EXPECT_EQ(parsed->to_sys_seconds(), t);
        EXPECT_EQ(parsed->zone_minutes, zone);
    }
}

}  // namespace
}  // namespace govmail::imap
