#include "store/check.hpp"

#include "store/blobs.hpp"
#include "store/detail/records.hpp"
#include "store/error.hpp"

#include <openssl/evp.h>

#include <map>
#include <memory>
#include <set>

namespace govmail::store {

using detail::decode_account;
using detail::decode_blob_info;
using detail::decode_mailbox;
using detail::decode_message;
using detail::decode_u64;

namespace {

std::string mailbox_name(MailboxId id) {
    return "mailbox " + std::to_string(id);
}

std::string message_name(MailboxId mailbox, Uid uid) {
    return "message " + std::to_string(mailbox) + "/" + std::to_string(uid);
}

// What the message records say a mailbox should hold.
struct Tally {
    std::uint32_t messages = 0;
    std::uint32_t unseen = 0;
    std::uint32_t recent = 0;
    std::uint32_t deleted = 0;
    std::uint64_t size = 0;
    Uid max_uid = 0;
    ModSeq max_modseq = 0;
    KeywordBits keywords = 0;
};

struct Usage {
    std::uint64_t bytes = 0;
    std::uint64_t messages = 0;
};

class Checker {
public:
    Checker(const ReadTxn& txn, const Schema& schema, const CheckOptions& options)
        : txn_(txn)
        , schema_(schema)
        , options_(options) {}

    CheckReport run() {
        guarded("meta", [&] { load_meta(); });
        check_accounts();
        check_mailboxes();
        check_names();
        check_messages();
        check_modseq_index();
        check_tombstones();
        check_tallies();
        check_external_references();
        check_blobs();
        check_orphan_chunks(schema_.blob_chunks, "blob chunk");
        check_orphan_chunks(schema_.blob_meta, "blob info chunk");
        check_subscriptions();
        return std::move(report_);
    }

private:
    void fault(const std::string& what) {
        ++report_.fault_count;
        if (report_.faults.size() < options_.max_faults) {
            report_.faults.push_back(what);
        }
    }

    // Runs one record's checks; a record that does not decode is a fault, not the end.
    template <typename Fn>
    void guarded(const std::string& what, Fn&& fn) {
        try {
            fn();
        } catch (const StoreException& e) {
            fault(what + ": " + e.what());
        }
    }

    void load_meta() {
        auto next_mailbox = txn_.get(schema_.meta, detail::kMetaNextMailboxId);
        auto next_uidvalidity = txn_.get(schema_.meta, detail::kMetaNextUidvalidity);
        auto next_blob = txn_.get(schema_.meta, detail::kMetaNextBlobId);
        if (!next_mailbox || !next_uidvalidity || !next_blob) {
            fault("meta: counters missing");
            return;
        }
        next_mailbox_id_ = decode_u64(*next_mailbox);
        next_uidvalidity_ = decode_u64(*next_uidvalidity);
        next_blob_id_ = decode_u64(*next_blob);
    }

    void check_accounts() {
        Cursor c = txn_.cursor(schema_.accounts);
        for (bool ok = c.first(); ok; ok = c.next()) {
            guarded("account key", [&] {
                AccountId id = read_u64(c.key(), 0);
                guarded("account " + std::to_string(id), [&] {
                    accounts_.emplace(id, decode_account(id, c.value()));
                    ++report_.accounts;
                });
            });
        }
    }

    void check_mailboxes() {
        Cursor c = txn_.cursor(schema_.mailboxes);
        for (bool ok = c.first(); ok; ok = c.next()) {
            MailboxId id = 0;
            guarded("mailbox key", [&] { id = read_u64(c.key(), 0); });
            guarded(mailbox_name(id), [&] {
                MailboxRecord m = decode_mailbox(id, c.value());
                ++report_.mailboxes;
                if (!accounts_.contains(m.account)) {
                    fault(
                        mailbox_name(id) + " (\"" + m.name + "\"): account " +
                        std::to_string(m.account) + " does not exist"
                    );
                }
                if (id >= next_mailbox_id_) {
                    fault(mailbox_name(id) + ": id not below the next mailbox id in meta");
                }
                if (m.uidvalidity == 0 || m.uidvalidity >= next_uidvalidity_) {
                    fault(mailbox_name(id) + ": UIDVALIDITY not below the next one in meta");
                }
                if (m.first_recent_uid > m.uidnext || m.first_recent_uid == 0) {
                    fault(mailbox_name(id) + ": first recent UID beyond UIDNEXT");
                }
                auto named = txn_.get(schema_.mailbox_names, detail::name_key(m.account, m.name));
                if (!named || decode_u64(*named) != id) {
                    fault(mailbox_name(id) + ": name \"" + m.name + "\" not indexed to it");
                }
                mailboxes_.emplace(id, std::move(m));
            });
        }
    }

