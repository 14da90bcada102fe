// The report API (budget_audit/report.h): the structs hold what the JSON
// prints, the renderings are the CLI's, and the edge cases (empty log,
// missing capacity, integer settings, figures that are not finite).
#include "budget_audit/report.h"

#include <cmath>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "budget_audit/audit_log.h"
#include "report/pyjson.h"
#include "util/civil_time.h"

namespace budget_audit {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::ordered_json;

constexpr int64_t kMinute = 60'000'000;
constexpr int64_t kDay = 86'400'000'000;
// 2026-06-01T00:00:00Z
constexpr int64_t kJune1 = 1780272000'000'000;

SlotRecord Tick(int64_t ts, double cost, bool gate, double offset, double remaining) {
  SlotRecord r;
  r.timestamp_us = ts;
  r.date = FormatDate(FloorDiv(ts, kDay));
  r.energy_cost_kwh = cost;
  r.gate_passed = gate;
  r.actual_offset_deg = offset;
  r.budget_remaining_kwh = remaining;
  r.source = "optimizer";
  return r;
}

class ReportApi : public ::testing::Test {
 protected:
  // Appends `records` to the log in the MemEnv and opens a snapshot.
  std::unique_ptr<LogSnapshot> Log(const std::vector<SlotRecord>& records) {
    AuditLogOptions o;
    o.env = env_.get();
    o.sync = SyncMode::kNone;
    auto log = AuditLog::Open("/log", o);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    for (const auto& r : records) {
      auto a = (*log)->Append(r);
      EXPECT_TRUE(a.ok()) << a.status().ToString();
    }
    EXPECT_TRUE((*log)->Close().ok());
    auto snap = LogSnapshot::Open("/log", env_.get());
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    return std::move(*snap);
  }

  // Three days, four ticks a day, costs that round.
  std::vector<SlotRecord> ThreeDays() {
    std::vector<SlotRecord> v;
    for (int d = 0; d < 3; ++d) {
      for (int i = 0; i < 4; ++i) {
        v.push_back(Tick(kJune1 + d * kDay + (8 * 60 + i * 15) * kMinute, 0.1 * (i + 1) + d * 0.0125,
                         i % 2 == 0, (i - 2) * 3.33, 1000 - d * 10 - i));
      }
    }
    return v;
  }

  std::unique_ptr<Env> env_ = NewMemEnv();
};

// Every float of the struct is the double the JSON holds, printed as repr.
void ExpectFloat(const json& j, const std::string& key, double value) {
  ASSERT_TRUE(j.contains(key)) << key;
  ASSERT_TRUE(j[key].is_number_float()) << key << ": " << j[key].dump();
  EXPECT_EQ(j[key].get<double>(), value) << key;
}
void ExpectInt(const json& j, const std::string& key, int64_t value) {
  ASSERT_TRUE(j.contains(key)) << key;
  ASSERT_TRUE(j[key].is_number_integer()) << key << ": " << j[key].dump();
  EXPECT_EQ(j[key].get<int64_t>(), value) << key;
}

std::vector<std::string> Keys(const json& j) {
  std::vector<std::string> k;
  for (const auto& [key, _] : j.items()) k.push_back(key);
  return k;
}

TEST_F(ReportApi, WeeklyReportFiguresAreWhatTheJsonPrints) {
  auto snap = Log(ThreeDays());
  ReportSettings s;
  s.capacity_kw = 100;
  s.max_reduction_pct = 5;
  s.max_reduction_pct_is_integer = true;
  auto r = ComputeWeeklyReport(*snap, s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->has_data);
  EXPECT_EQ(r->records, 12u);
  EXPECT_EQ(r->period_days, 3);
  EXPECT_EQ(r->ceiling_kwh, 10950.0);  // 100 kW × 6 h × 365 × 5 %
  EXPECT_EQ(r->total_interventions, 6);
  EXPECT_EQ(r->intervention_rate_pct, 50.0);
  EXPECT_TRUE(r->compliant);
  EXPECT_EQ(r->error, "");

  const std::string text = RenderReport(*r, ReportFormat::kJson);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  json j = json::parse(text);
  EXPECT_EQ(Keys(j),
            (std::vector<std::string>{"period_days", "total_cost_kwh", "daily_avg_kwh",
                                      "projected_annual_kwh", "ceiling_kwh", "ceiling_pct", "utilization_pct",
                                      "compliant", "total_interventions", "intervention_rate_pct"}));
  ExpectInt(j, "period_days", r->period_days);
  ExpectFloat(j, "total_cost_kwh", r->total_cost_kwh);
  ExpectFloat(j, "daily_avg_kwh", r->daily_avg_kwh);
  ExpectFloat(j, "projected_annual_kwh", r->projected_annual_kwh);
  ExpectFloat(j, "ceiling_kwh", r->ceiling_kwh);
  ExpectInt(j, "ceiling_pct", 5);
  ExpectFloat(j, "utilization_pct", r->utilization_pct);
  EXPECT_EQ(j["compliant"].get<bool>(), r->compliant);
  ExpectInt(j, "total_interventions", r->total_interventions);
  ExpectFloat(j, "intervention_rate_pct", r->intervention_rate_pct);
  // The text is Python's: repr of each float, two-space indent.
  EXPECT_THAT(text, HasSubstr("\n  \"total_cost_kwh\": " + report::PyFloatRepr(r->total_cost_kwh) + ",\n"));
  EXPECT_THAT(text, HasSubstr("\"ceiling_kwh\": 10950.0,"));
}

TEST_F(ReportApi, PercentWrittenAsAFloatIsEchoedAsAFloat) {
  auto snap = Log(ThreeDays());
  ReportSettings s;
  s.capacity_kw = 100;
  auto r = ComputeWeeklyReport(*snap, s);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ceiling_pct_is_integer);
  EXPECT_THAT(RenderReport(*r, ReportFormat::kJson), HasSubstr("\"ceiling_pct\": 5.0,"));
}

