// The Python version's reports over a snapshot (budget_audit/report.h),
// computed operation for operation as it computed them, and their
// renderings.
#include "report/rollup.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "log/snapshot.h"
#include "util/civil_time.h"
#include "util/numpy_sum.h"
#include "util/time_zone.h"

namespace budget_audit {
namespace {

using report::PyRound;
using report::Value;

constexpr const char* kNoData = "No audit data";

Value NoData() { return Value::Dict({{"error", kNoData}}); }

// A report never prints NaN or Infinity (Python's json.dumps did; they are
// not JSON): a figure that is not finite is null, and "error" names it.
// With the validation policy (docs/validation.md) every logged number is
// finite, so this is a sum beyond the largest double (two costs of 1e308),
// or a log written before the policy. Finite reports are unchanged.
std::vector<std::string> NonFinite(const Value& v) {
  std::vector<std::string> bad;
  for (const auto& [key, val] : v.members()) {
    if (val.kind() == Value::Kind::kFloat && !std::isfinite(val.AsFloat())) bad.push_back(key);
  }
  return bad;
}

std::string NonFiniteNote(const Value& v) {
  const std::vector<std::string> bad = NonFinite(v);
  if (bad.empty()) return "";
  return fmt::format(
      "{} not finite (a sum or ratio beyond the largest double, about "
      "1.8e308, or a non-finite value in the log): printed as null",
      fmt::join(bad, ", "));
}

// `v` with its non-finite figures null and `error`, if any, last.
Value WithError(Value v, const std::string& error) {
  for (const auto& key : NonFinite(v)) v.Set(key, nullptr);
  if (!error.empty()) v.Set("error", error);
  return v;
}

// The figures as the Python version's dict held them (before nulls).
Value Figures(const WeeklyReport& r) {
  Value v = Value::Dict();
  v.Set("period_days", r.period_days);
  v.Set("total_cost_kwh", r.total_cost_kwh);
  v.Set("daily_avg_kwh", r.daily_avg_kwh);
  v.Set("projected_annual_kwh", r.projected_annual_kwh);
  v.Set("ceiling_kwh", r.ceiling_kwh);
  if (r.ceiling_pct_is_integer) {
    v.Set("ceiling_pct", static_cast<int64_t>(r.ceiling_pct));
  } else {
    v.Set("ceiling_pct", r.ceiling_pct);
  }
  if (r.utilization_pct_is_integer) {
    v.Set("utilization_pct", static_cast<int64_t>(r.utilization_pct));
  } else {
    v.Set("utilization_pct", r.utilization_pct);
  }
  v.Set("compliant", r.compliant);
  v.Set("total_interventions", r.total_interventions);
  v.Set("intervention_rate_pct", r.intervention_rate_pct);
  return v;
}

Value Figures(const DailySummary& s) {
  if (s.slots == 0) {
    return Value::Dict({{"date", s.date}, {"slots", int64_t{0}}, {"total_cost_kwh", s.total_cost_kwh}});
  }
  return Value::Dict({
      {"date", s.date},
      {"slots", s.slots},
      {"total_cost_kwh", s.total_cost_kwh},
      {"interventions", s.interventions},
      {"max_offset_deg", s.max_offset_deg},
      {"budget_remaining_kwh", s.budget_remaining_kwh},
  });
}

std::string Unit(std::string_view key) {
  auto ends = [&](std::string_view s) {
    return key.size() >= s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0;
  };
  if (ends("_kwh")) return " kWh";
  if (ends("_pct")) return " %";
  if (ends("_deg")) return "°";
  if (ends("_days")) return " days";
  return "";
}

// The unit after a number: "1 day", not "1 days".
std::string UnitFor(std::string_view key, std::string_view number) {
  std::string u = Unit(key);
  if (u == " days" && number == "1") return " day";
  return u;
}

// A report dict as two aligned columns: key, value with its unit.
std::string Table(const std::string& title, const Value& v) {
  std::string out = title + "\n";
  size_t width = 0;
  for (const auto& [k, _] : v.members()) width = std::max(width, k.size());
  for (const auto& [k, val] : v.members()) {
    std::string text;
    switch (val.kind()) {
      case Value::Kind::kBool: text = val.AsBool() ? "yes" : "no"; break;
      case Value::Kind::kString: text = val.AsString(); break;
      case Value::Kind::kFloat: {
        text = report::PyFloatRepr(val.AsFloat());
        text += UnitFor(k, text);
        break;
      }
      case Value::Kind::kInt: {
        text = fmt::format("{}", val.AsInt());
        text += UnitFor(k, text);
        break;
      }
      default: text = report::PyJsonDumps(val, report::kCompact); break;
    }
    out += fmt::format("  {:<{}}  {}\n", k, width, text);
  }
  return out;
}

// The line under a verified report's table.
std::string VerifiedLine(const ReportVerification& v) {
  std::string line =
      fmt::format("Verified: {} record{}, chain head {}", v.records, v.records == 1 ? "" : "s", v.head_hex);
  if (v.checkpoint) {
    line += fmt::format("; holds checkpoint seq {} of {}{}", v.checkpoint->seq, v.checkpoint->time,
                        v.checkpoint->signature_checked ? " (signature valid)" : " (unsigned)");
  }
  return line + "\n";
}

std::string Render(const std::string& title, Value v, ReportFormat format,
                   const ReportVerification* verified) {
  if (format == ReportFormat::kTable) {
    return Table(title, v) + (verified ? VerifiedLine(*verified) : std::string());
  }
  if (verified) v.Set("verified", report::ToValue(*verified));
  return report::PyJsonDumps(v, 2) + "\n";
}

}  // namespace

namespace report {

Value ToValue(const WeeklyReport& r) {
  if (!r.has_data) return NoData();
  return WithError(Figures(r), r.error);
}

Value ToValue(const DailySummary& s) {
  if (!s.has_data) return NoData();
  return WithError(Figures(s), s.error);
}

Value ToValue(const ReportVerification& v) {
  Value d = Value::Dict({{"records", v.records}, {"head", v.head_hex}});
  if (v.checkpoint) {
    d.Set("checkpoint", Value::Dict({{"seq", v.checkpoint->seq},
                                     {"time", v.checkpoint->time},
                                     {"head", v.checkpoint->head_hex},
                                     {"signed", v.checkpoint->signature_checked}}));
  }
  return d;
}

}  // namespace report

Result<WeeklyReport> ComputeWeeklyReport(const LogSnapshot& snap, const ReportSettings& settings) {
  // Sealed history comes from the files' summaries (log::SnapshotAccess::Totals),
  // the same numbers a scan of every record gives.
  BA_ASSIGN_OR_RETURN(log::SnapshotTotals all, log::SnapshotAccess::Totals(snap));
  WeeklyReport r;
  if (all.records == 0) return r;
  if (!settings.capacity_kw) {
    return Status::InvalidArgument(
        "the weekly report needs the plant's capacity (capacity_kw), and none is set");
  }
  const uint64_t rows = all.records, interventions = all.gate_passed;

  // The Python version's arithmetic, operation for operation.
  double total_cost = all.energy_cost_sum;
  if (settings.numpy_sum == NumpySumOrder::kWholeArray && rows > NumpyStreamSum::kChunk) {
    // numpy 2's order needs every value: the summaries' sums are numpy 1's.
    std::vector<double> costs;
    costs.reserve(rows);
    ScanOptions o;
    o.columns = kColEnergyCost;
    BA_RETURN_IF_ERROR(snap.Scan(o, [&](uint64_t, const SlotRecord& r) {
      costs.push_back(NanAsZero(r.energy_cost_kwh));
      return Status::OK();
    }));
    total_cost = PairwiseSum(costs);
  }
  const auto days = static_cast<int64_t>(all.dates.size());
  const double daily_potential_kwh = *settings.capacity_kw * 6.0;  // ~6 peak sun hours
  const double annual_potential_kwh = daily_potential_kwh * 365;
  const double ceiling_kwh = annual_potential_kwh * settings.max_reduction_pct / 100.0;
  const double daily_rate = total_cost / static_cast<double>(days);
  const double projected_annual = daily_rate * 365;
  // gate_passed.mean(): numpy sums the booleans as float64, then divides.
  const double mean_gate = static_cast<double>(interventions) / static_cast<double>(rows);

  r.has_data = true;
  r.records = rows;
  r.period_days = days;
  r.total_cost_kwh = PyRound(total_cost, 3);
  r.daily_avg_kwh = PyRound(daily_rate, 4);
  r.projected_annual_kwh = PyRound(projected_annual, 1);
  r.ceiling_kwh = PyRound(ceiling_kwh, 1);
  r.ceiling_pct = settings.max_reduction_pct;
  r.ceiling_pct_is_integer =
      settings.max_reduction_pct_is_integer && std::isfinite(settings.max_reduction_pct);
  if (r.ceiling_pct_is_integer) r.ceiling_pct = std::trunc(r.ceiling_pct);
  if (ceiling_kwh > 0) {
    r.utilization_pct = PyRound(projected_annual / ceiling_kwh * 100, 1);
  } else {
    r.utilization_pct_is_integer = true;  // the int 0
  }
  r.compliant = projected_annual <= ceiling_kwh;
  r.total_interventions = static_cast<int64_t>(interventions);
  r.intervention_rate_pct = PyRound(mean_gate * 100, 1);
  r.error = NonFiniteNote(Figures(r));
  return r;
}

Result<DailySummary> ComputeDailySummary(const LogSnapshot& snap, const std::string& date,
                                         NumpySumOrder numpy_sum) {
  if (!ParseDate(date)) {
    return Status::InvalidArgument(fmt::format("date {}: expected a date YYYY-MM-DD", date));
  }
  DailySummary s;
  s.date = date;
  if (snap.last_seq() == 0) return s;
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
  s.has_data = true;
  s.error.clear();
  if (costs.empty()) return s;  // {"date", "slots": 0, "total_cost_kwh": 0.0}
  s.slots = static_cast<int64_t>(costs.size());
  s.total_cost_kwh =
      PyRound(numpy_sum == NumpySumOrder::kWholeArray ? PairwiseSum(costs) : NumpySum(costs), 4);
  s.interventions = static_cast<int64_t>(interventions);
  s.max_offset_deg = PyRound(max_abs_offset, 1);
  s.budget_remaining_kwh = PyRound(last_remaining, 4);
  s.error = NonFiniteNote(Figures(s));
  return s;
}

Result<std::string> TodayInSiteZone(const ReportSettings& settings, Env* env) {
  BA_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Load(settings.timezone));
  return FormatDate(tz.Today(env ? env : Env::Default()));
}

std::string RenderReport(const WeeklyReport& report, ReportFormat format,
                         const ReportVerification* verified) {
  return Render("Budget rollup over the whole log", report::ToValue(report), format, verified);
}

std::string RenderReport(const DailySummary& summary, ReportFormat format,
                         const ReportVerification* verified) {
  return Render("Daily summary for " + summary.date, report::ToValue(summary), format, verified);
}

std::string RenderDefaultOutput(const WeeklyReport& report) {
  if (!report.has_data) return "No audit data yet.\n";
  return fmt::format("Audit log: {} slots, {} days\n{}\n", report.records, report.period_days,
                     report::PyJsonDumps(report::ToValue(report), 2));
}

}  // namespace budget_audit
