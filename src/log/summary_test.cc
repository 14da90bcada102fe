// Per-file report summaries (log/summary.h) and log::SnapshotAccess::Totals: the
// totals from summaries must be exactly what a scan of every record gives.
#include "log/summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <set>

#include <fmt/format.h>

#include "budget_audit/audit_log.h"
#include "budget_audit/log_reader.h"
#include "log/manifest.h"
#include "log/snapshot.h"
#include "log/verify.h"
#include "util/civil_time.h"
#include "util/numpy_sum.h"

namespace budget_audit::log {
namespace {

constexpr int64_t kMinute = 60'000'000;
constexpr int64_t kDay = 1440 * kMinute;
constexpr int64_t kJan1 = 1767225600'000'000;  // 2026-01-01T00:00:00Z

// `nan`: now and then a NaN cost (a SummaryBuilder sees them in logs written
// before the validation policy; AuditLog::Append refuses them now, so the
// records appended to a log take 0.0 there instead).
SlotRecord Tick(int64_t ts, std::mt19937_64& rng, bool nan = true) {
  SlotRecord r;
  r.timestamp_us = ts;
  r.date = FormatDate(FloorDiv(ts, kDay));
  r.energy_cost_kwh = static_cast<double>(rng() % 100000) * 1e-5 - 0.1;
  if (rng() % 500 == 0) r.energy_cost_kwh = nan ? std::numeric_limits<double>::quiet_NaN() : 0.0;
  r.gate_passed = rng() % 3 == 0;
  r.source = "optimizer";
  return r;
}

TEST(SummaryBuilder, ContinuingEqualsBuildingAfresh) {
  std::mt19937_64 rng(1);
  std::vector<std::pair<uint64_t, SlotRecord>> rows;
  uint64_t seq = 77;  // not block-aligned
  for (int i = 0; i < 3000; ++i) {
    if (i == 1000 || i == 2500) seq += 300;  // gaps: late records of other months
    rows.emplace_back(seq++, Tick(kJan1 + i * kMinute, rng));
  }
  SummaryBuilder fresh;
  for (const auto& [s, r] : rows) fresh.Add(s, r);
  auto whole = fresh.Finish();
  ASSERT_TRUE(whole.has_value());
  ASSERT_EQ(whole->cost_runs.size(), 3u);
  for (size_t cut : {0, 1, 51, 128, 1000, 1001, 2999}) {
    SummaryBuilder first;
    for (size_t i = 0; i < cut; ++i) first.Add(rows[i].first, rows[i].second);
    SummaryBuilder second(*first.Finish());
    for (size_t i = cut; i < rows.size(); ++i) second.Add(rows[i].first, rows[i].second);
    EXPECT_EQ(second.Finish(), whole) << "cut " << cut;
  }
  // The layout: head up to the next multiple of 128 (seq 77 is position 76).
  const CostRun& run = whole->cost_runs[0];
  EXPECT_EQ(run.first_seq, 77u);
  EXPECT_EQ(run.rows, 1000u);
  EXPECT_EQ(run.head(), 52u);
  EXPECT_EQ(run.body(), 7u);
  EXPECT_EQ(run.values.size(), run.expected_values());
  EXPECT_EQ(run.values.size(), 52u + 7u + (1000u - 52u - 7u * 128u));
  EXPECT_EQ(whole->dates.size(), 3u);  // 3000 minutes from Jan 1
}

TEST(SummaryBuilder, TooManyRunsGivesNoSummary) {
  std::mt19937_64 rng(2);
  SummaryBuilder b;
  for (uint64_t i = 0; i <= SummaryBuilder::kMaxRuns; ++i) b.Add(1 + 2 * i, Tick(kJan1 + i * kMinute, rng));
  EXPECT_FALSE(b.Finish().has_value());
}

TEST(SummaryBuilder, RunValuesRoundTripExactly) {
  std::vector<double> v = {0.0,
                           -0.0,
                           1e-300,
                           -1.5,
                           std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN(),
                           0.1};
  auto text = EncodeRunValues(v);
  auto back = DecodeRunValues(text);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(std::memcmp(&v[i], &(*back)[i], 8), 0) << i;
  }
  EXPECT_FALSE(DecodeRunValues("not base64!").ok());
  EXPECT_FALSE(DecodeRunValues("AAAA").ok());  // 3 bytes, not a double
  EXPECT_TRUE(DecodeRunValues("")->empty());
  // Every length, random bits.
  std::mt19937_64 rng(5);
  for (size_t n = 0; n < 40; ++n) {
    std::vector<double> r(n);
    for (auto& x : r) {
      uint64_t bits = rng();
      std::memcpy(&x, &bits, 8);
    }
    auto t = EncodeRunValues(r);
    auto b = DecodeRunValues(t);
    ASSERT_TRUE(b.ok()) << n;
    ASSERT_EQ(b->size(), n);
    if (n == 0) continue;
    ASSERT_EQ(std::memcmp(b->data(), r.data(), n * 8), 0) << n;
    std::string broken = t;
    broken[t.size() / 2] = '=';  // padding in the middle
    EXPECT_FALSE(DecodeRunValues(broken).ok()) << broken;
    broken = t;
    broken[0] = '*';
    EXPECT_FALSE(DecodeRunValues(broken).ok()) << broken;
  }
  // One double = 8 bytes = "xxxxxxxxxxw=": the last character before the
  // padding carries 2 unused bits that must be zero.
  std::string one = EncodeRunValues({1.0});
  ASSERT_EQ(one.back(), '=');
  ASSERT_TRUE(DecodeRunValues(one).ok());
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char& last = one[one.size() - 2];
  last = alphabet[alphabet.find(last) ^ 1];  // sets or clears an unused bit
  EXPECT_FALSE(DecodeRunValues(one).ok()) << one;
}

TEST(Manifest, RefusesNumbersOfTheWrongKind) {
  const std::string head = R"({"format": "budget-audit log", "version": 1,
    "log_id": "00112233445566778899aabbccddeeff", "sealed_head": ")" +
                           std::string(64, '0') + "\", ";
  for (const char* seq : {"1e131", "-1", "1.5", "\"7\""}) {
    std::string text = head + "\"sealed_seq\": " + seq + ", \"files\": []}";
    auto m = ParseManifest(Bytes(text.begin(), text.end()), "/log/_manifest.json");
    ASSERT_FALSE(m.ok()) << seq;
    EXPECT_EQ(m.status().code(), StatusCode::kCorruption) << seq;
  }
  std::string good = head + "\"sealed_seq\": 0, \"files\": []}";
  EXPECT_TRUE(ParseManifest(Bytes(good.begin(), good.end()), "/log/_manifest.json").ok());
}

TEST(Manifest, MalformedTextIsCorruptionNamingTheFieldOrTheProblem) {
  const std::string head = R"({"format": "budget-audit log", "version": 1, "sealed_seq": 3,
    "log_id": "00112233445566778899aabbccddeeff", "sealed_head": ")" +
                           std::string(64, '0') + "\", ";
  const std::string entry = R"({"name": "2026-05.parquet", "rows": 3, "min_seq": 1, "max_seq": 3,
    "min_timestamp_us": 5, "max_timestamp_us": 7, "sha256": "ab")";
  const std::pair<std::string, std::string> cases[] = {
      {"", "empty file"},
      {"{", "malformed"},
      {"[]", "not a JSON object"},
      {head + "\"files\": {}}", "files is not an array"},
      {head + "\"files\": [7]}", "files[] is not an object"},
      {head + "\"files\": [" + entry + "}]}", ""},  // well-formed
      {head + "\"files\": [" + entry.substr(0, entry.find(", \"sha256\"")) + "}]}", "sha256 is missing"},
      {head + "\"files\": [" + entry +
           R"(, "summary": {"gate_passed": 1, "dates": [1], "energy_cost_runs": []}}]})",
       "2026-05.parquet: summary dates hold a non-string"},
      {head + "\"files\": [" + entry + R"(, "summary": {"gate_passed": 1, "dates": []}}]})",
       "2026-05.parquet: energy_cost_runs is missing"},
  };
  for (const auto& [text, want] : cases) {
    auto m = ParseManifest(Bytes(text.begin(), text.end()), "/log/_manifest.json");
    if (want.empty()) {
      EXPECT_TRUE(m.ok()) << text << ": " << m.status().ToString();
      continue;
    }
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(m.status().code(), StatusCode::kCorruption) << text;
    EXPECT_NE(m.status().message().find(want), std::string::npos) << m.status().message();
    EXPECT_NE(m.status().message().find("/log/_manifest.json"), std::string::npos) << m.status().message();
  }
}

