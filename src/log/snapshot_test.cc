#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "budget_audit/audit_log.h"
#include "budget_audit/log_reader.h"
#include "log/manifest.h"
#include "log/sealed_reader.h"
#include "log/slot_parquet.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"
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
    ASSERT_TRUE((*log)->WaitForSeals().ok());
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

// The pull cursor gives Scan()'s records, in batches of columns.
TEST_F(SnapshotTest, CursorBatchesAreTheScansRecords) {
  auto snap = LogSnapshot::Open("/log", env_.get());
  ASSERT_TRUE(snap.ok());
  struct Case {
    ScanOptions options;
    size_t batch;
  };
  ScanOptions projected;
  projected.columns = kColDate | kColEnergyCost | kColSource;
  ScanOptions one_day;
  one_day.date = Tick(12 * 144).date;
  ScanOptions range;
  range.since_us = Tick(20 * 144).timestamp_us;  // sealed files, then the journal
  for (const Case& c : {Case{ScanOptions{}, 1000}, Case{projected, 7}, Case{one_day, 1}, Case{range, 4096}}) {
    const auto expect = Scan(c.options);
    auto cursor = (*snap)->NewCursor(c.options);
    ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
    RecordBatch b;
    size_t row = 0, batches = 0;
    for (;;) {
      Status s = (*cursor)->Next(c.batch, &b);
      ASSERT_TRUE(s.ok()) << s.ToString();
      if (b.num_rows() == 0) break;
      ++batches;
      ASSERT_LE(b.num_rows(), c.batch);
      EXPECT_EQ(b.columns, c.options.columns);
      for (size_t i = 0; i < b.num_rows(); ++i, ++row) {
        ASSERT_LT(row, expect.size());
        const SlotRecord& r = expect[row].second;
        EXPECT_EQ(b.seq[i], expect[row].first);
        if (c.options.columns & kColTimestamp) {
          EXPECT_EQ(b.timestamp_us[i], r.timestamp_us);
        }
        EXPECT_EQ(b.date[i], r.date);
        EXPECT_EQ(b.energy_cost_kwh[i], r.energy_cost_kwh);
        EXPECT_EQ(b.source[i], r.source);
        if (c.options.columns & kColStageId) {
          EXPECT_EQ(b.stage_id[i], r.stage_id);
        }
        if (c.options.columns & kColGatePassed) {
          EXPECT_EQ(b.gate_passed[i] != 0, r.gate_passed);
        }
      }
      if (!(c.options.columns & kColTimestamp)) {
        EXPECT_TRUE(b.timestamp_us.empty());
      }
    }
    EXPECT_EQ(row, expect.size());
    EXPECT_EQ(batches, (expect.size() + c.batch - 1) / c.batch);
    // Used up: more calls give empty batches.
    ASSERT_TRUE((*cursor)->Next(10, &b).ok());
    EXPECT_EQ(b.num_rows(), 0u);
  }
}

// A sealed file changed behind the log's back: the cursor fails as Scan
// does, and stays failed.
TEST_F(SnapshotTest, CursorReportsDamageAndStaysFailed) {
  auto snap = LogSnapshot::Open("/log", env_.get());
  ASSERT_TRUE(snap.ok());
  const std::string path = "/log/2026-05.parquet";
  auto bytes = env_->ReadFileToBytes(path);
  ASSERT_TRUE(bytes.ok());
  (*bytes)[bytes->size() / 2] ^= 1;
  ASSERT_TRUE(env_->WriteFileAtomic(path, *bytes).ok());
  auto cursor = (*snap)->NewCursor(ScanOptions{});
  ASSERT_TRUE(cursor.ok());
  RecordBatch b;
  Status s = (*cursor)->Next(100, &b);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("2026-05.parquet"), std::string::npos) << s.ToString();
  EXPECT_EQ(b.num_rows(), 0u);
  EXPECT_EQ((*cursor)->Next(100, &b).ToString(), s.ToString());
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
  for (const char* day :
       {"2026-05-19", "2026-05-20", "2026-05-27", "2026-06-13", "2026-06-14", "2026-06-15"}) {
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
  ASSERT_TRUE((*snap)
                  ->Scan({},
                         [&](uint64_t seq, const SlotRecord& r) {
                           EXPECT_EQ(seq, last + 1);
                           EXPECT_EQ(r, Tick(static_cast<int>(seq) - 1));
                           last = seq;
                           ++n;
                           return Status::OK();
                         })
                  .ok());
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
    EXPECT_EQ(seq->seq, static_cast<uint64_t>(i + 1));
    EXPECT_TRUE(seq->duplicate);
    EXPECT_TRUE((*log)->last_append_was_duplicate());
  }
  // Same timestamp, other content: a conflict naming the original.
  SlotRecord changed = Tick(700);
  changed.energy_cost_kwh += 1;
  auto conflict = (*log)->Append(changed);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(conflict.status().message().find("seq 701"), std::string::npos);
  EXPECT_EQ(conflict.status().seq(), std::optional<uint64_t>(701));
  // A late tick between two sealed ones is new.
  SlotRecord late = Tick(800);
  late.timestamp_us += kMinute;
  auto seq = (*log)->Append(late);
  ASSERT_TRUE(seq.ok());
  EXPECT_FALSE(seq->duplicate);
  EXPECT_FALSE((*log)->last_append_was_duplicate());
  EXPECT_EQ(seq->seq, static_cast<uint64_t>(kTicks + 1));
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
  Status s = (*log)->WaitForSeals();
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("2026-06.parquet"), std::string::npos) << s.ToString();
  EXPECT_EQ((*log)->last_seq(), static_cast<uint64_t>(kTicks + 200));
}

