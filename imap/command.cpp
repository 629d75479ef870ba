#include "imap/command.hpp"

#include "imap/detail/chars.hpp"
#include "imap/detail/parsers.hpp"
#include "imap/detail/reader.hpp"

#include <array>
#include <stdexcept>

namespace govmail::imap {
namespace {

using ParseFn = Command (*)(detail::Reader&, bool);

template <typename T>
Command parse_no_arguments(detail::Reader& r, bool /*uid*/) {
    r.end();
    return T{};
}

struct CommandSpec {
    std::string_view name;
    ParseFn parse;
};

// The commands of issue 6 (RFC 9051 6 and extensions), by name.
constexpr std::array kCommands = {
    CommandSpec{"CAPABILITY", parse_no_arguments<Capability>},
    CommandSpec{"NOOP", parse_no_arguments<Noop>},
    CommandSpec{"LOGOUT", parse_no_arguments<Logout>},
    CommandSpec{"STARTTLS", parse_no_arguments<StartTls>},
    CommandSpec{"LOGIN", detail::parse_login},
    CommandSpec{"AUTHENTICATE", detail::parse_authenticate},
    CommandSpec{"SELECT", detail::parse_select},
    CommandSpec{"EXAMINE", detail::parse_examine},
    CommandSpec{"CREATE", detail::parse_create},
    CommandSpec{"DELETE", detail::parse_delete},
    CommandSpec{"RENAME", detail::parse_rename},
    CommandSpec{"SUBSCRIBE", detail::parse_subscribe},
    CommandSpec{"UNSUBSCRIBE", detail::parse_unsubscribe},
    CommandSpec{"LIST", detail::parse_list},
    CommandSpec{"LSUB", detail::parse_lsub},
    CommandSpec{"NAMESPACE", parse_no_arguments<Namespace>},
    CommandSpec{"STATUS", detail::parse_status},
    CommandSpec{"APPEND", detail::parse_append},
    CommandSpec{"IDLE", parse_no_arguments<Idle>},
    CommandSpec{"CHECK", parse_no_arguments<Check>},
    CommandSpec{"CLOSE", parse_no_arguments<Close>},
    CommandSpec{"UNSELECT", parse_no_arguments<Unselect>},
    CommandSpec{"EXPUNGE", parse_no_arguments<Expunge>},
    CommandSpec{"SEARCH", detail::parse_search},
    CommandSpec{"FETCH", detail::parse_fetch},
    CommandSpec{"STORE", detail::parse_store},
    CommandSpec{"COPY", detail::parse_copy},
    CommandSpec{"MOVE", detail::parse_move},
    CommandSpec{"ID", detail::parse_id},
    CommandSpec{"ENABLE", detail::parse_enable},
    CommandSpec{"SORT", detail::parse_sort},
    CommandSpec{"GETQUOTA", detail::parse_getquota},
    CommandSpec{"GETQUOTAROOT", detail::parse_getquotaroot},
    CommandSpec{"SETQUOTA", detail::parse_setquota},
};

// Commands that take the UID prefix (RFC 9051 6.4.9; UID EXPUNGE RFC 4315; UID MOVE RFC 6851;
// UID SORT RFC 5256).
constexpr std::array kUidCommands = {
    CommandSpec{"FETCH", detail::parse_fetch},
    CommandSpec{"STORE", detail::parse_store},
    CommandSpec{"COPY", detail::parse_copy},
    CommandSpec{"MOVE", detail::parse_move},
    CommandSpec{"SEARCH", detail::parse_search},
    CommandSpec{"SORT", detail::parse_sort},
    CommandSpec{"EXPUNGE", detail::parse_uid_expunge},
};

template <std::size_t N>
const CommandSpec* find(const std::array<CommandSpec, N>& table, std::string_view name) {
    for (const CommandSpec& spec : table) {
        if (detail::iequals(name, spec.name)) {
            return &spec;
        }
    }
    return nullptr;
}

boost::system::result<TaggedCommand, Error> parse(Request& request, const ParseOptions& options) {
    const std::string& text = request.text;
    std::size_t tag_end = 0;
    while (tag_end < text.size() && detail::is_tag_char(text[tag_end])) {
        ++tag_end;
    }
    if (tag_end == 0 || (tag_end < text.size() && text[tag_end] != ' ')) {
        return Error{"*", "Missing or invalid tag"};
    }
    std::string tag = text.substr(0, tag_end);
    if (tag_end == text.size()) {
        return Error{std::move(tag), "Missing command"};
    }

    detail::Reader r(request, options);
    r.rewind(tag_end + 1);
    std::string_view name = r.atom("command");
    if (!r.ok()) {
        return Error{std::move(tag), "Missing command"};
    }
    bool uid = detail::iequals(name, "UID");
    const CommandSpec* spec = nullptr;
    std::string full_name = detail::to_upper(name);
    if (uid) {
        std::string_view sub = r.take(' ') ? r.atom("command") : std::string_view{};
        spec = find(kUidCommands, sub);
        if (!sub.empty()) {
            full_name += " " + detail::to_upper(sub);
        }
    } else {
        spec = find(kCommands, name);
    }
    if (spec == nullptr) {
        return Error{std::move(tag), "Unknown command " + detail::printable(full_name, 40)};
    }
    r.set_command(full_name);
    Command command = spec->parse(r, uid);
    r.end();
    if (!r.ok()) {
        return Error{std::move(tag), r.error()};
    }
    return TaggedCommand{std::move(tag), std::move(command)};
}

}  // namespace

std::string_view to_string(StatusItem item) {
    switch (item) {
        case StatusItem::Messages:
            return "MESSAGES";
        case StatusItem::Recent:
            return "RECENT";
        case StatusItem::UidNext:
            return "UIDNEXT";
        case StatusItem::UidValidity:
            return "UIDVALIDITY";
        case StatusItem::Unseen:
            return "UNSEEN";
        case StatusItem::Deleted:
            return "DELETED";
        case StatusItem::Size:
            return "SIZE";
        case StatusItem::HighestModSeq:
            return "HIGHESTMODSEQ";
        case StatusItem::AppendLimit:
            return "APPENDLIMIT";
    }
    return "";
}

boost::system::result<TaggedCommand, Error> parse_command(
    Request&& request, const ParseOptions& options
) noexcept {
    return parse(request, options);
}

void throw_exception_from_error(const Error& error, const boost::source_location& /*loc*/) {
    throw std::runtime_error(error.tag + " BAD " + error.text);
}

}  // namespace govmail::imap
