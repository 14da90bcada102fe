#include "util/civil_time.h"

#include <gtest/gtest.h>

namespace budget_audit {
namespace {

TEST(CivilTime, RoundTripsEveryDayOver800Years) {
  for (int64_t d = -146097; d < 146097; ++d) {
    CivilDate c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
}

TEST(CivilTime, KnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(20603), "2026-05-30");
  EXPECT_EQ(*ParseDate("2024-02-29"), DaysFromCivil(2024, 2, 29));
  EXPECT_FALSE(ParseDate("2023-02-29"));
  EXPECT_FALSE(ParseDate("2023-13-01"));
  EXPECT_FALSE(ParseDate("2023-1-01"));
}

TEST(CivilTime, Timestamps) {
  EXPECT_EQ(FormatTimestamp(0, 1000000, true), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(-1, 1000, false), "1969-12-31T23:59:59.999");
  EXPECT_EQ(FormatTimestamp(1500, 1000000000, false), "1970-01-01T00:00:00.0000015");
  EXPECT_EQ(FormatTimestamp(1780114500000000, 1000000, true), "2026-05-30T04:15:00Z");
  EXPECT_EQ(FormatTimeOfDay(3723500, 1000), "01:02:03.5");
}

}  // namespace
}  // namespace budget_audit
