// The Python version's reports over a log snapshot, as plain structs, and
// their renderings (docs/reports.md):
//
//   ComputeWeeklyReport   weekly_report(): the rollup over the whole log
//   ComputeDailySummary   daily_summary(date): one day's records
//   RenderReport          the Python-compatible JSON (print(json.dumps(r,
//                         indent=2)), byte for byte) or the table for people
//   RenderDefaultOutput   what `python -m budget_audit` printed without flags
//
// The structs hold every figure the JSON has, under the Python version's
// names, already rounded as the JSON prints them: for a finite figure x,
// repr(x) in Python is the text the JSON holds. Sums are taken in seq order
// exactly as numpy sums, so every figure is the Python version's to the
// last digit.
//
// One departure from the Python version, which printed NaN and Infinity
// (not JSON): a figure that is not finite (a cost sum beyond the largest
// double) stays so in the struct, is null in the JSON, and `error` names
// those figures and says why.
//
// Lifetimes: the snapshot (and env) are used during the call only; the
// structs own their strings.
//
// Thread safety: the functions hold no state; a snapshot is scanned by one
// thread at a time (log_reader.h), so concurrent reports need a snapshot each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "budget_audit/env.h"
#include "budget_audit/log_reader.h"
#include "budget_audit/status.h"

namespace budget_audit {

// How numpy adds a float64 column (pandas' Series.sum()), which decides the
// last bit of a total that lands on a rounding boundary: numpy 1.x reduced a
// contiguous array in chunks of its 8192-value buffer (each chunk summed
// pairwise, the chunks left to right); numpy 2.x (2.4.6 checked) sums the
// whole array pairwise. The two agree up to 8192 values. The command-line
// tool follows numpy 1.24 (Debian 12's, which made its golden cases); the
// Python package asks the numpy it runs with (util/numpy_sum.h).
enum class NumpySumOrder {
  kBufferedChunks,  // numpy 1.x
  kWholeArray,      // numpy 2.x
};

// What the reports need from the site's settings (the Python version's
// SYSTEM_CAPACITY_KW, MAX_ENERGY_REDUCTION_PCT; the site's zone for the
// daily summary's default day). Filled from the configuration by the caller.
struct ReportSettings {
  // The plant's DC capacity in kW; the weekly report of a non-empty log
  // needs it (InvalidArgument without). 0 is accepted, as in Python.
  std::optional<double> capacity_kw;
  // The energy-sacrifice ceiling in percent.
  double max_reduction_pct = 5.0;
  // True when the setting was written as an integer ("5", not "5.0"): the
  // report echoes it as configured, 5 or 5.0, as the Python version did.
  bool max_reduction_pct_is_integer = false;
  // The site's IANA time zone (TodayInSiteZone).
  std::string timezone = "UTC";
  // The summation order of the numpy the figures are compared with. With
  // kWholeArray a log of more than 8192 records is summed from every record
  // (its cost is then a scan of the energy column), not from the sealed
  // files' summaries.
  NumpySumOrder numpy_sum = NumpySumOrder::kBufferedChunks;
};

// weekly_report(): the rollup over the whole log. A default-constructed one
// is an empty log's ({"error": "No audit data"}).
struct WeeklyReport {
  // False for an empty log: the JSON is {"error": "No audit data"} and the
  // figures below are zero.
  bool has_data = false;
  int64_t period_days = 0;              // distinct `date` values
  double total_cost_kwh = 0;            // round(sum(energy_cost_kwh), 3)
  double daily_avg_kwh = 0;             // round(total / period_days, 4)
  double projected_annual_kwh = 0;      // round(total / period_days * 365, 1)
  double ceiling_kwh = 0;               // round(capacity_kw * 6 * 365 * pct / 100, 1)
  double ceiling_pct = 0;               // max_reduction_pct as configured
  bool ceiling_pct_is_integer = false;  // printed as 5, not 5.0
  // round(projected / ceiling * 100, 1), or the int 0 when the ceiling is
  // not positive (then utilization_pct_is_integer).
  double utilization_pct = 0;
  bool utilization_pct_is_integer = false;
  bool compliant = false;            // projected <= ceiling, on the unrounded values
  int64_t total_interventions = 0;   // records with gate_passed
  double intervention_rate_pct = 0;  // round(interventions / records * 100, 1)
  // The JSON's "error" member: "No audit data", or the note naming the
  // figures that are not finite; empty when the JSON has none.
  std::string error = "No audit data";
  // Not in the JSON: the records counted (the default output's "N slots").
  uint64_t records = 0;
};

// daily_summary(date): the records whose `date` column equals the date.
struct DailySummary {
  // False for an empty log: the JSON is {"error": "No audit data"}.
  bool has_data = false;
  std::string date;  // YYYY-MM-DD
  int64_t slots = 0;
  double total_cost_kwh = 0;  // round(sum, 4)
  // Only in the JSON when slots > 0 (the Python version printed date,
  // slots and total_cost_kwh alone for a day without records).
  int64_t interventions = 0;
  double max_offset_deg = 0;        // round(max(|actual_offset_deg|), 1)
  double budget_remaining_kwh = 0;  // round(…, 4) of the day's last appended record
  // As WeeklyReport::error.
  std::string error = "No audit data";
};

// What a verification found, for a report that says so (the CLI's report
// --verify / --checkpoint): a "verified" member last in the JSON, a line
// under the table.
struct ReportVerification {
  uint64_t records = 0;
  std::string head_hex;
  struct Checkpoint {
    uint64_t seq = 0;
    std::string time;
    std::string head_hex;
    bool signature_checked = false;
  };
  std::optional<Checkpoint> checkpoint;
};

// weekly_report() over `snap`. Reads the sealed history through the
// summaries its manifest holds, so the cost is the journal tail and the
// manifest. An empty snapshot gives the empty log's report without
// looking at `settings`.
Result<WeeklyReport> ComputeWeeklyReport(const LogSnapshot& snap, const ReportSettings& settings);

// daily_summary(date) over `snap`; `date` is YYYY-MM-DD (InvalidArgument
// otherwise). Decodes only the row groups whose date statistics can hold
// the day.
Result<DailySummary> ComputeDailySummary(const LogSnapshot& snap, const std::string& date,
                                         NumpySumOrder numpy_sum = NumpySumOrder::kBufferedChunks);

// Today's date (YYYY-MM-DD) in settings.timezone by env's clock (nullptr:
// Env::Default()): the daily summary's default day. InvalidArgument for an
// unknown zone.
Result<std::string> TodayInSiteZone(const ReportSettings& settings, Env* env = nullptr);

enum class ReportFormat {
  kJson,   // the Python version's json.dumps(indent=2), then a newline
  kTable,  // a title, then one line per key with its unit, for people
};

// The report as text, ending in a newline. `verified` (nullptr: none) adds
// what was verified.
std::string RenderReport(const WeeklyReport& report, ReportFormat format,
                         const ReportVerification* verified = nullptr);
// The table's title is "Daily summary for <date>".
std::string RenderReport(const DailySummary& summary, ReportFormat format,
                         const ReportVerification* verified = nullptr);

// What `python -m budget_audit` printed with no flags: "No audit data
// yet.\n", or "Audit log: N slots, D days\n" and the JSON.
std::string RenderDefaultOutput(const WeeklyReport& report);

}  // namespace budget_audit
