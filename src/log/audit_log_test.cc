#include "budget_audit/audit_log.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "log/journal.h"
#include "log/sealed_reader.h"
#include "parquet/file_reader.h"

namespace budget_audit {
namespace {

SlotRecord Rec(int i) {
  SlotRecord r;
  r.timestamp_us = 1780114500000000 + int64_t{i} * 900000000;
  r.date = "2026-05-30";
  r.slot_index = i;
  r.energy_cost_kwh = i * 0.25;
  return r;
}

class AuditLogTest : public ::testing::Test {
 protected:
  AuditLogOptions Opts() {
    AuditLogOptions o;
    o.env = env_.get();
    o.local_date = [](int64_t) { return std::string("2026-05-30"); };  // Rec's day has not ended
    return o;
  }
  std::unique_ptr<Env> env_ = NewMemEnv();
};

TEST_F(AuditLogTest, AppendsAreDenseAndSurviveReopen) {
  std::string head;
  {
    auto log = AuditLog::Open("/log", Opts());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int i = 1; i <= 10; ++i) {
      auto seq = (*log)->Append(Rec(i));
      ASSERT_TRUE(seq.ok());
      EXPECT_EQ(seq->seq, static_cast<uint64_t>(i));
    }
    head = (*log)->head_hex();
  }
  auto log = AuditLog::Open("/log", Opts());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->last_seq(), 10u);
  EXPECT_EQ((*log)->head_hex(), head);
  EXPECT_EQ((*log)->Append(Rec(11))->seq, 11u);
}

TEST_F(AuditLogTest, SecondWriterIsBusy) {
  auto a = AuditLog::Open("/log", Opts());
  ASSERT_TRUE(a.ok());
  auto b = AuditLog::Open("/log", Opts());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), StatusCode::kBusy);
}

TEST_F(AuditLogTest, SmallJournalFilesChain) {
  auto o = Opts();
  o.journal_file_bytes = 300;
  {
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok());
    for (int i = 1; i <= 20; ++i) ASSERT_TRUE((*log)->Append(Rec(i)).ok());
  }
  auto files = env_->GetChildren("/log/_journal");
  ASSERT_TRUE(files.ok());
  EXPECT_GT(files->size(), 3u);
  auto log = AuditLog::Open("/log", o);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->last_seq(), 20u);
}

TEST_F(AuditLogTest, TornTailIsCutAndAppendsGoOn) {
  {
    auto log = AuditLog::Open("/log", Opts());
    ASSERT_TRUE(log.ok());
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE((*log)->Append(Rec(i)).ok());
  }
  std::string path = "/log/_journal/" + log::JournalFileName(1);
  auto size = *env_->GetFileSize(path);
  {
    auto f = env_->NewAppendableFile(path);
    ASSERT_TRUE((*f)->Truncate(size - 5).ok());
  }
  // As a writer killed while writing leaves it: no clean close recorded.
  ASSERT_TRUE(env_->DeleteFile("/log/_closed").ok());
  auto log = AuditLog::Open("/log", Opts());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_TRUE((*log)->recovered_torn_tail());
  EXPECT_EQ((*log)->last_seq(), 2u);
  EXPECT_EQ((*log)->Append(Rec(3))->seq, 3u);
}

}  // namespace
}  // namespace budget_audit

