#include "log/site_summary.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "log/summary.h"
#include "util/civil_time.h"

namespace budget_audit::log {

void CompensatedSum::Add(double x) {
  const double t = s + x;
  c += std::fabs(s) >= std::fabs(x) ? (s - t) + x : (x - t) + s;
  s = t;
}

bool CompensatedSum::operator==(const CompensatedSum& o) const {
  return std::bit_cast<uint64_t>(s) == std::bit_cast<uint64_t>(o.s) &&
         std::bit_cast<uint64_t>(c) == std::bit_cast<uint64_t>(o.c);
}

bool ExactDouble::operator==(const ExactDouble& o) const {
  return std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(o.v);
}

void SiteFlagged::Keep(uint64_t seq) {
  ++count;
  if (seqs.size() < SiteSummary::kSeqsKept) seqs.push_back(seq);
}

bool SiteSummary::operator==(const SiteSummary& o) const {
  return timezone == o.timezone && offset_tolerance_deg == o.offset_tolerance_deg && records == o.records &&
         first_ts == o.first_ts && min_ts == o.min_ts && max_ts == o.max_ts && total == o.total &&
         days == o.days && stages == o.stages && sources == o.sources && dates == o.dates &&
         no_gate == o.no_gate && negative == o.negative && deviation == o.deviation &&
         not_site_day == o.not_site_day && backwards == o.backwards && deviation_sum == o.deviation_sum &&
         deviation_n == o.deviation_n && worst_deviation == o.worst_deviation &&
         worst_deviation_seq == o.worst_deviation_seq && controller_counts == o.controller_counts &&
         spent_diff_first == o.spent_diff_first && spent_diff_min == o.spent_diff_min &&
         spent_diff_max == o.spent_diff_max && total_first == o.total_first && total_min == o.total_min &&
         total_max == o.total_max && intervals == o.intervals && gaps == o.gaps && overflow == o.overflow;
}

int64_t IntervalSeconds(int64_t gap_us) {
  return gap_us >= 0 ? (gap_us + 500000) / 1000000 : -((-gap_us + 500000) / 1000000);
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void Count(SiteCounts& c, double cost, bool gate) {
  c.spent.Add(cost);
  ++c.slots;
  if (gate) ++c.interventions;
}

}  // namespace

SiteSummaryBuilder::SiteSummaryBuilder(TimeZone tz, double offset_tolerance_deg) : tz_(std::move(tz)) {
  s_.timezone = tz_.name();
  s_.offset_tolerance_deg.v = offset_tolerance_deg;
  s_.spent_diff_min.v = s_.total_min.v = kInf;
  s_.spent_diff_max.v = s_.total_max.v = -kInf;
}

SiteSummaryBuilder::SiteSummaryBuilder(TimeZone tz, SiteSummary start)
    : tz_(std::move(tz)), s_(std::move(start)) {}

SiteSummaryBuilder::SiteSummaryBuilder(TimeZone tz, double offset_tolerance_deg, const SiteContext& context)
    : SiteSummaryBuilder(std::move(tz), offset_tolerance_deg) {
  context_ = context;
}

void SiteSummaryBuilder::Add(uint64_t seq, const SlotRecord& r) {
  const int64_t ts = r.timestamp_us;
  if (!(ts >= day_start_us_ && ts < day_end_us_)) {
    day_ = tz_.LocalDays(ts);
    day_text_ = FormatDate(day_);
    day_counts_ = &s_.days[day_];
    day_start_us_ = tz_.StartOfDay(day_);
    day_end_us_ = tz_.StartOfDay(day_ + 1);
    // Only where the day is exactly that stretch of instants.
    if (day_end_us_ <= day_start_us_ || tz_.LocalDays(day_start_us_) != day_ ||
        tz_.LocalDays(day_end_us_ - 1) != day_ || ts < day_start_us_ || ts >= day_end_us_) {
      day_start_us_ = 1;
      day_end_us_ = 0;
    }
  }
  const double cost = r.energy_cost_kwh;
  const bool gate = r.gate_passed;
  const bool first = s_.records == 0;
  ++s_.records;
  Count(s_.total, cost, gate);
  Count(*day_counts_, cost, gate);
  if (!stage_ || stage_->first != r.stage_id) stage_ = &*s_.stages.try_emplace(r.stage_id).first;
  Count(stage_->second, cost, gate);
  if (!source_ || source_->first != r.source) source_ = &*s_.sources.try_emplace(r.source).first;
  Count(source_->second, cost, gate);
  if (s_.dates.empty() || s_.dates.back() != r.date) {
    auto d = std::lower_bound(s_.dates.begin(), s_.dates.end(), r.date);
    if (d == s_.dates.end() || *d != r.date) s_.dates.insert(d, r.date);
  }

  // Ledger checks.
  if (cost != 0 && !gate) {
    s_.no_gate.Keep(seq);
    s_.no_gate.kwh.Add(cost);
  }
  if (cost < 0) {
    s_.negative.Keep(seq);
    s_.negative.kwh.Add(cost);
  }
  if (r.planned_offset_deg != 0 || r.actual_offset_deg != 0) {
    const double dev = std::fabs(r.planned_offset_deg - r.actual_offset_deg);
    s_.deviation_sum.Add(dev);
    ++s_.deviation_n;
    if (dev > s_.worst_deviation.v) {
      s_.worst_deviation.v = dev;
      s_.worst_deviation_seq = seq;
    }
    if (dev > s_.offset_tolerance_deg.v) s_.deviation.Keep(seq);
  }
  if (day_text_ != r.date) s_.not_site_day.Keep(seq);

  // Order and gaps: against the latest timestamp before (the context's for
  // a stretch's first record).
  std::optional<int64_t> previous;
  if (!first) {
    previous = s_.max_ts;
  } else if (context_) {
    previous = context_->previous_ts;
  }
  if (first) s_.first_ts = s_.min_ts = ts;
  s_.min_ts = std::min(s_.min_ts, ts);
  if (previous) {
    if (ts < *previous) {
      s_.backwards.Keep(seq);
    } else {
      const int64_t gap = ts - *previous;
      if (gap > 0) {
        if (++s_.intervals[IntervalSeconds(gap)] == 1 && s_.intervals.size() > SiteSummary::kMaxIntervals) {
          s_.overflow = true;
        }
      }
      if (gap > SiteSummary::kLongGapUs) {
        s_.gaps.emplace_back(*previous, ts);
        if (s_.gaps.size() > SiteSummary::kMaxGaps) s_.overflow = true;
      }
    }
  }
  s_.max_ts = std::max(previous.value_or(ts), ts);

  // The controller's counters.
  if (r.budget_spent_kwh != 0 || r.budget_remaining_kwh != 0) s_.controller_counts = true;
  const double diff = r.budget_spent_kwh - s_.total.spent.value();
  const double total = r.budget_spent_kwh + r.budget_remaining_kwh;
  if (first) {
    s_.spent_diff_first.v = diff;
    s_.total_first.v = total;
  }
  if (diff < s_.spent_diff_min.v) s_.spent_diff_min.v = diff;
  if (diff > s_.spent_diff_max.v) s_.spent_diff_max.v = diff;
  if (total < s_.total_min.v) s_.total_min.v = total;
  if (total > s_.total_max.v) s_.total_max.v = total;
  if (context_) {
    if (!context_->spent_reference) context_->spent_reference = diff;
    if (!context_->total_reference) context_->total_reference = total;
    const double tol = context_->controller_tolerance_kwh;
    const double spent_gap = std::fabs(diff - *context_->spent_reference);
    if (spent_gap > tol && checks_.spent_n++ == 0) checks_.spent_from = seq;
    if (spent_gap > checks_.spent_worst) checks_.spent_worst = spent_gap;
    const double total_gap = std::fabs(total - *context_->total_reference);
    if (total_gap > tol && checks_.total_n++ == 0) checks_.total_from = seq;
    if (total_gap > checks_.total_worst) checks_.total_worst = total_gap;
  }
}

// ---- JSON ----

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

nlohmann::ordered_json FlaggedJson(const SiteFlagged& f) {
  return nlohmann::ordered_json::array({f.count, f.seqs});
}

nlohmann::ordered_json CountsJson(const std::string& key, const SiteCounts& c) {
  return nlohmann::ordered_json::array({key, c.slots, c.interventions});
}

// Every double of a summary, in the order the "f64" member holds them.
template <typename S, typename Fn>
void VisitDoubles(S& s, Fn&& fn) {
  auto sum = [&](auto& cs) {
    fn(cs.s);
    fn(cs.c);
  };
  fn(s.offset_tolerance_deg.v);
  sum(s.total.spent);
  for (auto& [k, c] : s.days) sum(c.spent);
  for (auto& [k, c] : s.stages) sum(c.spent);
  for (auto& [k, c] : s.sources) sum(c.spent);
  for (auto* f : {&s.no_gate, &s.negative, &s.deviation, &s.not_site_day, &s.backwards}) sum(f->kwh);
  sum(s.deviation_sum);
  fn(s.worst_deviation.v);
  fn(s.spent_diff_first.v);
  fn(s.spent_diff_min.v);
  fn(s.spent_diff_max.v);
  fn(s.total_first.v);
  fn(s.total_min.v);
  fn(s.total_max.v);
}

}  // namespace

