// The compliance report and the allowance against hand-computed figures:
// the formulas of docs/compliance.md, DST days in both hemispheres, a budget
// year starting mid-year, every potential basis, every ledger check.
#include "budget_audit/compliance.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "budget_audit/audit_log.h"
#include "budget_audit/checkpoint.h"
#include "log/manifest.h"
#include "util/civil_time.h"
#include "util/sha256.h"
#include "util/time_zone.h"

namespace budget_audit {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kHour = 3600LL * 1000000;

std::string ToHexForTest(const std::string& s) {
  return ToHex(Sha256(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size())));
}

int64_t Utc(int y, unsigned m, unsigned d, int hour = 12) {
  return DaysFromCivil(y, m, d) * 24 * kHour + hour * kHour;
}

class ComplianceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AuditLogOptions o;
    o.env = env_.get();
    o.sync = SyncMode::kNone;
    o.seal_policy = SealPolicy::kManual;
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
  }
  // A record at `ts` (UTC µs), its date in `tz`.
  void Add(int64_t ts, double cost, bool gate = true, const std::string& tz = "UTC",
           const std::string& stage = "s", const std::string& source = "plan") {
    auto zone = TimeZone::Load(tz);
    ASSERT_TRUE(zone.ok());
    SlotRecord r;
    r.timestamp_us = ts;
    r.date = FormatDate(zone->LocalDays(ts));
    r.energy_cost_kwh = cost;
    r.gate_passed = gate;
    r.stage_id = stage;
    r.source = source;
    Append(r);
  }
  void Append(const SlotRecord& r) {
    auto a = log_->Append(r);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
  }
  std::unique_ptr<LogSnapshot> Snap() {
    auto s = LogSnapshot::Open("/log", env_.get());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(*s);
  }
  static CompliancePlant Plant() {
    CompliancePlant p;
    p.capacity_kw = 100;
    p.annual_potential_kwh = 100000;
    std::array<double, 12> equal;
    equal.fill(100.0 / 12);
    p.monthly_share_pct = equal;
    return p;
  }
  ComplianceReport Compute(const CompliancePlant& p, const std::string& as_of, std::optional<int> year = {}) {
    ComplianceOptions o;
    o.as_of = as_of;
    o.year = year;
    o.env = env_.get();
    auto r = ComputeCompliance(*Snap(), p, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ComplianceReport{};
  }
  std::unique_ptr<Env> env_ = NewMemEnv();
  std::unique_ptr<AuditLog> log_;
};

TEST_F(ComplianceTest, FormulasAgainstHandComputedFigures) {
  for (unsigned d = 1; d <= 31; ++d) Add(Utc(2026, 1, d), 10.0);
  Add(Utc(2026, 2, 1), 99.0);  // after as_of: not covered
  auto r = Compute(Plant(), "2026-01-31");
  EXPECT_EQ(r.budget_year_start, "2026-01-01");
  EXPECT_EQ(r.budget_year_end, "2026-12-31");
  EXPECT_EQ(r.potential.basis, "annual_potential_kwh");
  EXPECT_DOUBLE_EQ(r.ceiling_kwh, 5000);
  EXPECT_DOUBLE_EQ(r.spent_kwh, 310);
  EXPECT_EQ(r.slots, 31);
  EXPECT_NEAR(r.expected_share_to_date, 1.0 / 12, 1e-12);
  EXPECT_NEAR(r.budget_to_date_kwh, 5000.0 / 12, 1e-9);
  EXPECT_NEAR(*r.pace, 310 / (5000.0 / 12), 1e-12);
  EXPECT_NEAR(*r.projected_kwh, 3720, 1e-9);
  EXPECT_NEAR(*r.naive_projected_kwh, 310.0 / 31 * 365, 1e-9);
  EXPECT_TRUE(r.compliant_projection);
  EXPECT_FALSE(r.days_of_budget_left.has_value());  // the pace lasts the year
  ASSERT_EQ(r.months.size(), 1u);
  EXPECT_EQ(r.months[0].month, "2026-01");
  EXPECT_DOUBLE_EQ(r.months[0].budget_kwh, 5000.0 / 12);
  EXPECT_EQ(r.days.size(), 31u);
  EXPECT_DOUBLE_EQ(r.days.back().cumulative_kwh, 310);
  EXPECT_TRUE(r.findings.empty());
}

