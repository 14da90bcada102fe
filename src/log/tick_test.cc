#include "log/tick.h"

#include <gtest/gtest.h>

namespace budget_audit::log {
namespace {

TEST(Tick, TimestampsWithOffsets) {
  auto t = ParseIsoTimestamp("2026-05-30T06:15:00+02:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->utc_us, 1780114500000000);
  EXPECT_EQ(t->local_date, "2026-05-30");
  auto late = ParseIsoTimestamp("2026-05-30T23:30:00.5-05:00");
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->local_date, "2026-05-30");  // next day in UTC, same local date
  EXPECT_EQ(late->utc_us % 1000000, 500000);
  EXPECT_TRUE(ParseIsoTimestamp("2026-05-30T04:15:00Z").ok());
  EXPECT_FALSE(ParseIsoTimestamp("2026-05-30T04:15:00").ok());  // no offset
  EXPECT_FALSE(ParseIsoTimestamp("2026-02-30T04:15:00Z").ok());
  EXPECT_FALSE(ParseIsoTimestamp("2026-05-30T24:00:00Z").ok());
}

TEST(Tick, DefaultsOfThePythonVersion) {
  auto r = ParseTick("{}", 1780114500000000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->slot_index, -1);
  EXPECT_EQ(r->stage_id, "unknown");
  EXPECT_EQ(r->source, "");
  EXPECT_FALSE(r->gate_passed);
  EXPECT_EQ(r->date, "2026-05-30");
  EXPECT_EQ(r->timestamp_us, 1780114500000000);
}

TEST(Tick, FieldMapping) {
  auto r = ParseTick(R"({"timestamp":"2026-05-30T04:30:00Z","slot_index":18,"plan_offset_deg":-3.88,
    "target_angle":-4.24,"energy_cost_kwh":3.434625,"budget_spent_kwh":3.434625,
    "budget_remaining_kwh":4996.565375,"live_gate_passed":true,"source":"fallback",
    "stage_id":"budbreak","extra":1})", 0);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->slot_index, 18);
  EXPECT_EQ(r->planned_offset_deg, -3.88);
  EXPECT_EQ(r->actual_offset_deg, -4.24);
  EXPECT_TRUE(r->gate_passed);
  EXPECT_EQ(r->source, "fallback");
}

TEST(Tick, ErrorsNameTheField) {
  auto r = ParseTick(R"({"energy_cost_kwh":"3"})", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("energy_cost_kwh:", 0), 0u);
  EXPECT_FALSE(ParseTick(R"({"slot_index":1.5})", 0).ok());
  EXPECT_FALSE(ParseTick(R"({"live_gate_passed":1})", 0).ok());
  EXPECT_FALSE(ParseTick("[1]", 0).ok());
  EXPECT_FALSE(ParseTick("{", 0).ok());
}

}  // namespace
}  // namespace budget_audit::log
