// The compliance report and the controller's allowance (compliance.h);
// formulas and schema in docs/compliance.md.
//
// One pass over the covered records (the site-local days of the budget year
// through as_of) gathers the sums per day, month, stage and source, and runs
// the ledger checks on the same records in seq order.
#include "budget_audit/compliance.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "log/site_summary.h"
#include "log/snapshot.h"
#include "report/compliance_html.h"
#include "util/civil_time.h"
#include "util/sha256.h"
#include "util/time_zone.h"

namespace budget_audit {
namespace {

constexpr int64_t kMicrosPerHour = 3600LL * 1000000;
constexpr size_t kSeqsKept = 20;

// docs/domain-notes.md §6 (derived, not measured): a horizontal N-S
// tracker's clear-sky monthly split times a seasonal cloud factor.
constexpr std::array<double, 12> kDefaultNorth = {1.5,  3.0,  6.5, 10.5, 14.5, 16.5,
                                                  16.5, 13.5, 8.5, 5.0,  2.5,  1.5};
constexpr std::array<double, 12> kDefaultSouth = {13.5, 10.5, 9.0, 6.5,  4.5,  3.5,
                                                  4.0,  5.0,  7.5, 10.0, 12.0, 14.0};

int DaysInMonth(int64_t year, unsigned month) {
  const int64_t next = month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, month + 1, 1);
  return static_cast<int>(next - DaysFromCivil(year, month, 1));
}

// s(d) = m[month(d)] / days_in_month(d).
double DayShare(const std::array<double, 12>& m, int64_t day) {
  const CivilDate c = CivilFromDays(day);
  return m[c.month - 1] / DaysInMonth(c.year, c.month);
}

std::array<double, 12> Normalized(const std::array<double, 12>& v) {
  double total = 0;
  for (double x : v) total += x;
  std::array<double, 12> out{};
  for (size_t i = 0; i < 12; ++i) out[i] = v[i] / total;
  return out;
}

Result<std::pair<unsigned, unsigned>> ParseMonthDay(const std::string& mmdd) {
  auto d = ParseDate("2001-" + mmdd);  // a year without 02-29
  if (mmdd.size() != 5 || !d) {
    return Status::InvalidArgument(
        fmt::format("budget_year_start: \"{}\" is not a day of the year MM-DD", mmdd));
  }
  const CivilDate c = CivilFromDays(*d);
  return std::make_pair(c.month, c.day);
}

struct FileText {
  std::string text;
  std::string sha256_hex;
};

Result<FileText> ReadSmallFile(Env* env, const std::string& path, const char* key) {
  auto bytes = env->ReadFileToBytes(path, 16u << 20);
  if (!bytes.ok()) return bytes.status().WithContext(fmt::format("{} {}", key, path));
  FileText f;
  f.text.assign(bytes->begin(), bytes->end());
  f.sha256_hex = ToHex(Sha256(AsSpan(f.text)));
  return f;
}

// A PVGIS PVcalc JSON result: outputs.monthly.<mount>[].E_m (kWh per month
// for inputs.pv_module.peakpower kWp), outputs.totals.<mount>.E_y.
Status ReadPvgis(const std::string& path, const FileText& f, double capacity_kw, Potential* p) {
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument(
        fmt::format("potential_file {}: {} (expected a PVGIS PVcalc JSON result)", path, what));
  };
  nlohmann::json j = nlohmann::json::parse(f.text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not JSON");
  const auto outputs = j.find("outputs");
  if (outputs == j.end() || !outputs->is_object()) return bad("no \"outputs\"");
  const auto monthly = outputs->find("monthly");
  if (monthly == outputs->end() || !monthly->is_object()) return bad("no \"outputs.monthly\"");
  std::string mount;
  for (const char* m : {"inclined_axis", "fixed", "two_axis", "vertical_axis"}) {
    if (monthly->contains(m)) {
      mount = m;
      break;
    }
  }
  if (mount.empty()) return bad("no mounting type in \"outputs.monthly\" (inclined_axis, fixed, two_axis)");
  const auto& rows = (*monthly)[mount];
  if (!rows.is_array() || rows.size() != 12)
    return bad(fmt::format("outputs.monthly.{} does not hold 12 months", mount));
  std::array<double, 12> e_m{};
  std::array<bool, 12> seen{};
  for (const auto& r : rows) {
    if (!r.is_object() || !r.contains("month") || !r["month"].is_number_integer() || !r.contains("E_m") ||
        !r["E_m"].is_number()) {
      return bad(fmt::format("outputs.monthly.{}: each month needs \"month\" and \"E_m\"", mount));
    }
    const int64_t month = r["month"].get<int64_t>();
    const double v = r["E_m"].get<double>();
    if (month < 1 || month > 12 || seen[month - 1])
      return bad(fmt::format("month {} is not 1-12 or repeated", month));
    if (!std::isfinite(v) || v < 0) return bad(fmt::format("month {}: E_m {} is not a yield >= 0", month, v));
    seen[month - 1] = true;
    e_m[month - 1] = v;
  }
  double total = 0;
  for (double v : e_m) total += v;
  if (!(total > 0) || !std::isfinite(total)) return bad("the months' E_m sum to 0 or overflow");
  double e_y = total;
  if (auto t = outputs->find("totals"); t != outputs->end() && t->is_object() && t->contains(mount) &&
                                        (*t)[mount].is_object() && (*t)[mount].contains("E_y") &&
                                        (*t)[mount]["E_y"].is_number()) {
    e_y = (*t)[mount]["E_y"].get<double>();
  }
  double peak = 0;
  if (auto in = j.find("inputs");
      in != j.end() && in->is_object() && in->contains("pv_module") && (*in)["pv_module"].is_object() &&
      (*in)["pv_module"].contains("peakpower") && (*in)["pv_module"]["peakpower"].is_number()) {
    peak = (*in)["pv_module"]["peakpower"].get<double>();
  }
  if (!(peak > 0) || !std::isfinite(peak)) return bad("no \"inputs.pv_module.peakpower\" > 0");
  if (!(e_y > 0) || !std::isfinite(e_y))
    return bad(fmt::format("outputs.totals.{}.E_y {} is not a yield > 0", mount, e_y));
  if (!std::isfinite(e_y * capacity_kw / peak)) return bad("the potential overflows a double");
  p->basis = "pvgis";
  p->source = fmt::format("{} (sha256 {})", path, f.sha256_hex);
  p->annual_kwh = e_y * capacity_kw / peak;
  p->monthly_share = Normalized(e_m);
  p->shares_basis = "pvgis";
  p->pvgis_mount = mount;
  p->pvgis_peakpower_kwp = peak;
  return Status::OK();
}

// 12 monthly kWh: one per line, "kwh" or "month,kwh" (1..12), an optional
// header line and # comments.
Status ReadMonthlyFile(const std::string& path, const FileText& f, Potential* p) {
  std::array<double, 12> kwh{};
  std::array<bool, 12> seen{};
  size_t count = 0, line_no = 0;
  size_t pos = 0;
  while (pos <= f.text.size()) {
    size_t end = f.text.find('\n', pos);
    if (end == std::string::npos) end = f.text.size();
    std::string line = f.text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    line.erase(
        std::remove_if(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; }),
        line.end());
    if (line.empty()) continue;
    auto comma = line.find_first_of(",;");
    std::string month_text = comma == std::string::npos ? "" : line.substr(0, comma);
    std::string value_text = comma == std::string::npos ? line : line.substr(comma + 1);
    char* e1 = nullptr;
    const double v = std::strtod(value_text.c_str(), &e1);
    if (value_text.empty() || *e1 != '\0') {
      if (count == 0 && line_no == 1) continue;  // a header
      return Status::InvalidArgument(
          fmt::format("monthly_file {}:{}: \"{}\" is not a number of kWh", path, line_no, value_text));
    }
    size_t month = count + 1;
    if (!month_text.empty()) {
      char* e2 = nullptr;
      const long m = std::strtol(month_text.c_str(), &e2, 10);
      if (*e2 != '\0' || m < 1 || m > 12) {
        return Status::InvalidArgument(
            fmt::format("monthly_file {}:{}: month \"{}\" is not 1-12", path, line_no, month_text));
      }
      month = static_cast<size_t>(m);
    }
    if (month > 12 || seen[month - 1]) {
      return Status::InvalidArgument(fmt::format(
          "monthly_file {}:{}: month {} given twice or more than 12 months", path, line_no, month));
    }
    if (!std::isfinite(v) || v < 0) {
      return Status::InvalidArgument(
          fmt::format("monthly_file {}:{}: {} is not a yield >= 0", path, line_no, v));
    }
    seen[month - 1] = true;
    kwh[month - 1] = v;
    ++count;
  }
  if (count != 12)
    return Status::InvalidArgument(fmt::format("monthly_file {}: {} months, expected 12", path, count));
  double total = 0;
  for (double v : kwh) total += v;
  if (!(total > 0) || !std::isfinite(total)) {
    return Status::InvalidArgument(fmt::format("monthly_file {}: the months sum to 0 or overflow", path));
  }
  p->basis = "monthly_file";
  p->source = fmt::format("{} (sha256 {})", path, f.sha256_hex);
  p->annual_kwh = total;
  p->monthly_share = Normalized(kwh);
  p->shares_basis = "monthly_file";
  return Status::OK();
}