// Totals over logs of many shapes against a plain scan of every record.
class TotalsTest : public ::testing::TestWithParam<int> {};

struct Expected {
  uint64_t records = 0, gate = 0;
  std::vector<std::string> dates;
  double sum = 0;
};

Expected ByScan(Env* env) {
  Expected e;
  auto snap = LogSnapshot::Open("/log", env);
  EXPECT_TRUE(snap.ok());
  NumpyStreamSum sum;
  std::set<std::string> dates;
  EXPECT_TRUE((*snap)
                  ->Scan(ScanOptions{},
                         [&](uint64_t, const SlotRecord& r) {
                           ++e.records;
                           e.gate += r.gate_passed;
                           dates.insert(r.date);
                           sum.Add(std::isnan(r.energy_cost_kwh) ? 0.0 : r.energy_cost_kwh);
                           return Status::OK();
                         })
                  .ok());
  e.dates.assign(dates.begin(), dates.end());
  e.sum = sum.Result();
  return e;
}

void ExpectTotals(Env* env, const std::string& what) {
  Expected e = ByScan(env);
  auto snap = LogSnapshot::Open("/log", env);
  ASSERT_TRUE(snap.ok());
  auto t = log::SnapshotAccess::Totals(**snap);
  ASSERT_TRUE(t.ok()) << what << ": " << t.status().ToString();
  EXPECT_EQ(t->records, e.records) << what;
  EXPECT_EQ(t->gate_passed, e.gate) << what;
  EXPECT_EQ(t->dates, e.dates) << what;
  EXPECT_EQ(std::memcmp(&t->energy_cost_sum, &e.sum, 8), 0)
      << what << ": " << fmt::format("{} vs {}", t->energy_cost_sum, e.sum);
}

