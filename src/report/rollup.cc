#include "report/rollup.h"

#include <cmath>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "log/snapshot.h"
#include "util/numpy_sum.h"

namespace budget_audit::report {
namespace {

Value NoData() { return Value::Dict({{"error", "No audit data"}}); }

// A report never prints NaN or Infinity (Python's json.dumps did; they are
// not JSON): a figure that is not finite is null, and "error" names it.
// With the validation policy (docs/validation.md) every logged number is
// finite, so this is a sum beyond the largest double (two costs of 1e308),
// or a log written before the policy. Finite reports are unchanged.
Value NullNonFinite(Value v) {
  std::vector<std::string> bad;
  for (const auto& [key, val] : v.members()) {
    if (val.kind() == Value::Kind::kFloat && !std::isfinite(val.AsFloat())) bad.push_back(key);
  }
  if (bad.empty()) return v;
  for (const auto& key : bad) v.Set(key, nullptr);
  v.Set("error", fmt::format("{} not finite (a sum or ratio beyond the largest double, about "
                             "1.8e308, or a non-finite value in the log): printed as null",
                             fmt::join(bad, ", ")));
  return v;
}

}  // namespace

Result<Value> WeeklyReport(const LogSnapshot& snap, const PlantSettings& plant, LogTotals* totals) {
  // Sealed history comes from the files' summaries (log::SnapshotAccess::Totals),
  // the same numbers a scan of every record gives.
  BA_ASSIGN_OR_RETURN(log::SnapshotTotals all, log::SnapshotAccess::Totals(snap));
  const uint64_t rows = all.records, interventions = all.gate_passed;
  if (totals) *totals = LogTotals{rows, all.dates.size()};
  if (rows == 0) return NoData();

  // The Python version's arithmetic, operation for operation.
  const double total_cost = all.energy_cost_sum;
  const auto days = static_cast<int64_t>(all.dates.size());
  const double daily_potential_kwh = plant.capacity_kw * 6.0;  // ~6 peak sun hours
  const double annual_potential_kwh = daily_potential_kwh * 365;
  const double ceiling_kwh = annual_potential_kwh * plant.max_reduction_pct / 100.0;
  const double daily_rate = total_cost / static_cast<double>(days);
  const double projected_annual = daily_rate * 365;
  const bool compliant = projected_annual <= ceiling_kwh;
  // gate_passed.mean(): numpy sums the booleans as float64, then divides.
  const double mean_gate = static_cast<double>(interventions) / static_cast<double>(rows);

  Value v = Value::Dict();
  v.Set("period_days", days);
  v.Set("total_cost_kwh", PyRound(total_cost, 3));
  v.Set("daily_avg_kwh", PyRound(daily_rate, 4));
  v.Set("projected_annual_kwh", PyRound(projected_annual, 1));
  v.Set("ceiling_kwh", PyRound(ceiling_kwh, 1));
  if (plant.pct_is_integer && std::isfinite(plant.max_reduction_pct)) {
    v.Set("ceiling_pct", static_cast<int64_t>(plant.max_reduction_pct));
  } else {
    v.Set("ceiling_pct", plant.max_reduction_pct);
  }
  if (ceiling_kwh > 0) {
    v.Set("utilization_pct", PyRound(projected_annual / ceiling_kwh * 100, 1));
  } else {
    v.Set("utilization_pct", int64_t{0});
  }
  v.Set("compliant", compliant);
  v.Set("total_interventions", static_cast<int64_t>(interventions));
  v.Set("intervention_rate_pct", PyRound(mean_gate * 100, 1));
  return NullNonFinite(std::move(v));
}

Result<Value> DailySummary(const LogSnapshot& snap, const std::string& date) {
  if (snap.last_seq() == 0) return NoData();
  std::vector<double> costs;
  uint64_t interventions = 0;
  double max_abs_offset = std::nan("");
  double last_remaining = 0;
  ScanOptions o;
  o.columns = kColEnergyCost | kColGatePassed | kColActualOffset | kColBudgetRemaining;
  o.date = date;
  BA_RETURN_IF_ERROR(snap.Scan(o, [&](uint64_t, const SlotRecord& r) {
    costs.push_back(NanAsZero(r.energy_cost_kwh));
    interventions += r.gate_passed ? 1 : 0;
    const double a = std::fabs(r.actual_offset_deg);
    if (!std::isnan(a) && (std::isnan(max_abs_offset) || a > max_abs_offset)) max_abs_offset = a;
    last_remaining = r.budget_remaining_kwh;  // the last appended record of the day
    return Status::OK();
  }));
  if (costs.empty()) {
    return Value::Dict({{"date", date}, {"slots", int64_t{0}}, {"total_cost_kwh", 0.0}});
  }
  return NullNonFinite(Value::Dict({
      {"date", date},
      {"slots", static_cast<int64_t>(costs.size())},
      {"total_cost_kwh", PyRound(NumpySum(costs), 4)},
      {"interventions", static_cast<int64_t>(interventions)},
      {"max_offset_deg", PyRound(max_abs_offset, 1)},
      {"budget_remaining_kwh", PyRound(last_remaining, 4)},
  }));
}

Result<std::string> DefaultOutput(const LogSnapshot& snap, const PlantSettings& plant) {
  LogTotals totals;
  BA_ASSIGN_OR_RETURN(Value rollup, WeeklyReport(snap, plant, &totals));
  if (totals.slots == 0) return std::string("No audit data yet.\n");
  return fmt::format("Audit log: {} slots, {} days\n{}\n", totals.slots, totals.days,
                     PyJsonDumps(rollup, 2));
}

}  // namespace budget_audit::report
