#include "imap/session.hpp"

#include "core/log.hpp"
#include "imap/detail/chars.hpp"
#include "imap/detail/session_state.hpp"
#include "store/names.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace govmail::imap {
namespace {

// Literals accepted before login: a LOGIN password sent as a literal fits; a message does not
// (nothing large is buffered for a client that has not authenticated).
constexpr std::uint64_t kPreAuthLiteral = 8 * 1024;

// A long response is written out once this much is buffered.
constexpr std::size_t kFlushAt = std::size_t{64} * 1024;

// Capabilities after login (RFC 9051 7.2.2). Everything listed is implemented; nothing else is.
constexpr std::string_view kAuthenticatedCapabilities =
    "IMAP4rev1 IMAP4rev2 LITERAL+ ID ENABLE IDLE NAMESPACE UNSELECT UIDPLUS MOVE CHILDREN "
    "LIST-EXTENDED LIST-STATUS SPECIAL-USE CREATE-SPECIAL-USE CONDSTORE QRESYNC ESEARCH "
    "SEARCHRES SORT SORT=DISPLAY QUOTA QUOTA=RES-STORAGE UTF8=ACCEPT BINARY MULTIAPPEND "
    "STATUS=SIZE";

bool starts_with_word(std::string_view text, std::string_view word) {
    if (text.size() < word.size() || !detail::iequals(text.substr(0, word.size()), word)) {
        return false;
    }
    return text.size() == word.size() || text[word.size()] == ' ';
}

// The command name of a framed command text ("a1 APPEND ..." -> "APPEND ...").
std::string_view after_tag(std::string_view text) {
    std::size_t space = text.find(' ');
    return space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
}

bool command_uses_seqs(const Command& command) {
    if (const auto* fetch = std::get_if<Fetch>(&command)) {
        return !fetch->uid;
    }
    if (const auto* store = std::get_if<Store>(&command)) {
        return !store->uid;
    }
    if (const auto* copy = std::get_if<Copy>(&command)) {
        return !copy->uid;
    }
    if (const auto* move = std::get_if<Move>(&command)) {
        return !move->uid;
    }
    if (const auto* search = std::get_if<Search>(&command)) {
        return !search->uid || detail::uses_sequence_numbers(search->key);
    }
    if (const auto* sort = std::get_if<Sort>(&command)) {
        return !sort->uid || detail::uses_sequence_numbers(sort->key);
    }
    return false;
}

}  // namespace

namespace detail {

FlagSet split_flags(std::span<const std::string> flags) {
    FlagSet set;
    for (const std::string& flag : flags) {
        if (flag == "\\Seen") {
            set.system |= store::kSeen;
        } else if (flag == "\\Answered") {
            set.system |= store::kAnswered;
        } else if (flag == "\\Flagged") {
            set.system |= store::kFlagged;
        } else if (flag == "\\Deleted") {
            set.system |= store::kDeleted;
        } else if (flag == "\\Draft") {
            set.system |= store::kDraft;
        } else {
            set.keywords.push_back(flag);
        }
    }
    return set;
}

std::vector<std::string> system_flag_names(store::SystemFlags flags) {
    std::vector<std::string> names;
    if ((flags & store::kSeen) != 0) {
        names.emplace_back("\\Seen");
    }
    if ((flags & store::kAnswered) != 0) {
        names.emplace_back("\\Answered");
    }
    if ((flags & store::kFlagged) != 0) {
        names.emplace_back("\\Flagged");
    }
    if ((flags & store::kDeleted) != 0) {
        names.emplace_back("\\Deleted");
    }
    if ((flags & store::kDraft) != 0) {
        names.emplace_back("\\Draft");
    }
    return names;
}

std::uint32_t count(std::span<const store::UidRange> ranges) {
    std::uint64_t total = 0;
    for (const store::UidRange& range : ranges) {
        total += std::uint64_t{range.last} - range.first + 1;
    }
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(total, UINT32_MAX));
}

std::vector<store::UidRange> to_ranges(std::span<const store::Uid> uids) {
    std::vector<store::UidRange> ranges;
    for (store::Uid uid : uids) {
        if (!ranges.empty() && ranges.back().last != store::kMaxUid &&
            ranges.back().last + 1 == uid) {
            ranges.back().last = uid;
        } else if (ranges.empty() || ranges.back().last < uid) {
            ranges.push_back({uid, uid});
        }
    }
    return ranges;
}