Status NeedCapacity(const CompliancePlant& plant, const char* basis) {
  if (plant.capacity_kw && *plant.capacity_kw > 0) return Status::OK();
  return Status::InvalidArgument(
      fmt::format("the {} basis of the annual potential needs the plant's capacity_kw (> 0); set it, or set "
                  "annual_potential_kwh",
                  basis));
}

// The budget year [start, end] (days) containing `day`, or starting in `year`.
std::pair<int64_t, int64_t> BudgetYear(std::pair<unsigned, unsigned> md, std::optional<int> year,
                                       int64_t day) {
  int64_t y;
  if (year) {
    y = *year;
  } else {
    const CivilDate c = CivilFromDays(day);
    y = c.year;
    if (DaysFromCivil(c.year, md.first, md.second) > day) --y;
  }
  return {DaysFromCivil(y, md.first, md.second), DaysFromCivil(y + 1, md.first, md.second) - 1};
}

std::string MonthKey(int64_t day) {
  const CivilDate c = CivilFromDays(day);
  return fmt::format("{:04}-{:02}", c.year, c.month);
}

// Costs are summed with compensation (log/site_summary.h).
using Sum = log::CompensatedSum;

struct Group {
  Sum spent;
  int64_t interventions = 0, slots = 0;
};

std::vector<ComplianceGroup> Sorted(const std::map<std::string, Group>& groups) {
  std::vector<ComplianceGroup> out;
  for (const auto& [k, g] : groups) out.push_back({k, g.spent.value(), g.interventions, g.slots});
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.spent_kwh > b.spent_kwh; });
  return out;
}

