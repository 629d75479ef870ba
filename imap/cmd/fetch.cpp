// FETCH and UID FETCH (RFC 9051 6.4.5, 7.5.2) with BINARY (RFC 3516), CHANGEDSINCE and MODSEQ
// (RFC 7162 3.1.4) and VANISHED (RFC 7162 3.2.6).
//
// Everything comes from what the store kept at delivery: the message record (flags, size, dates,
// MODSEQ), the serialized mime::MessageInfo (ENVELOPE, BODYSTRUCTURE and the byte ranges of every
// part) and ranges of the blob. A message is never parsed again here. Messages are answered from
// short read transactions, as many whole messages in each as make a flush's worth of output; a
// body larger than kInlineLiteral is announced in it and then sent kStreamPiece bytes at a time,
// each piece copied out of its own read transaction and written before the next is read.

#include "core/log.hpp"
#include "imap/detail/session_state.hpp"
#include "mime/content.hpp"
#include "mime/message_info.hpp"

#include <algorithm>
#include <cstring>

namespace govmail::imap {
namespace {

// Literals up to this size are copied into the response at once.
constexpr std::uint64_t kInlineLiteral = 64 * 1024;
// Larger ones are read and written in pieces of this size.
constexpr std::uint64_t kStreamPiece = 256 * 1024;

bool sets_seen(const FetchAttribute& attribute) {
    switch (attribute.item) {
        case FetchItem::BodySection:
        case FetchItem::Binary:
            return !attribute.peek;
        case FetchItem::Rfc822:
        case FetchItem::Rfc822Text:
            return true;
        default:
            return false;
    }
}

std::string section_number(const std::vector<std::uint32_t>& part) {
    std::string number;
    for (std::uint32_t n : part) {
        if (!number.empty()) {
            number.push_back('.');
        }
        number += std::to_string(n);
    }
    return number;
}

// RFC 3501 9 (CHAR8): a literal cannot carry NUL; like Dovecot, send 0x80 in its place.
void append_body(std::string& out, std::string_view bytes, bool mask_nul) {
    std::size_t start = out.size();
    out.append(bytes);
    if (mask_nul) {
        std::replace(out.begin() + static_cast<std::ptrdiff_t>(start), out.end(), '\0', '\x80');
    }
}

// What a body item sends: bytes of the blob, bytes made here, or NIL.
struct Body {
    enum class Kind : std::uint8_t { Nil, Range, Bytes };
    Kind kind = Kind::Nil;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    std::string bytes;
    bool binary = false;  // BINARY: literal8, no NUL masking

    static Body range(const mime::Range& r) { return {Kind::Range, r.offset, r.length, {}, false}; }
};

}  // namespace

struct Session::FetchPlan {
    store::MailboxId mailbox = 0;
    std::vector<FetchAttribute> items;  // as asked, with UID first for UID FETCH
    bool has_flags = false;
    bool has_modseq = false;
    bool needs_view = false;
    std::optional<std::uint64_t> changed_since;
    std::vector<store::Uid> seen_now;  // got \Seen from this command: FLAGS are added
};

// Where a message's response stopped for a large literal to be streamed.
struct Session::FetchOutcome {
    struct Stream {
        store::BlobHash hash;
        std::uint64_t offset = 0;
        std::uint64_t length = 0;
        bool mask_nul = true;
    };

