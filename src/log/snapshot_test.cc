#include <gtest/gtest.h>

#include <fmt/format.h>

#include "budget_audit/audit_log.h"
#include "budget_audit/log_reader.h"
#include "log/sealed_reader.h"
#include "parquet/file_reader.h"
#include "util/civil_time.h"

namespace budget_audit {
namespace {

constexpr int64_t kMinute = 60'000'000;
constexpr int64_t kHour = 60 * kMinute;
// 2026-05-01T00:00:00Z
constexpr int64_t kMay1 = 1777593600'000'000;
// The log starts on 2026-05-20.
constexpr int64_t kStart = kMay1 + 19 * 24 * kHour;

// One tick every 10 minutes; dates from the UTC timestamp.
SlotRecord Tick(int i) {
  SlotRecord r;
  r.timestamp_us = kStart + int64_t{i} * 10 * kMinute;
  r.date = FormatDate(FloorDiv(r.timestamp_us, 86'400'000'000));
  r.slot_index = i % 144;
  r.planned_offset_deg = i % 7;
  r.actual_offset_deg = -(i % 5) * 1.5;
  r.energy_cost_kwh = 0.01 * (i % 13);
  r.budget_spent_kwh = 0.5 * i;
  r.budget_remaining_kwh = 1e6 - 0.5 * i;
  r.gate_passed = i % 3 == 0;
  r.source = i % 2 ? "optimizer" : "fallback";
  r.stage_id = fmt::format("stage-{}", i % 4);
  return r;
}

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AuditLogOptions o;
    o.env = env_.get();
    o.sync = SyncMode::kNone;
    // The clock stands on the last day, so closing leaves it in the journal.
    o.local_date = [](int64_t) { return Tick(kTicks - 1).date; };
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    // 25 days of ticks: May 20-31 sealed, June 1-13 too, the last day in the journal.
    for (int i = 0; i < kTicks; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
    ASSERT_TRUE((*log)->last_seal_status().ok());
  }

  std::vector<std::pair<uint64_t, SlotRecord>> Scan(const ScanOptions& o) {
    auto snap = LogSnapshot::Open("/log", env_.get());
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    std::vector<std::pair<uint64_t, SlotRecord>> out;
    Status s = (*snap)->Scan(o, [&](uint64_t seq, const SlotRecord& r) {
      out.emplace_back(seq, r);
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  static constexpr int kTicks = 25 * 144 + 10;
  std::unique_ptr<Env> env_ = NewMemEnv();
};

TEST_F(SnapshotTest, FullScanIsEveryRecordInSeqOrder) {
  auto snap = LogSnapshot::Open("/log", env_.get());
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ((*snap)->last_seq(), static_cast<uint64_t>(kTicks));
  EXPECT_EQ((*snap)->sealed_files(), 2u);
  EXPECT_LT((*snap)->sealed_seq(), (*snap)->last_seq());
  auto rows = Scan({});
  ASSERT_EQ(rows.size(), static_cast<size_t>(kTicks));
  for (int i = 0; i < kTicks; ++i) {
    EXPECT_EQ(rows[i].first, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(rows[i].second, Tick(i)) << "seq " << i + 1;
  }
}

TEST_F(SnapshotTest, ProjectionFillsOnlyRequestedColumns) {
  ScanOptions o;
  o.columns = kColEnergyCost | kColGatePassed;
  auto rows = Scan(o);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kTicks));
  for (int i : {0, 100, kTicks - 1}) {
    const SlotRecord& r = rows[i].second;
    EXPECT_EQ(r.energy_cost_kwh, Tick(i).energy_cost_kwh);
    EXPECT_EQ(r.gate_passed, Tick(i).gate_passed);
    SlotRecord defaults;
    EXPECT_EQ(r.timestamp_us, defaults.timestamp_us);
    EXPECT_EQ(r.date, defaults.date);
    EXPECT_EQ(r.source, defaults.source);
    EXPECT_EQ(r.budget_remaining_kwh, defaults.budget_remaining_kwh);
  }
}

TEST_F(SnapshotTest, TimeRangeIsHalfOpenAcrossFilesAndJournal) {
  // From the middle of May 31 to the journal's last day.
  ScanOptions o;
  o.since_us = kMay1 + 30 * 24 * kHour + 12 * kHour;
  o.until_us = kStart + int64_t{kTicks - 3} * 10 * kMinute;
  o.columns = kColSlotIndex;
  auto rows = Scan(o);
  const int first = 11 * 144 + 72, end = kTicks - 3;
  ASSERT_EQ(rows.size(), static_cast<size_t>(end - first));
  EXPECT_EQ(rows.front().first, static_cast<uint64_t>(first + 1));
  EXPECT_EQ(rows.back().first, static_cast<uint64_t>(end));
  EXPECT_EQ(rows.front().second.slot_index, Tick(first).slot_index);
}

TEST_F(SnapshotTest, DateFilter) {
  for (const char* day : {"2026-05-19", "2026-05-20", "2026-05-27", "2026-06-13", "2026-06-14", "2026-06-15"}) {
    ScanOptions o;
    o.date = day;
    o.columns = kColTimestamp;
    auto rows = Scan(o);
    size_t expect = 0;
    for (int i = 0; i < kTicks; ++i) expect += Tick(i).date == day;
    EXPECT_EQ(rows.size(), expect) << day;
    for (const auto& [seq, r] : rows) EXPECT_EQ(Tick(static_cast<int>(seq) - 1).timestamp_us, r.timestamp_us);
  }
}

TEST_F(SnapshotTest, AMonthOfDailySealsIsOneRowGroup) {
  auto reader = parquet::FileReader::Open(env_.get(), "/log/2026-05.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->num_row_groups(), 1);
  EXPECT_EQ((*reader)->num_rows(), 12 * 144);
  // The cursor gives one day's rows when asked for one date.
  log::RowFilter f;
  f.date = "2026-05-20";
  auto c = log::SealedFileCursor::Open(env_.get(), "/log/2026-05.parquet", kColDate, f);
  ASSERT_TRUE(c.ok());
  int n = 0;
  while (!(*c)->done()) {
    EXPECT_EQ((*c)->row().record.date, "2026-05-20");
    ++n;
    ASSERT_TRUE((*c)->Next().ok());
  }
  EXPECT_EQ(n, 144);
}

TEST_F(SnapshotTest, SnapshotIsStableWhileTheWriterSeals) {
  auto snap = LogSnapshot::Open("/log", env_.get());
  ASSERT_TRUE(snap.ok());
  {
    AuditLogOptions o;
    o.env = env_.get();
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok());
    for (int i = kTicks; i < kTicks + 300; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
    ASSERT_TRUE((*log)->Seal().ok());
  }
  uint64_t n = 0, last = 0;
  ASSERT_TRUE((*snap)->Scan({}, [&](uint64_t seq, const SlotRecord& r) {
                        EXPECT_EQ(seq, last + 1);
                        EXPECT_EQ(r, Tick(static_cast<int>(seq) - 1));
                        last = seq;
                        ++n;
                        return Status::OK();
                      }).ok());
  EXPECT_EQ(n, static_cast<uint64_t>(kTicks));
}

TEST_F(SnapshotTest, RetriesOfSealedTicksAreFoundInTheFiles) {
  AuditLogOptions o;
  o.env = env_.get();
  auto log = AuditLog::Open("/log", o);
  ASSERT_TRUE(log.ok());
  // Old ticks, sealed long ago, retried in order: the original seqs.
  for (int i : {0, 1, 2, 500, 501, 1727, 1728, 3000}) {
    auto seq = (*log)->Append(Tick(i));
    ASSERT_TRUE(seq.ok()) << seq.status().ToString();
    EXPECT_EQ(*seq, static_cast<uint64_t>(i + 1));
    EXPECT_TRUE((*log)->last_append_was_duplicate());
  }
  // Same timestamp, other content: a conflict naming the original.
  SlotRecord changed = Tick(700);
  changed.energy_cost_kwh += 1;
  auto conflict = (*log)->Append(changed);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(conflict.status().message().find("seq 701"), std::string::npos);
  // A late tick between two sealed ones is new.
  SlotRecord late = Tick(800);
  late.timestamp_us += kMinute;
  auto seq = (*log)->Append(late);
  ASSERT_TRUE(seq.ok());
  EXPECT_FALSE((*log)->last_append_was_duplicate());
  EXPECT_EQ(*seq, static_cast<uint64_t>(kTicks + 1));
}

TEST_F(SnapshotTest, SealingRefusesAMonthFileTheManifestDoesNotVouchFor) {
  // June's file altered behind the writer's back: the next seal into it
  // fails (and says why) instead of laundering the change into a new file
  // with a fresh hash; appends go on into the journal.
  auto bytes = *env_->ReadFileToBytes("/log/2026-06.parquet");
  bytes[bytes.size() / 2] ^= 1;
  {
    auto f = env_->NewWritableFile("/log/2026-06.parquet");
    ASSERT_TRUE((*f)->Append(bytes).ok());
  }
  AuditLogOptions o;
  o.env = env_.get();
  auto log = AuditLog::Open("/log", o);
  ASSERT_TRUE(log.ok());
  for (int i = kTicks; i < kTicks + 200; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
  Status s = (*log)->last_seal_status();
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("2026-06.parquet"), std::string::npos) << s.ToString();
  EXPECT_EQ((*log)->last_seq(), static_cast<uint64_t>(kTicks + 200));
}

}  // namespace
}  // namespace budget_audit