namespace budget_audit {
namespace {

SlotRecord DayRec(int day, int i) {
  SlotRecord r;
  r.timestamp_us = 1780099200000000 + int64_t{day} * 86400000000 + int64_t{i} * 900000000;
  r.date = fmt::format("2026-05-{:02}", 30 + day > 31 ? 30 + day - 31 : 30 + day);
  if (30 + day > 31) r.date = fmt::format("2026-06-{:02}", 30 + day - 31);
  r.slot_index = i;
  r.energy_cost_kwh = 0.5 * i;
  r.source = "plan";
  return r;
}

TEST(AuditLogSeal, DayChangeSealsMonthFilesAndDropsJournal) {
  auto env = NewMemEnv();
  AuditLogOptions o;
  o.env = env.get();
  o.local_date = [](int64_t) { return DayRec(3, 0).date; };  // day 3 has not ended
  {
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok());
    for (int day = 0; day < 4; ++day) {
      for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Append(DayRec(day, i)).ok());
      ASSERT_TRUE((*log)->last_seal_status().ok()) << (*log)->last_seal_status().ToString();
    }
  }
  // Days 0,1 (May 30, 31) sealed into 2026-05, day 2 (June 1) into 2026-06;
  // day 3 still in the journal.
  auto may = log::ReadAuditFile(env.get(), "/log/2026-05.parquet");
  ASSERT_TRUE(may.ok()) << may.status().ToString();
  EXPECT_EQ(may->size(), 20u);
  EXPECT_EQ((*may)[19].seq, 20u);
  EXPECT_EQ((*may)[3].record, DayRec(0, 3));
  auto june = log::ReadAuditFile(env.get(), "/log/2026-06.parquet");
  ASSERT_TRUE(june.ok()) << june.status().ToString();
  EXPECT_EQ(june->size(), 10u);
  auto log = AuditLog::Open("/log", o);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->last_seq(), 40u);
  ASSERT_TRUE((*log)->Seal().ok());
  june = log::ReadAuditFile(env.get(), "/log/2026-06.parquet");
  ASSERT_TRUE(june.ok());
  EXPECT_EQ(june->size(), 20u);
  EXPECT_EQ((*log)->Append(DayRec(4, 0))->seq, 41u);
}

// Ticks every `step_s` seconds from 2026-05-01T00:00:00Z.
SlotRecord SecondRec(int64_t i, int64_t step_s = 1) {
  SlotRecord r;
  const int64_t s = i * step_s;
  r.timestamp_us = (int64_t{1777593600} + s) * 1000000;
  r.date = fmt::format("2026-05-{:02}", 1 + s / 86400);
  r.slot_index = (s % 86400) / 900;
  r.energy_cost_kwh = 0.001 * static_cast<double>(i % 977);
  r.source = "plan";
  return r;
}

// A log in /log of `env` that syncs nothing (these tests are about sealing).
std::unique_ptr<AuditLog> OpenUnsynced(Env* env, SealPolicy policy, size_t seal_threads = 1) {
  AuditLogOptions o;
  o.env = env;
  o.sync = SyncMode::kNone;
  o.seal_policy = policy;
  o.seal_threads = seal_threads;
  auto log = AuditLog::Open("/log", o);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  return log.ok() ? std::move(*log) : nullptr;
}

std::vector<int64_t> GroupRows(Env* env, const std::string& path) {
  std::vector<int64_t> rows;
  auto r = parquet::FileReader::Open(env, path);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return rows;
  for (int g = 0; g < (*r)->num_row_groups(); ++g) rows.push_back((*r)->row_group_num_rows(g));
  return rows;
}

