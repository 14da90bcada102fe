// The Python version's reports, computed over a log snapshot with the same
// keys, order, types and numbers (docs/reports.md):
//
//   WeeklyReport   weekly_report(): the rollup over the whole log
//   DailySummary   daily_summary(date)
//   DefaultOutput  what `python -m budget_audit` printed without flags
//
// Sums are taken in seq order (the Python file's row order) exactly as
// numpy sums (numpy_sum.h), then rounded as Python's round() does
// (pyjson.h), so every figure is the Python version's to the last digit.
// Each report reads only the columns it needs; DailySummary decodes only
// the row groups whose date statistics can hold the day.
//
// One departure from the Python version, which printed NaN and Infinity
// (not JSON): a figure that is not finite (a cost sum beyond the largest
// double) is null, and an "error" member, last, names those figures and
// says why. Reports on finite figures are the Python version's byte for byte.
#pragma once

#include <optional>
#include <string>

#include "budget_audit/log_reader.h"
#include "report/pyjson.h"

namespace budget_audit::report {

// The plant figures the rollup needs (the Python version's settings).
struct PlantSettings {
  double capacity_kw = 0;        // SYSTEM_CAPACITY_KW
  double max_reduction_pct = 5;  // MAX_ENERGY_REDUCTION_PCT
  // ceiling_pct is echoed as configured: an integer (5) or a float (5.0).
  bool pct_is_integer = false;
};

// Counts over the whole log, from one pass.
struct LogTotals {
  uint64_t slots = 0;  // records
  uint64_t days = 0;   // distinct `date` values
};

// weekly_report(): {"error": "No audit data"} for an empty log.
Result<Value> WeeklyReport(const LogSnapshot& snap, const PlantSettings& plant,
                           LogTotals* totals = nullptr);

// daily_summary(date): `date` is YYYY-MM-DD.
Result<Value> DailySummary(const LogSnapshot& snap, const std::string& date);

// The text `python -m budget_audit` printed with no flags: "No audit data
// yet." or "Audit log: N slots, D days" and the rollup as JSON (each line
// ends in a newline, as print() wrote them).
Result<std::string> DefaultOutput(const LogSnapshot& snap, const PlantSettings& plant);

}  // namespace budget_audit::report
