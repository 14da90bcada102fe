// Read-only integrity check of a whole audit log (the auditor's `verify`):
// the manifest, every sealed file's SHA-256, row count and seq range, the
// dense seq sequence 1..N across files and journal, and the hash chain
// recomputed from the genesis over every record. Takes no lock: it checks
// the snapshot it reads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "budget_audit/env.h"
#include "log/layout.h"
#include "log/record.h"

namespace budget_audit::log {

struct VerifyReport {
  uint64_t records = 0;        // total records checked (sealed + journal)
  uint64_t sealed_records = 0;
  size_t files = 0;            // sealed Parquet files
  size_t journal_files = 0;
  std::string log_id_hex;
  std::string head_hex;        // chain head after the last record
  bool torn_tail = false;      // the journal ends in a torn tail (a crash's leftovers)
  uint64_t torn_tail_bytes = 0;
  std::string torn_tail_at;    // "<journal file> offset N"
  bool closed_cleanly = false; // the last writer closed the log cleanly (and no writer has it)
  std::vector<CutTail> cuts;   // every tail cut after a crash, kept in _cut/
  std::vector<std::string> warnings;  // e.g. timestamps that go backwards
  // Chain hash after each requested seq (see VerifyOptions::hash_at).
  std::optional<ChainHash> hash_at_requested;
};

struct VerifyOptions {
  // Also report the chain hash after this seq (for checkpoint checks).
  std::optional<uint64_t> hash_at;
};

// OK with a report when the log is intact; Corruption naming the first
// problem (file, seq, what) otherwise.
Result<VerifyReport> VerifyLog(Env* env, const std::string& dir, const VerifyOptions& options = {});

}  // namespace budget_audit::log