    void check_names() {
        Cursor c = txn_.cursor(schema_.mailbox_names);
        for (bool ok = c.first(); ok; ok = c.next()) {
            guarded("mailbox name index", [&] {
                AccountId account = read_u64(c.key(), 0);
                std::string name(c.key().substr(8));
                MailboxId id = decode_u64(c.value());
                auto found = mailboxes_.find(id);
                if (found == mailboxes_.end() || found->second.name != name ||
                    found->second.account != account) {
                    fault(
                        "mailbox name \"" + name + "\" of account " + std::to_string(account) +
                        " points to " + mailbox_name(id) + ", which does not carry that name"
                    );
                }
            });
        }
    }

    void check_messages() {
        Cursor c = txn_.cursor(schema_.messages);
        for (bool ok = c.first(); ok; ok = c.next()) {
            if (c.key().size() != detail::kMessageKeySize) {
                fault("message record with a malformed key");
                continue;
            }
            MailboxId mailbox = detail::key_mailbox(c.key());
            Uid uid = detail::message_key_uid(c.key());
            guarded(message_name(mailbox, uid), [&] {
                MessageRecord m = decode_message(uid, c.value());
                ++report_.messages;
                report_.logical_bytes += m.size;
                auto owner = mailboxes_.find(mailbox);
                if (owner == mailboxes_.end()) {
                    fault(message_name(mailbox, uid) + ": its mailbox does not exist");
                    return;
                }
                const MailboxRecord& box = owner->second;
                Tally& t = tallies_[mailbox];
                ++t.messages;
                t.unseen += (m.flags & kSeen) == 0 ? 1 : 0;
                t.deleted += (m.flags & kDeleted) != 0 ? 1 : 0;
                t.recent += m.uid >= box.first_recent_uid ? 1 : 0;
                t.size += m.size;
                t.max_uid = std::max(t.max_uid, m.uid);
                t.max_modseq = std::max(t.max_modseq, m.modseq);
                t.keywords |= m.keywords;
                Usage& u = usage_[box.account];
                u.bytes += m.size;
                ++u.messages;
                ++references_[m.blob];
                sizes_.emplace(m.blob, m.size);
                if (sizes_[m.blob] != m.size) {
                    fault(message_name(mailbox, uid) + ": size differs from its blob's");
                }
                if (!txn_.get(schema_.modseq_index, detail::modseq_key(mailbox, m.modseq, uid))) {
                    fault(message_name(mailbox, uid) + ": missing from the MODSEQ index");
                }
            });
        }
    }

    void check_modseq_index() {
        Cursor c = txn_.cursor(schema_.modseq_index);
        for (bool ok = c.first(); ok; ok = c.next()) {
            guarded("MODSEQ index entry", [&] {
                MailboxId mailbox = detail::key_mailbox(c.key());
                ModSeq modseq = detail::modseq_key_modseq(c.key());
                Uid uid = detail::modseq_key_uid(c.key());
                auto value = txn_.get(schema_.messages, detail::message_key(mailbox, uid));
                if (!value || decode_message(uid, *value).modseq != modseq) {
                    fault(
                        "MODSEQ index entry " + std::to_string(modseq) + " of " +
                        message_name(mailbox, uid) + " is stale"
                    );
                }
            });
        }
    }

    void check_tombstones() {
        Cursor c = txn_.cursor(schema_.expunged);
        for (bool ok = c.first(); ok; ok = c.next()) {
            guarded("expunge tombstone", [&] {
                MailboxId mailbox = detail::key_mailbox(c.key());
                ModSeq modseq = detail::modseq_key_modseq(c.key());
                Uid uid = detail::modseq_key_uid(c.key());
                auto owner = mailboxes_.find(mailbox);
                if (owner == mailboxes_.end()) {
                    fault("expunge tombstone of " + message_name(mailbox, uid) + ": no mailbox");
                    return;
                }
                if (uid >= owner->second.uidnext) {
                    fault(
                        "expunge tombstone of " + message_name(mailbox, uid) +
                        ": UID not below UIDNEXT"
                    );
                }
                if (modseq > owner->second.highest_modseq) {
                    fault(
                        "expunge tombstone of " + message_name(mailbox, uid) +
                        ": MODSEQ above HIGHESTMODSEQ"
                    );
                }
                if (txn_.get(schema_.messages, detail::message_key(mailbox, uid))) {
                    fault(message_name(mailbox, uid) + ": expunged but still present");
                }
            });
        }
    }