bool uses_sequence_numbers(const SearchKey& key) {
    if (key.op == SearchOp::SequenceSet) {
        return true;
    }
    return std::ranges::any_of(key.children, uses_sequence_numbers);
}

}  // namespace detail

std::string_view authenticated_capabilities() {
    return kAuthenticatedCapabilities;
}

// The protocol at a glance: one row per Command alternative, in the variant's order.
const Session::CommandSpec& Session::command_spec(const Command& command) {
    static constexpr std::array<CommandSpec, std::variant_size_v<Command>> kCommands = {{
        {"CAPABILITY", &Session::cmd_capability, kAnyState, 0},
        {"NOOP", &Session::cmd_noop, kAnyState, 0},
        {"LOGOUT", &Session::cmd_logout, kAnyState, 0},
        {"STARTTLS", &Session::cmd_starttls, kNotAuthenticated, 0},
        {"LOGIN", &Session::cmd_login, kNotAuthenticated, 0},
        {"AUTHENTICATE", &Session::cmd_authenticate, kNotAuthenticated, 0},
        {"SELECT", &Session::cmd_select, kLoggedIn, kEnablesCondstore},
        {"CREATE", &Session::cmd_create, kLoggedIn, 0},
        {"DELETE", &Session::cmd_delete, kLoggedIn, 0},
        {"RENAME", &Session::cmd_rename, kLoggedIn, 0},
        {"SUBSCRIBE", &Session::cmd_subscribe, kLoggedIn, 0},
        {"UNSUBSCRIBE", &Session::cmd_unsubscribe, kLoggedIn, 0},
        {"LIST", &Session::cmd_list, kLoggedIn, 0},
        {"LSUB", &Session::cmd_lsub, kLoggedIn, 0},
        {"NAMESPACE", &Session::cmd_namespace, kLoggedIn, 0},
        {"STATUS", &Session::cmd_status, kLoggedIn, 0},
        {"APPEND", &Session::cmd_append, kLoggedIn, 0},
        {"IDLE", &Session::cmd_idle, kLoggedIn, 0},
        {"CHECK", &Session::cmd_check, kSelected, 0},
        {"CLOSE", &Session::cmd_close, kSelected, 0},
        {"UNSELECT", &Session::cmd_unselect, kSelected, 0},
        {"EXPUNGE", &Session::cmd_expunge, kSelected, 0},
        {"UID EXPUNGE", &Session::cmd_uid_expunge, kSelected, 0},
        {"SEARCH", &Session::cmd_search, kSelected, kUsesSeqs},
        {"FETCH", &Session::cmd_fetch, kSelected, kUsesSeqs},
        {"STORE", &Session::cmd_store, kSelected, kUsesSeqs},
        {"COPY", &Session::cmd_copy, kSelected, kUsesSeqs},
        {"MOVE", &Session::cmd_move, kSelected, kUsesSeqs},
        {"ID", &Session::cmd_id, kAnyState, 0},
        // RFC 9051 6.3.1 / RFC 5161 3.1: only in the authenticated state, before SELECT.
        {"ENABLE", &Session::cmd_enable, kAuthenticated, 0},
        {"SORT", &Session::cmd_sort, kSelected, kUsesSeqs},
        {"GETQUOTA", &Session::cmd_getquota, kLoggedIn, 0},
        {"GETQUOTAROOT", &Session::cmd_getquotaroot, kLoggedIn, 0},
        {"SETQUOTA", &Session::cmd_setquota, kLoggedIn, 0},
    }};
    return kCommands[command.index()];
}

SessionConfig session_config(const Config& config, bool starttls) {
    SessionConfig session;
    session.hostname = config.hostname;
    session.starttls = starttls;
    session.max_append_size = config.imap.max_append_size;
    session.max_command_length = config.imap.max_command_length;
    session.max_connections_per_user = config.imap.max_connections_per_user;
    session.idle_timeout = config.imap.idle_timeout;
    return session;
}