TEST_F(ComplianceTest, AnOverspendingPaceIsNotCompliantAndSaysWhenTheBudgetRunsOut) {
  for (unsigned d = 1; d <= 31; ++d) Add(Utc(2026, 1, d), 50.0);  // 1550 kWh in January
  auto r = Compute(Plant(), "2026-01-31");
  EXPECT_NEAR(*r.projected_kwh, 1550 * 12, 1e-9);
  EXPECT_FALSE(r.compliant_projection);
  // At the pace, each month spends 18600 / 12 = 1550 kWh: February (28 days)
  // and March (31) take 3100 of the 3450 left; April's 51.67 kWh a day
  // reach the ceiling on its 7th day. Left: Feb 1 .. Apr 6 = 65 days.
  ASSERT_TRUE(r.days_of_budget_left.has_value());
  EXPECT_EQ(*r.days_of_budget_left, 65);
}

TEST_F(ComplianceTest, SeasonalSharesMakeTheProjectionDifferFromTheNaiveOne) {
  CompliancePlant p = Plant();
  p.monthly_share_pct.reset();  // the northern default: June 16.5 %
  for (unsigned d = 1; d <= 30; ++d) Add(Utc(2026, 6, d), 20.0);
  auto r = Compute(p, "2026-06-30", 2026);
  EXPECT_EQ(r.potential.shares_basis, "default_north");
  const double share = (1.5 + 3.0 + 6.5 + 10.5 + 14.5 + 16.5) / 100;
  EXPECT_NEAR(r.expected_share_to_date, share, 1e-12);
  EXPECT_NEAR(*r.projected_kwh, 600 / share, 1e-9);
  EXPECT_NEAR(*r.naive_projected_kwh, 20.0 * 365, 1e-9);
}

TEST_F(ComplianceTest, DstDaysInTheNorth) {
  // Hourly records through Berlin's two DST changes of 2026: 23 and 25 local hours.
  for (int64_t t = Utc(2026, 3, 28, 0); t < Utc(2026, 3, 31, 0); t += kHour)
    Add(t, 1.0, true, "Europe/Berlin");
  for (int64_t t = Utc(2026, 10, 24, 0); t < Utc(2026, 10, 27, 0); t += kHour)
    Add(t, 1.0, true, "Europe/Berlin");
  CompliancePlant p = Plant();
  p.timezone = "Europe/Berlin";
  auto r = Compute(p, "2026-10-31");
  auto day = [&](const std::string& d) {
    for (const auto& x : r.days) {
      if (x.date == d) return x.spent_kwh;
    }
    return -1.0;
  };
  EXPECT_DOUBLE_EQ(day("2026-03-29"), 23);
  EXPECT_DOUBLE_EQ(day("2026-10-25"), 25);
  // The date column is the site's day; the months between the two series are an outage.
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].check, "outage");
}