// A sealed file's site summary when it describes exactly a stretch of the
// covered records: the period holds the file whole, and it was summarised
// in the report's zone. Else null (the stretch is read from its rows).
const log::SiteSummary* WholeFileSummary(const log::SealedFile* f, bool whole, const TimeZone& tz) {
  if (!f || !whole || !f->site || f->site->timezone != tz.name() || f->site->records != f->rows)
    return nullptr;
  return &*f->site;
}

std::string IsoUtc(int64_t us) { return FormatTimestamp(us, 1000000, true); }

// "1 record", "2 records".
std::string Count(int64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

}  // namespace

CompliancePlant CompliancePlantFromConfig(const Config& c) {
  CompliancePlant p;
  p.capacity_kw = c.capacity_kw;
  p.ceiling_pct = c.max_reduction_pct;
  p.ceiling_pct_is_integer = c.max_reduction_pct_is_integer;
  p.timezone = c.timezone;
  p.budget_year_start = c.budget_year_start;
  p.potential_file = c.potential_file;
  p.monthly_file = c.monthly_file;
  p.annual_potential_kwh = c.annual_potential_kwh;
  p.specific_yield_kwh_per_kwp = c.specific_yield_kwh_per_kwp;
  p.monthly_share_pct = c.monthly_share;
  p.latitude = c.latitude;
  return p;
}

Result<Potential> ResolvePotential(const CompliancePlant& plant, Env* env) {
  if (env == nullptr) env = Env::Default();
  Potential p;
  if (!plant.potential_file.empty()) {
    BA_RETURN_IF_ERROR(NeedCapacity(plant, "pvgis"));
    BA_ASSIGN_OR_RETURN(FileText f, ReadSmallFile(env, plant.potential_file, "potential_file"));
    BA_RETURN_IF_ERROR(ReadPvgis(plant.potential_file, f, *plant.capacity_kw, &p));
  } else if (!plant.monthly_file.empty()) {
    BA_ASSIGN_OR_RETURN(FileText f, ReadSmallFile(env, plant.monthly_file, "monthly_file"));
    BA_RETURN_IF_ERROR(ReadMonthlyFile(plant.monthly_file, f, &p));
  } else if (plant.annual_potential_kwh) {
    p.basis = "annual_potential_kwh";
    p.source = "annual_potential_kwh";
    p.annual_kwh = *plant.annual_potential_kwh;
  } else if (plant.specific_yield_kwh_per_kwp) {
    BA_RETURN_IF_ERROR(NeedCapacity(plant, "specific_yield"));
    p.basis = "specific_yield";
    p.source = "specific_yield_kwh_per_kwp × capacity_kw";
    p.annual_kwh = *plant.specific_yield_kwh_per_kwp * *plant.capacity_kw;
  } else {
    BA_RETURN_IF_ERROR(NeedCapacity(plant, "peak_sun_hours"));
    p.basis = "peak_sun_hours";
    p.source = "the Python version's 6 peak-sun hours × 365 days × capacity_kw";
    p.annual_kwh = 6.0 * 365.0 * *plant.capacity_kw;
  }
  if (p.shares_basis.empty()) {
    if (plant.monthly_share_pct) {
      p.monthly_share = Normalized(*plant.monthly_share_pct);
      p.shares_basis = "monthly_share";
    } else if (plant.latitude && *plant.latitude < 0) {
      p.monthly_share = Normalized(kDefaultSouth);
      p.shares_basis = "default_south";
    } else {
      p.monthly_share = Normalized(kDefaultNorth);
      p.shares_basis = "default_north";
    }
  }
  return p;
}