    bool missing = false;  // expunged meanwhile
    bool skipped = false;  // not changed since CHANGEDSINCE
    std::optional<Stream> stream;
    std::size_t next_item = 0;
};

// Whole messages rendered in one read transaction.
struct Session::FetchBatch {
    std::size_t rendered = 0;               // targets done, the streaming one included
    bool missing = false;                   // one of them was expunged meanwhile
    std::optional<FetchOutcome> streaming;  // the last one stopped before a body to stream
};

asio::awaitable<void> Session::send_blob(
    store::BlobHash hash, std::uint64_t offset, std::uint64_t length, bool mask_nul
) {
    while (length > 0) {
        const std::uint64_t piece = std::min(length, kStreamPiece);
        std::string& out = output_.buffer();
        auto copied = services_.store.read([&](const store::StoreReader& r) {
            auto blob = r.blob(hash);
            if (!blob) {
                return false;
            }
            blob->read(offset, piece, [&](std::string_view bytes) {
                append_body(out, bytes, mask_nul);
            });
            return true;
        });
        if (!copied || !*copied) {
            // The literal's size is promised: the connection cannot go on.
            close_after_ = true;
            throw std::runtime_error("message vanished while it was being sent");
        }
        offset += piece;
        length -= piece;
        if (!co_await output_.flush()) {
            close_after_ = true;
            throw std::runtime_error("connection lost while sending a message");
        }
    }
}

asio::awaitable<void> Session::cmd_fetch(TaggedCommand& command) {
    auto& fetch = std::get<Fetch>(command.command);
    FetchPlan plan;
    plan.mailbox = selected().id;
    plan.changed_since = fetch.changed_since;
    bool seen = false;
    for (const FetchAttribute& attribute : fetch.items) {
        plan.has_flags = plan.has_flags || attribute.item == FetchItem::Flags;
        plan.has_modseq = plan.has_modseq || attribute.item == FetchItem::ModSeq;
        seen = seen || sets_seen(attribute);
    }
    if (fetch.uid && std::ranges::none_of(fetch.items, [](const FetchAttribute& a) {
            return a.item == FetchItem::Uid;
        })) {
        // RFC 9051 6.4.9: UID FETCH answers always carry the UID.
        plan.items.push_back(FetchAttribute{.item = FetchItem::Uid});
    }
    plan.items.insert(plan.items.end(), fetch.items.begin(), fetch.items.end());
    if (fetch.changed_since && !plan.has_modseq) {
        // RFC 7162 3.1.4.1: CHANGEDSINCE implies MODSEQ.
        plan.items.push_back(FetchAttribute{.item = FetchItem::ModSeq});
        plan.has_modseq = true;
    }
    if (plan.has_modseq) {
        enable_condstore();
    }
    if (fetch.vanished && !qresync_) {
        throw bad("VANISHED requires ENABLE QRESYNC");
    }
    std::vector<store::UidRange> uids = resolve(fetch.set, fetch.uid);
    Selected& s = selected();

    if (fetch.vanished) {
        // RFC 7162 3.2.6: VANISHED (EARLIER) for the asked UIDs expunged since CHANGEDSINCE,
        // before any FETCH response.
        NumberSet asked = fetch.set.is_saved()
                              ? s.saved
                              : fetch.set.resolve_uids(s.map.empty() ? s.uidnext : s.map.max_uid());
        auto vanished = services_.store.read([&](const store::StoreReader& r) {
            std::vector<store::Uid> gone;
            for (store::Uid uid : r.changes_since(plan.mailbox, *fetch.changed_since).vanished) {
                if (asked.contains(uid)) {
                    gone.push_back(uid);
                }
            }
            return gone;
        });
        if (!vanished) {
            throw failure(vanished.error(), Operation::Message);
        }
        if (!vanished->empty()) {
            untagged()
                .atom("VANISHED")
                .open()
                .atom("EARLIER")
                .close()
                .atom(format_number_list(*vanished))
                .end();
        }
    }
    if (uids.empty()) {
        co_return;
    }

    // RFC 9051 6.4.5: fetching a body without PEEK sets \Seen (not in a read-only mailbox).
    if (seen && !s.read_only) {
        auto unseen = services_.store.read([&](const store::StoreReader& r) {
            std::vector<store::Uid> found;
            for (const store::MessageRecord& record : r.messages(plan.mailbox, uids)) {
                if ((record.flags & store::kSeen) == 0) {
                    found.push_back(record.uid);
                }
            }
            return found;
        });
        if (unseen && !unseen->empty()) {
            store::FlagUpdate update{.mode = store::FlagMode::Add, .flags = store::kSeen};
            auto storing =
                services_.store.store_flags(plan.mailbox, detail::to_ranges(*unseen), update);
            auto stored = co_await std::move(storing);
            if (!stored) {
                throw failure(stored.error(), Operation::Flags);
            }
            for (const store::MessageState& state : stored->changed) {
                plan.seen_now.push_back(state.uid);
            }
            std::ranges::sort(plan.seen_now);
            if (!stored->changed.empty()) {
                selected().own_modseqs.push_back(stored->changed.front().modseq);
            }
            record_reads(static_cast<std::uint32_t>(plan.seen_now.size()));
        }
    }

    std::vector<FetchTarget> targets;
    selected().map.for_each(uids, [&targets](std::uint32_t seq, store::Uid uid) {
        targets.push_back({seq, uid});
    });
    bool missing = false;
    std::span<const FetchTarget> rest(targets);
    while (!rest.empty()) {
        FetchBatch batch = render_batch(plan, rest);
        missing = missing || batch.missing;
        if (batch.streaming) {
            const FetchTarget streamed = rest[batch.rendered - 1];
            const bool gone = co_await stream_message(plan, streamed, std::move(*batch.streaming));
            missing = missing || gone;
        }
        rest = rest.subspan(batch.rendered);
        co_await maybe_flush();
    }
    if (missing && !fetch.uid) {
        // RFC 9051 7.1: a message the client still numbers was expunged by another session.
        complete(Condition::No, "EXPUNGEISSUED", "Some of the messages no longer exist");
    }
}

// Per-message read transactions and awaits cost more than rendering FLAGS or an ENVELOPE, so
// whole messages are rendered together until a flush's worth of output is buffered.
Session::FetchBatch Session::render_batch(
    const FetchPlan& plan, std::span<const FetchTarget> targets
) {
    FetchBatch batch;
    // A failure drops the failing message's response whole; those before it are complete.
    std::size_t line_start = output_.buffer().size();
    store::StoreResult<bool> rendered{
        boost::system::in_place_error, make_error_code(store::Errc::Temporary)};
    try {
        rendered = services_.store.read([&](const store::StoreReader& r) {
            std::optional<std::vector<std::string>> keywords;
            do {
                line_start = output_.buffer().size();
                FetchOutcome outcome =
                    render_message(r, plan, targets[batch.rendered], 0, keywords);
                ++batch.rendered;
                batch.missing = batch.missing || outcome.missing;
                if (outcome.stream) {
                    batch.streaming = std::move(outcome);
                    break;
                }
            } while (batch.rendered < targets.size() && !output_full());
            return true;
        });
    } catch (const SessionError&) {
        output_.buffer().resize(line_start);  // BINARY of an unknown encoding
        throw;
    }
    if (!rendered) {
        output_.buffer().resize(line_start);
        throw failure(rendered.error(), Operation::Message);
    }
    return batch;
}

asio::awaitable<bool> Session::stream_message(
    const FetchPlan& plan, FetchTarget target, FetchOutcome outcome
) {
    while (outcome.stream) {
        co_await send_blob(
            outcome.stream->hash,
            outcome.stream->offset,
            outcome.stream->length,
            outcome.stream->mask_nul
        );
        outcome = render_guarded(plan, target, outcome.next_item);
    }
    co_return outcome.missing;
}

// The rest of a message after a streamed body, in a read transaction of its own.
Session::FetchOutcome Session::render_guarded(
    const FetchPlan& plan, FetchTarget target, std::size_t item
) {
    const std::size_t line_start = output_.buffer().size();
    // A failure before anything of the message was sent drops its response whole; after a
    // streamed body, half a response went out and the connection cannot go on.
    auto rollback = [&] {
        if (item == 0) {
            output_.buffer().resize(line_start);
        } else {
            close_after_ = true;
        }
    };
    store::StoreResult<FetchOutcome> outcome = make_error_code(store::Errc::Temporary);
    try {
        outcome = services_.store.read([&](const store::StoreReader& r) {
            std::optional<std::vector<std::string>> keywords;
            return render_message(r, plan, target, item, keywords);
        });
    } catch (const SessionError&) {
        rollback();  // BINARY of an unknown encoding
        throw;
    }
    if (!outcome) {
        rollback();
        throw failure(outcome.error(), Operation::Message);
    }
    return std::move(*outcome);
}

Session::FetchOutcome Session::render_message(
    const store::StoreReader& r,
    const FetchPlan& plan,
    FetchTarget target,
    std::size_t first_item,
    std::optional<std::vector<std::string>>& keywords
) {
    const auto [seq, uid] = target;
    FetchOutcome outcome;
    auto record = r.message(plan.mailbox, uid);
    if (!record) {
        outcome.missing = true;
        if (first_item > 0) {
            output_.buffer() += ")\r\n";  // finish the response a streamed body began
        }
        return outcome;
    }
    if (first_item == 0 && plan.changed_since && record->modseq <= *plan.changed_since) {
        outcome.skipped = true;
        return outcome;
    }
    const bool add_flags = !plan.has_flags && std::ranges::binary_search(plan.seen_now, uid);
    const std::size_t item_count = plan.items.size() + (add_flags ? 1 : 0);

    // Read lazily: most FETCHes need only the record.
    std::optional<store::MessageInfoBytes> info_bytes;
    std::optional<mime::MessageInfoView> view;
    std::optional<mime::MessageInfo> info;
    std::optional<store::BlobView> blob;
    auto get_view = [&]() -> const mime::MessageInfoView& {
        if (!view) {
            info_bytes = r.message_info(record->blob);
            if (info_bytes) {
                view = mime::MessageInfoView::parse(info_bytes->view());
            }
            if (!view) {
                throw store::StoreException(store::Errc::Corrupted, "unreadable message info");
            }
        }
        return *view;
    };
    auto get_info = [&]() -> const mime::MessageInfo& {
        if (!info) {
            get_view();
            info = mime::MessageInfo::deserialize(info_bytes->view());
            if (!info) {
                throw store::StoreException(store::Errc::Corrupted, "unreadable message info");
            }
        }
        return *info;
    };
    auto get_blob = [&]() -> const store::BlobView& {
        if (!blob) {
            blob = r.blob(record->blob);
            if (!blob) {
                throw store::StoreException(store::Errc::Corrupted, "message without bytes");
            }
        }
        return *blob;
    };
    auto get_keywords = [&]() -> const std::vector<std::string>& {
        if (!keywords) {
            auto mailbox = r.mailbox(plan.mailbox);
            keywords = mailbox ? std::move(mailbox->keywords) : std::vector<std::string>{};
        }
        return *keywords;
    };

    std::string& out = output_.buffer();
    Response response = respond();
    if (first_item == 0) {
        response.untagged().number(seq).atom("FETCH").open();
    } else if (first_item < item_count) {
        out.push_back(' ');  // after the streamed literal
    }
    for (std::size_t index = first_item; index < item_count; ++index) {
        const FetchAttribute flags_attribute{.item = FetchItem::Flags};
        const FetchAttribute& a = index < plan.items.size() ? plan.items[index] : flags_attribute;
        switch (a.item) {
            case FetchItem::Flags:
                response.atom("FLAGS").flags(
                    flag_names(record->flags, record->keywords, get_keywords(), uid)
                );
                if (condstore_ && !plan.has_modseq) {
                    response.atom("MODSEQ").open().number(record->modseq).close();
                }
                continue;
            case FetchItem::Uid:
                response.atom("UID").number(uid);
                continue;
            case FetchItem::InternalDate:
                response.atom("INTERNALDATE").date_time(record->internal_date);
                continue;
            case FetchItem::Rfc822Size:
                response.atom("RFC822.SIZE").number(record->size);
                continue;
            case FetchItem::Envelope:
                response.atom("ENVELOPE").raw(get_view().imap_envelope);
                continue;
            case FetchItem::Body:
                response.atom("BODY").raw(get_view().imap_body);
                continue;
            case FetchItem::BodyStructure:
                response.atom("BODYSTRUCTURE").raw(get_view().imap_bodystructure);
                continue;
            case FetchItem::ModSeq:
                response.atom("MODSEQ").open().number(record->modseq).close();
                continue;
            case FetchItem::BinarySize: {
                std::optional<std::uint64_t> size = record->size;
                if (!a.section.part.empty()) {
                    const mime::Part* part = get_info().find_part(section_number(a.section.part));
                    size = part != nullptr ? part->decoded_size : std::optional<std::uint64_t>(0);
                }
                if (!size) {
                    throw no("UNKNOWN-CTE", "Unknown Content-Transfer-Encoding");
                }
                response.atom(response_name(a)).number(*size);
                continue;
            }
            case FetchItem::BodySection:
            case FetchItem::Binary:
            case FetchItem::Rfc822:
            case FetchItem::Rfc822Header:
            case FetchItem::Rfc822Text:
                break;
        }

        // The body items.
        Body body;
        const Section& section = a.section;
        if (a.item == FetchItem::Rfc822) {
            body = Body::range({0, record->size});
        } else if (a.item == FetchItem::Rfc822Header) {
            body = Body::range(get_view().header);
        } else if (a.item == FetchItem::Rfc822Text) {
            body = Body::range(get_view().text);
        } else if (a.item == FetchItem::Binary) {
            body.binary = true;
            if (section.part.empty()) {
                body.kind = Body::Kind::Range;
                body.length = record->size;
            } else if (const mime::Part* part = get_info().find_part(section_number(section.part))) {
                if (!part->decoded_size) {
                    throw no("UNKNOWN-CTE", "Unknown Content-Transfer-Encoding");
                }
                mime::Part local = *part;
                std::string raw = get_blob().copy(part->body.offset, part->body.length);
                local.body = {0, raw.size()};
                auto decoded = mime::decode_part_body(raw, local);
                if (!decoded) {
                    throw no("UNKNOWN-CTE", "Unknown Content-Transfer-Encoding");
                }
                body.kind = Body::Kind::Bytes;
                body.bytes = std::move(*decoded);
            }
        } else {
            // BODY[section]: the ranges of the message, or of the part and, for a message/rfc822
            // part, of the message inside it.
            std::optional<mime::Range> whole;
            std::optional<mime::Range> header;
            std::optional<mime::Range> text;
            std::optional<mime::Range> mime_header;
            if (section.part.empty()) {
                whole = mime::Range{0, record->size};
                header = get_view().header;
                text = get_view().text;
            } else if (const mime::Part* part = get_info().find_part(section_number(section.part))) {
                whole = part->body;
                mime_header = part->header;
                header = part->message_header;
                text = part->message_text;
            }
            switch (section.text) {
                case SectionText::Full:
                    if (whole) {
                        body = Body::range(*whole);
                    }
                    break;
                case SectionText::Mime:
                    if (mime_header) {
                        body = Body::range(*mime_header);
                    }
                    break;
                case SectionText::Header:
                    if (header) {
                        body = Body::range(*header);
                    }
                    break;
                case SectionText::Text:
                    if (text) {
                        body = Body::range(*text);
                    }
                    break;
                case SectionText::HeaderFields:
                case SectionText::HeaderFieldsNot:
                    if (header) {
                        std::vector<std::string_view> names(
                            section.fields.begin(), section.fields.end()
                        );
                        body.kind = Body::Kind::Bytes;
                        body.bytes = mime::header_fields(
                            get_blob().copy(header->offset, header->length),
                            names,
                            section.text == SectionText::HeaderFields ? mime::FieldSelect::Only
                                                                      : mime::FieldSelect::Except
                        );
                    }
                    break;
            }
        }

        response.atom(response_name(a));
        if (body.kind == Body::Kind::Nil) {
            response.nil();
            continue;
        }
        // <origin.length> (RFC 9051 6.4.5): clipped to what exists.
        std::uint64_t available = body.kind == Body::Kind::Range ? body.length : body.bytes.size();
        std::uint64_t from = 0;
        std::uint64_t length = available;
        if (a.partial) {
            from = std::min(a.partial->offset, available);
            length = std::min(a.partial->length, available - from);
        }
        if (length == 0) {
            response.string("");
            continue;
        }
        if (body.kind == Body::Kind::Bytes) {
            std::string_view bytes = std::string_view(body.bytes).substr(from, length);
            const bool nul = std::memchr(bytes.data(), '\0', bytes.size()) != nullptr;
            response.literal_header(length, body.binary && nul);
            append_body(out, bytes, !body.binary);
            continue;
        }
        // BINARY of the whole message may hold NUL: always literal8 (RFC 3516 4.3).
        response.literal_header(length, body.binary);
        if (length <= kInlineLiteral) {
            get_blob().read(body.offset + from, length, [&](std::string_view bytes) {
                append_body(out, bytes, !body.binary);
            });
            continue;
        }
        outcome.stream =
            FetchOutcome::Stream{record->blob, body.offset + from, length, !body.binary};
        outcome.next_item = index + 1;
        return outcome;
    }
    response.close().end();
    return outcome;
}

}  // namespace govmail::imap
