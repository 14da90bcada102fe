#include "budget_audit/audit_log.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "log/journal.h"
#include "log/sealed_reader.h"

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
      EXPECT_EQ(*seq, static_cast<uint64_t>(i));
    }
    head = (*log)->head_hex();
  }
  auto log = AuditLog::Open("/log", Opts());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->last_seq(), 10u);
  EXPECT_EQ((*log)->head_hex(), head);
  EXPECT_EQ(*(*log)->Append(Rec(11)), 11u);
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
  auto log = AuditLog::Open("/log", Opts());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_TRUE((*log)->recovered_torn_tail());
  EXPECT_EQ((*log)->last_seq(), 2u);
  EXPECT_EQ(*(*log)->Append(Rec(3)), 3u);
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
  EXPECT_EQ(*(*log)->Append(DayRec(4, 0)), 41u);
}

}  // namespace
}  // namespace budget_audit
