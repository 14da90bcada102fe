// Crash and I/O-fault tests of the audit log, in the manner of LevelDB's
// fault_injection_test and SQLite's I/O-error loops: after any crash
// (unsynced data dropped, last writes torn) and any failed operation, every
// acknowledged record is present exactly once and `verify` passes.
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "budget_audit/audit_log.h"
#include "env/fault_env.h"
#include "log/snapshot.h"
#include "log/verify.h"

namespace budget_audit {
namespace {

// Tick i: four ticks a day, so sealing happens every few records.
SlotRecord Tick(int i) {
  SlotRecord r;
  r.timestamp_us = 1780099200000000 + int64_t{i} * 6 * 3600 * 1000000;
  int day = i / 4;
  r.date = day < 2 ? fmt::format("2026-05-{:02}", 30 + day) : fmt::format("2026-06-{:02}", day - 1);
  r.slot_index = i;
  r.energy_cost_kwh = 0.5 * i;
  r.source = "plan";
  return r;
}

// Checks the log in `env` holds exactly ticks [0, n) as seq 1..n (the
// acknowledged ones must all be there; `n` may include unacknowledged ticks
// that happened to become durable, which is allowed).
void ExpectIntact(Env* env, const std::map<int, uint64_t>& acked, int attempted) {
  auto report = log::VerifyLog(env, "/log");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::map<int64_t, uint64_t> by_ts;
  Status s = log::ForEachRecord(env, "/log", [&](const log::SeqRecord& r) {
    EXPECT_TRUE(by_ts.emplace(r.record.timestamp_us, r.seq).second) << "tick logged twice";
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (auto [tick, seq] : acked) {
    auto it = by_ts.find(Tick(tick).timestamp_us);
    ASSERT_NE(it, by_ts.end()) << "acknowledged tick " << tick << " lost";
    EXPECT_EQ(it->second, seq) << "tick " << tick;
  }
  EXPECT_LE(by_ts.size(), static_cast<size_t>(attempted));
}

TEST(AuditLogFaults, CrashAtRandomMomentsLosesNoAcknowledgedRecord) {
  std::mt19937 rng(20261126);
  for (int round = 0; round < 60; ++round) {
    auto mem = NewMemEnv();
    FaultInjectionEnv env(mem.get(), static_cast<uint32_t>(round));
    std::map<int, uint64_t> acked;
    int next = 0;
    for (int crash = 0; crash < 4; ++crash) {
      AuditLogOptions o;
      o.env = &env;
      o.journal_file_bytes = 400;  // many journal files
      auto log = AuditLog::Open("/log", o);
      ASSERT_TRUE(log.ok()) << log.status().ToString();
      // Retry what was not acknowledged before the last crash.
      for (int t = 0; t < next; ++t) {
        if (acked.count(t)) continue;
        auto seq = (*log)->Append(Tick(t));
        ASSERT_TRUE(seq.ok()) << seq.status().ToString();
        acked[t] = seq->seq;
      }
      int burst = static_cast<int>(rng() % 12);
      // Crash in the middle of an operation: fail the k-th I/O persistently
      // (the process "dies" there), then drop unsynced data.
      env.FailAt(static_cast<int>(rng() % 40) + 1, true);
      for (int k = 0; k < burst; ++k, ++next) {
        auto seq = (*log)->Append(Tick(next));
        if (seq.ok()) acked[next] = seq->seq;
      }
      ASSERT_TRUE(env.Crash(rng() % 2 == 0).ok());
      log->reset();
    }
    env.ClearFaults();
    {
      AuditLogOptions o;
      o.env = &env;
      auto log = AuditLog::Open("/log", o);
      ASSERT_TRUE(log.ok()) << "round " << round << ": " << log.status().ToString();
    }
    ExpectIntact(&env, acked, next);
  }
}

TEST(AuditLogFaults, EveryFailedOperationIsReportedAndRecoverable) {
  for (bool persistent : {false, true}) {
    for (int n = 1; n < 120; ++n) {
      auto mem = NewMemEnv();
      FaultInjectionEnv env(mem.get());
      std::map<int, uint64_t> acked;
      AuditLogOptions o;
      o.env = &env;
      o.journal_file_bytes = 400;
      int errors = 0;
      {
        auto log = AuditLog::Open("/log", o);
        ASSERT_TRUE(log.ok());
        env.FailAt(n, persistent);
        for (int t = 0; t < 14; ++t) {
          auto seq = (*log)->Append(Tick(t));
          if (seq.ok()) {
            acked[t] = seq->seq;
          } else {
            ++errors;
            EXPECT_EQ(seq.status().code(), StatusCode::kIOError) << seq.status().ToString();
          }
        }
        if (env.fault_fired() && !persistent) {
          // A transient fault: the same process carries on after it.
          env.ClearFaults();
          for (int t = 0; t < 14; ++t) {
            if (acked.count(t)) continue;
            auto seq = (*log)->Append(Tick(t));
            ASSERT_TRUE(seq.ok()) << "n=" << n << " tick " << t << ": " << seq.status().ToString();
            acked[t] = seq->seq;
          }
        }
      }
      if (persistent && env.fault_fired()) {
        EXPECT_GT(errors, 0) << "n=" << n;
      }
      env.ClearFaults();
      {
        auto log = AuditLog::Open("/log", o);
        ASSERT_TRUE(log.ok()) << "n=" << n << ": " << log.status().ToString();
        for (int t = 0; t < 14; ++t) {
          if (acked.count(t)) continue;
          auto seq = (*log)->Append(Tick(t));
          ASSERT_TRUE(seq.ok()) << seq.status().ToString();
          acked[t] = seq->seq;
        }
        if (!persistent) {
          EXPECT_TRUE((*log)->Seal().ok());
        }
      }
      ExpectIntact(&env, acked, 14);
      if (!env.fault_fired()) break;  // n beyond the operations performed
    }
  }
}

TEST(AuditLogFaults, CrashDuringRecoveryIsHarmless) {
  auto mem = NewMemEnv();
  FaultInjectionEnv env(mem.get(), 7);
  std::map<int, uint64_t> acked;
  AuditLogOptions o;
  o.env = &env;
  {
    auto log = AuditLog::Open("/log", o);
    for (int t = 0; t < 9; ++t) acked[t] = (*log)->Append(Tick(t))->seq;
    // A torn, unacknowledged tail.
    env.FailAt(2, true);
    (void)(*log)->Append(Tick(9));
  }
  ASSERT_TRUE(env.Crash(true).ok());
  for (int n = 1; n < 6; ++n) {
    env.FailAt(n, true);  // recovery itself fails at its n-th operation
    (void)AuditLog::Open("/log", o);
    ASSERT_TRUE(env.Crash(true).ok());
  }
  env.ClearFaults();
  auto log = AuditLog::Open("/log", o);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  log->reset();
  ExpectIntact(&env, acked, 10);
}

TEST(AuditLogFaults, LogSlotKeepsRecordsUntilTheDiskRecovers) {
  auto mem = NewMemEnv();
  FaultInjectionEnv env(mem.get());
  AuditLogOptions o;
  o.env = &env;
  o.retry_queue_capacity = 5;
  auto log = AuditLog::Open("/log", o);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->LogSlot(Tick(0)).ok());
  env.FailAt(1, true);  // the disk is full from now on
  for (int t = 1; t <= 5; ++t) EXPECT_FALSE((*log)->LogSlot(Tick(t)).ok());
  EXPECT_EQ((*log)->retry_queue_size(), 5u);
  EXPECT_EQ((*log)->LogSlot(Tick(6)).code(), StatusCode::kResourceExhausted);
  env.ClearFaults();  // space freed
  ControllerTick tick;
  tick.timestamp_us = Tick(7).timestamp_us;
  tick.slot_index = 7;
  tick.energy_cost_kwh = 3.5;
  EXPECT_TRUE((*log)->LogSlot(tick).ok());
  EXPECT_EQ((*log)->retry_queue_size(), 0u);
  EXPECT_EQ((*log)->last_seq(), 7u);  // ticks 0..5 and 7; 6 was refused and reported
  log->reset();
  std::vector<int64_t> slots;
  ASSERT_TRUE(log::ForEachRecord(&env, "/log", [&](const log::SeqRecord& r) {
                slots.push_back(r.record.slot_index);
                return Status::OK();
              }).ok());
  EXPECT_EQ(slots, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 7}));
}

}  // namespace
}  // namespace budget_audit
