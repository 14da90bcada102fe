// Sealing on the writer's background thread (issue 12): appends never wait
// for a seal; a seal that fails is kept, reported and retried; a crash
// while a seal is held up loses no acknowledged record.
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "budget_audit/audit_log.h"
#include "budget_audit/log_reader.h"
#include "env/fault_env.h"
#include "env/forwarding_env.h"
#include "log/snapshot.h"
#include "log/verify.h"

namespace budget_audit {
namespace {

constexpr int kPerDay = 144;  // a tick every 10 minutes

// Tick i of a log starting on 2026-05-30 (UTC).
SlotRecord Tick(int i) {
  SlotRecord r;
  r.timestamp_us = 1780099200000000 + int64_t{i} * 600 * 1000000;
  const int day = i / kPerDay;
  r.date = day < 2 ? fmt::format("2026-05-{:02}", 30 + day) : fmt::format("2026-06-{:02}", day - 1);
  r.slot_index = i % kPerDay;
  r.energy_cost_kwh = 0.01 * i;
  r.source = "optimizer";
  return r;
}

// An Env whose month-file publications (the rename of a seal's temporary)
// wait at a gate until it opens, or fail while `fail` is set.
class GateEnv final : public ForwardingEnv {
 public:
  explicit GateEnv(Env* base) : ForwardingEnv(base) {}
  void Open() {
    std::lock_guard<std::mutex> l(mu_);
    open_ = true;
    cv_.notify_all();
  }
  // Waits until a publication is held at the gate.
  void WaitForHeld() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return held_ > 0; });
  }
  std::atomic<bool> fail{false};
  std::atomic<int> renames{0};

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (to.size() > 8 && to.compare(to.size() - 8, 8, ".parquet") == 0) {
      std::unique_lock<std::mutex> l(mu_);
      ++held_;
      cv_.notify_all();
      cv_.wait(l, [&] { return open_; });
      --held_;
      if (fail) return Status::IOError(fmt::format("{}: injected rename failure", to));
      ++renames;
    }
    return base()->RenameFile(from, to);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int held_ = 0;
};

AuditLogOptions Options(Env* env) {
  AuditLogOptions o;
  o.env = env;
  o.local_date = [](int64_t) { return std::string("2026-06-05"); };
  return o;
}

uint64_t Count(Env* env) {
  auto snap = LogSnapshot::Open("/log", env);
  EXPECT_TRUE(snap.ok()) << snap.status().ToString();
  return snap.ok() ? (*snap)->last_seq() : 0;
}

TEST(BackgroundSeal, AppendsGoOnWhileASealIsHeldUp) {
  auto mem = NewMemEnv();
  GateEnv gate(mem.get());
  auto log = AuditLog::Open("/log", Options(&gate));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  for (int i = 0; i <= kPerDay; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());  // and May 31's first
  gate.WaitForHeld();  // the seal of May 30 waits to publish its month file
  // The rest of May 31 and all of June 1 are logged, durably, meanwhile;
  // readers see every record (from the journal).
  for (int i = kPerDay + 1; i < 3 * kPerDay; ++i) {
    auto r = (*log)->Append(Tick(i));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->seq, static_cast<uint64_t>(i + 1));
  }
  EXPECT_EQ((*log)->sealed_seq(), 0u);
  EXPECT_EQ(gate.renames.load(), 0);
  EXPECT_EQ(Count(&gate), static_cast<uint64_t>(3 * kPerDay));
  // Retries of records in the seal under way are still found.
  auto again = (*log)->Append(Tick(5));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->seq, 6u);
  gate.Open();
  ASSERT_TRUE((*log)->WaitForSeals().ok()) << (*log)->last_seal_status().ToString();
  EXPECT_GE((*log)->sealed_seq(), static_cast<uint64_t>(kPerDay));
  ASSERT_TRUE((*log)->Close().ok());
  EXPECT_EQ((*log)->sealed_seq(), static_cast<uint64_t>(3 * kPerDay)) << "the clock is on June 5";
  auto report = log::VerifyLog(mem.get(), "/log");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->records, static_cast<uint64_t>(3 * kPerDay));
}

TEST(BackgroundSeal, AFailedSealIsReportedOnceRetriedAndTheRecordsStaySafe) {
  auto mem = NewMemEnv();
  GateEnv gate(mem.get());
  gate.fail = true;
  gate.Open();
  {
    auto log = AuditLog::Open("/log", Options(&gate));
    ASSERT_TRUE(log.ok());
    for (int i = 0; i <= kPerDay; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
    Status failed = (*log)->WaitForSeals();
    EXPECT_EQ(failed.code(), StatusCode::kIOError) << failed.ToString();
    EXPECT_NE(failed.message().find("injected rename failure"), std::string::npos);
    // The next append reports it (once), and is durable all the same.
    auto r = (*log)->Append(Tick(kPerDay + 1));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->seal_status.ToString(), failed.ToString());
    auto r2 = (*log)->Append(Tick(kPerDay + 2));
    ASSERT_TRUE(r2.ok());
    EXPECT_TRUE(r2->seal_status.ok()) << "reported once";
    EXPECT_FALSE((*log)->last_seal_status().ok());
    EXPECT_EQ((*log)->sealed_seq(), 0u);
    // The fault clears: an explicit seal (or the retry) goes through.
    gate.fail = false;
    ASSERT_TRUE((*log)->Seal().ok());
    EXPECT_TRUE((*log)->last_seal_status().ok());
    EXPECT_EQ((*log)->sealed_seq(), static_cast<uint64_t>(kPerDay + 3));
  }
  EXPECT_EQ(Count(mem.get()), static_cast<uint64_t>(kPerDay + 3));
}

