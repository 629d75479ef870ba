#pragma once
// Consistency check of the whole store (govmailctl check, and the tests after every scenario).
//
// Reads one snapshot and verifies every invariant the write operations keep:
// - every record decodes (a damaged record is a fault naming it, never a crash);
// - every message record's blob exists, and each blob's reference count equals the number of
//   message records pointing at it plus the references other modules hold (listed in
//   CheckOptions::external_references, e.g. the outbound queue); no blob is unreferenced;
// - each blob has exactly its chunk_count chunks of chunk_size bytes (the last one shorter),
//   adding up to its size, and, with verify_content, the SHA-256 of its bytes is its key; its
//   MessageInfo chunks add up to info_size; no chunk lies outside a blob; blob ids are unique
//   and below the counter;
// - each mailbox's counts (messages, unseen, recent, deleted, size) equal what its message
//   records say; UIDNEXT is above every UID and every tombstone's UID; HIGHESTMODSEQ is at least
//   every MODSEQ of its messages and tombstones; the keyword bits used exist in its table;
// - modseq_index holds exactly one entry per message record, at its MODSEQ; tombstones belong
//   to existing mailboxes and name no live message;
// - the name index and the mailbox records agree both ways; each mailbox's account exists;
// - each account's used bytes and message count equal the sums over its messages;
// - the counters in meta are above every mailbox id, UIDVALIDITY and blob id handed out.
//
//     auto report = env.read([&](const ReadTxn& tx) { return check_store(tx, schema, {}); });
//     for (const auto& fault : report.faults) std::puts(fault.c_str());
//
// Run against a live environment it reads one consistent snapshot (an LMDB read transaction);
// while it runs, the writer cannot reuse pages freed after the snapshot, so the file may grow
// a little during a long check of a big store.

#include "store/lmdb.hpp"
#include "store/schema.hpp"
#include "store/types.hpp"

#include <functional>
#include <string>
#include <vector>

namespace govmail::store {

// A module that holds blob references outside message records (StoreWriter::put_blob).
struct BlobReferenceSource {
    std::string name;  // "outbound queue": named in faults
    // Calls `reference(hash)` once per reference held, as of the snapshot `txn`.
    std::function<void(const ReadTxn& txn, const std::function<void(const BlobHash&)>& reference)>
        enumerate;
};

struct CheckOptions {
    // Hash every blob's bytes (reads all mail); false checks structure only.
    bool verify_content = true;
    std::vector<BlobReferenceSource> external_references;
    // Stop collecting faults after this many (the count goes on).
    std::size_t max_faults = 1000;
};

struct CheckReport {
    std::vector<std::string> faults;  // one line each, naming the record
    std::uint64_t fault_count = 0;
    std::uint64_t accounts = 0;
    std::uint64_t mailboxes = 0;
    std::uint64_t messages = 0;
    std::uint64_t blobs = 0;
    std::uint64_t blob_bytes = 0;     // bytes of distinct blobs
    std::uint64_t logical_bytes = 0;  // sum of message sizes

    bool ok() const { return fault_count == 0; }
};

CheckReport check_store(const ReadTxn& txn, const Schema& schema, const CheckOptions& options);

}  // namespace govmail::store