FramerLimits framer_limits(const SessionConfig& config) {
    FramerLimits limits;
    limits.max_command_length = config.max_command_length;
    // The session refuses larger literals itself (APPENDLIMIT, pre-login cap) with the right
    // response; these are the framer's hard maxima behind those decisions.
    limits.max_literal_size = std::max<std::uint64_t>(config.max_append_size, 64 * 1024);
    limits.max_command_literals = 2 * limits.max_literal_size;
    limits.non_sync = NonSyncLiterals::Plus;
    return limits;
}

Session::Session(const SessionConfig& config, Services& services, Client client, Output& output)
    : config_(config)
    , services_(services)
    , client_(std::move(client))
    , output_(output) {}

Session::~Session() = default;

void Session::greeting() {
    Response response = untagged();
    response.status(Condition::Ok);
    write_capabilities(response);
    response.text(config_.hostname + " govmail IMAP ready").end();
}

std::optional<std::uint64_t> Session::account() const {
    if (!account_) {
        return std::nullopt;
    }
    return account_->id;
}

std::optional<std::uint64_t> Session::selected_mailbox() const {
    if (!selected_) {
        return std::nullopt;
    }
    return selected_->id;
}

std::size_t Session::memory_for_test() const {
    std::size_t bytes = account_ ? sizeof(Account) + account_->address.capacity() : 0;
    if (selected_) {
        const Selected& s = *selected_;
        bytes += sizeof(Selected) + s.name.capacity() + s.map.run_count() * 8 +
                 s.pending_expunge.capacity() * sizeof(store::Uid) +
                 s.recent.capacity() * sizeof(store::UidRange) +
                 s.own_modseqs.capacity() * sizeof(store::ModSeq) +
                 s.saved.ranges().size() * sizeof(NumberSet::Range);
    }
    return bytes + tag_.capacity() + completion_.text.capacity() + completion_.code.capacity();
}

std::string Session::capability_list() const {
    std::string list;
    if (account_) {
        list = kAuthenticatedCapabilities;
        list += " APPENDLIMIT=" + std::to_string(config_.max_append_size);
        return list;
    }
    // RFC 9051 6.2.3, 7.2.2: before TLS no AUTH= mechanism, and LOGINDISABLED.
    list = "IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE IDLE";
    if (client_.tls) {
        list += " AUTH=PLAIN";
    } else {
        if (config_.starttls) {
            list += " STARTTLS";
        }
        list += " LOGINDISABLED";
    }
    return list;
}

void Session::write_capabilities(Response& response) const {
    response.code("CAPABILITY " + capability_list()).end_code();
}

void Session::complete(Condition condition, std::string code, std::string text) {
    completion_ = {condition, std::move(code), std::move(text)};
}

Session::Selected& Session::selected() {
    return *selected_;
}

std::uint64_t Session::account_id() const {
    return account_->id;
}

asio::awaitable<Step> Session::handle(Event event) {
    if (auto* literal = std::get_if<NeedLiteral>(&event)) {
        co_return on_literal(*literal);
    }
    if (auto* request = std::get_if<Request>(&event)) {
        co_return co_await on_request(std::move(*request));
    }
    if (auto* line = std::get_if<Line>(&event)) {
        co_return co_await on_line(std::move(line->text));
    }
    if (auto* error = std::get_if<Error>(&event)) {
        co_return on_error(*error);
    }
    co_return Step{};
}

Step Session::on_literal(const NeedLiteral& literal) {
    Step step;
    const bool append = starts_with_word(after_tag(literal.command), "APPEND");
    std::string refusal;
    Condition condition = Condition::Bad;
    if (!account_) {
        if (literal.size > kPreAuthLiteral) {
            refusal = "[TOOBIG] Literal too large before login";
        }
    } else if (append) {
        // RFC 7889: a message over APPENDLIMIT is refused before the client sends it.
        if (literal.size > config_.max_append_size ||
            literal.before + literal.size > 2 * config_.max_append_size) {
            condition = Condition::No;
            refusal = "[TOOBIG] Message larger than APPENDLIMIT=" +
                      std::to_string(config_.max_append_size);
        }
    } else if (literal.size > config_.max_command_length) {
        refusal = "[TOOBIG] Literal too large";
    }
    if (refusal.empty()) {
        step.literal = LiteralAnswer::Accept;
        if (literal.sync) {
            // RFC 9051 7.5: the command continuation request.
            respond().continuation().text("Ready").end();
            step.flush_now = true;
        }
        return step;
    }
    step.literal = LiteralAnswer::Reject;
    std::string tag = literal.tag.empty() ? std::string("*") : std::string(literal.tag);
    Response response = respond().tagged(tag).status(condition);
    response.text(refusal).end();
    if (condition == Condition::Bad && ++bad_commands_ >= config_.max_bad_commands) {
        untagged().status(Condition::Bye).text("Too many invalid commands").end();
        step.action = Action::Close;
    }
    return step;
}

