// SORT and UID SORT (RFC 5256 3, with DISPLAYFROM/DISPLAYTO of RFC 5957).
//
// SUBJECT and the display-name keys sort with the Vietnamese collation (text::collation_key, so
// "Đức" comes after "Dũng" and tone marks are a secondary difference), which is what staff expect
// of a list of Vietnamese names and subjects; address keys (FROM, TO, CC: the mailbox part of
// the first address, RFC 5256 3) compare case-insensitively as ASCII. Ties keep sequence order.

#include "core/text/text.hpp"
#include "imap/detail/chars.hpp"
#include "imap/detail/session_state.hpp"
#include "mime/message_info.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <variant>

namespace govmail::imap {
namespace {

constexpr std::size_t kSortBatch = 500;

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

bool iprefix(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (detail::to_upper(text[i]) != prefix[i]) {
            return false;
        }
    }
    return true;
}

// RFC 5256 2.1: the base subject, without "Re:", "Fwd:", "[list]" leaders and "(fwd)" trailers.
std::string base_subject(std::string_view subject) {
    std::string s;
    for (char c : subject) {  // collapse whitespace
        bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        if (space) {
            if (!s.empty() && s.back() != ' ') {
                s.push_back(' ');
            }
        } else {
            s.push_back(c);
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        while (!s.empty() && s.back() == ' ') {
            s.pop_back();
        }
        if (s.size() >= 5 && iprefix(std::string_view(s).substr(s.size() - 5), "(FWD)")) {
            s.resize(s.size() - 5);
            changed = true;
            continue;
        }
        std::string_view v = s;
        std::size_t i = 0;
        while (i < v.size() && v[i] == ' ') {
            ++i;
        }
        // subj-leader: *subj-blob ("re" / "fw" / "fwd") *WSP [subj-blob] ":"
        std::size_t j = i;
        while (j < v.size() && v[j] == '[') {
            std::size_t close = v.find(']', j);
            if (close == std::string_view::npos) {
                break;
            }
            j = close + 1;
            while (j < v.size() && v[j] == ' ') {
                ++j;
            }
        }
        std::string_view rest = v.substr(j);
        std::size_t word = iprefix(rest, "RE")    ? 2
                           : iprefix(rest, "FWD") ? 3
                           : iprefix(rest, "FW")  ? 2
                                                  : 0;
        if (word != 0) {
            std::size_t k = j + word;
            while (k < v.size() && v[k] == ' ') {
                ++k;
            }
            if (k < v.size() && v[k] == '[') {
                std::size_t close = v.find(']', k);
                k = close == std::string_view::npos ? k : close + 1;
            }
            if (k < v.size() && v[k] == ':') {
                s.erase(0, k + 1);
                changed = true;
                continue;
            }
        }
        // A leading blob alone goes too, when something is left after it.
        if (i < v.size() && v[i] == '[') {
            std::size_t close = v.find(']', i);
            if (close != std::string_view::npos && close + 1 < v.size()) {
                std::string after(v.substr(close + 1));
                if (after.find_first_not_of(' ') != std::string::npos) {
                    s = after;
                    changed = true;
                    continue;
                }
            }
        }
        // "[fwd: ... ]"
        if (iprefix(v.substr(i), "[FWD:") && !v.empty() && v.back() == ']') {
            s = std::string(v.substr(i + 5, v.size() - i - 6));
            changed = true;
        }
    }
    std::size_t start = s.find_first_not_of(' ');
    return start == std::string::npos ? std::string() : s.substr(start);
}

std::string first_mailbox(const std::vector<mime::Address>& addresses) {
    if (addresses.empty()) {
        return {};
    }
    std::string_view address = addresses.front().address;
    return lower_ascii(address.substr(0, address.find('@')));
}

// RFC 5957 3: the display name, or the address when there is none.
std::string first_display(const std::vector<mime::Address>& addresses) {
    if (addresses.empty()) {
        return {};
    }
    const mime::Address& a = addresses.front();
    return text::collation_key(a.name.empty() ? a.address : a.name);
}

using SortValue = std::variant<std::int64_t, std::string>;

struct Row {
    std::uint32_t seq = 0;
    store::Uid uid = 0;
    std::vector<SortValue> values;
};

SortValue sort_value(
    SortKey key, const store::MessageRecord& record, const mime::MessageInfo& info
) {
    const std::int64_t arrival = record.internal_date.time_since_epoch().count();
    switch (key) {
        case SortKey::Arrival:
            return arrival;
        case SortKey::Date:
            // RFC 5256 3: the Date header, else the internal date.
            return info.date != 0 ? info.date : arrival;
        case SortKey::Size:
            return static_cast<std::int64_t>(record.size);
        case SortKey::Subject:
            return text::collation_key(base_subject(info.subject));
        case SortKey::From:
            return first_mailbox(info.from);
        case SortKey::To:
            return first_mailbox(info.to);
        case SortKey::Cc:
            return first_mailbox(info.cc);
        case SortKey::DisplayFrom:
            return first_display(info.from);
        case SortKey::DisplayTo:
            return first_display(info.to);
    }
    return arrival;
}

}  // namespace

asio::awaitable<void> Session::cmd_sort(TaggedCommand& command) {
    auto& sort = std::get<Sort>(command.command);
    auto found = co_await run_search(sort.key, sort.charset);
    std::vector<Row> rows;
    rows.reserve(found.size());
    for (std::size_t start = 0; start < found.size(); start += kSortBatch) {
        const std::size_t end = std::min(found.size(), start + kSortBatch);
        auto batch = services_.store.read([&](const store::StoreReader& r) {
            std::vector<Row> made;
            for (std::size_t i = start; i < end; ++i) {
                const auto& [seq, record] = found[i];
                mime::MessageInfo info;
                if (auto bytes = r.message_info(record.blob)) {
                    if (auto parsed = mime::MessageInfo::deserialize(bytes->view())) {
                        info = std::move(*parsed);
                    }
                }
                Row row{seq, record.uid, {}};
                for (const SortCriterion& criterion : sort.criteria) {
                    row.values.push_back(sort_value(criterion.key, record, info));
                }
                made.push_back(std::move(row));
            }
            return made;
        });
        if (!batch) {
            throw failure(batch.error(), Operation::Message);
        }
        std::move(batch->begin(), batch->end(), std::back_inserter(rows));
        if (end < found.size()) {
            co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
        }
    }
    std::ranges::stable_sort(rows, [&](const Row& a, const Row& b) {
        for (std::size_t i = 0; i < sort.criteria.size(); ++i) {
            if (a.values[i] == b.values[i]) {
                continue;
            }
            bool less = a.values[i] < b.values[i];
            return sort.criteria[i].reverse ? !less : less;
        }
        return a.seq < b.seq;  // RFC 5256 3: ties in sequence order
    });
    Response response = untagged().atom("SORT");
    for (const Row& row : rows) {
        response.number(sort.uid ? row.uid : row.seq);
    }
    response.end();
}

}  // namespace govmail::imap
