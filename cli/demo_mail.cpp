#include "cli/demo_mail.hpp"

#include "cli/context.hpp"
#include "core/text/base64.hpp"
#include "directory/schema.hpp"
#include "mime/analyze.hpp"
#include "store/operations.hpp"

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace govmail::cli {
namespace {

using namespace std::chrono;

constexpr std::string_view kCrlf = "\r\n";

bool is_plain_ascii(std::string_view text) {
    for (char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
            return false;
        }
    }
    return true;
}

// RFC 2047 B-encoded words of at most 75 octets (45 bytes of UTF-8 each), never splitting a
// character, folded onto continuation lines.
std::string encoded_words(std::string_view utf8) {
    if (is_plain_ascii(utf8)) {
        return std::string(utf8);
    }
    constexpr std::size_t kChunk = 45;
    std::string out;
    while (!utf8.empty()) {
        std::size_t take = std::min(kChunk, utf8.size());
        while (take < utf8.size() && (static_cast<unsigned char>(utf8[take]) & 0xC0) == 0x80) {
            --take;  // back off to the start of a character
        }
        if (!out.empty()) {
            out += "\r\n ";
        }
        out += "=?UTF-8?B?" + text::encode_base64(utf8.substr(0, take)) + "?=";
        utf8.remove_prefix(take);
    }
    return out;
}

std::string mailbox(std::string_view name, std::string_view address) {
    return encoded_words(name) + " <" + std::string(address) + ">";
}

// RFC 5322 3.3 date-time in the province's time zone (+0700).
std::string date_time(sys_seconds when) {
    static constexpr std::array<std::string_view, 7> kDays{
        "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<std::string_view, 12> kMonths{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto local = when + hours(7);
    auto day = floor<days>(local);
    year_month_day date{day};
    hh_mm_ss time{local - day};
    char text[64];
    std::snprintf(
        text,
        sizeof text,
        "%s, %u %s %d %02lld:%02lld:%02lld +0700",
        kDays[weekday{day}.c_encoding()].data(),
        static_cast<unsigned>(date.day()),
        kMonths[static_cast<unsigned>(date.month()) - 1].data(),
        static_cast<int>(date.year()),
        static_cast<long long>(time.hours().count()),
        static_cast<long long>(time.minutes().count()),
        static_cast<long long>(time.seconds().count())
    );
    return text;
}

struct Person {
    std::string name;
    std::string address;
};

struct Attachment {
    std::string filename;  // ASCII
    std::string content_type;
    std::string bytes;
};

struct DemoMessage {
    Person from;
    std::vector<Person> to;
    std::vector<Person> cc;
    std::string subject;
    std::string body;  // UTF-8, lines joined with \n
    hours age;         // how long before the seeding it was sent
    std::string message_id;
    std::string in_reply_to;
    std::vector<Attachment> attachments;
    bool read = false;  // the recipients have read it already
};

std::string body_lines(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') {
            out += kCrlf;
        } else {
            out += c;
        }
    }
    if (!out.ends_with(kCrlf)) {
        out += kCrlf;
    }
    return out;
}

std::string base64_lines(std::string_view bytes) {
    std::string encoded = text::encode_base64(bytes);
    std::string out;
    for (std::size_t i = 0; i < encoded.size(); i += 76) {
        out += encoded.substr(i, 76);
        out += kCrlf;
    }
    return out;
}

std::string address_list(const std::vector<Person>& people) {
    std::string out;
    for (const Person& p : people) {
        if (!out.empty()) {
            out += ",\r\n ";
        }
        out += mailbox(p.name, p.address);
    }
    return out;
}