Step Session::on_error(const Error& error) {
    Step step;
    std::string tag = error.tag.empty() ? (tag_.empty() ? std::string("*") : tag_) : error.tag;
    if (idling_ || in_sasl_) {
        // A broken line where DONE or a SASL response was expected ends that command.
        tag = tag_;
        idling_ = false;
        in_sasl_ = false;
    }
    respond().tagged(tag).status(Condition::Bad).text(error.text).end();
    if (error.fatal) {
        untagged().status(Condition::Bye).text("Protocol error, closing").end();
        step.action = Action::Close;
    } else if (++bad_commands_ >= config_.max_bad_commands) {
        untagged().status(Condition::Bye).text("Too many invalid commands").end();
        step.action = Action::Close;
    }
    return step;
}

asio::awaitable<Step> Session::on_request(Request&& request) {
    Step step;
    auto parsed = parse_command(std::move(request), {.utf8_names = utf8()});
    if (!parsed) {
        co_return on_error(Error{parsed.error().tag, parsed.error().text});
    }
    TaggedCommand& command = *parsed;
    const CommandSpec& spec = command_spec(command.command);
    const auto state_bit = static_cast<std::uint8_t>(1U << static_cast<unsigned>(state_));
    if ((spec.states & state_bit) == 0) {
        std::string why;
        if (state_ == State::NotAuthenticated) {
            why = "Log in first";
        } else if ((spec.states & kSelected) != 0 && state_ == State::Authenticated) {
            why = "No mailbox selected";
        } else if (spec.handler == &Session::cmd_enable) {
            why = "ENABLE is only allowed before SELECT";
        } else {
            why = "Already logged in";
        }
        co_return on_error(Error{command.tag, std::string(spec.name) + ": " + why});
    }
    tag_ = command.tag;
    completion_ = {Condition::Ok, "", std::string(spec.name) + " completed"};
    const bool uses_seqs = (spec.flags & kUsesSeqs) != 0 && command_uses_seqs(command.command);
    try {
        co_await (this->*spec.handler)(command);
    } catch (const SessionError& error) {
        completion_ = {error.condition, error.code, error.text};
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& error) {
        log::error(
            "imap.command_failed",
            {{"conn", client_.connection}, {"command", spec.name}, {"error", error.what()}}
        );
        completion_ = {Condition::No, "SERVERBUG", "Internal error, see the server log"};
    }
    if (idling_) {
        step.action = Action::Idle;
        step.expect_line = true;
        co_return step;
    }
    if (in_sasl_) {
        step.expect_line = true;
        co_return step;
    }
    if (state_ == State::Selected && !close_after_) {
        co_await report_updates(!uses_seqs);
    }
    if (close_after_) {
        step.action = Action::Close;
        if (state_ != State::Logout) {
            co_return step;  // the BYE was written; no tagged response follows it
        }
    }
    Response response = respond().tagged(tag_).status(completion_.condition);
    if (!completion_.code.empty()) {
        response.code(completion_.code).end_code();
    }
    response.text(completion_.text).end();
    if (completion_.condition == Condition::Bad) {
        if (++bad_commands_ >= config_.max_bad_commands) {
            untagged().status(Condition::Bye).text("Too many invalid commands").end();
            step.action = Action::Close;
        }
    } else {
        bad_commands_ = 0;
    }
    if (std::exchange(starttls_pending_, false)) {
        step.action = Action::StartTls;
    }
    co_return step;
}

