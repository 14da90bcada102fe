// Per-file site summaries: what the compliance report (report/compliance.cc)
// needs from a sealed file's rows, computed when the file is sealed, in the
// site's time zone, and kept in its manifest entry beside the report summary
// (docs/format.md §2.4, member "site"; re-checked by verify). A compliance
// report over a budget year then reads the manifest for every month file the
// covered period holds whole, and decodes only the files it holds in part
// (the year's edges, as_of) and the journal tail: O(files + journal tail).
//
// A summary is the full state of SiteSummaryBuilder after the file's rows
// in seq order, so a file that gains rows continues from it (same result,
// bit for bit, as building afresh), and the report combines one file's
// state with the next's (docs/compliance.md, "How the figures are summed"):
//
//   spent and the sums per local day, stage and source  compensated sums
//                                  (s, c), each file's on its own
//   dates                          the distinct `date` values
//   ledger checks                  counts and the first 20 seqs each; the
//                                  deviation statistics; budget_spent_kwh −
//                                  the file's running sum of costs (first,
//                                  min, max); budget_spent_kwh +
//                                  budget_remaining_kwh (first, min, max)
//   intervals                      positive gaps between consecutive ticks,
//                                  rounded to whole seconds, with counts
//   long gaps                      the gaps longer than an hour (an outage is
//                                  always longer than an hour)
//
// A file with more than kMaxIntervals distinct intervals or kMaxGaps long
// gaps gets no site summary; the report decodes it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "budget_audit/slot_record.h"
#include "budget_audit/status.h"
#include "util/time_zone.h"

namespace budget_audit::log {

// The offset deviation tolerance (degrees) files are summarised with; a
// report with another decodes the files.
constexpr double kSiteOffsetToleranceDeg = 1.0;

// A sum that keeps the digits a long run of small costs would lose
// (Neumaier's compensated summation): the value is s + c.
struct CompensatedSum {
  double s = 0, c = 0;
  void Add(double x);
  double value() const { return s + c; }
  // Bit for bit (NaN equals NaN).
  bool operator==(const CompensatedSum& o) const;
};

struct SiteCounts {
  CompensatedSum spent;
  uint64_t slots = 0, interventions = 0;
  bool operator==(const SiteCounts&) const = default;
};

// Records a ledger check flags: how many, the first kSeqsKept seqs, and the
// energy they book (where the check sums one).
struct SiteFlagged {
  uint64_t count = 0;
  std::vector<uint64_t> seqs;
  CompensatedSum kwh;
  void Keep(uint64_t seq);
  bool operator==(const SiteFlagged&) const = default;
};

// Bitwise equality of doubles, for summaries compared by verify.
struct ExactDouble {
  double v = 0;
  bool operator==(const ExactDouble& o) const;
};

struct SiteSummary {
  static constexpr size_t kSeqsKept = 20;
  static constexpr size_t kMaxIntervals = 256;
  static constexpr size_t kMaxGaps = 64;
  static constexpr int64_t kLongGapUs = 3600LL * 1000000;

  std::string timezone;  // the IANA zone the local days are in
  ExactDouble offset_tolerance_deg{1.0};
  uint64_t records = 0;
  // Of the records so far (valid when records > 0): the first's timestamp
  // (seq order), the smallest, and the latest so far (running maximum).
  int64_t first_ts = 0, min_ts = 0, max_ts = 0;
  SiteCounts total;
  std::map<int64_t, SiteCounts> days;  // local day (days since 1970-01-01)
  std::map<std::string, SiteCounts> stages, sources;
  std::vector<std::string> dates;  // distinct `date` values, sorted
  SiteFlagged no_gate, negative, deviation, not_site_day, backwards;
  CompensatedSum deviation_sum;
  uint64_t deviation_n = 0;
  ExactDouble worst_deviation;
  uint64_t worst_deviation_seq = 0;
  // The controller's counters: any record with one non-zero; then
  // budget_spent_kwh − running sum of the file's costs (through the
  // record), and budget_spent_kwh + budget_remaining_kwh: first, min, max.
  bool controller_counts = false;
  ExactDouble spent_diff_first, spent_diff_min, spent_diff_max;
  ExactDouble total_first, total_min, total_max;
  std::map<int64_t, uint64_t> intervals;          // whole seconds -> count
  std::vector<std::pair<int64_t, int64_t>> gaps;  // (previous, next) > kLongGapUs
  // Set while building: more intervals or gaps than a summary keeps.
  bool overflow = false;

  bool operator==(const SiteSummary&) const;
};

// A gap between consecutive ticks as the summary counts it: whole seconds,
// rounded half away from zero.
int64_t IntervalSeconds(int64_t gap_us);

// Where a stretch of records sits in the whole covered period, for the
// report decoding a file (or the journal) itself: the latest timestamp
// before it, and the controller checks' reference values (docs/compliance.md).
// Without them the stretch is the period's first.
struct SiteContext {
  std::optional<int64_t> previous_ts;
  std::optional<double> spent_reference;  // running sum before + the first record's difference
  std::optional<double> total_reference;
  double controller_tolerance_kwh = 0.001;
};

// The controller checks over a stretch built with a context.
struct ControllerChecks {
  uint64_t spent_n = 0, total_n = 0;  // records beyond the tolerance
  uint64_t spent_from = 0, total_from = 0;
  double spent_worst = 0, total_worst = 0;
};

class SiteSummaryBuilder {
 public:
  // A file's summary (no context: as the sealer builds it).
  SiteSummaryBuilder(TimeZone tz, double offset_tolerance_deg);
  // Continues a file's summary with rows after it (same zone).
  SiteSummaryBuilder(TimeZone tz, SiteSummary start);
  // A stretch of the covered period, with the controller checks resolved.
  SiteSummaryBuilder(TimeZone tz, double offset_tolerance_deg, const SiteContext& context);

  void Add(uint64_t seq, const SlotRecord& r);
  const SiteSummary& summary() const { return s_; }
  SiteSummary Finish() { return std::move(s_); }
  const ControllerChecks& checks() const { return checks_; }

 private:
  TimeZone tz_;
  SiteSummary s_;
  std::optional<SiteContext> context_;
  ControllerChecks checks_;
  // Caches for runs of records on one day, stage and source.
  int64_t day_start_us_ = 1, day_end_us_ = 0;  // [start, end) of day_
  int64_t day_ = 0;
  std::string day_text_;
  SiteCounts* day_counts_ = nullptr;
  std::pair<const std::string, SiteCounts>* stage_ = nullptr;
  std::pair<const std::string, SiteCounts>* source_ = nullptr;
};

// The manifest's member "site" (docs/format.md §2.4): doubles as base64 of
// their IEEE-754 bits (exact, NaN and infinities survive), and back.
nlohmann::ordered_json SiteSummaryToJson(const SiteSummary& s);
// `what` names the file in errors.
Result<SiteSummary> SiteSummaryFromJson(simdjson::dom::element e, const std::string& what);

}  // namespace budget_audit::log
