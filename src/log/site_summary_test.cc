// Per-file site summaries (log/site_summary.h): continuing one equals
// building afresh, the manifest keeps them bit for bit, verify refuses an
// edited one, and a file with too many gaps gets none.
#include "log/site_summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "budget_audit/audit_log.h"
#include "log/manifest.h"
#include "log/sealed_reader.h"
#include "log/verify.h"
#include "util/civil_time.h"

namespace budget_audit::log {
namespace {

constexpr int64_t kMinute = 60'000'000;
constexpr int64_t kMar1 = 1772323200'000'000;  // 2026-03-01T00:00:00Z (Paris: DST on the 29th)

TimeZone Paris() {
  auto z = TimeZone::Load("Europe/Paris");
  EXPECT_TRUE(z.ok());
  return *z;
}

// A month of ticks with something for every check: costs without gate,
// negative ones, offsets, a date that is not the local day, a record late
// by ten minutes, a five-hour gap, jittered intervals, controller counters
// (NaN once).
std::vector<std::pair<uint64_t, SlotRecord>> Rows(int n, bool nan = true) {
  std::mt19937_64 rng(7);
  const TimeZone tz = Paris();
  std::vector<std::pair<uint64_t, SlotRecord>> rows;
  double spent = 0;
  int64_t ts = kMar1;
  for (int i = 0; i < n; ++i) {
    ts += kMinute + static_cast<int64_t>(rng() % 2000) - 1000;
    if (i == 500) ts += 5 * 60 * kMinute;
    SlotRecord r;
    r.timestamp_us = i == 900 ? ts - 10 * kMinute : ts;
    r.date = FormatDate(tz.LocalDays(r.timestamp_us) + (i == 77 ? 1 : 0));
    r.gate_passed = rng() % 3 != 0;
    r.energy_cost_kwh = r.gate_passed ? static_cast<double>(rng() % 1000) * 1e-3 : (i % 97 == 0 ? 0.5 : 0.0);
    if (i == 1200) r.energy_cost_kwh = -0.25;
    r.stage_id = i % 5 == 0 ? "flowering" : "growth";
    r.source = i % 7 == 0 ? "manual" : "plan";
    r.planned_offset_deg = r.gate_passed ? 10 + static_cast<double>(rng() % 40) * 0.1 : 0;
    r.actual_offset_deg = r.planned_offset_deg + (i % 50 == 0 ? 2.5 : 0.1);
    spent += r.energy_cost_kwh;
    r.budget_spent_kwh = nan && i == 1500 ? std::numeric_limits<double>::quiet_NaN() : spent;
    r.budget_remaining_kwh = 1000 - spent;
    rows.emplace_back(i + 1, r);
  }
  return rows;
}

TEST(SiteSummaryBuilder, ContinuingEqualsBuildingAfresh) {
  auto rows = Rows(3000);
  SiteSummaryBuilder fresh(Paris(), kSiteOffsetToleranceDeg);
  for (const auto& [s, r] : rows) fresh.Add(s, r);
  const SiteSummary whole = fresh.Finish();
  EXPECT_EQ(whole.records, 3000u);
  EXPECT_EQ(whole.backwards.count, 1u);
  EXPECT_EQ(whole.not_site_day.count, 1u);
  EXPECT_EQ(whole.negative.count, 1u);
  EXPECT_GT(whole.no_gate.count, 0u);
  EXPECT_GT(whole.deviation.count, 0u);
  EXPECT_EQ(whole.gaps.size(), 1u);
  EXPECT_TRUE(whole.controller_counts);
  EXPECT_EQ(whole.intervals.count(60), 1u);
  EXPECT_GE(whole.days.size(), 2u);
  EXPECT_EQ(whole.stages.size(), 2u);
  for (size_t cut : {0, 1, 77, 500, 501, 900, 2999}) {
    SiteSummaryBuilder first(Paris(), kSiteOffsetToleranceDeg);
    for (size_t i = 0; i < cut; ++i) first.Add(rows[i].first, rows[i].second);
    SiteSummaryBuilder second(Paris(), first.Finish());
    for (size_t i = cut; i < rows.size(); ++i) second.Add(rows[i].first, rows[i].second);
    EXPECT_TRUE(second.Finish() == whole) << "cut at " << cut;
  }
}

TEST(SiteSummaryBuilder, LocalDaysFollowTheZoneAcrossDst) {
  // 2026-03-29 in Paris has 23 hours: 01:00Z is already 03:00 local.
  SiteSummaryBuilder b(Paris(), kSiteOffsetToleranceDeg);
  const int64_t mar29 = DaysFromCivil(2026, 3, 29);
  SlotRecord r;
  uint64_t seq = 1;
  for (int64_t t = mar29 * 1440 * kMinute - 60 * kMinute; t < (mar29 + 1) * 1440 * kMinute;
       t += 60 * kMinute) {
    r.timestamp_us = t;
    r.date = FormatDate(Paris().LocalDays(t));
    b.Add(seq++, r);
  }
  const SiteSummary s = b.Finish();
  ASSERT_EQ(s.days.count(mar29), 1u);
  EXPECT_EQ(s.days.at(mar29).slots, 23u);  // 23:00Z on the 28th .. 21:00Z on the 29th: 23 hours
  EXPECT_EQ(s.not_site_day.count, 0u);
}

class SealedSiteSummary : public ::testing::Test {
 protected:
  void Write(const std::vector<std::pair<uint64_t, SlotRecord>>& rows, const std::string& zone) {
    AuditLogOptions o;
    o.env = env_.get();
    o.sync = SyncMode::kNone;
    o.seal_policy = SealPolicy::kManual;
    o.timezone = zone;
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    // Sealed in two steps: the second continues the month file's summary.
    for (size_t i = 0; i < rows.size(); ++i) {
      ASSERT_TRUE((*log)->Append(rows[i].second).ok());
      if (i == rows.size() / 3) {
        ASSERT_TRUE((*log)->Seal().ok());
      }
    }
    ASSERT_TRUE((*log)->Seal().ok());
    ASSERT_TRUE((*log)->Close().ok());
  }
  std::unique_ptr<Env> env_ = NewMemEnv();
};

TEST_F(SealedSiteSummary, TheManifestKeepsWhatTheRowsGive) {
  auto rows = Rows(2500, false);
  Write(rows, "Europe/Paris");
  auto m = ReadManifest(env_.get(), "/log");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->files.size(), 1u);
  ASSERT_TRUE(m->files[0].site.has_value());
  SiteSummaryBuilder b(Paris(), kSiteOffsetToleranceDeg);
  // The appended records carry the log's seqs from 1.
  for (const auto& [s, r] : rows) b.Add(s, r);
  EXPECT_TRUE(*m->files[0].site == b.Finish());
  EXPECT_EQ(m->files[0].site->timezone, "Europe/Paris");
  EXPECT_TRUE(VerifyLog(env_.get(), "/log").ok());
}

TEST_F(SealedSiteSummary, VerifyRefusesAnEditedSiteSummary) {
  Write(Rows(2000, false), "Europe/Paris");
  auto m = ReadManifest(env_.get(), "/log");
  ASSERT_TRUE(m.ok());
  m->files[0].site->total.spent.s -= 100;  // a report would show 100 kWh less
  ASSERT_TRUE(WriteManifest(env_.get(), "/log", *m).ok());
  auto v = VerifyLog(env_.get(), "/log");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("site summary"), std::string::npos) << v.status().ToString();
}

