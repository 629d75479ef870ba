#include "imap/datetime.hpp"

#include <array>
#include <cstdio>

namespace govmail::imap {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Reads exactly `count` digits at `pos`.
bool digits(std::string_view text, std::size_t& pos, std::size_t count, unsigned& value) {
    if (text.size() - pos < count) {
        return false;
    }
    value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        char c = text[pos + i];
        if (!is_digit(c)) {
            return false;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    pos += count;
    return true;
}

bool take(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

// "-Mon-yyyy" after the day, into `date` (validated).
bool month_year(std::string_view text, std::size_t& pos, Date& date) {
    if (!take(text, pos, '-') || text.size() - pos < 3) {
        return false;
    }
    std::string_view name = text.substr(pos, 3);
    date.month = 0;
    for (std::size_t m = 0; m < kMonths.size(); ++m) {
        if (lower(name[0]) == lower(kMonths[m][0]) && lower(name[1]) == lower(kMonths[m][1]) &&
            lower(name[2]) == lower(kMonths[m][2])) {
            date.month = static_cast<unsigned>(m + 1);
        }
    }
    pos += 3;
    unsigned year = 0;
    if (date.month == 0 || !take(text, pos, '-') || !digits(text, pos, 4, year)) {
        return false;
    }
    date.year = static_cast<int>(year);
    std::chrono::year_month_day ymd{
        std::chrono::year{date.year}, std::chrono::month{date.month}, std::chrono::day{date.day}};
    return ymd.ok();
}

}  // namespace

std::chrono::sys_days Date::to_sys_days() const {
    return std::chrono::sys_days{std::chrono::year_month_day{
        std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}}};
}

std::chrono::sys_seconds DateTime::to_sys_seconds() const {
    return std::chrono::sys_seconds{date.to_sys_days()} + std::chrono::hours{hour} +
           std::chrono::minutes{minute} + std::chrono::seconds{second} -
           std::chrono::minutes{zone_minutes};
}

boost::system::result<Date> parse_date(std::string_view text) noexcept {
    // RFC 9051 9: date-day = 1*2DIGIT.
    std::size_t pos = 0;
    unsigned day = 0;
    if (!digits(text, pos, 1, day)) {
        return SyntaxErrc::BadDate;
    }
    unsigned second_digit = 0;
    if (digits(text, pos, 1, second_digit)) {
        day = day * 10 + second_digit;
    }
    Date date;
    date.day = day;
    if (!month_year(text, pos, date) || pos != text.size()) {
        return SyntaxErrc::BadDate;
    }
    return date;
}

boost::system::result<DateTime> parse_date_time(std::string_view text) noexcept {
    // RFC 9051 9: date-day-fixed = (SP DIGIT) / 2DIGIT; a lone digit is accepted too because
    // some clients write it.
    std::size_t pos = 0;
    take(text, pos, ' ');
    unsigned day = 0;
    if (!digits(text, pos, 1, day)) {
        return SyntaxErrc::BadDateTime;
    }
    unsigned second_digit = 0;
    if (digits(text, pos, 1, second_digit)) {
        day = day * 10 + second_digit;
    }
    DateTime dt;
    dt.date.day = day;
    unsigned zone = 0;
    if (!month_year(text, pos, dt.date) || !take(text, pos, ' ') ||
        !digits(text, pos, 2, dt.hour) || !take(text, pos, ':') ||
        !digits(text, pos, 2, dt.minute) || !take(text, pos, ':') ||
        !digits(text, pos, 2, dt.second) || !take(text, pos, ' ') || pos >= text.size()) {
        return SyntaxErrc::BadDateTime;
    }
    char sign = text[pos++];
    if ((sign != '+' && sign != '-') || !digits(text, pos, 4, zone) || pos != text.size()) {
        return SyntaxErrc::BadDateTime;
    }
    // A leap second (":60") is valid in RFC 5322 dates, which INTERNALDATE may copy.
    if (dt.hour > 23 || dt.minute > 59 || dt.second > 60 || zone / 100 > 23 || zone % 100 > 59) {
        return SyntaxErrc::BadDateTime;
    }
    int minutes = static_cast<int>(zone / 100 * 60 + zone % 100);
    dt.zone_minutes = sign == '-' ? -minutes : minutes;
    return dt;
}

std::string format_date_time(std::chrono::sys_seconds utc, int zone_minutes) {
    auto local = utc + std::chrono::minutes{zone_minutes};
    auto days = std::chrono::floor<std::chrono::days>(local);
    std::chrono::year_month_day ymd{days};
    std::chrono::hh_mm_ss<std::chrono::seconds> time{local - days};
    int zone = zone_minutes < 0 ? -zone_minutes : zone_minutes;
    std::array<char, 40> buffer{};
    int n = std::snprintf(
        buffer.data(),
        buffer.size(),
        "%2u-%.3s-%04d %02d:%02d:%02d %c%02d%02d",
        static_cast<unsigned>(ymd.day()),
        kMonths[static_cast<unsigned>(ymd.month()) - 1].data(),
        static_cast<int>(ymd.year()),
        static_cast<int>(time.hours().count()),
        static_cast<int>(time.minutes().count()),
        static_cast<int>(time.seconds().count()),
        zone_minutes < 0 ? '-' : '+',
        zone / 60,
        zone % 60
    );
    return {buffer.data(), static_cast<std::size_t>(n)};
}

}  // namespace govmail::imap
