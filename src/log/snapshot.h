// The implementation of LogSnapshot (include/budget_audit/log_reader.h):
// the manifest read once, the sealed rows it vouches for (seq <= its
// sealed_seq, merged across month files in seq order), then the journal's
// valid prefix after sealed_seq. A writer appending or sealing meanwhile
// does not disturb it: month files are replaced by rename (an open
// snapshot filters by seq) and journal files only grow or vanish once
// sealed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "budget_audit/env.h"
#include "budget_audit/log_reader.h"
#include "log/manifest.h"
#include "log/sealed_reader.h"
#include "log/slot_parquet.h"

namespace budget_audit::log {

// What the rollup report needs over a whole view.
struct SnapshotTotals {
  uint64_t records = 0;
  uint64_t gate_passed = 0;        // records with gate_passed true
  std::vector<std::string> dates;  // the distinct `date` values, sorted
  // energy_cost_kwh summed in seq order exactly as numpy sums a column
  // (util/numpy_sum.h), NaN counted as 0 as pandas does.
  double energy_cost_sum = 0.0;
};

// A view's records pulled for a column-oriented consumer (the C ABI's
// Arrow stream): runs of sealed rows that SealedMerge::NextSlice hands out
// come as their decoded columns (no copy; where month files' seqs
// interleave, a run stops before another file's row), every other record
// (the journal's, a time range's or a date's) in a RecordBatch. Same records, order and checks as
// LogSnapshot::NewCursor.
class ChunkCursor {
 public:
  virtual ~ChunkCursor() = default;
  // The next up to `max_rows` records (at least 1 unless the end is
  // reached) in *slice (slice->rows > 0, *batch empty) or in *batch
  // (slice->rows == 0); both empty at the end. After an error the cursor is
  // spent (every later call gives the same error).
  virtual Status Next(size_t max_rows, ColumnSlice* slice, RecordBatch* batch) = 0;
};

// Reads a stretch's records (those in the requested time range) in seq order.
using StretchRows = std::function<Status(const std::function<Status(uint64_t, const SlotRecord&)>&)>;

// The library's own readers' access to a snapshot's internals.
struct SnapshotAccess {
  // The view's records with timestamps in [since_us, until_us), as
  // consecutive stretches in seq order, for readers that use a sealed
  // file's manifest summaries when they may (the compliance report): each
  // sealed file holding some of them, in seq order, then the journal's. `fn`
  // gets the file's manifest entry (null for the journal; null for a single
  // stretch of every record when the files' seqs interleave, after late
  // records), whether every row of the file lies in the range (its
  // summaries then describe exactly the stretch), and a function reading
  // the stretch's records (all columns).
  static Status ForEachStretch(
      const LogSnapshot& snap, int64_t since_us, int64_t until_us,
      const std::function<Status(const SealedFile* file, bool whole, const StretchRows& rows)>& fn);

  // The records of `options` as a ChunkCursor (the snapshot must outlive it).
  static Result<std::unique_ptr<ChunkCursor>> NewChunkCursor(const LogSnapshot& snap,
                                                             const ScanOptions& options);

  // Totals over every record in the view. Sealed files are read through
  // the summaries their manifest entries carry (docs/format.md §2.4; a file
  // without one, or holding part of the last partial numpy chunk, is
  // decoded), so the cost is the journal tail and the manifest, not the
  // history. Same results as a Scan over all records.
  static Result<SnapshotTotals> Totals(const LogSnapshot& snap);
};

// Calls `fn` for every record in seq order (a snapshot opened and scanned
// with all columns). Stops at the first error (from reading or from `fn`).
Status ForEachRecord(Env* env, const std::string& dir, const std::function<Status(const SeqRecord&)>& fn);

}  // namespace budget_audit::log
