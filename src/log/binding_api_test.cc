// The library calls the bindings are built on (the Python package, the C
// ABI): AppendTick, LogSlot's AppendResult, ControllerTickFromJson,
// SiteDateFunction and ParseTimeBound.
#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

#include "budget_audit/audit_log.h"
#include "budget_audit/config.h"
#include "budget_audit/log_reader.h"
#include "budget_audit/slot_record.h"

namespace budget_audit {
namespace {

class BindingApi : public ::testing::Test {
 protected:
  AuditLogOptions Opts() {
    AuditLogOptions o;
    o.env = env_.get();
    o.local_date = [](int64_t) { return std::string("2026-06-01"); };
    return o;
  }
  static ControllerTick Tick(int minute, double cost = 0.5) {
    ControllerTick t;
    t.timestamp_us = 1780300800000000 + int64_t{minute} * 60000000;  // 2026-06-01T08:00Z
    t.utc_offset_seconds = 2 * 3600;
    t.energy_cost_kwh = cost;
    return t;
  }
  std::unique_ptr<Env> env_ = NewMemEnv();
};

TEST_F(BindingApi, AppendTickGivesSeqDuplicateAndConflictSeq) {
  auto log = AuditLog::Open("/log", Opts());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  auto a = (*log)->AppendTick(Tick(0));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->seq, 1u);
  EXPECT_FALSE(a->duplicate);
  auto again = (*log)->AppendTick(Tick(0));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->seq, 1u);
  EXPECT_TRUE(again->duplicate);
  auto conflict = (*log)->AppendTick(Tick(0, 9.0));
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(conflict.status().seq(), std::optional<uint64_t>(1));
  // Checked and named as tick attributes, nothing written.
  ControllerTick bad = Tick(1);
  bad.plan_offset_deg = std::numeric_limits<double>::quiet_NaN();
  auto refused = (*log)->AppendTick(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("plan_offset_deg: NaN is refused"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ((*log)->last_seq(), 1u);
  // No timestamp: the Env's now.
  ControllerTick now;
  auto n = (*log)->AppendTick(now);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->seq, 2u);
}

TEST_F(BindingApi, LogSlotSaysWhatBecameOfTheTick) {
  auto log = AuditLog::Open("/log", Opts());
  ASSERT_TRUE(log.ok());
  AppendResult r;
  ASSERT_TRUE((*log)->LogSlot(Tick(0), &r).ok());
  EXPECT_EQ(r.seq, 1u);
  EXPECT_FALSE(r.duplicate);
  ASSERT_TRUE((*log)->LogSlot(Tick(0), &r).ok());
  EXPECT_EQ(r.seq, 1u);
  EXPECT_TRUE(r.duplicate);
  Status conflict = (*log)->LogSlot(Tick(0, 3.0), &r);
  EXPECT_EQ(conflict.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(r.seq, 0u);  // not logged
  ControllerTick bad = Tick(2);
  bad.source = std::string(5000, 'x');
  EXPECT_EQ((*log)->LogSlot(bad, &r).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.seq, 0u);
  EXPECT_EQ((*log)->retry_queue_size(), 0u);
}

TEST(ControllerTickFromJson, TheLogCommandsPolicy) {
  auto t = ControllerTickFromJson(R"({"timestamp":"2026-06-01T00:30:00+02:00","slot_index":3,"source":"s"})");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t->timestamp_us, 1780266600000000);
  EXPECT_EQ(t->utc_offset_seconds, 7200);
  EXPECT_EQ(*t->slot_index, 3);
  EXPECT_EQ(*t->source, "s");
  EXPECT_FALSE(t->energy_cost_kwh.has_value());
  auto misspelt = ControllerTickFromJson(R"({"timestamp":"2026-06-01T00:30:00Z","energy_cost_kw":1})");
  ASSERT_FALSE(misspelt.ok());
  EXPECT_NE(misspelt.status().message().find("did you mean energy_cost_kwh"), std::string::npos);
  EXPECT_FALSE(ControllerTickFromJson(R"({"energy_cost_kwh":NaN})").ok());
  EXPECT_TRUE(ControllerTickFromJson("{}").ok());  // "now" is the writer's to take
  TickJsonOptions strict;
  strict.require_timestamp = true;
  EXPECT_FALSE(ControllerTickFromJson("{}", strict).ok());
  TickJsonOptions ignoring;
  ignoring.ignored_keys = {"note"};
  EXPECT_TRUE(ControllerTickFromJson(R"({"note":[1,2]})", ignoring).ok());
  ignoring.ignored_keys = {"source"};
  EXPECT_FALSE(ControllerTickFromJson("{}", ignoring).ok());
}

TEST(SiteDateFunction, ZoneAndFixedToday) {
  auto none = [](const char*) -> const char* { return nullptr; };
  auto berlin = SiteDateFunction("Europe/Berlin", none);
  ASSERT_TRUE(berlin.ok());
  EXPECT_EQ((*berlin)(1780264800000000), "2026-06-01");  // 2026-05-31T22:00Z is midnight in Berlin
  EXPECT_EQ((*berlin)(1780264799000000), "2026-05-31");
  EXPECT_FALSE(SiteDateFunction("Mars/Olympus_Mons", none).ok());
  auto fixed = SiteDateFunction("Europe/Berlin", [](const char* name) -> const char* {
    return std::string(name) == kEnvToday ? "2026-03-01" : nullptr;
  });
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ((*fixed)(0), "2026-03-01");
  auto bad = SiteDateFunction("UTC", [](const char*) -> const char* { return "2026-3-1"; });
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("BUDGET_AUDIT_TODAY=2026-3-1"), std::string::npos);
}

TEST(ParseTimeBound, InstantsAndLocalMidnights) {
  EXPECT_EQ(*ParseTimeBound("2026-06-01T00:00:00Z", "Europe/Berlin"), 1780272000000000);
  EXPECT_EQ(*ParseTimeBound("2026-06-01", "Europe/Berlin"), 1780264800000000);
  EXPECT_EQ(*ParseTimeBound("20260601", "UTC"), 1780272000000000);
  auto bad_month = ParseTimeBound("2026-13-01", "UTC");
  ASSERT_FALSE(bad_month.ok());
  EXPECT_NE(bad_month.status().message().find("month 13 is not 1-12"), std::string::npos);
  EXPECT_FALSE(ParseTimeBound("2026-06-01", "Nowhere/Else").ok());
  EXPECT_TRUE(ParseTimeBound("2026-06-01T00:00:00Z", "Nowhere/Else").ok());  // zone not needed
  EXPECT_FALSE(ParseTimeBound("yesterday", "UTC").ok());
}

}  // namespace
}  // namespace budget_audit
