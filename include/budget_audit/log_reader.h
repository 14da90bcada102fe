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
#include <string_view>
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

// A bound of a time range as people write one (`export --since`, the
// Python package's load(since=...)): an ISO-8601 timestamp with an offset
// or Z (naive: UTC), exactly that instant; or a date, YYYY-MM-DD or
// YYYYMMDD: the first instant of that day in the IANA zone `timezone`
// (its local midnight). Returns UTC microseconds for ScanOptions::since_us
// / until_us; InvalidArgument naming the bad part, or the unknown zone
// (only looked up for a date).
Result<int64_t> ParseTimeBound(std::string_view text, const std::string& timezone);

// Records in columns: a batch of a SnapshotCursor. Only the columns asked
// for are filled (the others stay empty); `seq` always is. Row i of the
// batch is seq[i], timestamp_us[i], ... Strings are UTF-8.
struct RecordBatch {
  ColumnSet columns = 0;  // which vectors below are filled
  std::vector<uint64_t> seq;
  std::vector<int64_t> timestamp_us;
  std::vector<std::string> date;
  std::vector<int64_t> slot_index;
  std::vector<double> planned_offset_deg;
  std::vector<double> actual_offset_deg;
  std::vector<double> energy_cost_kwh;
  std::vector<double> budget_spent_kwh;
  std::vector<double> budget_remaining_kwh;
  std::vector<uint8_t> gate_passed;  // 0 or 1
  std::vector<std::string> source;
  std::vector<std::string> stage_id;

  size_t num_rows() const { return seq.size(); }
  // Empties every vector, keeping their capacity.
  void Clear();
  // Appends `record` (its fields in `columns`) as the last row.
  void Add(uint64_t seq, const SlotRecord& record);
};

// A pull cursor over a snapshot: what Scan() calls back with, handed out in
// batches of columns (for bindings and column-oriented consumers, e.g. the
// Arrow C stream of the C ABI). Same records, order and checks as Scan().
// Borrows its LogSnapshot, which must outlive it.
class SnapshotCursor {
 public:
  virtual ~SnapshotCursor() = default;
  // Replaces `batch` with the next up to `max_rows` records (at least 1
  // unless the end is reached: then 0 rows and OK). After an error the
  // cursor is spent (every later call gives the same error).
  virtual Status Next(size_t max_rows, RecordBatch* batch) = 0;
};

namespace log {
struct SnapshotAccess;  // the library's own readers (not part of the API)
}  // namespace log

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

  // The same records as a pull cursor (the snapshot must outlive it).
  Result<std::unique_ptr<SnapshotCursor>> NewCursor(const ScanOptions& options) const;

 private:
  struct Impl;
  class Stream;        // the records of Scan(), pulled one at a time
  class StreamCursor;  // NewCursor()'s
  friend struct log::SnapshotAccess;
  explicit LogSnapshot(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace budget_audit