TEST_F(ReportApi, ZeroCapacityGivesTheIntZeroUtilization) {
  auto snap = Log(ThreeDays());
  ReportSettings s;
  s.capacity_kw = 0;
  auto r = ComputeWeeklyReport(*snap, s);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->utilization_pct_is_integer);
  EXPECT_FALSE(r->compliant);
  json j = json::parse(RenderReport(*r, ReportFormat::kJson));
  ExpectInt(j, "utilization_pct", 0);
  ExpectFloat(j, "ceiling_kwh", 0.0);
}

TEST_F(ReportApi, EmptyLogNeedsNoCapacity) {
  auto snap = Log({});
  auto r = ComputeWeeklyReport(*snap, ReportSettings{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->has_data);
  EXPECT_EQ(r->error, "No audit data");
  EXPECT_EQ(RenderReport(*r, ReportFormat::kJson), "{\n  \"error\": \"No audit data\"\n}\n");
  EXPECT_EQ(RenderReport(WeeklyReport{}, ReportFormat::kJson), RenderReport(*r, ReportFormat::kJson));
  EXPECT_EQ(RenderDefaultOutput(*r), "No audit data yet.\n");
  EXPECT_EQ(RenderReport(*r, ReportFormat::kTable),
            "Budget rollup over the whole log\n  error  No audit data\n");
}

TEST_F(ReportApi, ALogWithRecordsNeedsTheCapacity) {
  auto snap = Log(ThreeDays());
  auto r = ComputeWeeklyReport(*snap, ReportSettings{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("capacity_kw"));
}

TEST_F(ReportApi, AFigureBeyondTheLargestDoubleIsNullAndNamed) {
  auto snap = Log({Tick(kJune1 + 8 * 60 * kMinute, 1e308, true, 1, 5),
                   Tick(kJune1 + 9 * 60 * kMinute, 1e308, false, 1, 5)});
  ReportSettings s;
  s.capacity_kw = 100;
  auto r = ComputeWeeklyReport(*snap, s);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(std::isinf(r->total_cost_kwh));
  EXPECT_THAT(r->error, HasSubstr("total_cost_kwh, daily_avg_kwh, projected_annual_kwh, "
                                  "utilization_pct not finite"));
  json j = json::parse(RenderReport(*r, ReportFormat::kJson));
  EXPECT_TRUE(j["total_cost_kwh"].is_null());
  EXPECT_TRUE(j["utilization_pct"].is_null());
  EXPECT_EQ(j["error"].get<std::string>(), r->error);
  EXPECT_EQ(Keys(j).back(), "error");
}

TEST_F(ReportApi, DailySummaryFiguresAreWhatTheJsonPrints) {
  auto snap = Log(ThreeDays());
  auto d = ComputeDailySummary(*snap, "2026-06-02");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->has_data);
  EXPECT_EQ(d->slots, 4);
  EXPECT_EQ(d->interventions, 2);
  EXPECT_EQ(d->max_offset_deg, 6.7);          // round(|−6.66|, 1)
  EXPECT_EQ(d->budget_remaining_kwh, 987.0);  // the day's last appended record
  json j = json::parse(RenderReport(*d, ReportFormat::kJson));
  EXPECT_EQ(Keys(j), (std::vector<std::string>{"date", "slots", "total_cost_kwh", "interventions",
                                               "max_offset_deg", "budget_remaining_kwh"}));
  EXPECT_EQ(j["date"].get<std::string>(), "2026-06-02");
  ExpectInt(j, "slots", d->slots);
  ExpectFloat(j, "total_cost_kwh", d->total_cost_kwh);
  ExpectInt(j, "interventions", d->interventions);
  ExpectFloat(j, "max_offset_deg", d->max_offset_deg);
  ExpectFloat(j, "budget_remaining_kwh", d->budget_remaining_kwh);
}

TEST_F(ReportApi, ADayWithoutRecordsAndAnEmptyLog) {
  auto snap = Log(ThreeDays());
  auto d = ComputeDailySummary(*snap, "2026-07-01");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->has_data);
  EXPECT_EQ(d->slots, 0);
  EXPECT_EQ(RenderReport(*d, ReportFormat::kJson),
            "{\n  \"date\": \"2026-07-01\",\n  \"slots\": 0,\n  \"total_cost_kwh\": 0.0\n}\n");

  env_ = NewMemEnv();
  auto empty = Log({});
  auto e = ComputeDailySummary(*empty, "2026-07-01");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->has_data);
  EXPECT_EQ(RenderReport(*e, ReportFormat::kJson), "{\n  \"error\": \"No audit data\"\n}\n");
  EXPECT_EQ(RenderReport(*e, ReportFormat::kTable), "Daily summary for 2026-07-01\n  error  No audit data\n");
}