// Daily seals rewrite the month's last row group with each new day until
// it holds 2^17 rows; the file ends as one sealing it all at once leaves it.
TEST(AuditLogSeal, RowGroupsFillUpAcrossDailySealsAsInABulkSeal) {
  constexpr int64_t kDay = 86400;
  const int64_t total = 2 * kDay + 100;  // two days of one-second ticks and 100 more
  auto daily_env = NewMemEnv();
  {
    auto log = OpenUnsynced(daily_env.get(), SealPolicy::kDaily);
    ASSERT_TRUE(log);
    for (int64_t i = 0; i < total; ++i) {
      ASSERT_TRUE(log->Append(SecondRec(i)).ok());
      if (i == kDay) {
        ASSERT_TRUE(log->WaitForSeals().ok());  // the day change's background seal
        EXPECT_EQ(GroupRows(daily_env.get(), "/log/2026-05.parquet"), std::vector<int64_t>{kDay});
      }
      if (i == 2 * kDay) {
        ASSERT_TRUE(log->WaitForSeals().ok());
        EXPECT_EQ(GroupRows(daily_env.get(), "/log/2026-05.parquet"),
                  (std::vector<int64_t>{131072, 2 * kDay - 131072}));
      }
    }
    ASSERT_TRUE(log->last_seal_status().ok()) << log->last_seal_status().ToString();
    ASSERT_TRUE(log->Seal().ok());
  }
  EXPECT_EQ(GroupRows(daily_env.get(), "/log/2026-05.parquet"),
            (std::vector<int64_t>{131072, total - 131072}));

  auto bulk_env = NewMemEnv();
  {
    auto log = OpenUnsynced(bulk_env.get(), SealPolicy::kManual);
    ASSERT_TRUE(log);
    for (int64_t i = 0; i < total; ++i) ASSERT_TRUE(log->Append(SecondRec(i)).ok());
    ASSERT_TRUE(log->Seal().ok());
  }
  EXPECT_EQ(GroupRows(bulk_env.get(), "/log/2026-05.parquet"),
            (std::vector<int64_t>{131072, total - 131072}));
  auto daily = log::ReadAuditFile(daily_env.get(), "/log/2026-05.parquet");
  auto bulk = log::ReadAuditFile(bulk_env.get(), "/log/2026-05.parquet");
  ASSERT_TRUE(daily.ok() && bulk.ok());
  ASSERT_EQ(daily->size(), static_cast<size_t>(total));
  for (int64_t i = 0; i < total; ++i) {
    ASSERT_EQ((*daily)[static_cast<size_t>(i)].seq, static_cast<uint64_t>(i + 1));
    ASSERT_EQ((*daily)[static_cast<size_t>(i)].record, SecondRec(i)) << i;
    ASSERT_EQ((*bulk)[static_cast<size_t>(i)].record, SecondRec(i)) << i;
  }
}

// A seal of many months on several threads gives the files and manifest
// one thread gives.
TEST(AuditLogSeal, SealThreadsWriteTheSameMonthFiles) {
  auto seal_with = [](size_t threads, Env* env) {
    auto log = OpenUnsynced(env, SealPolicy::kManual, threads);
    ASSERT_TRUE(log);
    // Six months of 15-minute ticks, sealed twice (a month continued).
    for (int64_t i = 0; i < 6 * 2900; ++i) {
      SlotRecord r = SecondRec(i, 900);
      const int64_t day = i * 900 / 86400;
      static const int kMonthDays[] = {31, 30, 31, 31, 30, 31};  // May..October
      int m = 0;
      int64_t d = day;
      while (m < 5 && d >= kMonthDays[m]) d -= kMonthDays[m++];
      r.date = fmt::format("2026-{:02}-{:02}", 5 + m, 1 + d);
      ASSERT_TRUE(log->Append(r).ok());
      if (i == 3 * 2900) {
        ASSERT_TRUE(log->Seal().ok());
      }
    }
    ASSERT_TRUE(log->Seal().ok());
  };
  auto one = NewMemEnv();
  auto four = NewMemEnv();
  seal_with(1, one.get());
  seal_with(4, four.get());
  for (const char* month : {"05", "06", "07", "08", "09", "10"}) {
    const std::string path = fmt::format("/log/2026-{}.parquet", month);
    auto a = log::ReadAuditFile(one.get(), path);
    auto b = log::ReadAuditFile(four.get(), path);
    ASSERT_TRUE(a.ok()) << path << ": " << a.status().ToString();
    ASSERT_TRUE(b.ok()) << path << ": " << b.status().ToString();
    ASSERT_EQ(a->size(), b->size()) << path;
    EXPECT_GT(a->size(), 0u);
    for (size_t i = 0; i < a->size(); ++i) {
      ASSERT_EQ((*a)[i].seq, (*b)[i].seq) << path;
      ASSERT_EQ((*a)[i].record, (*b)[i].record) << path;
    }
    EXPECT_EQ(GroupRows(one.get(), path), GroupRows(four.get(), path)) << path;
  }
}

}  // namespace
}  // namespace budget_audit
