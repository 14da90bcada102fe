// Issue 11, items 13 and 14: every day that has ended by the clock is
// sealed when a writer opens, when it closes and while it waits, and a tick
// dated far in the future never stops the sealing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "budget_audit/audit_log.h"
#include "budget_audit/log_reader.h"
#include "env/fault_env.h"
#include "log/manifest.h"

namespace budget_audit {
namespace {

// Ten ticks a day from 2026-05-30 on.
SlotRecord DayRec(int day, int i) {
  SlotRecord r;
  r.timestamp_us = 1780099200000000 + int64_t{day} * 86400000000 + int64_t{i} * 900000000;
  r.date = day < 2 ? fmt::format("2026-05-{:02}", 30 + day) : fmt::format("2026-06-{:02}", day - 1);
  r.slot_index = i;
  r.energy_cost_kwh = 0.1 * i;
  r.source = "plan";
  return r;
}

class SealDaysTest : public ::testing::Test {
 protected:
  AuditLogOptions Opts() {
    AuditLogOptions o;
    o.env = env_.get();
    o.local_date = [this](int64_t) { return clock_date_; };
    return o;
  }
  uint64_t SealedSeq() {
    auto snap = LogSnapshot::Open("/log", env_.get());
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    return snap.ok() ? (*snap)->sealed_seq() : 0;
  }
  std::unique_ptr<Env> env_ = NewMemEnv();
  std::string clock_date_ = "2026-05-31";
};

TEST_F(SealDaysTest, ClosingSealsEveryDayThatHasEnded) {
  clock_date_ = "2026-06-01";  // May 31 ended at midnight; no tick of June came
  {
    auto log = AuditLog::Open("/log", Opts());
    ASSERT_TRUE(log.ok());
    for (int day = 0; day < 2; ++day) {
      for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Append(DayRec(day, i)).ok());
    }
    EXPECT_TRUE((*log)->WaitForSeals().ok());  // the day change's seal runs in the background
    EXPECT_EQ((*log)->sealed_seq(), 10u) << "the day change sealed May 30";
    ASSERT_TRUE((*log)->Close().ok());
    EXPECT_TRUE((*log)->last_seal_status().ok()) << (*log)->last_seal_status().ToString();
    EXPECT_EQ((*log)->sealed_seq(), 20u) << "closing sealed May 31";
  }
  EXPECT_EQ(SealedSeq(), 20u);
}

TEST_F(SealDaysTest, TodayStaysInTheJournal) {
  clock_date_ = "2026-05-31";
  {
    auto log = AuditLog::Open("/log", Opts());
    ASSERT_TRUE(log.ok());
    for (int day = 0; day < 2; ++day) {
      for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Append(DayRec(day, i)).ok());
    }
  }
  EXPECT_EQ(SealedSeq(), 10u);
}

TEST_F(SealDaysTest, OpeningSealsTheDaysThatEndedWhileNoWriterRan) {
  {
    auto log = AuditLog::Open("/log", Opts());
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Append(DayRec(1, i)).ok());
  }
  EXPECT_EQ(SealedSeq(), 0u);
  clock_date_ = "2026-06-02";
  auto log = AuditLog::Open("/log", Opts());
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->sealed_seq(), 10u);
  EXPECT_EQ(SealedSeq(), 10u);
}

TEST_F(SealDaysTest, AWaitingWriterSealsPastMidnight) {
  auto log = AuditLog::Open("/log", Opts());
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Append(DayRec(1, i)).ok());
  ASSERT_TRUE((*log)->SealEndedDays().ok());
  EXPECT_EQ(SealedSeq(), 0u) << "May 31 has not ended";
  clock_date_ = "2026-06-01";
  ASSERT_TRUE((*log)->SealEndedDays().ok());
  EXPECT_EQ(SealedSeq(), 10u);
}

TEST_F(SealDaysTest, AFarFutureTickNeverStopsTheSealing) {
  clock_date_ = "2026-05-30";
  auto log = AuditLog::Open("/log", Opts());
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*log)->Append(DayRec(0, i)).ok());
  SlotRecord future = DayRec(0, 5);
  future.timestamp_us = 253402214400000000;  // 9999-12-31T00:00Z: a controller's clock gone wrong
  future.date = "9999-12-31";
  ASSERT_TRUE((*log)->Append(future).ok());
  for (int i = 6; i < 10; ++i) ASSERT_TRUE((*log)->Append(DayRec(0, i)).ok());
  // The next day's first tick seals everything before it, the future tick too.
  clock_date_ = "2026-05-31";
  ASSERT_TRUE((*log)->Append(DayRec(1, 0)).ok());
  EXPECT_TRUE((*log)->WaitForSeals().ok()) << (*log)->last_seal_status().ToString();
  EXPECT_EQ((*log)->sealed_seq(), 10u);
  clock_date_ = "2026-06-01";
  ASSERT_TRUE((*log)->Append(DayRec(2, 0)).ok());
  EXPECT_TRUE((*log)->WaitForSeals().ok());
  EXPECT_EQ((*log)->sealed_seq(), 11u) << "sealing goes on day after day";
  auto m = log::ReadManifest(env_.get(), "/log");
  ASSERT_TRUE(m.ok());
  std::vector<std::string> names;
  for (const auto& f : m->files) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"2026-05.parquet", "9999-12.parquet"}));
}

TEST_F(SealDaysTest, ASealThatFailsAtCloseIsReportedAndTheRecordsStaySafe) {
  FaultInjectionEnv faults(env_.get());
  AuditLogOptions o = Opts();
  o.env = &faults;
  clock_date_ = "2026-06-01";
  {
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Append(DayRec(1, i)).ok());
    faults.FailAt(2, /*persistent=*/false);  // inside the seal
    Status closed = (*log)->Close();
    faults.ClearFaults();
    // Closed cleanly all the same; the seal's failure is what Close() says.
    EXPECT_FALSE(closed.ok());
    EXPECT_FALSE((*log)->last_seal_status().ok());
    EXPECT_EQ(closed.ToString(), (*log)->last_seal_status().ToString());
    auto marker = env_->FileExists("/log/_closed");
    ASSERT_TRUE(marker.ok());
    EXPECT_TRUE(*marker);
  }
  auto log = AuditLog::Open("/log", Opts());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->last_seq(), 10u);
  EXPECT_EQ((*log)->sealed_seq(), 10u) << "the next writer seals it";
}

}  // namespace
}  // namespace budget_audit

namespace budget_audit {
namespace {

// Issue 11, item 11: with SyncMode::kBatch a failed append leaves Sync()
// refusing; its message must carry the OS error that caused it.
TEST(BatchSync, AFailedAppendsCauseReachesSync) {
  auto mem = NewMemEnv();
  FaultInjectionEnv faults(mem.get());
  AuditLogOptions o;
  o.env = &faults;
  o.sync = SyncMode::kBatch;
  o.local_date = [](int64_t) { return std::string("2026-05-31"); };
  auto log = AuditLog::Open("/log", o);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append(DayRec(1, 0)).ok());
  faults.FailAt(1, /*persistent=*/false);
  auto failed = (*log)->Append(DayRec(1, 1));
  ASSERT_FALSE(failed.ok());
  faults.ClearFaults();
  Status s = (*log)->Sync();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("needs recovery"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find(failed.status().message()), std::string::npos)
      << s.ToString() << " should carry " << failed.status().ToString();
}

}  // namespace
}  // namespace budget_audit