    void check_tallies() {
        for (const auto& [id, m] : mailboxes_) {
            const Tally& t = tallies_[id];
            std::string name = mailbox_name(id) + " (\"" + m.name + "\")";
            auto expect = [&](const char* what, std::uint64_t stored, std::uint64_t actual) {
                if (stored != actual) {
                    fault(
                        name + ": " + what + " is " + std::to_string(stored) + ", records say " +
                        std::to_string(actual)
                    );
                }
            };
            expect("message count", m.messages, t.messages);
            expect("unseen count", m.unseen, t.unseen);
            expect("recent count", m.recent, t.recent);
            expect("deleted count", m.deleted, t.deleted);
            expect("size", m.size, t.size);
            if (t.messages > 0 && m.uidnext <= t.max_uid) {
                fault(
                    name + ": UIDNEXT " + std::to_string(m.uidnext) + " not above UID " +
                    std::to_string(t.max_uid)
                );
            }
            if (m.highest_modseq < t.max_modseq) {
                fault(
                    name + ": HIGHESTMODSEQ " + std::to_string(m.highest_modseq) +
                    " below MODSEQ " + std::to_string(t.max_modseq)
                );
            }
            if (m.keywords.size() < kMaxKeywords && (t.keywords >> m.keywords.size()) != 0) {
                fault(name + ": messages use keyword bits beyond its keyword table");
            }
        }
        for (const auto& [id, account] : accounts_) {
            const Usage& u = usage_[id];
            std::string name = "account " + std::to_string(id);
            if (account.used_bytes != u.bytes) {
                fault(
                    name + ": used bytes " + std::to_string(account.used_bytes) +
                    ", messages say " + std::to_string(u.bytes)
                );
            }
            if (account.messages != u.messages) {
                fault(
                    name + ": message count " + std::to_string(account.messages) +
                    ", records say " + std::to_string(u.messages)
                );
            }
        }
    }

    void check_external_references() {
        for (const BlobReferenceSource& source : options_.external_references) {
            guarded(source.name, [&] {
                source.enumerate(txn_, [&](const BlobHash& hash) {
                    ++external_[hash];
                    ++references_[hash];
                });
            });
        }
    }

    void check_blobs() {
        Cursor c = txn_.cursor(schema_.blob_info);
        for (bool ok = c.first(); ok; ok = c.next()) {
            auto hash = BlobHash::from_bytes(c.key());
            if (!hash) {
                fault("blob record with a malformed key");
                continue;
            }
            std::string name = "blob " + hash->hex();
            guarded(name, [&] {
                BlobInfo info = decode_blob_info(*hash, c.value());
                ++report_.blobs;
                report_.blob_bytes += info.size;
                blobs_.insert(*hash);
                if (info.id == 0 || info.id >= next_blob_id_) {
                    fault(name + ": id " + std::to_string(info.id) + " not below the next blob id");
                }
                if (!blob_ids_.emplace(info.id, *hash).second) {
                    fault(name + ": id " + std::to_string(info.id) + " also used by another blob");
                }
                std::uint64_t held = references_[*hash];
                if (info.refcount != held) {
                    fault(
                        name + ": reference count " + std::to_string(info.refcount) + ", but " +
                        std::to_string(held - external_[*hash]) + " message records and " +
                        std::to_string(external_[*hash]) + " other references"
                    );
                }
                if (auto size = sizes_.find(*hash);
                    size != sizes_.end() && size->second != info.size) {
                    fault(name + ": size differs from its message records'");
                }
                check_chunks(name, info, schema_.blob_chunks, info.size, info.chunk_count, true);
                check_chunks(
                    name + " info", info, schema_.blob_meta, info.info_size, info.info_chunks, false
                );
            });
        }
        for (const auto& [hash, count] : references_) {
            if (!blobs_.contains(hash)) {
                fault(
                    "blob " + hash.hex() + ": missing, referenced by " + std::to_string(count) +
                    " records"
                );
            }
        }
    }

