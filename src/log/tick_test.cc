#include "log/tick.h"

#include <cmath>

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
  // Naive (no offset): read as UTC everywhere, as import reads pandas' naive
  // datetimes (it was refused here and read as UTC by import: issue 11.6).
  auto naive = ParseIsoTimestamp("2026-05-30T04:15:00");
  ASSERT_TRUE(naive.ok()) << naive.status().ToString();
  EXPECT_TRUE(naive->naive);
  EXPECT_EQ(naive->utc_us, 1780114500000000);
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
    "stage_id":"budbreak"})",
                     0);
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

TEST(Tick, SubMicrosecondDigitsAreRefusedUnlessTruncating) {
  // Two ticks 1 ns apart were both read as ...:00.123456 and the second
  // acknowledged as a retry of the first (issue 11.5).
  EXPECT_TRUE(ParseIsoTimestamp("2026-05-30T04:15:00.123456000Z").ok());  // zeros below: exact
  auto r = ParseIsoTimestamp("2026-05-30T04:15:00.123456789Z");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("sub-microsecond"), std::string::npos);
  TimestampOptions floor;
  floor.truncate_sub_micros = true;
  auto t = ParseIsoTimestamp("2026-05-30T04:15:00.123456789Z", floor);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->truncated);
  EXPECT_EQ(t->utc_us, 1780114500123456);
}

TEST(Tick, YearsOutsideOneToNineThousandAreRefused) {
  EXPECT_FALSE(ParseIsoTimestamp("0000-06-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseIsoTimestamp("0001-01-01T00:30:00+01:00").ok());  // year 0 in UTC
  EXPECT_TRUE(ParseIsoTimestamp("0001-01-01T00:00:00Z").ok());
  EXPECT_TRUE(ParseIsoTimestamp("9999-12-31T23:59:59.999999Z").ok());
}

TEST(Tick, ATimestampIsRequiredWhenAsked) {
  TickParseOptions o;
  o.require_timestamp = true;
  auto r = ParseTick(R"({"slot_index":1})", 0, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("timestamp: missing", 0), 0u) << r.status().message();
  EXPECT_EQ(ParseTick("{}", 0, o).status().code(), StatusCode::kInvalidArgument);
}

TEST(Tick, IgnoredKeysAreDroppedAndOthersRefused) {
  const char* line = R"({"timestamp":"2026-05-30T04:30:00Z","note":{"a":[1,2,{"b":null}]},"v":3})";
  auto refused = ParseTick(line, 0);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message().rfind("note: not a tick attribute", 0), 0u)
      << refused.status().message();
  TickParseOptions o;
  o.ignored_keys = {"note", "v"};
  auto r = ParseTick(line, 0, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->slot_index, -1);
  o.ignored_keys = {"note"};
  EXPECT_FALSE(ParseTick(line, 0, o).ok());  // v is still unknown
}

TEST(Tick, NumbersAreTakenExactlyOrRefused) {
  auto msg = [](const char* json) {
    auto r = ParseTick(json, 0);
    return r.ok() ? std::string("accepted") : r.status().message();
  };
  EXPECT_EQ(msg(R"({"slot_index":18446744073709551615})")
                .rfind("slot_index: 18446744073709551615 "
                       "is outside the range",
                       0),
            0u);
  EXPECT_NE(msg(R"({"slot_index":9223372036854775808})").find("outside the range"), std::string::npos);
  EXPECT_NE(msg(R"({"energy_cost_kwh":1e-400})").find("energy_cost_kwh: 1e-400 underflows"),
            std::string::npos);
  EXPECT_NE(msg(R"({"energy_cost_kwh":1e400})").find("energy_cost_kwh: 1e400 overflows"), std::string::npos);
  EXPECT_NE(msg(R"({"energy_cost_kwh":NaN})").find("energy_cost_kwh: NaN is refused"), std::string::npos);
  EXPECT_NE(msg(R"({"target_angle":-Infinity})").find("target_angle: -Infinity is refused"),
            std::string::npos);
  EXPECT_NE(msg(R"({"energy_cost_kwh":01})").find("energy_cost_kwh: not valid JSON"), std::string::npos);
  auto zero = ParseTick(R"({"energy_cost_kwh":-0.0e-400,"slot_index":1.8e1})", 0);
  ASSERT_TRUE(zero.ok()) << zero.status().ToString();  // a zero literal is exactly zero
  EXPECT_TRUE(std::signbit(zero->energy_cost_kwh));
  EXPECT_EQ(zero->slot_index, 18);
}

TEST(Tick, KeysGivenTwiceOrMisspeltAreRefused) {
  auto msg = [](const char* json) {
    auto r = ParseTick(json, 0);
    return r.ok() ? std::string("accepted") : r.status().message();
  };
  EXPECT_EQ(msg(R"({"source":"a","source":"b"})"), "source: given twice");
  EXPECT_EQ(msg(R"({"energy_cost_kw":1})"),
            "energy_cost_kw: not a tick attribute the log keeps; did you mean energy_cost_kwh?");
  EXPECT_EQ(msg(R"({"planned_offset_deg":1})"),
            "planned_offset_deg: not a tick attribute the log keeps; did you mean plan_offset_deg "
            "(the tick attribute the log stores as planned_offset_deg)?");
  EXPECT_NE(msg(R"({"date":"2026-05-30"})").find("derives date from timestamp"), std::string::npos);
  EXPECT_NE(msg("{\"source\":\"\xff\"}").find("source: not valid UTF-8"), std::string::npos);
  EXPECT_NE(msg(R"({"source":"\ud800"})").find("source: a lone UTF-16 surrogate"), std::string::npos);
  auto esc = ParseTick(R"({"source":"\u00dc\ud834\udd1e"})", 0);
  ASSERT_TRUE(esc.ok()) << esc.status().ToString();
  EXPECT_EQ(esc->source, "\xc3\x9c\xf0\x9d\x84\x9e");
}

}  // namespace
}  // namespace budget_audit::log