std::string render(const DemoMessage& m, sys_seconds sent) {
    std::string raw;
    auto header = [&](std::string_view name, std::string_view value) {
        raw += name;
        raw += ": ";
        raw += value;
        raw += kCrlf;
    };
    header("Message-ID", m.message_id);
    header("Date", date_time(sent));
    header("From", mailbox(m.from.name, m.from.address));
    header("To", address_list(m.to));
    if (!m.cc.empty()) {
        header("Cc", address_list(m.cc));
    }
    header("Subject", encoded_words(m.subject));
    if (!m.in_reply_to.empty()) {
        header("In-Reply-To", m.in_reply_to);
        header("References", m.in_reply_to);
    }
    header("MIME-Version", "1.0");
    const std::string text_headers =
        "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
        "Content-Transfer-Encoding: 8bit\r\n";
    if (m.attachments.empty()) {
        raw += text_headers;
        raw += kCrlf;
        raw += body_lines(m.body);
        return raw;
    }
    const std::string boundary =
        "=_govmail_demo_" + std::to_string(sent.time_since_epoch().count());
    header("Content-Type", "multipart/mixed; boundary=\"" + boundary + "\"");
    raw += kCrlf;
    raw += "--" + boundary + "\r\n" + text_headers + "\r\n" + body_lines(m.body);
    for (const Attachment& a : m.attachments) {
        raw += "--" + boundary + "\r\n";
        raw += "Content-Type: " + a.content_type + "; name=\"" + a.filename + "\"\r\n";
        raw += "Content-Disposition: attachment; filename=\"" + a.filename + "\"\r\n";
        raw += "Content-Transfer-Encoding: base64\r\n\r\n";
        raw += base64_lines(a.bytes);
    }
    raw += "--" + boundary + "--\r\n";
    return raw;
}

std::vector<DemoMessage> demo_messages(
    const std::map<std::string, Person>& by_employee_id, const std::string& domain
) {
    const Person& director = by_employee_id.at("DEMO-001");
    const Person& clerk = by_employee_id.at("DEMO-002");
    const Person& officer = by_employee_id.at("DEMO-003");
    const Person& office = by_employee_id.at("DEMO-004");
    const Person ministry{"Văn thư Bộ Thông tin và Truyền thông", "vanthu@mic.gov.vn"};
    auto id = [&](std::string_view local) { return "<" + std::string(local) + "@" + domain + ">"; };

    std::vector<DemoMessage> out;
    out.push_back(
        {.from = ministry,
         .to = {clerk},
         .subject = "Hướng dẫn bảo đảm an toàn thông tin khi sử dụng thư điện tử công vụ",
         .body = "Kính gửi Sở Thông tin và Truyền thông,\n\n"
                 "Bộ Thông tin và Truyền thông hướng dẫn các cơ quan, đơn vị:\n"
                 "1. Chỉ sử dụng hộp thư công vụ để trao đổi văn bản điện tử;\n"
                 "2. Không chuyển tiếp tự động thư công vụ ra hộp thư ngoài;\n"
                 "3. Đổi mật khẩu định kỳ ít nhất 6 tháng một lần.\n\n"
                 "Trân trọng.\nVăn thư Bộ",
         .age = hours(72),
         .message_id = "<huong-dan-attt.2026@mic.gov.vn>",
         .read = true}
    );
    out.push_back(
        {.from = office,
         .to = {director, clerk, officer},
         .subject = "Giấy mời họp giao ban chuyển đổi số tháng 11",
         .body = "Kính gửi các đồng chí,\n\n"
                 "Văn phòng UBND tỉnh trân trọng kính mời dự họp giao ban chuyển đổi số tháng 11.\n"
                 "Thời gian: 8 giờ 00, thứ Hai tuần tới.\n"
                 "Địa điểm: Phòng họp số 2, trụ sở UBND tỉnh.\n\n"
                 "Đề nghị các đơn vị chuẩn bị báo cáo tình hình sử dụng thư điện tử công vụ.\n\n"
                 "Trân trọng.\n" +
                 office.name + "\nPhó Chánh Văn phòng",
         .age = hours(50),
         .message_id = id("giay-moi-giao-ban.demo"),
         .read = true}
    );
    out.push_back(
        {.from = director,
         .to = {officer},
         .cc = {clerk},
         .subject = "Báo cáo tình hình sử dụng thư điện tử công vụ tháng 11",
         .body = "Anh Hùng,\n\n"
                 "Gửi anh số liệu thống kê sử dụng thư điện tử công vụ của các đơn vị (tệp đính "
                 "kèm).\nĐề nghị anh tổng hợp, rà soát các đơn vị có tỷ lệ sử dụng thấp và dự thảo "
                 "báo cáo trước ngày họp giao ban.\n\nThanh",
         .age = hours(26),
         .message_id = id("bao-cao-thang-11.demo"),
         .attachments =
             {{.filename = "thong-ke-thang-11.csv",
               .content_type = "text/csv; charset=UTF-8",
               .bytes = "Đơn vị,Số hộp thư,Đang sử dụng,Tỷ lệ\r\n"
                        "Sở Thông tin và Truyền thông,42,40,95%\r\n"
                        "Văn phòng UBND tỉnh,65,51,78%\r\n"
                        "Sở Nội vụ,38,17,45%\r\n"
                        "UBND huyện Đông Sơn,120,36,30%\r\n"}}}
    );
    out.push_back(
        {.from = officer,
         .to = {director},
         .subject = "Re: Báo cáo tình hình sử dụng thư điện tử công vụ tháng 11",
         .body = "Kính gửi anh Thanh,\n\n"
                 "Em đã nhận số liệu. Em sẽ làm việc với Sở Nội vụ và UBND huyện Đông Sơn về tỷ lệ "
                 "sử dụng thấp, dự thảo báo cáo gửi anh trước thứ Sáu.\n\nHùng",
         .age = hours(20),
         .message_id = id("re-bao-cao-thang-11.demo"),
         .in_reply_to = id("bao-cao-thang-11.demo")}
    );
    out.push_back(
        {.from = clerk,
         .to = {director},
         .subject = "Công văn đến số 1234/UBND-VP: triển khai chữ ký số trên văn bản điện tử",
         .body = "Kính gửi Giám đốc,\n\n"
                 "Văn thư xin chuyển anh công văn số 1234/UBND-VP của UBND tỉnh về việc triển khai "
                 "chữ ký số trên văn bản điện tử. Thời hạn báo cáo: cuối tháng.\n\n"
                 "Trần Thị Thu Hà\nVăn thư",
         .age = hours(5),
         .message_id = id("cong-van-1234.demo")}
    );
    out.push_back(
        {.from = office,
         .to = {officer},
         .subject = "Lịch công tác tuần 48 của Lãnh đạo UBND tỉnh",
         .body = "Kính gửi anh Hùng,\n\n"
                 "Văn phòng gửi lịch công tác tuần 48. Thứ Tư: làm việc với Sở Thông tin và "
                 "Truyền thông về quyết định giao chỉ tiêu chuyển đổi số.\n\n" +
                 office.name,
         .age = hours(2),
         .message_id = id("lich-cong-tac-tuan-48.demo")}
    );
    return out;
}

}  // namespace