asio::awaitable<Step> Session::on_line(std::string line) {
    Step step;
    if (!in_sasl_ && !idling_) {
        co_return on_error(Error{"*", "Unexpected line"});
    }
    try {
        if (in_sasl_) {
            in_sasl_ = false;
            co_await sasl_response(std::move(line));
        } else {
            idling_ = false;
            // RFC 2177 3: "DONE" (any case) ends IDLE.
            if (detail::iequals(line, "DONE")) {
                completion_ = {Condition::Ok, "", "IDLE terminated"};
            } else {
                completion_ = {Condition::Bad, "", "Expected DONE to end IDLE"};
            }
            if (state_ == State::Selected) {
                co_await report_updates(true);
            }
        }
    } catch (const SessionError& error) {
        completion_ = {error.condition, error.code, error.text};
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& error) {
        log::error("imap.command_failed", {{"conn", client_.connection}, {"error", error.what()}});
        completion_ = {Condition::No, "SERVERBUG", "Internal error, see the server log"};
    }
    if (in_sasl_) {
        step.expect_line = true;
        co_return step;
    }
    if (close_after_) {
        step.action = Action::Close;
        co_return step;
    }
    Response response = respond().tagged(tag_).status(completion_.condition);
    if (!completion_.code.empty()) {
        response.code(completion_.code).end_code();
    }
    response.text(completion_.text).end();
    co_return step;
}

void Session::tls_started() {
    // RFC 9051 6.2.1: discard everything learnt before TLS.
    client_.tls = true;
    state_ = State::NotAuthenticated;
    account_.reset();
    selected_.reset();
    rev2_ = utf8_accept_ = condstore_ = qresync_ = false;
    idling_ = in_sasl_ = close_after_ = starttls_pending_ = false;
    bad_commands_ = 0;
    tag_.clear();
}

void Session::goodbye(Goodbye why) {
    Response response = untagged().status(Condition::Bye);
    if (why == Goodbye::IdleTimeout) {
        // RFC 9051 5.4: the autologout timer.
        response.text("Autologout; idle for too long").end();
    } else {
        response.text(config_.hostname + " shutting down").end();
    }
}

asio::awaitable<bool> Session::idle_update() {
    if (!idling_ || state_ != State::Selected) {
        co_return true;
    }
    try {
        // RFC 2177 3: EXISTS and EXPUNGE may be sent at any time during IDLE.
        co_return co_await report_updates(true);
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& error) {
        log::warn(
            "imap.idle_update_failed", {{"conn", client_.connection}, {"error", error.what()}}
        );
        co_return true;
    }
}

void Session::enable_condstore() {
    if (condstore_) {
        return;
    }
    condstore_ = true;
    // RFC 7162 3.1: the first CONDSTORE enabling command with a mailbox selected reports its
    // HIGHESTMODSEQ.
    if (selected_) {
        auto highest = services_.store.read([&](const store::StoreReader& r) {
            auto record = r.mailbox(selected_->id);
            return record ? record->highest_modseq : store::ModSeq{0};
        });
        if (highest && *highest != 0) {
            untagged()
                .status(Condition::Ok)
                .code("HIGHESTMODSEQ " + std::to_string(*highest))
                .end_code()
                .text("Highest")
                .end();
        }
    }
}

std::vector<std::string> Session::flag_names(
    store::SystemFlags flags,
    store::KeywordBits keywords,
    const std::vector<std::string>& table,
    store::Uid uid
) const {
    std::vector<std::string> names = detail::system_flag_names(flags);
    for (std::size_t i = 0; i < table.size() && i < store::kMaxKeywords; ++i) {
        if ((keywords & (store::KeywordBits{1} << i)) != 0) {
            names.push_back(table[i]);
        }
    }
    // RFC 3501 2.3.2; IMAP4rev2 has no \Recent (RFC 9051 E.12).
    if (!rev2_ && is_recent(uid)) {
        names.emplace_back("\\Recent");
    }
    return names;
}

bool Session::is_recent(store::Uid uid) const {
    if (!selected_) {
        return false;
    }
    return std::ranges::any_of(selected_->recent, [uid](const store::UidRange& range) {
        return uid >= range.first && uid <= range.last;
    });
}

std::uint32_t Session::recent_count() const {
    std::uint32_t count = 0;
    if (selected_) {
        selected_->map.for_each(selected_->recent, [&count](std::uint32_t, store::Uid) {
            ++count;
        });
    }
    return count;
}