TEST_F(ComplianceTest, DstDaysAndAMidYearBudgetYearInTheSouth) {
  // Sydney: DST ends 2026-04-05 (25 h), starts 2026-10-04 (23 h); the budget year from 07-01.
  for (int64_t t = Utc(2026, 4, 4, 0); t < Utc(2026, 4, 7, 0); t += kHour)
    Add(t, 1.0, true, "Australia/Sydney");
  for (int64_t t = Utc(2026, 10, 3, 0); t < Utc(2026, 10, 6, 0); t += kHour)
    Add(t, 1.0, true, "Australia/Sydney");
  CompliancePlant p = Plant();
  p.timezone = "Australia/Sydney";
  p.budget_year_start = "07-01";
  auto april = Compute(p, "2026-04-30");
  EXPECT_EQ(april.budget_year_start, "2025-07-01");
  EXPECT_EQ(april.budget_year_end, "2026-06-30");
  auto october = Compute(p, "2026-10-31");
  EXPECT_EQ(october.budget_year_start, "2026-07-01");
  EXPECT_EQ(october.budget_year_end, "2027-06-30");
  auto day = [](const ComplianceReport& r, const std::string& d) {
    for (const auto& x : r.days) {
      if (x.date == d) return x.spent_kwh;
    }
    return -1.0;
  };
  EXPECT_DOUBLE_EQ(day(april, "2026-04-05"), 25);
  EXPECT_DOUBLE_EQ(day(october, "2026-10-04"), 23);
  // October's report covers only the new budget year.
  EXPECT_EQ(october.months.front().month, "2026-07");
  EXPECT_NEAR(october.expected_share_to_date, 4.0 / 12, 1e-12);
  CompliancePlant south = p;
  south.monthly_share_pct.reset();
  south.latitude = -33.9;
  EXPECT_EQ(Compute(south, "2026-10-31").potential.shares_basis, "default_south");
}

TEST_F(ComplianceTest, EveryPotentialBasis) {
  const std::string data = BA_TEST_DATA_DIR "/compliance/";
  CompliancePlant p;
  p.capacity_kw = 2000;
  p.potential_file = data + "pvgis_tracker.json";
  p.monthly_file = data + "monthly.csv";
  p.annual_potential_kwh = 1.0;
  auto pvgis = ResolvePotential(p);
  ASSERT_TRUE(pvgis.ok()) << pvgis.status().ToString();
  EXPECT_EQ(pvgis->basis, "pvgis");
  EXPECT_EQ(pvgis->pvgis_mount, "inclined_axis");
  EXPECT_NEAR(pvgis->annual_kwh, 1311.6 * 2000, 1e-6);  // E_y per kWp × capacity
  EXPECT_NEAR(pvgis->monthly_share[5], 176.4 / 1311.6, 1e-12);
  EXPECT_THAT(pvgis->source, HasSubstr("pvgis_tracker.json (sha256 "));
  p.potential_file.clear();
  auto monthly = ResolvePotential(p);
  ASSERT_TRUE(monthly.ok()) << monthly.status().ToString();
  EXPECT_EQ(monthly->basis, "monthly_file");
  EXPECT_DOUBLE_EQ(monthly->annual_kwh, 1050000);
  EXPECT_NEAR(monthly->monthly_share[0], 30000.0 / 1050000, 1e-12);
  p.monthly_file.clear();
  EXPECT_EQ(ResolvePotential(p)->basis, "annual_potential_kwh");
  p.annual_potential_kwh.reset();
  p.specific_yield_kwh_per_kwp = 990;
  EXPECT_EQ(ResolvePotential(p)->basis, "specific_yield");
  EXPECT_DOUBLE_EQ(ResolvePotential(p)->annual_kwh, 990 * 2000);
  p.specific_yield_kwh_per_kwp.reset();
  EXPECT_EQ(ResolvePotential(p)->basis, "peak_sun_hours");
  EXPECT_DOUBLE_EQ(ResolvePotential(p)->annual_kwh, 6 * 365 * 2000);
  p.capacity_kw.reset();
  EXPECT_FALSE(ResolvePotential(p).ok());
  CompliancePlant broken;
  broken.capacity_kw = 1;
  broken.potential_file = data + "monthly.csv";
  auto bad = ResolvePotential(broken);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("expected a PVGIS PVcalc JSON result"));
}

