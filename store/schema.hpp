#pragma once
// The store's named databases and the schema version.
//
// One LMDB environment in <data_dir>/store holds these databases (keys big-endian so that cursors
// walk in numeric order; record values start with a format-version byte; the table with every
// key and value layout is in store/README.md):
//
//   meta           "schema", "next_mailbox_id", "next_uidvalidity", "next_blob_id"
//   accounts       account id -> quota, used bytes, message count
//   mailboxes      mailbox id -> account, name, special-use, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ,
//                  first recent UID, counts, keyword table
//   mailbox_names  account id + name -> mailbox id      (listing an account is a prefix scan)
//   subscriptions  account id + name -> (empty)         (may name mailboxes that do not exist)
//   messages       mailbox id + UID -> MODSEQ, flags, keywords, internal date, size, blob hash
//   modseq_index   mailbox id + MODSEQ + UID            (CONDSTORE CHANGEDSINCE, RFC 7162 3.1.4)
//   expunged       mailbox id + MODSEQ + UID            (QRESYNC VANISHED, RFC 7162 3.2.10)
//   blob_info      SHA-256 -> blob id, reference count, size, chunking, size of the MessageInfo
//   blob_chunks    blob id + chunk index -> message bytes
//   blob_meta      blob id + chunk index -> serialized mime::MessageInfo (once per blob)
//
// Schema::open() runs at start-up (govmaild, govmailctl, tests): it opens or creates the
// databases, then compares the stored schema version with kSchemaVersion. A fresh environment
// gets the current version; an older one is migrated step by step in one write transaction
// (all or nothing); a newer one is refused with Errc::NewerSchema, because this binary cannot
// know what the newer data means.
//
//     auto env = Env::open({.path = data_dir / "store"});
//     Schema schema = Schema::open(*env);          // throws StoreException(NewerSchema, ...)

#include "store/lmdb.hpp"

#include <cstdint>
#include <functional>
#include <span>

namespace govmail::store {

inline constexpr std::uint32_t kSchemaVersion = 1;

class Schema;

// One migration step: turns data of schema version `from` into version `from + 1`, inside the
// write transaction that also records the new version.
struct Migration {
    std::uint32_t from = 0;
    std::function<void(WriteTxn&, const Schema&)> run;
};

class Schema {
public:
    MDB_dbi meta = 0;
    MDB_dbi accounts = 0;
    MDB_dbi mailboxes = 0;
    MDB_dbi mailbox_names = 0;
    MDB_dbi subscriptions = 0;
    MDB_dbi messages = 0;
    MDB_dbi modseq_index = 0;
    MDB_dbi expunged = 0;
    MDB_dbi blob_info = 0;
    MDB_dbi blob_chunks = 0;
    MDB_dbi blob_meta = 0;

    // Opens the databases and brings the data to kSchemaVersion with the built-in migrations.
    // Call before the Writer starts (it may write). Throws StoreException: NewerSchema,
    // Invalid (no migration path), or what LMDB reports.
    static Schema open(Env& env);

    // The same with an explicit target version and migration steps (tests exercise the hook).
    static Schema open(Env& env, std::uint32_t version, std::span<const Migration> migrations);

    // The version recorded in the environment (0 before the first open).
    std::uint32_t stored_version(const TxnBase& txn) const;
};

}  // namespace govmail::store