TEST_F(SealedSiteSummary, ManyGapsGiveNoSiteSummary) {
  std::vector<std::pair<uint64_t, SlotRecord>> rows;
  for (int i = 0; i < 200; ++i) {
    SlotRecord r;
    r.timestamp_us = kMar1 + i * 2 * 60 * kMinute;  // every two hours: 199 long gaps
    r.date = FormatDate(FloorDiv(r.timestamp_us, 1440 * kMinute));
    rows.emplace_back(i + 1, r);
  }
  Write(rows, "UTC");
  auto m = ReadManifest(env_.get(), "/log");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->files[0].site.has_value());
  EXPECT_TRUE(m->files[0].summary.has_value());
}

TEST(SiteSummaryJson, MalformedMembersAreCorruptionNamingThem) {
  SiteSummaryBuilder b(Paris(), kSiteOffsetToleranceDeg);
  for (const auto& [s, r] : Rows(100)) b.Add(s, r);
  const std::string good = SiteSummaryToJson(b.Finish()).dump();
  simdjson::dom::parser parser;
  auto parsed = SiteSummaryFromJson(parser.parse(good).value(), "f");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  for (const auto& [from, to, field] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"\"records\":", "\"records\":-", "records"},
           {"\"f64\":\"", "\"f64\":\"AAAA", "f64"},
           {"\"days\":[[\"2026", "\"days\":[[\"x026", "days"},
           {"\"timezone\"", "\"tz\"", "timezone"}}) {
    std::string text = good;
    text.replace(text.find(from), from.size(), to);
    auto r = SiteSummaryFromJson(parser.parse(text).value(), "f");
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_NE(r.status().message().find(field), std::string::npos) << r.status().ToString();
  }
}

}  // namespace
}  // namespace budget_audit::log
