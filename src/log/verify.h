// Read-only integrity check of a whole audit log (the auditor's `verify`):
// the manifest, every sealed file's SHA-256, row count and seq range, the
// dense seq sequence 1..N across files and journal, and the hash chain
// recomputed from the genesis over every record. Takes no lock: it checks
// the snapshot it reads.
//
// The library's own verifier; the public API (budget_audit/verify.h:
// Verify, its report as data, text and JSON) is built on it in verify.cc,
// and so is a report's verified snapshot (OpenVerifiedSnapshot).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "budget_audit/env.h"
#include "budget_audit/log_reader.h"
#include "budget_audit/verify.h"
#include "log/checkpoint.h"
#include "log/layout.h"
#include "log/record.h"

namespace budget_audit::log {

struct VerifyReport {
  uint64_t records = 0;  // total records checked (sealed + journal)
  uint64_t sealed_records = 0;
  size_t files = 0;  // sealed Parquet files
  size_t journal_files = 0;
  std::string log_id_hex;
  std::string head_hex;    // chain head after the last record
  bool torn_tail = false;  // the journal ends in a torn tail (a crash's leftovers)
  uint64_t torn_tail_bytes = 0;
  std::string torn_tail_at;           // "<journal file> offset N"
  std::string torn_tail_journal;      // that file's name in _journal/
  uint64_t torn_tail_offset = 0;      // and N
  bool closed_cleanly = false;        // the last writer closed the log cleanly (and no writer has it)
  std::vector<CutTail> cuts;          // every tail cut after a crash, kept in _cut/
  std::vector<std::string> warnings;  // e.g. timestamps that go backwards
  std::vector<VerifyWarningKind> warning_kinds;  // what each warning is about
  std::optional<TimestampsBackwards> timestamps_backwards;
  // Chain hash after each requested seq (see VerifyOptions::hash_at).
  std::optional<ChainHash> hash_at_requested;
  // Chain hash after each seq of VerifyOptions::hashes_at the log holds.
  std::map<uint64_t, ChainHash> hashes_at;
  // The manifest that was checked (Manifest::digest), and whether it
  // carried a checksum (one without is a warning).
  std::string manifest_digest;
  bool manifest_checksum = false;
};

struct VerifyOptions {  // (budget_audit::VerifyOptions is the public call's)
  // Also report the chain hash after this seq (for checkpoint checks).
  std::optional<uint64_t> hash_at;
  // And after each of these (report.hashes_at).
  std::vector<uint64_t> hashes_at;
};

// OK with a report when the log is intact; Corruption naming the first
// problem (file, seq, what) otherwise.
Result<VerifyReport> VerifyLog(Env* env, const std::string& dir, const VerifyOptions& options = {});

// What a report can say about the records it covers (`report --verify`,
// `--checkpoint`): they are records 1..records of a log verified whole.
struct SnapshotVerification {
  uint64_t records = 0;                  // the snapshot's records, seqs 1..records
  std::string head_hex;                  // the chain hash after `records`
  std::optional<Checkpoint> checkpoint;  // the checkpoint the log holds, if one was given
  bool checkpoint_signature_checked = false;
  VerifyReport report;  // of the whole log (it may hold more records)
};

// A snapshot of `dir` and a verification of it: the whole log verified
// (VerifyLog), the chain hash it computes at the snapshot's last seq equal
// to the snapshot's head, and the same manifest read by both (so the
// summaries a report uses instead of sealed rows are the verified ones; a
// seal between the two reads is retried). With `checkpoint`, the log must
// hold its prefix (its log id, the chain hash at its seq); a signed one
// needs `public_key_hex` (InvalidArgument without), whose signature must
// be valid. Corruption naming the first problem otherwise.
struct VerifiedSnapshot {
  std::unique_ptr<LogSnapshot> snapshot;
  SnapshotVerification verification;
};
Result<VerifiedSnapshot> OpenVerifiedSnapshot(Env* env, const std::string& dir,
                                              const std::optional<Checkpoint>& checkpoint,
                                              const std::optional<std::string>& public_key_hex);

// The checkpoint's prefix against a verification that recorded the chain
// hash at its seq (VerifyOptions::hashes_at): Corruption unless the log
// holds it.
Status CheckCheckpointPrefix(const Checkpoint& checkpoint, const VerifyReport& report);

}  // namespace budget_audit::log