std::size_t deliver_demo_mail(
    directory::Context& directory,
    std::span<const directory::DemoLogin> logins,
    system_clock::time_point now
) {
    store::MailStore& mail = directory.mail_store;
    std::map<std::string, Person> by_employee_id;
    std::map<std::string, std::pair<store::MailboxId, store::MailboxId>> boxes;  // INBOX, Sent
    for (const directory::DemoLogin& login : logins) {
        by_employee_id[login.employee_id] = {login.full_name, login.address};
        auto account = directory.read([&](const directory::View& v) {
            return v.account_by_address(login.address);
        });
        if (!account) {
            throw CommandError("demo login " + login.address + " has no account");
        }
        auto found = mail.read([&](const store::StoreReader& r) {
            return std::pair(
                r.find_mailbox(account->id, "INBOX"), r.find_mailbox(account->id, "Sent")
            );
        });
        if (!found || !found->first || !found->second) {
            throw CommandError("demo login " + login.address + " has no INBOX or Sent mailbox");
        }
        boxes[login.address] = {*found->first, *found->second};
    }

    auto messages = demo_messages(by_employee_id, directory.settings.primary_domain());
    auto sent_now = floor<seconds>(now);
    auto delivered = directory.writer.execute([&](store::WriteScope& scope) {
        store::StoreWriter writer(scope, mail.schema(), mail.settings());
        for (const DemoMessage& m : messages) {
            sys_seconds sent = sent_now - m.age;
            std::string raw = render(m, sent);
            std::string info = mime::analyze(raw).serialize();
            store::PreparedMessage prepared(std::move(raw), std::move(info));
            std::vector<store::DeliveryTarget> targets;
            for (const auto* list : {&m.to, &m.cc}) {
                for (const Person& p : *list) {
                    targets.push_back(
                        {.mailbox = boxes.at(p.address).first,
                         .flags = m.read ? store::kSeen : store::SystemFlags{0}}
                    );
                }
            }
            if (auto sender = boxes.find(m.from.address); sender != boxes.end()) {
                targets.push_back({.mailbox = sender->second.second, .flags = store::kSeen});
            }
            for (const auto& result : writer.deliver(prepared, targets, sent)) {
                if (!result) {  // rolls the whole demo mail back
                    throw store::StoreException(
                        static_cast<store::Errc>(result.error().value()), m.subject
                    );
                }
            }
        }
        return messages.size();
    });
    if (!delivered) {
        throw CommandError("the demo mail was not stored: " + delivered.error().message());
    }
    return *delivered;
}

}  // namespace govmail::cli