Result<ComplianceReport> ComputeCompliance(const LogSnapshot& snap, const CompliancePlant& plant,
                                           const ComplianceOptions& options) {
  Env* env = options.env ? options.env : Env::Default();
  BA_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Load(plant.timezone));
  BA_ASSIGN_OR_RETURN(auto md, ParseMonthDay(plant.budget_year_start));
  BA_ASSIGN_OR_RETURN(Potential potential, ResolvePotential(plant, env));
  const int64_t today = tz.Today(env);
  int64_t as_of = today;
  if (options.as_of) {
    BA_ASSIGN_OR_RETURN(as_of, ParseDateArgument(*options.as_of));
  }
  // Not a structured binding: clang 14 cannot capture one in the scan's lambda.
  const std::pair<int64_t, int64_t> year_days = BudgetYear(md, options.year, as_of);
  const int64_t start = year_days.first, end = year_days.second;
  if (!options.as_of) as_of = std::min(today, end);
  if (as_of > end) {
    return Status::InvalidArgument(
        fmt::format("--as-of {} is after the budget year's last day {}", FormatDate(as_of), FormatDate(end)));
  }

  ComplianceReport r;
  r.budget_year_start = FormatDate(start);
  r.budget_year_end = FormatDate(end);
  r.as_of = FormatDate(as_of);
  r.timezone = plant.timezone;
  r.potential = potential;
  r.ceiling_pct = plant.ceiling_pct;
  r.ceiling_pct_is_integer = plant.ceiling_pct_is_integer;
  r.ceiling_kwh = plant.ceiling_pct / 100.0 * potential.annual_kwh;
  r.last_seq = snap.last_seq();
  r.head_hex = snap.head_hex();

  const auto& m = potential.monthly_share;
  double share = 0;
  for (int64_t d = start; d <= as_of; ++d) share += DayShare(m, d);
  r.expected_share_to_date = share;

  // The covered records (their site-local day in [start, as_of]), stretch
  // by stretch in seq order: a sealed file the period holds whole through
  // its manifest's site summary, any other file and the journal from their
  // rows; each stretch's figures are summed on their own, then combined
  // (docs/compliance.md, "How the figures are summed").
  const int64_t covered_days = as_of >= start ? as_of - start + 1 : 0;
  std::vector<Sum> per_day(static_cast<size_t>(covered_days));
  std::vector<int64_t> day_slots(per_day.size()), day_interventions(per_day.size());
  std::map<std::string, Group> stages, sources;
  std::set<std::string> dates;
  Sum spent;
  ComplianceFinding no_gate{"cost_without_gate", "error", "", 0, {}, {}, std::nullopt};
  ComplianceFinding deviation{"offset_deviation", "warning", "", 0, {}, {}, std::nullopt};
  ComplianceFinding backwards{"timestamps_backwards", "error", "", 0, {}, {}, std::nullopt};
  ComplianceFinding not_site_day{"date_not_site_day", "warning", "", 0, {}, {}, std::nullopt};
  ComplianceFinding negative{"negative_cost", "error", "", 0, {}, {}, std::nullopt};
  Sum no_gate_kwh, deviation_sum, negative_kwh;
  double worst_deviation = 0;
  uint64_t worst_deviation_seq = 0;
  int64_t deviation_n = 0;
  std::map<int64_t, uint64_t> intervals;          // whole seconds -> count
  std::vector<std::pair<int64_t, int64_t>> gaps;  // (previous, next), longer than an hour
  std::optional<int64_t> previous_ts, first_ts;
  // The controller's counters: the first covered record's differences are
  // the references; each stretch's checks, in seq order (a stretch read
  // through its summary whose extremes leave the tolerance is read again
  // from its rows, once it is known that the controller fills them).
  bool controller_counts = false;
  std::optional<double> spent_base, total_base;
  struct StretchChecks {
    std::string file;  // to read again; empty: resolved
    double spent_reference = 0, total_reference = 0;
    log::ControllerChecks checks;
  };
  std::vector<StretchChecks> stretch_checks;
  const double tol = plant.controller_tolerance_kwh;

  auto keep = [](ComplianceFinding& f, const log::SiteFlagged& s) {
    f.count += static_cast<int64_t>(s.count);
    for (uint64_t q : s.seqs) {
      if (f.seqs.size() < kSeqsKept) f.seqs.push_back(q);
    }
  };
  // Adds one stretch's figures. `checks`: its controller checks when they
  // were computed from its rows; else (a summary) from its extremes.
  auto combine = [&](const log::SiteSummary& s, const log::ControllerChecks* checks,
                     const std::string& file) {
    if (s.records == 0) return;
    if (!checks && previous_ts) {  // (a stretch from rows began with the gap before it)
      const int64_t gap = s.first_ts - *previous_ts;
      if (gap > 0) ++intervals[log::IntervalSeconds(gap)];
      if (gap > log::SiteSummary::kLongGapUs) gaps.emplace_back(*previous_ts, s.first_ts);
    }
    for (const auto& [sec, n] : s.intervals) intervals[sec] += n;
    gaps.insert(gaps.end(), s.gaps.begin(), s.gaps.end());
    if (!first_ts) first_ts = s.first_ts;
    previous_ts = std::max(previous_ts.value_or(s.max_ts), s.max_ts);

    const double before = spent.value();
    if (!spent_base) {
      spent_base = s.spent_diff_first.v;
      total_base = s.total_first.v;
    }
    controller_counts |= s.controller_counts;
    StretchChecks sc;
    sc.spent_reference = before + *spent_base;
    sc.total_reference = *total_base;
    if (checks) {
      sc.checks = *checks;
    } else {
      const double lo = std::fabs(s.spent_diff_min.v - sc.spent_reference);
      const double hi = std::fabs(s.spent_diff_max.v - sc.spent_reference);
      const double tlo = std::fabs(s.total_min.v - sc.total_reference);
      const double thi = std::fabs(s.total_max.v - sc.total_reference);
      if (lo <= tol && hi <= tol && tlo <= tol && thi <= tol) {
        sc.checks.spent_worst = std::max(lo, hi);
        sc.checks.total_worst = std::max(tlo, thi);
      } else {
        sc.file = file;
      }
    }
    stretch_checks.push_back(std::move(sc));

    spent.Add(s.total.spent.value());
    r.slots += static_cast<int64_t>(s.total.slots);
    r.interventions += static_cast<int64_t>(s.total.interventions);
    for (const auto& [day, c] : s.days) {
      if (day < start || day > as_of) continue;  // (never: stretches hold covered records)
      const size_t i = static_cast<size_t>(day - start);
      per_day[i].Add(c.spent.value());
      day_slots[i] += static_cast<int64_t>(c.slots);
      day_interventions[i] += static_cast<int64_t>(c.interventions);
    }
    for (auto [from, to] : {std::pair{&s.stages, &stages}, std::pair{&s.sources, &sources}}) {
      for (const auto& [key, c] : *from) {
        Group& g = (*to)[key];
        g.spent.Add(c.spent.value());
        g.slots += static_cast<int64_t>(c.slots);
        g.interventions += static_cast<int64_t>(c.interventions);
      }
    }
    dates.insert(s.dates.begin(), s.dates.end());
    keep(no_gate, s.no_gate);
    no_gate_kwh.Add(s.no_gate.kwh.value());
    keep(negative, s.negative);
    negative_kwh.Add(s.negative.kwh.value());
    keep(deviation, s.deviation);
    keep(not_site_day, s.not_site_day);
    keep(backwards, s.backwards);
    deviation_sum.Add(s.deviation_sum.value());
    deviation_n += static_cast<int64_t>(s.deviation_n);
    if (s.worst_deviation.v > worst_deviation) {
      worst_deviation = s.worst_deviation.v;
      worst_deviation_seq = s.worst_deviation_seq;
    }
  };

  if (covered_days > 0) {
    const int64_t since_us = tz.StartOfDay(start), until_us = tz.StartOfDay(as_of + 1);
    // Builds a stretch's figures from its rows, where it sits in the period.
    auto from_rows =
        [&](const log::StretchRows& rows,
            const log::SiteContext& context) -> Result<std::pair<log::SiteSummary, log::ControllerChecks>> {
      log::SiteSummaryBuilder b(tz, plant.offset_tolerance_deg, context);
      BA_RETURN_IF_ERROR(rows([&](uint64_t seq, const SlotRecord& rec) -> Status {
        const int64_t day = tz.LocalDays(rec.timestamp_us);
        if (day >= start && day <= as_of) b.Add(seq, rec);
        return Status::OK();
      }));
      log::ControllerChecks checks = b.checks();
      return std::make_pair(b.Finish(), checks);
    };
    BA_RETURN_IF_ERROR(log::SnapshotAccess::ForEachStretch(
        snap, since_us, until_us,
        [&](const log::SealedFile* f, bool whole, const log::StretchRows& rows) -> Status {
          const log::SiteSummary* site = WholeFileSummary(f, whole, tz);
          if (site && site->offset_tolerance_deg.v == plant.offset_tolerance_deg &&
              (!previous_ts || site->min_ts >= *previous_ts)) {
            combine(*site, nullptr, f->name);
            return Status::OK();
          }
          log::SiteContext context;
          context.previous_ts = previous_ts;
          if (spent_base) {
            context.spent_reference = spent.value() + *spent_base;
            context.total_reference = *total_base;
          }
          context.controller_tolerance_kwh = tol;
          BA_ASSIGN_OR_RETURN(auto built, from_rows(rows, context));
          combine(built.first, &built.second, "");
          return Status::OK();
        }));
    // Stretches whose counters left the tolerance, read again (only when
    // the controller fills its counters at all: else nothing is checked).
    if (controller_counts) {
      std::map<std::string, StretchChecks*> again;
      for (auto& sc : stretch_checks) {
        if (!sc.file.empty()) again[sc.file] = &sc;
      }
      if (!again.empty()) {
        BA_RETURN_IF_ERROR(log::SnapshotAccess::ForEachStretch(
            snap, since_us, until_us,
            [&](const log::SealedFile* f, bool, const log::StretchRows& rows) -> Status {
              auto it = f ? again.find(f->name) : again.end();
              if (it == again.end()) return Status::OK();
              log::SiteContext context;
              context.spent_reference = it->second->spent_reference;
              context.total_reference = it->second->total_reference;
              context.controller_tolerance_kwh = tol;
              BA_ASSIGN_OR_RETURN(auto built, from_rows(rows, context));
              it->second->checks = built.second;
              it->second->file.clear();
              return Status::OK();
            }));
      }
    }
  }
  // The controller checks, stretch by stretch in seq order.
  double worst_spent_gap = 0, worst_total_gap = 0;
  uint64_t spent_gap_from = 0, total_gap_from = 0;
  int64_t spent_gap_n = 0, total_gap_n = 0;
  for (const auto& sc : stretch_checks) {
    const log::ControllerChecks& c = sc.checks;
    if (c.spent_n > 0 && spent_gap_n == 0) spent_gap_from = c.spent_from;
    if (c.total_n > 0 && total_gap_n == 0) total_gap_from = c.total_from;
    spent_gap_n += static_cast<int64_t>(c.spent_n);
    total_gap_n += static_cast<int64_t>(c.total_n);
    worst_spent_gap = std::max(worst_spent_gap, c.spent_worst);
    worst_total_gap = std::max(worst_total_gap, c.total_worst);
  }

  r.spent_kwh = spent.value();
  r.budget_to_date_kwh = r.ceiling_kwh * share;
  if (r.budget_to_date_kwh > 0) r.pace = r.spent_kwh / r.budget_to_date_kwh;
  if (share > 0) r.projected_kwh = r.spent_kwh / share;
  if (!dates.empty()) r.naive_projected_kwh = r.spent_kwh / static_cast<double>(dates.size()) * 365.0;
  r.compliant_projection = !r.projected_kwh || *r.projected_kwh <= r.ceiling_kwh;
  // Days of budget left: spending the projected year in the seasons'
  // proportions from as_of + 1 on.
  if (r.spent_kwh >= r.ceiling_kwh && r.ceiling_kwh >= 0 && r.spent_kwh > 0) {
    r.days_of_budget_left = 0;
  } else if (r.projected_kwh) {
    double running = r.spent_kwh;
    for (int64_t d = as_of + 1; d <= end; ++d) {
      running += *r.projected_kwh * DayShare(m, d);
      if (running > r.ceiling_kwh) {
        r.days_of_budget_left = d - as_of - 1;
        break;
      }
    }
  }

  // Months of the budget year through as_of, each with its budget: the sums
  // of their days.
  for (int64_t d = start; d <= as_of;) {
    const CivilDate c = CivilFromDays(d);
    const int64_t next =
        c.month == 12 ? DaysFromCivil(c.year + 1, 1, 1) : DaysFromCivil(c.year, c.month + 1, 1);
    Group g;
    for (int64_t e = d; e < next && e <= as_of; ++e) {
      const size_t i = static_cast<size_t>(e - start);
      g.spent.Add(per_day[i].value());
      g.slots += day_slots[i];
      g.interventions += day_interventions[i];
    }
    r.months.push_back(
        {MonthKey(d), g.spent.value(), r.ceiling_kwh * m[c.month - 1], g.interventions, g.slots});
    d = next;
  }
  r.by_stage = Sorted(stages);
  r.by_source = Sorted(sources);
  double cumulative = 0, expected = 0;
  for (int64_t d = start; d <= as_of; ++d) {
    const double day_spent = per_day[static_cast<size_t>(d - start)].value();
    cumulative += day_spent;
    expected += DayShare(m, d);
    r.days.push_back({FormatDate(d), day_spent, cumulative, expected});
  }

  // Findings, in a fixed order.
  if (no_gate.count > 0) {
    no_gate.value = no_gate_kwh.value();
    no_gate.message = fmt::format("{} {:.3f} kWh of cost while the gate did not pass",
                                  Count(no_gate.count, "record") + (no_gate.count == 1 ? " books" : " book"),
                                  no_gate_kwh.value());
    r.findings.push_back(no_gate);
  }
  if (negative.count > 0) {
    negative.value = negative_kwh.value();
    negative.message = fmt::format("{} a negative cost ({:.3f} kWh in all)",
                                   Count(negative.count, "record") + (negative.count == 1 ? " has" : " have"),
                                   negative_kwh.value());
    r.findings.push_back(negative);
  }
  if (deviation.count > 0) {
    deviation.value = worst_deviation;
    deviation.message = fmt::format(
        "{} planned and actual offsets more than {} degrees apart (mean deviation {:.2f}, worst "
        "{:.2f} at seq {})",
        Count(deviation.count, "record") + (deviation.count == 1 ? " has" : " have"),
        plant.offset_tolerance_deg, deviation_sum.value() / static_cast<double>(deviation_n), worst_deviation,
        worst_deviation_seq);
    r.findings.push_back(deviation);
  }
  if (!controller_counts) spent_gap_n = total_gap_n = 0;
  if (spent_gap_n > 0) {
    ComplianceFinding f{
        "controller_spent_disagrees", "warning", "", spent_gap_n, {spent_gap_from}, {}, worst_spent_gap};
    f.message = fmt::format(
        "the controller's budget_spent_kwh drifts from the sum of logged costs from seq {} on (largest gap "
        "{:.3f} kWh, {} records beyond {} kWh)",
        spent_gap_from, worst_spent_gap, spent_gap_n, plant.controller_tolerance_kwh);
    r.findings.push_back(f);
  }
  if (total_gap_n > 0) {
    ComplianceFinding f{
        "controller_remaining_disagrees", "warning", "", total_gap_n, {total_gap_from}, {}, worst_total_gap};
    f.message = fmt::format(
        "the controller's budget_spent_kwh + budget_remaining_kwh changes from seq {} on (largest change "
        "{:.3f} "
        "kWh, {} records beyond {} kWh)",
        total_gap_from, worst_total_gap, total_gap_n, plant.controller_tolerance_kwh);
    r.findings.push_back(f);
  }
  // The covered period's edges: from the budget year's first instant to the
  // first tick, and from the last tick to the end of as_of (or now).
  if (covered_days > 0 && r.slots == 0) {
    ComplianceFinding f{"no_records", "warning", "", 0, {}, {}, std::nullopt};
    f.message = fmt::format("no ticks were logged from {} to {}: the report knows nothing of that period",
                            r.budget_year_start, r.as_of);
    r.findings.push_back(f);
  }
  if (first_ts) {
    const int64_t period_start = tz.StartOfDay(start);
    const int64_t period_end = std::min(tz.StartOfDay(as_of + 1), env->NowMicros());
    if (*first_ts > period_start) gaps.insert(gaps.begin(), {period_start, *first_ts});
    if (period_end > *previous_ts) gaps.emplace_back(*previous_ts, period_end);
  }
  if (!intervals.empty()) {
    // The median interval, in whole seconds (the middle one when sorted).
    uint64_t n = 0;
    for (const auto& kv : intervals) n += kv.second;
    uint64_t below = 0;
    int64_t usual = 0;
    for (const auto& [sec, count] : intervals) {
      if (below + count > n / 2) {
        usual = sec * 1000000;
        break;
      }
      below += count;
    }
    const double limit =
        std::max(static_cast<double>(usual) * plant.outage_factor, static_cast<double>(kMicrosPerHour));
    ComplianceFinding f{"outage", "warning", "", 0, {}, {}, std::nullopt};
    double longest = 0;
    for (const auto& [a, b] : gaps) {
      if (static_cast<double>(b - a) <= limit) continue;
      ++f.count;
      longest = std::max(longest, static_cast<double>(b - a) / kMicrosPerHour);
      if (f.timestamps.size() < 2 * kSeqsKept) {
        f.timestamps.push_back(IsoUtc(a));
        f.timestamps.push_back(IsoUtc(b));
      }
    }
    if (f.count > 0) {
      f.value = longest;
      f.message = fmt::format(
          "{} without ticks longer than {:.1f} h (the usual interval is {} s; the "
          "budget year's start before the first tick and the end after the last count too); "
          "the longest lasted {:.1f} h",
          Count(f.count, "period"), limit / kMicrosPerHour, usual / 1000000, longest);
      r.findings.push_back(f);
    }
  }
  if (backwards.count > 0) {
    backwards.message =
        fmt::format("{} a timestamp earlier than a record logged before {}",
                    Count(backwards.count, "record") + (backwards.count == 1 ? " has" : " have"),
                    backwards.count == 1 ? "it" : "them");
    r.findings.push_back(backwards);
  }
  if (not_site_day.count > 0) {
    not_site_day.message =
        fmt::format("{} a date column that is not {} day in {}",
                    Count(not_site_day.count, "record") + (not_site_day.count == 1 ? " has" : " have"),
                    not_site_day.count == 1 ? "its" : "their", plant.timezone);
    r.findings.push_back(not_site_day);
  }
  return r;
}