TEST(BackgroundSeal, ARetryAfterThePauseSealsWithoutBeingAsked) {
  auto mem = NewMemEnv();
  GateEnv gate(mem.get());
  gate.fail = true;
  gate.Open();
  auto log = AuditLog::Open("/log", Options(&gate));
  ASSERT_TRUE(log.ok());
  for (int i = 0; i <= kPerDay; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
  EXPECT_FALSE((*log)->WaitForSeals().ok());
  gate.fail = false;
  // The seal thread tries again after its first pause (1 s).
  for (int ms = 0; ms < 10000 && (*log)->sealed_seq() == 0; ms += 50) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ((*log)->sealed_seq(), static_cast<uint64_t>(kPerDay));
  EXPECT_TRUE((*log)->last_seal_status().ok());
}

// A power cut while the seal of a day is held up before publishing, with
// appends going on: every acknowledged record survives, and the next
// writer repairs the interrupted seal.
TEST(BackgroundSeal, ACrashDuringABackgroundSealLosesNothingAcknowledged) {
  for (int variant = 0; variant < 4; ++variant) {
    auto mem = NewMemEnv();
    FaultInjectionEnv faults(mem.get(), static_cast<uint32_t>(variant));
    GateEnv gate(&faults);
    std::map<int, uint64_t> acked;
    {
      AuditLogOptions o = Options(&gate);
      o.journal_file_bytes = 2000;
      auto log = AuditLog::Open("/log", o);
      ASSERT_TRUE(log.ok());
      for (int i = 0; i <= kPerDay; ++i) acked[i] = (*log)->Append(Tick(i))->seq;
      gate.WaitForHeld();
      const int more = 10 + 40 * variant;
      for (int i = kPerDay + 1; i <= kPerDay + more; ++i) acked[i] = (*log)->Append(Tick(i))->seq;
      // The process dies: nothing more reaches the disk, unsynced bytes go.
      faults.FailAt(1, /*persistent=*/true);
      ASSERT_TRUE(faults.Crash(variant % 2 == 1).ok());
      gate.Open();
      (void)(*log)->WaitForSeals();
    }
    faults.ClearFaults();
    auto log = AuditLog::Open("/log", Options(mem.get()));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    auto report = log::VerifyLog(mem.get(), "/log");
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    std::map<int64_t, uint64_t> by_ts;
    ASSERT_TRUE(log::ForEachRecord(mem.get(), "/log", [&](const log::SeqRecord& r) {
                  EXPECT_TRUE(by_ts.emplace(r.record.timestamp_us, r.seq).second);
                  return Status::OK();
                }).ok());
    for (auto [tick, seq] : acked) {
      auto it = by_ts.find(Tick(tick).timestamp_us);
      ASSERT_NE(it, by_ts.end()) << "variant " << variant << ": acknowledged tick " << tick << " lost";
      EXPECT_EQ(it->second, seq);
    }
    EXPECT_EQ((*log)->sealed_seq(), (*log)->last_seq()) << "the clock is on June 5: all sealed on open";
  }
}

// A bulk load without a journal (AuditLogOptions::journal = false, as
// import opens the log): rows wait in memory for their seal, the seal
// thread seals while appends go on, and nothing goes through _journal/.
TEST(JournalLessLoad, RowsGoStraightToTheSealedHistory) {
  auto mem = NewMemEnv();
  {
    auto log = AuditLog::Open("/log", Options(mem.get()));  // one ordinary record first, journaled
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Append(Tick(0)).ok());
    ASSERT_TRUE((*log)->Close().ok());
  }
  AuditLogOptions o = Options(mem.get());
  o.sync = SyncMode::kNone;
  o.seal_policy = SealPolicy::kManual;
  o.journal = false;
  {
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_EQ((*log)->sealed_seq(), 1u) << "what the journal held is sealed first";
    for (int i = 1; i < 2 * kPerDay; ++i) {
      ASSERT_TRUE((*log)->Append(Tick(i)).ok());
      if (i == kPerDay) (*log)->RequestSeal();
    }
    auto again = (*log)->Append(Tick(3));
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->duplicate);
    auto files = mem->GetChildren("/log/_journal");
    ASSERT_TRUE(files.ok());
    EXPECT_TRUE(files->empty()) << "no journal file written";
    ASSERT_TRUE((*log)->Close().ok());
  }
  auto log = AuditLog::Open("/log", Options(mem.get()));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->last_seq(), static_cast<uint64_t>(2 * kPerDay));
  EXPECT_EQ((*log)->sealed_seq(), static_cast<uint64_t>(2 * kPerDay));
  auto report = log::VerifyLog(mem.get(), "/log");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
}

TEST(JournalLessLoad, AFailedLastSealSaysWhatWasNotLoggedAndTheLogStaysSound) {
  auto mem = NewMemEnv();
  GateEnv gate(mem.get());
  gate.Open();
  AuditLogOptions o = Options(&gate);
  o.sync = SyncMode::kNone;
  o.seal_policy = SealPolicy::kManual;
  o.journal = false;
  {
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
    ASSERT_TRUE((*log)->Seal().ok());
    for (int i = 10; i < 25; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
    gate.fail = true;
    Status closed = (*log)->Close();
    EXPECT_FALSE(closed.ok());
    EXPECT_NE(closed.message().find("the last 15 records"), std::string::npos) << closed.ToString();
  }
  gate.fail = false;
  auto log = AuditLog::Open("/log", Options(mem.get()));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->last_seq(), 10u);
  auto r = (*log)->Append(Tick(10));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->seq, 11u);
}

TEST(JournalLessLoad, NeedsSyncModeNone) {
  auto mem = NewMemEnv();
  AuditLogOptions o = Options(mem.get());
  o.journal = false;
  auto log = AuditLog::Open("/log", o);
  EXPECT_EQ(log.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace budget_audit