nlohmann::ordered_json SiteSummaryToJson(const SiteSummary& s) {
  nlohmann::ordered_json days = nlohmann::ordered_json::array(), stages = nlohmann::ordered_json::array(),
                         sources = nlohmann::ordered_json::array();
  for (const auto& [d, c] : s.days) days.push_back(CountsJson(FormatDate(d), c));
  for (const auto& [k, c] : s.stages) stages.push_back(CountsJson(k, c));
  for (const auto& [k, c] : s.sources) sources.push_back(CountsJson(k, c));
  nlohmann::ordered_json intervals = nlohmann::ordered_json::array(), gaps = nlohmann::ordered_json::array();
  for (const auto& [sec, n] : s.intervals) intervals.push_back({sec, n});
  for (const auto& [a, b] : s.gaps) gaps.push_back({a, b});
  std::vector<double> f64;
  VisitDoubles(s, [&](double v) { f64.push_back(v); });
  return nlohmann::ordered_json{{"timezone", s.timezone},
                                {"records", s.records},
                                {"interventions", s.total.interventions},
                                {"first_ts", s.first_ts},
                                {"min_ts", s.min_ts},
                                {"max_ts", s.max_ts},
                                {"days", days},
                                {"stages", stages},
                                {"sources", sources},
                                {"dates", s.dates},
                                {"no_gate", FlaggedJson(s.no_gate)},
                                {"negative", FlaggedJson(s.negative)},
                                {"deviation", FlaggedJson(s.deviation)},
                                {"not_site_day", FlaggedJson(s.not_site_day)},
                                {"backwards", FlaggedJson(s.backwards)},
                                {"deviation_n", s.deviation_n},
                                {"worst_deviation_seq", s.worst_deviation_seq},
                                {"controller_counts", s.controller_counts},
                                {"intervals", intervals},
                                {"gaps", gaps},
                                {"f64", EncodeRunValues(f64)}};
}