TEST_F(ComplianceTest, EveryLedgerCheck) {
  SlotRecord base;
  base.gate_passed = true;
  base.stage_id = "s";
  base.budget_remaining_kwh = 1000;
  auto rec = [&](int64_t ts, double cost) {
    SlotRecord r = base;
    r.timestamp_us = ts;
    r.date = FormatDate(FloorDiv(ts, 24 * kHour));
    r.energy_cost_kwh = cost;
    return r;
  };
  double ours = 0;
  int64_t t = Utc(2026, 5, 1, 8);
  auto next = [&](double cost, bool gate = true, double planned = 0, double actual = 0) {
    SlotRecord r = rec(t, cost);
    ours += cost;
    r.gate_passed = gate;
    r.planned_offset_deg = planned;
    r.actual_offset_deg = actual;
    r.budget_spent_kwh = ours;
    r.budget_remaining_kwh = 1000 - ours;
    t += 5 * 60 * 1000000LL;
    return r;
  };
  for (int i = 0; i < 20; ++i) Append(next(0.5, true, 10, 10));
  Append(next(0.7, false));        // seq 21: cost without its gate
  Append(next(0.1, true, 20, 5));  // seq 22: planned 20, actual 5
  Append(next(-0.2));              // seq 23: negative
  SlotRecord drift = next(0.3);    // seq 24: the controller's counter jumps
  drift.budget_spent_kwh += 5;
  drift.budget_remaining_kwh -= 7;
  Append(drift);
  t += 6 * kHour;                              // an outage of six hours
  Append(next(0.1));                           // seq 25
  SlotRecord back = rec(t - 10 * kHour, 0.1);  // seq 26: earlier than seq 25
  back.budget_spent_kwh = ours + 0.1;
  ours += 0.1;
  back.budget_remaining_kwh = 1000 - ours;
  Append(back);
  SlotRecord wrong_date = next(0.0);  // seq 27: a date that is not the site's day
  wrong_date.date = "2026-05-02";
  Append(wrong_date);
  auto r = Compute(Plant(), "2026-05-31");
  std::map<std::string, ComplianceFinding> by_check;
  for (const auto& f : r.findings) by_check[f.check] = f;
  ASSERT_TRUE(by_check.count("cost_without_gate"));
  EXPECT_EQ(by_check["cost_without_gate"].seqs, std::vector<uint64_t>{21});
  EXPECT_NEAR(*by_check["cost_without_gate"].value, 0.7, 1e-12);
  ASSERT_TRUE(by_check.count("offset_deviation"));
  EXPECT_EQ(by_check["offset_deviation"].seqs, std::vector<uint64_t>{22});
  EXPECT_DOUBLE_EQ(*by_check["offset_deviation"].value, 15);
  ASSERT_TRUE(by_check.count("negative_cost"));
  EXPECT_EQ(by_check["negative_cost"].seqs, std::vector<uint64_t>{23});
  ASSERT_TRUE(by_check.count("controller_spent_disagrees"));
  EXPECT_EQ(by_check["controller_spent_disagrees"].seqs, std::vector<uint64_t>{24});
  EXPECT_NEAR(*by_check["controller_spent_disagrees"].value, 5, 1e-9);
  ASSERT_TRUE(by_check.count("controller_remaining_disagrees"));
  EXPECT_EQ(by_check["controller_remaining_disagrees"].seqs, std::vector<uint64_t>{24});
  ASSERT_TRUE(by_check.count("outage"));
  // The six hours without ticks, and the year's edges: January to May 1 before the first tick,
  // the rest of May after the last.
  EXPECT_EQ(by_check["outage"].count, 3);
  ASSERT_EQ(by_check["outage"].timestamps.size(), 6u);
  EXPECT_EQ(by_check["outage"].timestamps[0], "2026-01-01T00:00:00Z");
  EXPECT_EQ(by_check["outage"].timestamps[5], "2026-06-01T00:00:00Z");
  ASSERT_TRUE(by_check.count("timestamps_backwards"));
  EXPECT_EQ(by_check["timestamps_backwards"].seqs, std::vector<uint64_t>{26});
  ASSERT_TRUE(by_check.count("date_not_site_day"));
  EXPECT_EQ(by_check["date_not_site_day"].seqs, std::vector<uint64_t>{27});
}

