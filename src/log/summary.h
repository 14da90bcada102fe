// Per-file summaries: what the reports need from a sealed file, computed
// when the file is sealed, kept in its manifest entry (docs/format.md
// §2.4) and re-checked by verify. Sealed files never change, so a report
// over sealed history reads the manifest instead of decoding every row:
// only the journal tail (and the last partial numpy chunk) is scanned.
//
//   gate_passed   records with gate_passed true
//   dates         the distinct `date` values, sorted
//   cost runs     energy_cost_kwh (NaN as 0, as pandas sums it) for each run
//                 of consecutive seqs in the file: the values, except that
//                 every whole 128-value block at a multiple of 128 from the
//                 log's start (seq 1) is replaced by numpy's pairwise sum of
//                 it (util/numpy_sum.h). With the run's first seq and row
//                 count the layout is implied:
//                   head  min(rows, (128 - (first_seq-1) % 128) % 128) values
//                   body  (rows - head) / 128 block sums
//                   tail  (rows - head) % 128 values
//
// A file whose rows form more than kMaxRuns runs (many late records) gets
// no summary; reports decode it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "budget_audit/slot_record.h"
#include "budget_audit/status.h"

namespace budget_audit::log {

struct CostRun {
  uint64_t first_seq = 0;
  uint64_t rows = 0;
  std::vector<double> values;  // head values, body block sums, tail values

  size_t head() const;
  size_t body() const;
  // head + body + tail: the size `values` must have.
  size_t expected_values() const;
  bool operator==(const CostRun&) const = default;
};

struct FileSummary {
  uint64_t gate_passed = 0;
  std::vector<std::string> dates;
  std::vector<CostRun> cost_runs;
  bool operator==(const FileSummary&) const = default;
};

// Builds a summary from a file's records, given in seq order (a file that
// gains rows continues from its summary: same result as building afresh).
class SummaryBuilder {
 public:
  static constexpr size_t kMaxRuns = 32;
  SummaryBuilder() = default;
  explicit SummaryBuilder(FileSummary start) : s_(std::move(start)) {}
  void Add(uint64_t seq, const SlotRecord& r);
  // nullopt when the file has too many runs for a summary.
  std::optional<FileSummary> Finish();

 private:
  FileSummary s_;
  bool too_many_runs_ = false;
};

// The manifest's text form of a run's values: base64 of little-endian
// IEEE-754 doubles (exact, and NaN/infinity survive).
std::string EncodeRunValues(const std::vector<double>& values);
Result<std::vector<double>> DecodeRunValues(std::string_view text);

}  // namespace budget_audit::log