Result<Allowance> ComputeAllowance(const LogSnapshot& snap, const CompliancePlant& plant,
                                   const std::optional<std::string>& date, Env* env) {
  if (env == nullptr) env = Env::Default();
  BA_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Load(plant.timezone));
  BA_ASSIGN_OR_RETURN(auto md, ParseMonthDay(plant.budget_year_start));
  BA_ASSIGN_OR_RETURN(Potential potential, ResolvePotential(plant, env));
  int64_t day = tz.Today(env);
  if (date) {
    BA_ASSIGN_OR_RETURN(day, ParseDateArgument(*date));
  }
  const std::pair<int64_t, int64_t> year_days = BudgetYear(md, std::nullopt, day);
  const int64_t start = year_days.first, end = year_days.second;
  Allowance a;
  a.date = FormatDate(day);
  a.budget_year_start = FormatDate(start);
  a.budget_year_end = FormatDate(end);
  a.potential = potential;
  a.ceiling_kwh = plant.ceiling_pct / 100.0 * potential.annual_kwh;
  // Spent before `date`: a file the stretch holds whole through its site
  // summary, the rest from the rows (summed as the report sums them).
  Sum before;
  if (day > start) {
    BA_RETURN_IF_ERROR(log::SnapshotAccess::ForEachStretch(
        snap, tz.StartOfDay(start), tz.StartOfDay(day),
        [&](const log::SealedFile* f, bool whole, const log::StretchRows& rows) -> Status {
          if (const log::SiteSummary* site = WholeFileSummary(f, whole, tz)) {
            before.Add(site->total.spent.value());
            return Status::OK();
          }
          Sum part;
          BA_RETURN_IF_ERROR(rows([&](uint64_t, const SlotRecord& rec) -> Status {
            const int64_t d = tz.LocalDays(rec.timestamp_us);
            if (d >= start && d < day) part.Add(rec.energy_cost_kwh);
            return Status::OK();
          }));
          before.Add(part.value());
          return Status::OK();
        }));
  }
  a.spent_before_kwh = before.value();
  a.day_share = DayShare(potential.monthly_share, day);
  for (int64_t d = day; d <= end; ++d) a.remaining_share += DayShare(potential.monthly_share, d);
  if (a.remaining_share > 0) {
    a.allowance_kwh = std::max(0.0, (a.ceiling_kwh - a.spent_before_kwh) * a.day_share / a.remaining_share);
  }
  return a;
}