// Issue 11, item 10: a sealed file rewritten by a valid Parquet writer with
// one energy_cost changed. Before, a scan printed the changed number.
void RewriteWithOneCostChanged(Env* env, const std::string& path, size_t row) {
  auto rows = log::ReadAuditFile(env, path);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  (*rows)[row].record.energy_cost_kwh += 100;
  auto w = parquet::FileWriter::Open(env, path, log::AuditColumnSpecs(), {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->WriteRowGroup(log::AuditColumns(*rows)).ok());
  ASSERT_TRUE((*w)->Close().ok());
}

Status ScanStatus(Env* env, const ScanOptions& o, uint64_t* rows = nullptr) {
  auto snap = LogSnapshot::Open("/log", env);
  if (!snap.ok()) return snap.status();
  uint64_t n = 0;
  Status s = (*snap)->Scan(o, [&](uint64_t, const SlotRecord&) {
    ++n;
    return Status::OK();
  });
  if (rows) *rows = n;
  return s;
}

TEST_F(SnapshotTest, ASealedFileChangedAfterSealingIsRefusedNamingIt) {
  RewriteWithOneCostChanged(env_.get(), "/log/2026-05.parquet", 3);
  for (ColumnSet columns : {kAllColumns, ColumnSet{kColEnergyCost}}) {
    ScanOptions o;
    o.columns = columns;
    Status s = ScanStatus(env_.get(), o);
    ASSERT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_NE(s.message().find("/log/2026-05.parquet: SHA-256"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("changed after it was sealed"), std::string::npos) << s.message();
  }
  // A day of May (its file is decoded) too; June's days do not open it.
  ScanOptions day;
  day.date = "2026-05-25";
  EXPECT_TRUE(ScanStatus(env_.get(), day).IsCorruption());
  day.date = "2026-06-02";
  uint64_t n = 0;
  EXPECT_TRUE(ScanStatus(env_.get(), day, &n).ok());
  EXPECT_EQ(n, 144u);
  // A writer's duplicate lookup in that file refuses it as well.
  AuditLogOptions o;
  o.env = env_.get();
  o.sync = SyncMode::kNone;
  auto log = AuditLog::Open("/log", o);
  ASSERT_TRUE(log.ok());
  auto retry = (*log)->Append(Tick(5));
  ASSERT_TRUE(retry.status().IsCorruption()) << retry.status().ToString();
  EXPECT_NE(retry.status().message().find("2026-05.parquet: SHA-256"), std::string::npos);
}

TEST_F(SnapshotTest, WhileASealIsInterruptedAFileAheadOfTheManifestIsRead) {
  // What a writer killed between renaming a month file and replacing the
  // manifest leaves: the file holds rows past sealed_seq (they are in the
  // journal), and _seal_intent tells readers so. Only rows <= sealed_seq
  // are taken from the file.
  auto snap = LogSnapshot::Open("/log", env_.get());
  ASSERT_TRUE(snap.ok());
  const uint64_t sealed = (*snap)->sealed_seq();
  auto rows = *log::ReadAuditFile(env_.get(), "/log/2026-06.parquet");
  for (int i = static_cast<int>(sealed); i < kTicks; ++i)
    rows.push_back({static_cast<uint64_t>(i + 1), Tick(i)});
  {
    auto w = parquet::FileWriter::Open(env_.get(), "/log/2026-06.parquet", log::AuditColumnSpecs(), {});
    ASSERT_TRUE((*w)->WriteRowGroup(log::AuditColumns(rows)).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  EXPECT_TRUE(ScanStatus(env_.get(), {}).IsCorruption()) << "no intent: a changed file";
  ASSERT_TRUE(env_->WriteFileAtomic("/log/_seal_intent", AsSpan(std::string("seal\n"))).ok());
  auto all = Scan({});
  ASSERT_EQ(all.size(), static_cast<size_t>(kTicks));
  for (int i = 0; i < kTicks; ++i) EXPECT_EQ(all[i].first, static_cast<uint64_t>(i + 1));
}

TEST_F(SnapshotTest, AViewTakenBeforeSealsReadsTheNewerFilesWithoutFalseAlarm) {
  // The view holds the old manifest; June's file is then replaced twice
  // (the writer's open seals June 14, an append of June 16 seals June 15)
  // and the manifest with it. The view's June file is not the one its
  // manifest names, but the current manifest vouches for it.
  auto snap = LogSnapshot::Open("/log", env_.get());
  ASSERT_TRUE(snap.ok());
  const std::string june_before = log::FileSha256(*env_->ReadFileToBytes("/log/2026-06.parquet"));
  {
    AuditLogOptions o;
    o.env = env_.get();
    o.sync = SyncMode::kNone;
    o.local_date = [](int64_t) { return Tick(kTicks + 2 * 144).date; };
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok());
    for (int i = kTicks; i < kTicks + 2 * 144; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
    ASSERT_TRUE((*log)->WaitForSeals().ok());
  }
  ASSERT_NE(log::FileSha256(*env_->ReadFileToBytes("/log/2026-06.parquet")), june_before);
  uint64_t n = 0, last = 0;
  Status s = (*snap)->Scan({}, [&](uint64_t seq, const SlotRecord& r) {
    EXPECT_EQ(seq, last + 1);
    EXPECT_EQ(r, Tick(static_cast<int>(seq) - 1));
    last = seq;
    ++n;
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(n, static_cast<uint64_t>(kTicks));
  // The same file changed by hand afterwards: the current manifest does
  // not vouch for it either.
  RewriteWithOneCostChanged(env_.get(), "/log/2026-06.parquet", 7);
  s = (*snap)->Scan({}, [](uint64_t, const SlotRecord&) { return Status::OK(); });
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("2026-06.parquet"), std::string::npos) << s.message();
}

// A writer sealing a day at a time while readers scan, in a real
// directory: a scan never fails, and it returns exactly its view's
// records, even when the month file it opens is newer than its manifest.
TEST(SnapshotRace, ReadersScanningWhileTheWriterSealsSeeNoFalseCorruption) {
  namespace fs = std::filesystem;
  const std::string dir =
      (fs::path(::testing::TempDir()) / ("snapshot_race_" + std::to_string(::getpid()))).string();
  fs::remove_all(dir);
  constexpr int kPerDay = 144, kDays = 40;
  std::atomic<int> day{1};  // the writer's clock: the day being logged
  AuditLogOptions o;
  o.sync = SyncMode::kNone;
  o.local_date = [&](int64_t) { return Tick(day.load() * kPerDay).date; };
  {
    auto log = AuditLog::Open(dir, o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int i = 0; i < kPerDay; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
  }
  std::atomic<bool> done{false};
  std::atomic<int> scans{0}, newer_file_seen{0};
  std::atomic<bool> failed{false};
  std::string failure;  // written by the reader before `failed`
  std::thread reader([&] {
    while (!done.load() && !failed.load()) {
      auto snap = LogSnapshot::Open(dir);
      if (!snap.ok()) {
        failure = "open: " + snap.status().ToString();
        failed = true;
        break;
      }
      const std::string digest = (*snap)->manifest_digest_hex();
      uint64_t last = 0;
      bool in_order = true;
      Status s = (*snap)->Scan({}, [&](uint64_t seq, const SlotRecord& r) {
        in_order &= seq == last + 1 && r.timestamp_us == Tick(static_cast<int>(seq) - 1).timestamp_us;
        last = seq;
        return Status::OK();
      });
      if (!s.ok()) {
        failure = "scan: " + s.ToString();
      } else if (!in_order || last != (*snap)->last_seq()) {
        failure = fmt::format("scan: {} records of {}, in order: {}", last, (*snap)->last_seq(), in_order);
      }
      auto now = log::ReadManifest(Env::Default(), dir);
      if (now.ok() && now->digest != digest) ++newer_file_seen;  // sealed meanwhile
      ++scans;
      if (!failure.empty()) failed = true;
    }
  });
  {
    auto log = AuditLog::Open(dir, o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int d = 1; d < kDays && !failed.load(); ++d) {
      day = d;  // the first tick of day d seals day d - 1 into its month file
      for (int i = d * kPerDay; i < (d + 1) * kPerDay; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
      ASSERT_TRUE((*log)->WaitForSeals().ok()) << (*log)->last_seal_status().ToString();
    }
  }
  done = true;
  reader.join();
  EXPECT_EQ(failure, "");
  EXPECT_GT(scans.load(), 0);
  // How often a scan overlapped a seal (timing-dependent; for the log).
  RecordProperty("scans", scans.load());
  RecordProperty("scans_overlapping_a_seal", newer_file_seen.load());
  std::printf("%d scans, %d overlapping a seal\n", scans.load(), newer_file_seen.load());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace budget_audit