TEST_F(ReportApi, DailySummaryTakesOnlyADate) {
  auto snap = Log(ThreeDays());
  for (const char* bad : {"20260602", "2026-02-30", "June 2", ""}) {
    auto d = ComputeDailySummary(*snap, bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(ReportApi, TableAndVerifiedRenderings) {
  auto snap = Log(ThreeDays());
  auto d = ComputeDailySummary(*snap, "2026-06-01");
  ASSERT_TRUE(d.ok());
  const std::string table = RenderReport(*d, ReportFormat::kTable);
  EXPECT_THAT(table, HasSubstr("Daily summary for 2026-06-01\n  date                  2026-06-01\n"
                               "  slots                 4\n"));
  EXPECT_THAT(table, HasSubstr("  max_offset_deg        6.7°\n"));

  ReportVerification v;
  v.records = 12;
  v.head_hex = std::string(64, 'a');
  v.checkpoint = ReportVerification::Checkpoint{10, "2026-06-03T00:00:00Z", std::string(64, 'b'), true};
  json j = json::parse(RenderReport(*d, ReportFormat::kJson, &v));
  EXPECT_EQ(Keys(j).back(), "verified");
  EXPECT_EQ(j["verified"].dump(),
            json::parse(R"({"records": 12, "head": ")" + v.head_hex +
                        R"(", "checkpoint": {"seq": 10, "time": "2026-06-03T00:00:00Z", "head": ")" +
                        std::string(64, 'b') + R"(", "signed": true}})")
                .dump());
  EXPECT_THAT(RenderReport(*d, ReportFormat::kTable, &v),
              ::testing::EndsWith("Verified: 12 records, chain head " + v.head_hex +
                                  "; holds checkpoint seq 10 of 2026-06-03T00:00:00Z (signature "
                                  "valid)\n"));
}

TEST_F(ReportApi, DefaultOutputCountsSlotsAndDays) {
  auto snap = Log(ThreeDays());
  ReportSettings s;
  s.capacity_kw = 100;
  auto r = ComputeWeeklyReport(*snap, s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(RenderDefaultOutput(*r), "Audit log: 12 slots, 3 days\n" + RenderReport(*r, ReportFormat::kJson));
}

TEST_F(ReportApi, TodayInAZone) {
  ReportSettings s;
  s.timezone = "Europe/Berlin";
  auto today = TodayInSiteZone(s, env_.get());
  ASSERT_TRUE(today.ok()) << today.status().ToString();
  EXPECT_TRUE(ParseDate(*today).has_value()) << *today;
  s.timezone = "Mars/Olympus_Mons";
  EXPECT_FALSE(TodayInSiteZone(s).ok());
}

}  // namespace
}  // namespace budget_audit