namespace {

nlohmann::ordered_json Opt(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json PotentialJson(const Potential& p) {
  nlohmann::ordered_json j;
  j["basis"] = p.basis;
  j["source"] = p.source;
  j["annual_kwh"] = p.annual_kwh;
  j["shares_basis"] = p.shares_basis;
  j["monthly_share"] = p.monthly_share;
  if (p.basis == "pvgis") {
    j["pvgis_mount"] = p.pvgis_mount;
    j["pvgis_peakpower_kwp"] = p.pvgis_peakpower_kwp;
  }
  return j;
}

nlohmann::ordered_json GroupsJson(const std::vector<ComplianceGroup>& groups) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const auto& g : groups) {
    a.push_back(
        {{"key", g.key}, {"spent_kwh", g.spent_kwh}, {"interventions", g.interventions}, {"slots", g.slots}});
  }
  return a;
}

std::string Pct(const std::optional<double>& v) { return v ? fmt::format("{:.1f} %", *v * 100) : "—"; }
std::string Kwh(const std::optional<double>& v) { return v ? fmt::format("{:.3f} kWh", *v) : "—"; }

}  // namespace

std::string RenderCompliance(const ComplianceReport& r, ComplianceFormat format) {
  if (format == ComplianceFormat::kHtml) return report::ComplianceHtml(r);
  if (format == ComplianceFormat::kTable) {
    std::string out = fmt::format("Compliance, budget year {} to {} (as of {}, {})\n", r.budget_year_start,
                                  r.budget_year_end, r.as_of, r.timezone);
    auto row = [&](std::string_view k, const std::string& v) { out += fmt::format("  {:<26} {}\n", k, v); };
    row("verdict", r.compliant_projection ? "compliant (projection within the ceiling)"
                                          : "NOT compliant (projection above the ceiling)");
    row("potential",
        fmt::format("{:.1f} kWh ({}: {})", r.potential.annual_kwh, r.potential.basis, r.potential.source));
    row("ceiling", fmt::format("{:.1f} kWh ({} % of the potential)", r.ceiling_kwh, r.ceiling_pct));
    row("spent",
        fmt::format("{:.3f} kWh in {} slots, {} interventions", r.spent_kwh, r.slots, r.interventions));
    row("expected share to date", fmt::format("{:.2f} %", r.expected_share_to_date * 100));
    row("budget to date", fmt::format("{:.3f} kWh", r.budget_to_date_kwh));
    row("pace", Pct(r.pace));
    row("projected", Kwh(r.projected_kwh));
    row("naive projection (×365)", Kwh(r.naive_projected_kwh));
    row("days of budget left",
        r.days_of_budget_left ? fmt::format("{}", *r.days_of_budget_left) : std::string("the whole year"));
    out += "\n  month     spent kWh    budget kWh  interventions   slots\n";
    for (const auto& m : r.months) {
      out += fmt::format("  {}  {:>12.3f}  {:>12.3f}  {:>13}  {:>6}\n", m.month, m.spent_kwh, m.budget_kwh,
                         m.interventions, m.slots);
    }
    auto groups = [&](const char* title, const std::vector<ComplianceGroup>& gs) {
      out += fmt::format("\n  {:<24} {:>12}  {:>13}  {:>6}\n", title, "spent kWh", "interventions", "slots");
      for (const auto& g : gs) {
        out += fmt::format("  {:<24} {:>12.3f}  {:>13}  {:>6}\n", g.key.empty() ? "(empty)" : g.key,
                           g.spent_kwh, g.interventions, g.slots);
      }
    };
    groups("stage", r.by_stage);
    groups("source", r.by_source);
    out += r.findings.empty() ? "\n  findings: none\n" : "\n  findings:\n";
    for (const auto& f : r.findings) out += fmt::format("  - {} ({}): {}\n", f.check, f.severity, f.message);
    return out;
  }
  nlohmann::ordered_json j;
  j["schema_version"] = ComplianceReport::kSchemaVersion;
  j["budget_year"] = {{"start", r.budget_year_start}, {"end", r.budget_year_end}};
  j["as_of"] = r.as_of;
  j["timezone"] = r.timezone;
  j["potential"] = PotentialJson(r.potential);
  if (r.ceiling_pct_is_integer && std::isfinite(r.ceiling_pct)) {
    j["ceiling_pct"] = static_cast<int64_t>(r.ceiling_pct);
  } else {
    j["ceiling_pct"] = r.ceiling_pct;
  }
  j["ceiling_kwh"] = r.ceiling_kwh;
  j["spent_kwh"] = r.spent_kwh;
  j["slots"] = r.slots;
  j["interventions"] = r.interventions;
  j["expected_share_to_date"] = r.expected_share_to_date;
  j["budget_to_date_kwh"] = r.budget_to_date_kwh;
  j["pace"] = Opt(r.pace);
  j["projected_kwh"] = Opt(r.projected_kwh);
  j["naive_projected_kwh"] = Opt(r.naive_projected_kwh);
  j["compliant_projection"] = r.compliant_projection;
  j["days_of_budget_left"] = r.days_of_budget_left ? nlohmann::ordered_json(*r.days_of_budget_left)
                                                   : nlohmann::ordered_json(nullptr);
  nlohmann::ordered_json months = nlohmann::ordered_json::array();
  for (const auto& m : r.months) {
    months.push_back({{"month", m.month},
                      {"spent_kwh", m.spent_kwh},
                      {"budget_kwh", m.budget_kwh},
                      {"interventions", m.interventions},
                      {"slots", m.slots}});
  }
  j["months"] = months;
  j["by_stage"] = GroupsJson(r.by_stage);
  j["by_source"] = GroupsJson(r.by_source);
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const auto& f : r.findings) {
    nlohmann::ordered_json o;
    o["check"] = f.check;
    o["severity"] = f.severity;
    o["message"] = f.message;
    o["count"] = f.count;
    o["seqs"] = f.seqs;
    if (!f.timestamps.empty()) o["timestamps"] = f.timestamps;
    o["value"] = Opt(f.value);
    findings.push_back(o);
  }
  j["findings"] = findings;
  j["log"] = {{"last_seq", r.last_seq}, {"head", r.head_hex}};
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string RenderAllowance(const Allowance& a, ComplianceFormat format) {
  if (format != ComplianceFormat::kJson) {
    return fmt::format(
        "Allowance for {}: {:.3f} kWh\n  ceiling {:.1f} kWh, spent before {:.3f} kWh (budget year {} to {})\n"
        "  the day's share {:.4f} % of the year, the rest of the year's {:.2f} %\n",
        a.date, a.allowance_kwh, a.ceiling_kwh, a.spent_before_kwh, a.budget_year_start, a.budget_year_end,
        a.day_share * 100, a.remaining_share * 100);
  }
  nlohmann::ordered_json j;
  j["date"] = a.date;
  j["allowance_kwh"] = a.allowance_kwh;
  j["ceiling_kwh"] = a.ceiling_kwh;
  j["spent_before_kwh"] = a.spent_before_kwh;
  j["day_share"] = a.day_share;
  j["remaining_share"] = a.remaining_share;
  j["budget_year"] = {{"start", a.budget_year_start}, {"end", a.budget_year_end}};
  j["potential"] = PotentialJson(a.potential);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace budget_audit