TEST_F(ComplianceTest, ByStageAndSourceMostSpentFirst) {
  Add(Utc(2026, 3, 1), 1.0, true, "UTC", "flowering", "heat");
  Add(Utc(2026, 3, 2), 3.0, true, "UTC", "fruit_set", "hail");
  Add(Utc(2026, 3, 3), 1.5, false, "UTC", "flowering", "heat");
  auto r = Compute(Plant(), "2026-03-31");
  ASSERT_EQ(r.by_stage.size(), 2u);
  EXPECT_EQ(r.by_stage[0].key, "fruit_set");
  EXPECT_EQ(r.by_stage[1].key, "flowering");
  EXPECT_DOUBLE_EQ(r.by_stage[1].spent_kwh, 2.5);
  EXPECT_EQ(r.by_stage[1].interventions, 1);
  EXPECT_EQ(r.by_stage[1].slots, 2);
  EXPECT_EQ(r.by_source[0].key, "hail");
}

TEST_F(ComplianceTest, AllowancesSumToTheRemainingBudget) {
  CompliancePlant p = Plant();
  p.monthly_share_pct.reset();                                   // seasonal
  for (unsigned d = 1; d <= 28; ++d) Add(Utc(2026, 2, d), 5.0);  // 140 kWh before March
  double sum = 0;
  double remaining = 0;
  for (int64_t day = DaysFromCivil(2026, 3, 1); day <= DaysFromCivil(2026, 12, 31); ++day) {
    auto a = ComputeAllowance(*Snap(), p, FormatDate(day), env_.get());
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    if (day == DaysFromCivil(2026, 3, 1)) remaining = a->ceiling_kwh - a->spent_before_kwh;
    EXPECT_GE(a->allowance_kwh, 0);
    sum += a->allowance_kwh;
    Add(day * 24 * kHour + 12 * kHour, a->allowance_kwh);  // the controller spends its allowance
  }
  EXPECT_NEAR(remaining, 5000 - 140, 1e-9);
  EXPECT_NEAR(sum, remaining, 1e-6);
}

TEST_F(ComplianceTest, AllowanceIsNeverNegative) {
  Add(Utc(2026, 1, 5), 6000.0);  // beyond the whole ceiling
  auto a = ComputeAllowance(*Snap(), Plant(), std::string("2026-02-01"), env_.get());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->allowance_kwh, 0);
}

TEST_F(ComplianceTest, JsonHasTheSchemaNames) {
  Add(Utc(2026, 1, 2), 1.0);
  const std::string json = RenderCompliance(Compute(Plant(), "2026-01-31"), ComplianceFormat::kJson);
  for (const char* key :
       {"\"schema_version\": 1", "\"budget_year\"", "\"as_of\": \"2026-01-31\"", "\"potential\"",
        "\"basis\": \"annual_potential_kwh\"", "\"ceiling_pct\"", "\"ceiling_kwh\"", "\"spent_kwh\"",
        "\"expected_share_to_date\"", "\"budget_to_date_kwh\"", "\"pace\"", "\"projected_kwh\"",
        "\"naive_projected_kwh\"", "\"compliant_projection\": true", "\"days_of_budget_left\"", "\"months\"",
        "\"by_stage\"", "\"by_source\"", "\"findings\""}) {
    EXPECT_THAT(json, HasSubstr(key));
  }
  EXPECT_THAT(RenderCompliance(Compute(Plant(), "2026-01-31"), ComplianceFormat::kTable),
              HasSubstr("compliant"));
}