asio::awaitable<std::vector<store::UidRange>> Session::claim_recent() {
    std::vector<store::UidRange> claimed;
    if (rev2_ || !selected_ || selected_->read_only) {
        co_return claimed;
    }
    auto claiming = services_.store.claim_recent(selected_->id);
    auto result = co_await std::move(claiming);
    if (result && *result) {
        claimed.push_back(**result);
    }
    co_return claimed;
}

std::vector<store::UidRange> Session::resolve_saved() const {
    return selected_->map.held(selected_->saved);
}

std::vector<store::UidRange> Session::resolve(const SequenceSet& set, bool uid) {
    Selected& s = selected();
    if (set.is_saved()) {
        return resolve_saved();
    }
    if (uid) {
        // RFC 9051 9: "*" is the highest UID in use; in an empty mailbox, UIDNEXT - 1 matches
        // nothing either way.
        store::Uid star = s.map.empty() ? s.uidnext : s.map.max_uid();
        return s.map.held(set.resolve_uids(star));
    }
    if (s.map.empty() && set.uses_star()) {
        // RFC 9051 9 permits an error here; answering with nothing suits more clients.
        return {};
    }
    auto seqs = set.resolve_messages(s.map.size());
    if (!seqs) {
        throw bad("Invalid message sequence number: " + set.to_string());
    }
    return s.map.uids_for_seqs(*seqs);
}

std::optional<store::MailboxId> Session::find_mailbox(std::string_view name) {
    auto found = services_.store.read([&](const store::StoreReader& r) {
        return r.find_mailbox(account_id(), name);
    });
    if (!found) {
        throw failure(found.error(), Operation::Other);
    }
    return *found;
}

std::string Session::normalize_name(std::string_view name) const {
    std::string trimmed(name);
    // RFC 9051 6.3.4: a trailing hierarchy delimiter only says that children are intended.
    while (trimmed.size() > 1 && trimmed.back() == kHierarchyDelimiter) {
        trimmed.pop_back();
    }
    auto normalized = store::normalize_mailbox_name(trimmed);
    if (!normalized) {
        throw no("CANNOT", "Invalid mailbox name");
    }
    return std::move(*normalized);
}

void Session::record_reads(std::uint32_t count) {
    if (count == 0 || !account_) {
        return;
    }
    services_.activity.record(events::ActivityEvent{
        .account_id = account_->id,
        .activity = events::Activity::Read,
        .protocol = events::Protocol::Imap,
        .count = count,
    });
}

bool Session::output_full() const {
    return output_.buffer().size() >= kFlushAt;
}

asio::awaitable<void> Session::maybe_flush() {
    if (!output_full()) {
        co_return;
    }
    const bool written = co_await output_.flush();
    if (!written) {
        throw std::runtime_error("connection lost while writing a response");
    }
}

void Session::write_flags_and_permanent(const std::vector<std::string>& keywords) {
    std::vector<std::string> flags = {"\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"};
    flags.insert(flags.end(), keywords.begin(), keywords.end());
    untagged().atom("FLAGS").flags(flags).end();
    std::vector<std::string> permanent;
    if (!selected_->read_only) {
        permanent = flags;
        // "\*": new keywords may be created, until the store's table is full.
        if (keywords.size() < store::kMaxKeywords) {
            permanent.emplace_back("\\*");
        }
    }
    Response response = untagged().status(Condition::Ok).code("PERMANENTFLAGS");
    response.flags(permanent).end_code().text(
        selected_->read_only ? "Read-only mailbox" : "Flags permitted"
    );
    response.end();
}

void Session::report_expunged(std::span<const store::Uid> uids) {
    Selected& s = selected();
    std::vector<MessageMap::Removed> removed = s.map.remove_all(uids);
    if (removed.empty()) {
        return;
    }
    if (qresync_) {
        // RFC 7162 3.2.10.2: VANISHED instead of EXPUNGE once QRESYNC is enabled.
        std::vector<store::Uid> gone;
        gone.reserve(removed.size());
        for (const auto& r : removed) {
            gone.push_back(r.uid);
        }
        untagged().atom("VANISHED").atom(format_number_list(gone)).end();
        return;
    }
    for (const auto& r : removed) {
        untagged().number(r.seq).atom("EXPUNGE").end();
    }
}