    void check_chunks(
        const std::string& name,
        const BlobInfo& info,
        MDB_dbi dbi,
        std::uint64_t size,
        std::uint32_t count,
        bool hash_content
    ) {
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha(
            EVP_MD_CTX_new(), EVP_MD_CTX_free
        );
        bool hashing = hash_content && options_.verify_content && sha &&
                       EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr) == 1;
        std::uint64_t total = 0;
        std::uint32_t seen = 0;
        Key prefix;
        prefix.u64(info.id);
        Cursor c = txn_.cursor(dbi);
        for (bool ok = c.seek(prefix); ok && c.key().starts_with(prefix.view()); ok = c.next()) {
            std::uint32_t index = read_u32(c.key(), 8);
            std::uint64_t expected =
                index < count ? std::min<std::uint64_t>(
                                    info.chunk_size, size - std::uint64_t{index} * info.chunk_size
                                )
                              : 0;
            if (index != seen || c.value().size() != expected) {
                fault(
                    name + ": chunk " + std::to_string(index) + " is " +
                    (index != seen ? "out of sequence" : "of the wrong size")
                );
                return;
            }
            ++seen;
            total += c.value().size();
            if (hashing) {
                EVP_DigestUpdate(sha.get(), c.value().data(), c.value().size());
            }
        }
        if (seen != count || total != size) {
            fault(
                name + ": " + std::to_string(seen) + " chunks holding " + std::to_string(total) +
                " bytes, expected " + std::to_string(count) + " holding " + std::to_string(size)
            );
            return;
        }
        if (hashing) {
            BlobHash actual;
            unsigned int length = 0;
            EVP_DigestFinal_ex(sha.get(), actual.bytes.data(), &length);
            if (actual != info.hash) {
                fault(name + ": content does not match its SHA-256 (damaged bytes)");
            }
        }
    }

    void check_orphan_chunks(MDB_dbi dbi, const std::string& what) {
        Cursor c = txn_.cursor(dbi);
        bool ok = c.first();
        while (ok) {
            if (c.key().size() != detail::kChunkKeySize) {
                fault(what + " with a malformed key");
                ok = c.next();
                continue;
            }
            std::uint64_t id = read_u64(c.key(), 0);
            if (blob_ids_.contains(id)) {
                ok = c.next();
                continue;
            }
            fault(what + "s of blob id " + std::to_string(id) + " without a blob record");
            // One fault per blob is enough: skip to the next blob's chunks.
            Key next;
            next.u64(id).u32(UINT32_MAX);
            ok = c.seek(next) && (c.key() != next.view() || c.next());
        }
    }

    void check_subscriptions() {
        Cursor c = txn_.cursor(schema_.subscriptions);
        for (bool ok = c.first(); ok; ok = c.next()) {
            guarded("subscription", [&] {
                AccountId account = read_u64(c.key(), 0);
                if (!accounts_.contains(account)) {
                    fault(
                        "subscription \"" + std::string(c.key().substr(8)) + "\" of account " +
                        std::to_string(account) + ", which does not exist"
                    );
                }
            });
        }
    }

    const ReadTxn& txn_;
    const Schema& schema_;
    const CheckOptions& options_;
    CheckReport report_;
    std::uint64_t next_mailbox_id_ = 0;
    std::uint64_t next_uidvalidity_ = 0;
    std::uint64_t next_blob_id_ = 0;
    std::map<AccountId, AccountStorage> accounts_;
    std::map<MailboxId, MailboxRecord> mailboxes_;
    std::map<MailboxId, Tally> tallies_;
    std::map<AccountId, Usage> usage_;
    std::map<BlobHash, std::uint64_t> references_;
    std::map<BlobHash, std::uint64_t> external_;
    std::map<BlobHash, std::uint64_t> sizes_;
    std::set<BlobHash> blobs_;
    std::map<std::uint64_t, BlobHash> blob_ids_;
};

}  // namespace

CheckReport check_store(const ReadTxn& txn, const Schema& schema, const CheckOptions& options) {
    return Checker(txn, schema, options).run();
}

}  // namespace govmail::store