TEST_F(ComplianceTest, EvidencePackWrittenAndCheckedAgainstTheLog) {
  for (unsigned d = 1; d <= 20; ++d) Add(Utc(2026, 3, d), 1.5);
  Add(Utc(2027, 1, 2), 9.0);  // another budget year: not in the pack
  ASSERT_TRUE(log_->Close().ok());
  auto keys = WriteNewKeyPair("/site", env_.get());
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EvidencePackOptions o;
  o.year = 2026;
  o.secret_key_file = keys->secret_path;
  o.env = env_.get();
  auto pack = WriteEvidencePack("/log", Plant(), "/pack", o);
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  EXPECT_EQ(pack->records, 20u);
  EXPECT_EQ(pack->checkpoint_seq, 21u);
  EXPECT_TRUE(pack->signed_checkpoint);
  ASSERT_EQ(pack->files.size(), 5u);
  EXPECT_EQ(pack->files[0].first, "compliance-2026.json");
  auto pub = ReadKeyFile(env_.get(), keys->public_path);
  ASSERT_TRUE(pub.ok());
  auto check = VerifyEvidencePack("/log", "/pack", *pub, env_.get());
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(check->records, 20u);
  EXPECT_EQ(check->signature_checked_with, "the public key given");
  // Never inside the log directory.
  EXPECT_EQ(WriteEvidencePack("/log", Plant(), "/log/pack", o).status().code(), StatusCode::kInvalidArgument);
  // A second pack never goes over the first.
  EXPECT_EQ(WriteEvidencePack("/log", Plant(), "/pack", o).status().code(), StatusCode::kInvalidArgument);
  // Records changed in the pack, SHA256SUMS made to match: the log says otherwise.
  auto csv = env_->ReadFileToBytes("/pack/records-2026.csv");
  ASSERT_TRUE(csv.ok());
  std::string text(csv->begin(), csv->end());
  const size_t at = text.find(",1.5,");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 5, ",0.5,");
  auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  ASSERT_TRUE(env_->WriteFileAtomic("/pack/records-2026.csv", bytes).ok());
  auto sums = env_->ReadFileToBytes("/pack/SHA256SUMS");
  std::string s(sums->begin(), sums->end());
  const std::string old_sha = pack->files[2].second, new_sha = ToHexForTest(text);
  s.replace(s.find(old_sha), old_sha.size(), new_sha);
  ASSERT_TRUE(
      env_->WriteFileAtomic("/pack/SHA256SUMS",
                            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()))
          .ok());
  auto tampered = VerifyEvidencePack("/log", "/pack", *pub, env_.get());
  ASSERT_FALSE(tampered.ok());
  EXPECT_THAT(tampered.status().message(), HasSubstr("records-2026.csv differs from the log's records"));
}