TEST_P(TotalsTest, SummariesGiveTheScanNumbers) {
  const int shape = GetParam();
  std::mt19937_64 rng(100 + shape);
  auto env = NewMemEnv();
  AuditLogOptions o;
  o.env = env.get();
  o.sync = SyncMode::kNone;
  o.seal_policy = shape == 2 ? SealPolicy::kMonthly : SealPolicy::kDaily;
  auto log = AuditLog::Open("/log", o);
  ASSERT_TRUE(log.ok());
  // Ticks every 5 minutes (shape 1: irregular) from Jan 25 over ~75 days,
  // with late records for earlier months now and then (shape 3).
  int64_t ts = kJan1 + 24 * kDay;
  const int n = 21000 + shape * 777;
  for (int i = 0; i < n; ++i) {
    ts += shape == 1 ? static_cast<int64_t>(1 + rng() % 9) * kMinute : 5 * kMinute;
    ASSERT_TRUE((*log)->Append(Tick(ts, rng, false)).ok());
    if (shape == 3 && i % 2000 == 1999) {
      ASSERT_TRUE((*log)->Append(Tick(kJan1 + i * kMinute + 7, rng, false)).ok());  // January, late
    }
    if (i % 5000 == 0) ExpectTotals(env.get(), fmt::format("shape {} after {}", shape, i));
  }
  ExpectTotals(env.get(), fmt::format("shape {} end", shape));
  ASSERT_TRUE((*log)->Seal().ok());
  ExpectTotals(env.get(), fmt::format("shape {} sealed", shape));
  auto m = ReadManifest(env.get(), "/log");
  ASSERT_TRUE(m.ok());
  size_t with_summary = 0;
  for (const auto& f : m->files) with_summary += f.summary.has_value();
  EXPECT_EQ(with_summary, m->files.size());
  EXPECT_GE(m->files.size(), 3u);
  auto v = VerifyLog(env.get(), "/log");
  EXPECT_TRUE(v.ok()) << v.status().ToString();

  // A log written before summaries existed: the same totals, from the rows.
  for (auto& f : m->files) f.summary.reset();
  ASSERT_TRUE(WriteManifest(env.get(), "/log", *m).ok());
  ExpectTotals(env.get(), fmt::format("shape {} without summaries", shape));
}

INSTANTIATE_TEST_SUITE_P(Shapes, TotalsTest, ::testing::Values(0, 1, 2, 3));

TEST(Totals, VerifyRefusesAWrongSummary) {
  std::mt19937_64 rng(9);
  auto env = NewMemEnv();
  AuditLogOptions o;
  o.env = env.get();
  o.sync = SyncMode::kNone;
  {
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 3000; ++i) ASSERT_TRUE((*log)->Append(Tick(kJan1 + i * kMinute, rng, false)).ok());
  }
  auto m = ReadManifest(env.get(), "/log");
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->files.at(0).summary.has_value());
  m->files[0].summary->cost_runs[0].values[3] += 1.0;  // a report would add 1 kWh
  ASSERT_TRUE(WriteManifest(env.get(), "/log", *m).ok());
  auto v = VerifyLog(env.get(), "/log");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("report summary"), std::string::npos) << v.status().ToString();
  m = ReadManifest(env.get(), "/log");
  ASSERT_TRUE(m.ok());
  m->files[0].summary->cost_runs[0].values[3] -= 1.0;  // back as it was
  m->files[0].summary->gate_passed += 1;
  ASSERT_TRUE(WriteManifest(env.get(), "/log", *m).ok());
  EXPECT_FALSE(VerifyLog(env.get(), "/log").ok());
}

}  // namespace
}  // namespace budget_audit::log