asio::awaitable<bool> Session::report_updates(bool allow_expunge) {
    if (!selected_) {
        co_return true;
    }
    Selected& s = *selected_;

    struct Update {
        store::MailboxRecord record;
        store::Changes changes;
    };

    auto read = services_.store.read([&](const store::StoreReader& r) -> std::optional<Update> {
        auto record = r.mailbox(s.id);
        if (!record) {
            return std::nullopt;
        }
        Update update{std::move(*record), {}};
        if (update.record.highest_modseq > s.known_modseq) {
            update.changes = r.changes_since(s.id, s.known_modseq);
        }
        return update;
    });
    if (!read) {
        throw failure(read.error(), Operation::Message);
    }
    if (!*read) {
        // Deleted by another session or by govmailctl: nothing the client knows is valid.
        untagged()
            .status(Condition::Bye)
            .text("Selected mailbox was deleted, have to disconnect")
            .end();
        close_after_ = true;
        co_return false;
    }
    Update& update = **read;
    s.uidnext = update.record.uidnext;
    if (update.record.keywords.size() != s.keyword_count) {
        s.keyword_count = update.record.keywords.size();
        write_flags_and_permanent(update.record.keywords);
    }
    if (!update.changes.vanished.empty()) {
        std::vector<store::UidRange> held =
            s.map.held(NumberSet::from_values(update.changes.vanished));
        std::vector<store::Uid> merged;
        for (const store::UidRange& range : held) {
            for (std::uint64_t uid = range.first; uid <= range.last; ++uid) {
                merged.push_back(static_cast<store::Uid>(uid));
            }
        }
        std::vector<store::Uid> all;
        std::ranges::set_union(s.pending_expunge, merged, std::back_inserter(all));
        s.pending_expunge = std::move(all);
    }
    std::vector<store::Uid> fresh;
    std::vector<store::MessageState> flag_changes;
    for (const store::MessageState& state : update.changes.changed) {
        if (state.uid > s.last_uid) {
            fresh.push_back(state.uid);
        } else if (std::ranges::find(s.own_modseqs, state.modseq) == s.own_modseqs.end()) {
            flag_changes.push_back(state);
        }
    }
    s.known_modseq = std::max(s.known_modseq, update.record.highest_modseq);
    s.own_modseqs.clear();

    if (allow_expunge && !s.pending_expunge.empty()) {
        std::vector<store::Uid> pending = std::move(s.pending_expunge);
        s.pending_expunge.clear();
        report_expunged(pending);
    }
    if (!fresh.empty()) {
        for (store::Uid uid : fresh) {
            s.map.append(uid);
        }
        s.last_uid = fresh.back();
        untagged().number(s.map.size()).atom("EXISTS").end();
        if (!rev2_) {
            for (const store::UidRange& range : co_await claim_recent()) {
                s.recent.push_back(range);
            }
            untagged().number(recent_count()).atom("RECENT").end();
        }
    }
    if (!flag_changes.empty()) {
        std::vector<store::Uid> uids;
        uids.reserve(flag_changes.size());
        for (const auto& state : flag_changes) {
            uids.push_back(state.uid);
        }
        std::size_t next = 0;
        s.map.for_each(detail::to_ranges(uids), [&](std::uint32_t seq, store::Uid uid) {
            while (next < flag_changes.size() && flag_changes[next].uid < uid) {
                ++next;
            }
            if (next == flag_changes.size() || flag_changes[next].uid != uid) {
                return;
            }
            const store::MessageState& state = flag_changes[next];
            std::vector<std::string> flags =
                flag_names(state.flags, state.keywords, update.record.keywords, uid);
            // RFC 9051 E.21: unsolicited FETCH responses carry the UID.
            Response response = untagged().number(seq).atom("FETCH").open();
            response.atom("UID").number(uid).atom("FLAGS").flags(flags);
            if (condstore_) {
                response.atom("MODSEQ").open().number(state.modseq).close();
            }
            response.close().end();
        });
    }
    co_return true;
}

void Session::deselect() {
    selected_.reset();
    if (state_ == State::Selected) {
        state_ = State::Authenticated;
    }
}

}  // namespace govmail::imap
