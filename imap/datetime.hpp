#pragma once
// IMAP dates (RFC 3501 9 / RFC 9051 9): the calendar dates of SEARCH keys and the date-time of
// APPEND and INTERNALDATE.
//
//     parse_date("1-Feb-1994")                            -> Date{1994, 2, 1}
//     parse_date_time("17-Jul-1996 02:44:25 -0700")       -> 1996-07-17 09:44:25 UTC
//     format_date_time(t, -420)                           == "17-Jul-1996 02:44:25 -0700"
//
// Month names are case-insensitive. A date-time day may be " 7", "07" or (leniently) "7".
// Impossible days ("30-Feb-2024") and out-of-range times or zones are refused.
//
// All functions are pure and thread-safe.

#include "imap/syntax_error.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace govmail::imap {

// A calendar date without time or zone: SEARCH BEFORE/ON/SINCE compare dates in the server's
// zone (RFC 9051 6.4.4), SENTBEFORE/SENTON/SENTSINCE in the Date: header's own zone.
struct Date {
    int year = 1970;
    unsigned month = 1;  // 1..12
    unsigned day = 1;    // 1..31, valid for the month

    std::chrono::sys_days to_sys_days() const;

    friend bool operator==(const Date&, const Date&) = default;
};

struct DateTime {
    Date date;
    unsigned hour = 0;
    unsigned minute = 0;
    unsigned second = 0;
    int zone_minutes = 0;  // east of UTC: "-0700" is -420

    // The instant in UTC.
    std::chrono::sys_seconds to_sys_seconds() const;

    friend bool operator==(const DateTime&, const DateTime&) = default;
};

// date-text: 1*2DIGIT "-" date-month "-" 4DIGIT (without the optional quotes).
boost::system::result<Date> parse_date(std::string_view text) noexcept;

// The inside of a date-time's quotes: date-day-fixed "-" date-month "-" date-year SP time SP zone.
boost::system::result<DateTime> parse_date_time(std::string_view text) noexcept;

// "dd-Mon-yyyy hh:mm:ss +zzzz" for the instant `utc` shown in the zone `zone_minutes` east of UTC
// (INTERNALDATE, RFC 9051 7.5.2). The day is written with a leading space below 10, as
// date-day-fixed requires.
std::string format_date_time(std::chrono::sys_seconds utc, int zone_minutes = 0);

}  // namespace govmail::imap
