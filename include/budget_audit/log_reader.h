// LogSnapshot: a consistent, read-only view of an audit log, for reports,
// exports and `cat`, taken without the writer's lock.
//
// Open() reads the manifest and the journal's valid prefix once; the view
// is then fixed: records appended or sealed by a writer afterwards are not
// seen, and a writer replacing a month file meanwhile does not disturb it
// (month files only ever gain rows, and the view keeps to seq <=
// sealed_seq of the manifest it read).
//
// Scan() streams records in seq order. It decodes only the requested
// columns, one row group at a time (memory is bounded by a row group, at
// most 2^17 rows, per month file being merged), and skips whole files and row groups whose
// statistics exclude the time range or date asked for.
//
// Thread safety: a LogSnapshot may be scanned by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "budget_audit/env.h"
#include "budget_audit/slot_record.h"
#include "budget_audit/status.h"

namespace budget_audit {

// The audit columns, as bits of a ColumnSet (order of the Parquet schema).
enum AuditColumn : uint32_t {
  kColTimestamp = 1u << 0,
  kColDate = 1u << 1,
  kColSlotIndex = 1u << 2,
  kColPlannedOffset = 1u << 3,
  kColActualOffset = 1u << 4,
  kColEnergyCost = 1u << 5,
  kColBudgetSpent = 1u << 6,
  kColBudgetRemaining = 1u << 7,
  kColGatePassed = 1u << 8,
  kColSource = 1u << 9,
  kColStageId = 1u << 10,
};
using ColumnSet = uint32_t;
constexpr ColumnSet kAllColumns = (1u << 11) - 1;

struct ScanOptions {
  // Fields of SlotRecord outside this set keep their default values.
  ColumnSet columns = kAllColumns;
  // Only records with since_us <= timestamp < until_us (UTC microseconds).
  std::optional<int64_t> since_us;
  std::optional<int64_t> until_us;
  // Only records whose `date` column equals this (YYYY-MM-DD).
  std::optional<std::string> date;
};

// What the rollup report needs over a whole view (Totals()).
struct SnapshotTotals {
  uint64_t records = 0;
  uint64_t gate_passed = 0;         // records with gate_passed true
  std::vector<std::string> dates;   // the distinct `date` values, sorted
  // energy_cost_kwh summed in seq order exactly as numpy sums a column
  // (util/numpy_sum.h), NaN counted as 0 as pandas does.
  double energy_cost_sum = 0.0;
};

class LogSnapshot {
 public:
  // `env` (nullptr: Env::Default()) must outlive the snapshot. NotFound if
  // `dir` holds no log; Corruption if the journal is damaged before its tail.
  static Result<std::unique_ptr<LogSnapshot>> Open(const std::string& dir, Env* env = nullptr);
  ~LogSnapshot();

  uint64_t last_seq() const;    // records in the view: seqs 1..last_seq
  uint64_t sealed_seq() const;  // of which these are in sealed files
  size_t sealed_files() const;
  std::string log_id_hex() const;
  // The hash chain's head after last_seq (64 hex digits): what a checkpoint
  // of this view holds.
  std::string head_hex() const;
  // Identifies the manifest the view was read from (its checksum; for one
  // written before manifests had checksums, the SHA-256 of the file): two
  // views or checks with the same digest read the same manifest.
  std::string manifest_digest_hex() const;
  // True if the journal ends in a torn tail (a crash's leftovers, not part
  // of the log).
  bool torn_tail() const;

  // Calls fn(seq, record) for each record matching `options`, in seq order.
  // Stops at the first error, from reading or from fn. Every sealed file
  // is checked against the SHA-256 its manifest entry holds before a row of
  // it is used: Corruption naming the file when it differs (unless a seal
  // is under way or completed since Open(): then the newer file's rows up
  // to sealed_seq are the same and are taken).
  Status Scan(const ScanOptions& options,
              const std::function<Status(uint64_t seq, const SlotRecord& record)>& fn) const;

  // Totals over every record in the view. Sealed files are read through
  // the summaries their manifest entries carry (docs/format.md §2.4; a file
  // without one, or holding part of the last partial numpy chunk, is
  // decoded), so the cost is the journal tail and the manifest, not the
  // history. Same results as a Scan over all records.
  Result<SnapshotTotals> Totals() const;

  struct Impl;

 private:
  explicit LogSnapshot(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace budget_audit