// A site in Paris, sealed by a writer configured with its zone: January to
// early April every ten minutes, something for every ledger check, the last
// days in the journal.
class SummarisedLog : public ComplianceTest {
 protected:
  void Build(bool drift) {
    AuditLogOptions o;
    o.env = env_.get();
    o.sync = SyncMode::kNone;
    o.seal_policy = SealPolicy::kManual;
    o.timezone = "Europe/Paris";
    auto log = AuditLog::Open("/site", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    auto tz = TimeZone::Load("Europe/Paris");
    ASSERT_TRUE(tz.ok());
    double ours = 0;
    int i = 0;
    for (int64_t t = tz->StartOfDay(DaysFromCivil(2026, 1, 1)); t < Utc(2026, 4, 10, 20);
         t += kHour / 6, ++i) {
      if (i == 4000) t += 6 * kHour;  // an outage in February
      SlotRecord r;
      r.timestamp_us = i == 4500 ? t - kHour - 7 * 60 * 1000000LL : t;  // one record behind
      r.date = FormatDate(tz->LocalDays(r.timestamp_us) + (i == 100 ? 1 : 0));
      r.gate_passed = i % 4 != 0;
      r.energy_cost_kwh = r.gate_passed ? 0.01 * (i % 13) : (i == 3000 ? 0.7 : 0.0);
      if (i == 200) r.energy_cost_kwh = -0.2;
      r.stage_id = i % 3 == 0 ? "flowering" : "growth";
      r.source = i % 11 == 0 ? "manual" : "plan";
      r.planned_offset_deg = r.gate_passed ? 12 : 0;
      r.actual_offset_deg = r.gate_passed ? (i % 500 == 1 ? 15.5 : 12.25) : 0;
      ours += r.energy_cost_kwh;
      r.budget_spent_kwh = ours + (drift && i > 9000 ? 2.0 : 0.0);
      r.budget_remaining_kwh = 800 - ours;
      ASSERT_TRUE((*log)->Append(r).ok()) << i;
      if (r.timestamp_us < Utc(2026, 4, 5) && t + kHour / 6 >= Utc(2026, 4, 5)) {
        ASSERT_TRUE((*log)->Seal().ok());
      }
    }
    ASSERT_TRUE((*log)->Close().ok());
  }
  ComplianceReport At(const std::string& as_of, const std::string& year_start = "01-01") {
    CompliancePlant p = Plant();
    p.timezone = "Europe/Paris";
    p.budget_year_start = year_start;
    ComplianceOptions o;
    o.as_of = as_of;
    o.env = env_.get();
    auto snap = LogSnapshot::Open("/site", env_.get());
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    auto r = ComputeCompliance(**snap, p, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ComplianceReport{};
  }
  double AllowanceOn(const std::string& date) {
    CompliancePlant p = Plant();
    p.timezone = "Europe/Paris";
    auto snap = LogSnapshot::Open("/site", env_.get());
    EXPECT_TRUE(snap.ok());
    auto a = ComputeAllowance(**snap, p, date, env_.get());
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? a->spent_before_kwh : -1;
  }
  // The manifest without its site summaries: every file read from its rows.
  void DropSiteSummaries() {
    auto m = log::ReadManifest(env_.get(), "/site");
    ASSERT_TRUE(m.ok());
    for (auto& f : m->files) {
      ASSERT_TRUE(f.site.has_value()) << f.name;
      f.site.reset();
    }
    ASSERT_TRUE(log::WriteManifest(env_.get(), "/site", *m).ok());
  }
};

TEST_F(SummarisedLog, ManifestSummariesGiveTheRowsFiguresBitForBit) {
  Build(/*drift=*/true);
  std::vector<std::pair<std::string, std::string>> cases = {
      {"2026-04-08", "01-01"}, {"2026-03-31", "01-01"}, {"2026-04-08", "02-15"}, {"2026-01-31", "01-01"}};
  std::vector<std::string> with;
  for (const auto& [as_of, start] : cases)
    with.push_back(RenderCompliance(At(as_of, start), ComplianceFormat::kJson));
  const double before = AllowanceOn("2026-03-20");
  const ComplianceReport r = At("2026-04-08");
  std::set<std::string> checks;
  for (const auto& f : r.findings) checks.insert(f.check);
  for (const char* c :
       {"cost_without_gate", "negative_cost", "offset_deviation", "controller_spent_disagrees", "outage",
        "timestamps_backwards", "date_not_site_day"}) {
    EXPECT_TRUE(checks.count(c)) << c;
  }
  DropSiteSummaries();
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(RenderCompliance(At(cases[i].first, cases[i].second), ComplianceFormat::kJson), with[i])
        << cases[i].first << " " << cases[i].second;
  }
  EXPECT_EQ(AllowanceOn("2026-03-20"), before);
}

TEST_F(SummarisedLog, WholeMonthsAreReadFromTheManifestOnly) {
  Build(/*drift=*/false);
  const std::string full = RenderCompliance(At("2026-04-08"), ComplianceFormat::kJson);
  // February and March lie whole in the period: their rows are not needed.
  for (const char* name : {"/site/2026-02.parquet", "/site/2026-03.parquet"}) {
    ASSERT_TRUE(env_->DeleteFile(name).ok()) << name;
  }
  EXPECT_EQ(RenderCompliance(At("2026-04-08"), ComplianceFormat::kJson), full);
}

TEST_F(ComplianceTest, AsOfAfterTheYearIsRefused) {
  ComplianceOptions o;
  o.year = 2025;
  o.as_of = "2026-02-01";
  o.env = env_.get();
  EXPECT_FALSE(ComputeCompliance(*Snap(), Plant(), o).ok());
}

}  // namespace
}  // namespace budget_audit