Result<SiteSummary> SiteSummaryFromJson(element e, const std::string& what) {
  auto bad = [&](const std::string& field) {
    return Status::Corruption(fmt::format("{}: site summary: {} is missing or malformed", what, field));
  };
  object o;
  if (e.get_object().get(o)) return bad("the summary");
  SiteSummary s;
  auto str = [&](const char* k, std::string& out) {
    std::string_view v;
    if (o[k].get_string().get(v)) return false;
    out = v;
    return true;
  };
  auto u64 = [&](auto x, uint64_t& out) { return !x.get_uint64().get(out); };
  auto i64 = [&](auto x, int64_t& out) { return !x.get_int64().get(out); };
  if (!str("timezone", s.timezone)) return bad("timezone");
  if (!u64(o["records"], s.records)) return bad("records");
  if (!u64(o["interventions"], s.total.interventions)) return bad("interventions");
  s.total.slots = s.records;
  if (!i64(o["first_ts"], s.first_ts) || !i64(o["min_ts"], s.min_ts) || !i64(o["max_ts"], s.max_ts)) {
    return bad("first_ts/min_ts/max_ts");
  }
  // [key, slots, interventions] rows.
  auto counts = [&](const char* k, auto&& put) {
    array rows;
    if (o[k].get_array().get(rows)) return false;
    for (element row : rows) {
      array a;
      if (row.get_array().get(a) || a.size() != 3) return false;
      std::string_view key;
      SiteCounts c;
      if (a.at(0).get_string().get(key) || !u64(a.at(1), c.slots) || !u64(a.at(2), c.interventions)) {
        return false;
      }
      if (!put(key, c)) return false;
    }
    return true;
  };
  if (!counts("days", [&](std::string_view key, const SiteCounts& c) {
        auto d = ParseDate(key);
        return d && s.days.emplace(*d, c).second;
      })) {
    return bad("days");
  }
  for (const auto& entry : {std::pair{"stages", &s.stages}, std::pair{"sources", &s.sources}}) {
    // Not a structured binding: clang 14 cannot capture one in a lambda.
    const char* k = entry.first;
    std::map<std::string, SiteCounts>* m = entry.second;
    if (!counts(k, [&](std::string_view key, const SiteCounts& c) {
          return m->emplace(std::string(key), c).second;
        })) {
      return bad(k);
    }
  }
  array dates;
  if (o["dates"].get_array().get(dates)) return bad("dates");
  for (element d : dates) {
    std::string_view v;
    if (d.get_string().get(v)) return bad("dates");
    s.dates.emplace_back(v);
  }
  if (!std::is_sorted(s.dates.begin(), s.dates.end())) return bad("dates");
  for (auto [k, f] : {std::pair{"no_gate", &s.no_gate}, std::pair{"negative", &s.negative},
                      std::pair{"deviation", &s.deviation}, std::pair{"not_site_day", &s.not_site_day},
                      std::pair{"backwards", &s.backwards}}) {
    array a, seqs;
    if (o[k].get_array().get(a) || a.size() != 2 || !u64(a.at(0), f->count) ||
        a.at(1).get_array().get(seqs) || seqs.size() > SiteSummary::kSeqsKept || seqs.size() > f->count) {
      return bad(k);
    }
    for (element q : seqs) {
      uint64_t v;
      if (!u64(q, v)) return bad(k);
      f->seqs.push_back(v);
    }
  }
  if (!u64(o["deviation_n"], s.deviation_n)) return bad("deviation_n");
  if (!u64(o["worst_deviation_seq"], s.worst_deviation_seq)) return bad("worst_deviation_seq");
  if (o["controller_counts"].get_bool().get(s.controller_counts)) return bad("controller_counts");
  array intervals, gaps;
  if (o["intervals"].get_array().get(intervals)) return bad("intervals");
  for (element row : intervals) {
    array a;
    int64_t sec;
    uint64_t n;
    if (row.get_array().get(a) || a.size() != 2 || !i64(a.at(0), sec) || !u64(a.at(1), n) ||
        !s.intervals.emplace(sec, n).second) {
      return bad("intervals");
    }
  }
  if (o["gaps"].get_array().get(gaps)) return bad("gaps");
  for (element row : gaps) {
    array a;
    int64_t x, y;
    if (row.get_array().get(a) || a.size() != 2 || !i64(a.at(0), x) || !i64(a.at(1), y)) {
      return bad("gaps");
    }
    s.gaps.emplace_back(x, y);
  }
  if (s.intervals.size() > SiteSummary::kMaxIntervals || s.gaps.size() > SiteSummary::kMaxGaps) {
    return bad("intervals/gaps (more than a summary keeps)");
  }
  std::string_view f64_text;
  if (o["f64"].get_string().get(f64_text)) return bad("f64");
  auto f64 = DecodeRunValues(f64_text);
  size_t expected = 0;
  VisitDoubles(s, [&](double&) { ++expected; });
  if (!f64.ok() || f64->size() != expected) return bad("f64");
  size_t i = 0;
  VisitDoubles(s, [&](double& v) { v = (*f64)[i++]; });
  return s;
}

}  // namespace budget_audit::log
