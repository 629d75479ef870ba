// SEARCH and UID SEARCH (RFC 9051 6.4.4, RFC 3501 6.4.4) with ESEARCH (RFC 4731), SEARCHRES
// (RFC 5182) and MODSEQ (RFC 7162 3.1.5).
//
// Text keys compare in Unicode, case- and diacritic-insensitively: both the key and the message
// text go through text::fold(), so "quyet dinh" finds "Quyết Định". Header keys (FROM, SUBJECT,
// HEADER ...) match the decoded header values (RFC 2047) that the store kept at delivery; BODY and
// TEXT decode the text parts of the message (mime::extract_text), the only place a message is
// read again after delivery. Flag, size, date and set keys need only the message record.
//
// The mailbox is searched in batches, each in one read transaction, with a yield to the I/O
// thread between batches so that a long search does not hold up other connections.

#include "core/text/text.hpp"
#include "imap/detail/chars.hpp"
#include "imap/detail/session_state.hpp"
#include "mime/content.hpp"
#include "mime/decode.hpp"
#include "mime/message_info.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>

namespace govmail::imap {
namespace {

// Messages per read transaction.
constexpr std::size_t kSearchBatch = 500;

// A SEARCH key made ready to test: needles folded, sets resolved, keywords found in the table.
struct Compiled {
    SearchOp op = SearchOp::All;
    std::string needle;  // folded text
    std::string field;   // HEADER field name
    NumberSet set;       // Uid, SequenceSet: resolved; `by_uid` says which numbers it holds
    bool by_uid = false;
    int keyword = -1;  // bit of KEYWORD / UNKEYWORD; -1: not in the table
    std::chrono::sys_days date{};
    std::uint64_t number = 0;
    std::vector<Compiled> children;
};

struct CompileContext {
    std::uint32_t messages = 0;
    store::Uid max_uid = 0;
    const NumberSet* saved = nullptr;
    const std::vector<std::string>* keywords = nullptr;
};

Compiled compile(const SearchKey& key, const CompileContext& context) {
    Compiled c;
    c.op = key.op;
    c.number = key.number;
    switch (key.op) {
        case SearchOp::Bcc:
        case SearchOp::Body:
        case SearchOp::Cc:
        case SearchOp::From:
        case SearchOp::Subject:
        case SearchOp::Text:
        case SearchOp::To:
            c.needle = text::fold(key.text);
            break;
        case SearchOp::Header:
            c.field = key.text;
            c.needle = text::fold(key.value);
            break;
        case SearchOp::Keyword:
        case SearchOp::Unkeyword:
            for (std::size_t i = 0; i < context.keywords->size(); ++i) {
                if (store::same_keyword((*context.keywords)[i], key.text)) {
                    c.keyword = static_cast<int>(i);
                }
            }
            break;
        case SearchOp::Before:
        case SearchOp::On:
        case SearchOp::Since:
        case SearchOp::SentBefore:
        case SearchOp::SentOn:
        case SearchOp::SentSince:
            c.date = key.date.to_sys_days();
            break;
        case SearchOp::Uid:
        case SearchOp::SequenceSet:
            if (key.set.is_saved()) {
                // RFC 5182 2.1: "$" is the saved set of messages, wherever it appears.
                c.set = *context.saved;
                c.by_uid = true;
            } else if (key.op == SearchOp::Uid) {
                c.set = key.set.resolve_uids(context.max_uid);
                c.by_uid = true;
            } else {
                c.set = key.set.resolve(context.messages);
            }
            break;
        default:
            break;
    }
    for (const SearchKey& child : key.children) {
        c.children.push_back(compile(child, context));
    }
    return c;
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

std::string address_text(const std::vector<mime::Address>& addresses) {
    std::string text;
    for (const mime::Address& a : addresses) {
        text += a.name + " <" + a.address + ">, ";
    }
    return text;
}

// The zone of an RFC 5322 date ("... +0700") in minutes east of UTC; 0 when absent.
int date_zone(std::string_view raw) {
    for (std::size_t i = raw.size(); i-- > 0;) {
        if ((raw[i] == '+' || raw[i] == '-') && i + 5 <= raw.size() &&
            std::all_of(
                raw.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                raw.begin() + static_cast<std::ptrdiff_t>(i) + 5,
                detail::is_digit
            )) {
            int hours = (raw[i + 1] - '0') * 10 + (raw[i + 2] - '0');
            int minutes = (raw[i + 3] - '0') * 10 + (raw[i + 4] - '0');
            return (raw[i] == '-' ? -1 : 1) * (hours * 60 + minutes);
        }
    }
    return 0;
}

// One message being tested, reading what a key needs once, when first needed.
class Candidate {
public:
    Candidate(
        const store::StoreReader& reader,
        const store::MessageRecord& record,
        std::uint32_t seq,
        bool recent
    )
        : reader_(reader)
        , record_(record)
        , seq_(seq)
        , recent_(recent) {}

    const store::MessageRecord& record() const { return record_; }

    std::uint32_t seq() const { return seq_; }

    bool recent() const { return recent_; }

    const mime::MessageInfo& info() {
        if (!info_) {
            auto bytes = reader_.message_info(record_.blob);
            if (bytes) {
                info_ = mime::MessageInfo::deserialize(bytes->view());
            }
            if (!info_) {
                info_ = mime::MessageInfo{};
            }
        }
        return *info_;
    }

    const std::string& raw() {
        if (!raw_) {
            auto blob = reader_.blob(record_.blob);
            raw_ = blob ? blob->copy() : std::string();
        }
        return *raw_;
    }

    const std::string& folded(SearchOp op) {
        std::optional<std::string>& slot = folded_[static_cast<std::size_t>(op) % kSlots];
        if (!slot) {
            const mime::MessageInfo& i = info();
            switch (op) {
                case SearchOp::Bcc:
                    slot = text::fold(address_text(i.bcc));
                    break;
                case SearchOp::Cc:
                    slot = text::fold(address_text(i.cc));
                    break;
                case SearchOp::From:
                    slot = text::fold(address_text(i.from));
                    break;
                case SearchOp::To:
                    slot = text::fold(address_text(i.to));
                    break;
                case SearchOp::Subject:
                    slot = text::fold(i.subject);
                    break;
                case SearchOp::Body:
                    slot = text::fold(mime::extract_text(raw(), i));
                    break;
                default:  // Text: the header as stored, decoded fields, the body text
                    slot = text::fold(i.header.slice(raw())) + "\n" +
                           text::fold(
                               i.subject + "\n" + address_text(i.from) + address_text(i.to) +
                               address_text(i.cc)
                           ) +
                           "\n" + folded(SearchOp::Body);
                    break;
            }
        }
        return *slot;
    }

    // RFC 9051 6.4.4 HEADER: the field exists and its decoded value contains the needle.
    bool header(const std::string& field, std::string_view needle) {
        std::string_view names[] = {field};
        std::string fields =
            mime::header_fields(info().header.slice(raw()), names, mime::FieldSelect::Only);
        std::size_t pos = 0;
        while (pos < fields.size()) {
            // One field: up to a line break not followed by a fold.
            std::size_t end = pos;
            for (;;) {
                std::size_t lf = fields.find('\n', end);
                if (lf == std::string::npos) {
                    end = fields.size();
                    break;
                }
                end = lf + 1;
                if (end >= fields.size() || (fields[end] != ' ' && fields[end] != '\t')) {
                    break;
                }
            }
            std::string_view line(fields.data() + pos, end - pos);
            std::size_t colon = line.find(':');
            if (colon != std::string_view::npos) {
                if (needle.empty() ||
                    contains(text::fold(mime::decode_header(line.substr(colon + 1))), needle)) {
                    return true;
                }
            }
            pos = end;
        }
        return false;
    }

private:
    static constexpr std::size_t kSlots = 64;

    const store::StoreReader& reader_;
    const store::MessageRecord& record_;
    std::uint32_t seq_;
    bool recent_;
    std::optional<mime::MessageInfo> info_;
    std::optional<std::string> raw_;
    std::array<std::optional<std::string>, kSlots> folded_;
};

std::chrono::sys_days internal_day(const store::MessageRecord& record) {
    // RFC 9051 6.4.4: dates in the server's zone; govmail keeps the server in UTC.
    return std::chrono::floor<std::chrono::days>(record.internal_date);
}

std::chrono::sys_days sent_day(Candidate& m) {
    const mime::MessageInfo& info = m.info();
    if (info.date == 0) {
        return internal_day(m.record());
    }
    // RFC 9051 6.4.4 SENT*: the Date header's own day, "disregarding time and timezone".
    std::int64_t local = info.date + std::int64_t{date_zone(info.date_raw)} * 60;
    return std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(std::chrono::seconds(local
    )));
}

bool matches(const Compiled& key, Candidate& m) {
    const store::MessageRecord& r = m.record();
    switch (key.op) {
        case SearchOp::And:
            return std::ranges::all_of(key.children, [&](const Compiled& c) {
                return matches(c, m);
            });
        case SearchOp::Or:
            return std::ranges::any_of(key.children, [&](const Compiled& c) {
                return matches(c, m);
            });
        case SearchOp::Not:
            return !matches(key.children.front(), m);
        case SearchOp::All:
            return true;
        case SearchOp::Answered:
            return (r.flags & store::kAnswered) != 0;
        case SearchOp::Deleted:
            return (r.flags & store::kDeleted) != 0;
        case SearchOp::Draft:
            return (r.flags & store::kDraft) != 0;
        case SearchOp::Flagged:
            return (r.flags & store::kFlagged) != 0;
        case SearchOp::Seen:
            return (r.flags & store::kSeen) != 0;
        case SearchOp::Unanswered:
            return (r.flags & store::kAnswered) == 0;
        case SearchOp::Undeleted:
            return (r.flags & store::kDeleted) == 0;
        case SearchOp::Undraft:
            return (r.flags & store::kDraft) == 0;
        case SearchOp::Unflagged:
            return (r.flags & store::kFlagged) == 0;
        case SearchOp::Unseen:
            return (r.flags & store::kSeen) == 0;
        case SearchOp::New:
            return m.recent() && (r.flags & store::kSeen) == 0;
        case SearchOp::Old:
            return !m.recent();
        case SearchOp::Recent:
            return m.recent();
        case SearchOp::Keyword:
            return key.keyword >= 0 && (r.keywords & (store::KeywordBits{1} << key.keyword)) != 0;
        case SearchOp::Unkeyword:
            return key.keyword < 0 || (r.keywords & (store::KeywordBits{1} << key.keyword)) == 0;
        case SearchOp::Bcc:
        case SearchOp::Body:
        case SearchOp::Cc:
        case SearchOp::From:
        case SearchOp::Subject:
        case SearchOp::Text:
        case SearchOp::To:
            return contains(m.folded(key.op), key.needle);
        case SearchOp::Header:
            return m.header(key.field, key.needle);
        case SearchOp::Before:
            return internal_day(r) < key.date;
        case SearchOp::On:
            return internal_day(r) == key.date;
        case SearchOp::Since:
            return internal_day(r) >= key.date;
        case SearchOp::SentBefore:
            return sent_day(m) < key.date;
        case SearchOp::SentOn:
            return sent_day(m) == key.date;
        case SearchOp::SentSince:
            return sent_day(m) >= key.date;
        case SearchOp::Larger:
            return r.size > key.number;
        case SearchOp::Smaller:
            return r.size < key.number;
        case SearchOp::Uid:
        case SearchOp::SequenceSet:
            return key.set.contains(key.by_uid ? r.uid : m.seq());
        case SearchOp::ModSeq:
            return r.modseq >= key.number;
    }
    return false;
}

bool has_modseq_key(const SearchKey& key) {
    return key.op == SearchOp::ModSeq || std::ranges::any_of(key.children, has_modseq_key);
}

}  // namespace

asio::awaitable<std::vector<std::pair<std::uint32_t, store::MessageRecord>>> Session::run_search(
    const SearchKey& key, const std::optional<std::string>& charset
) {
    // RFC 9051 6.4.4: an unsupported charset is NO [BADCHARSET (supported ones)].
    if (charset && *charset != "UTF-8" && *charset != "US-ASCII") {
        throw no("BADCHARSET (US-ASCII UTF-8)", "Unsupported charset " + *charset);
    }
    if (has_modseq_key(key)) {
        enable_condstore();
    }
    const store::MailboxId mailbox = selected().id;
    auto keywords = services_.store.read([&](const store::StoreReader& r) {
        auto record = r.mailbox(mailbox);
        return record ? std::move(record->keywords) : std::vector<std::string>{};
    });
    if (!keywords) {
        throw failure(keywords.error(), Operation::Message);
    }
    CompileContext context{
        .messages = selected().map.size(),
        .max_uid = selected().map.empty() ? selected().uidnext : selected().map.max_uid(),
        .saved = &selected().saved,
        .keywords = &*keywords,
    };
    const Compiled compiled = compile(key, context);

    std::vector<std::pair<std::uint32_t, store::Uid>> all;
    const store::UidRange everything{1, store::kMaxUid};
    selected().map.for_each(std::span(&everything, 1), [&all](std::uint32_t seq, store::Uid uid) {
        all.emplace_back(seq, uid);
    });
    std::vector<std::pair<std::uint32_t, store::MessageRecord>> found;
    for (std::size_t start = 0; start < all.size(); start += kSearchBatch) {
        const std::size_t end = std::min(all.size(), start + kSearchBatch);
        std::vector<store::UidRange> ranges = {{all[start].second, all[end - 1].second}};
        auto batch = services_.store.read([&](const store::StoreReader& r) {
            std::vector<std::pair<std::uint32_t, store::MessageRecord>> hits;
            std::size_t next = start;
            for (const store::MessageRecord& record : r.messages(mailbox, ranges)) {
                while (next < end && all[next].second < record.uid) {
                    ++next;
                }
                if (next == end || all[next].second != record.uid) {
                    continue;  // arrived after the client was told about the messages
                }
                Candidate candidate(r, record, all[next].first, is_recent(record.uid));
                if (matches(compiled, candidate)) {
                    hits.emplace_back(all[next].first, record);
                }
            }
            return hits;
        });
        if (!batch) {
            throw failure(batch.error(), Operation::Message);
        }
        found.insert(found.end(), batch->begin(), batch->end());
        if (end < all.size()) {
            co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
        }
    }
    co_return found;
}

asio::awaitable<void> Session::cmd_search(TaggedCommand& command) {
    auto& search = std::get<Search>(command.command);
    auto found = co_await run_search(search.key, search.charset);
    std::vector<std::uint32_t> numbers;
    std::vector<store::Uid> uids;
    store::ModSeq highest = 0;
    for (const auto& match : found) {
        numbers.push_back(search.uid ? match.second.uid : match.first);
        uids.push_back(match.second.uid);
        highest = std::max(highest, match.second.modseq);
    }
    // RFC 7162 3.1.5: with a MODSEQ key, the highest MODSEQ of the messages found.
    const bool report_modseq = has_modseq_key(search.key) && !numbers.empty();

    std::optional<SearchReturn> ret = search.ret;
    if (!ret && rev2_) {
        ret = SearchReturn{.all = true};  // RFC 9051 6.4.4: IMAP4rev2 answers with ESEARCH
    }
    if (ret && !ret->min && !ret->max && !ret->all && !ret->count && !ret->save) {
        ret->all = true;  // RFC 4731 3.1: RETURN () means ALL
    }
    if (ret && ret->save) {
        // RFC 5182 2.4: with only MIN and/or MAX, only those are saved.
        std::vector<store::Uid> saved;
        if ((ret->min || ret->max) && !ret->all && !ret->count) {
            if (!uids.empty() && ret->min) {
                saved.push_back(uids.front());
            }
            if (!uids.empty() && ret->max) {
                saved.push_back(uids.back());
            }
        } else {
            saved = uids;
        }
        selected().saved = NumberSet::from_values(saved);
        if (!ret->min && !ret->max && !ret->all && !ret->count) {
            co_return;  // RFC 5182 2.1: SAVE alone sends no ESEARCH
        }
    }
    if (!ret) {
        Response response = untagged().atom("SEARCH");
        for (std::uint32_t n : numbers) {
            response.number(n);
        }
        if (report_modseq) {
            response.open().atom("MODSEQ").number(highest).close();
        }
        response.end();
        co_return;
    }
    // RFC 4731 3.1: ESEARCH (TAG "t") [UID] MIN MAX COUNT ALL; empty items are left out.
    Response response = untagged().atom("ESEARCH").open().atom("TAG").string(command.tag).close();
    if (search.uid) {
        response.atom("UID");
    }
    if (ret->min && !numbers.empty()) {
        response.atom("MIN").number(numbers.front());
    }
    if (ret->max && !numbers.empty()) {
        response.atom("MAX").number(numbers.back());
    }
    if (ret->count) {
        response.atom("COUNT").number(numbers.size());
    }
    if (ret->all && !numbers.empty()) {
        response.atom("ALL").atom(format_number_list(numbers));
    }
    if (report_modseq) {
        response.atom("MODSEQ").number(highest);
    }
    response.end();
}

}  // namespace govmail::imap
