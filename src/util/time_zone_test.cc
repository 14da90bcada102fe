#include "util/time_zone.h"

#include <cstdlib>
#include <limits>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "env/forwarding_env.h"

namespace budget_audit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kMicros = 1'000'000;
constexpr int64_t kHour = 3600 * kMicros;

// UTC microseconds of a civil UTC time.
int64_t Utc(int64_t y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return (DaysFromCivil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss) * kMicros;
}

TimeZone MustLoad(std::string_view name) {
  Result<TimeZone> tz = TimeZone::Load(name);
  EXPECT_TRUE(tz.ok()) << tz.status().ToString();
  return tz.ok() ? *tz : TimeZone();
}

std::string LoadError(std::string_view name) {
  Result<TimeZone> tz = TimeZone::Load(name);
  EXPECT_FALSE(tz.ok()) << name << " loaded";
  if (tz.ok()) return "";
  EXPECT_EQ(tz.status().code(), StatusCode::kInvalidArgument);
  return tz.status().message();
}

// An Env whose clock is fixed (everything else is an in-memory file system).
class FixedClockEnv final : public ForwardingEnv {
 public:
  explicit FixedClockEnv(int64_t now) : FixedClockEnv(NewMemEnv(), now) {}
  int64_t NowMicros() override { return now_; }

 private:
  FixedClockEnv(std::unique_ptr<Env> mem, int64_t now)
      : ForwardingEnv(mem.get()), mem_(std::move(mem)), now_(now) {}
  std::unique_ptr<Env> mem_;
  int64_t now_;
};

TEST(TimeZone, DefaultIsUtc) {
  TimeZone tz;
  EXPECT_EQ(tz.name(), "UTC");
  LocalTime t = tz.ToLocal(0);
  EXPECT_EQ(t.days, 0);
  EXPECT_EQ(t.micros_of_day, 0);
  EXPECT_EQ(t.utc_offset_seconds, 0);
  EXPECT_FALSE(t.is_dst);
  EXPECT_EQ(t.ToString(), "1970-01-01T00:00:00+00:00");
  EXPECT_EQ(TimeZone::Utc(), tz);
}

TEST(TimeZone, UtcByName) {
  TimeZone tz = MustLoad("UTC");
  EXPECT_EQ(tz.name(), "UTC");
  const int64_t t = Utc(2026, 6, 21, 23, 59, 59) + 123456;
  EXPECT_EQ(tz.LocalDays(t), DaysFromCivil(2026, 6, 21));
  EXPECT_EQ(tz.UtcOffsetSeconds(t), 0);
  EXPECT_EQ(tz.ToLocal(t).ToString(), "2026-06-21T23:59:59.123456+00:00");
  EXPECT_EQ(tz.StartOfDay(DaysFromCivil(2026, 3, 29)), Utc(2026, 3, 29));
  // Etc/UTC is the database's own UTC.
  EXPECT_EQ(MustLoad("Etc/UTC").UtcOffsetSeconds(t), 0);
}

TEST(TimeZone, BeforeTheEpoch) {
  LocalTime t = TimeZone().ToLocal(-1);
  EXPECT_EQ(t.days, -1);
  EXPECT_EQ(t.micros_of_day, 86400 * kMicros - 1);
  EXPECT_EQ(t.ToString(), "1969-12-31T23:59:59.999999+00:00");
}

// 2026-03-29: at 01:00 UTC, 02:00 CET becomes 03:00 CEST. A 23-hour day.
TEST(TimeZone, BerlinSpringForward2026) {
  TimeZone tz = MustLoad("Europe/Berlin");
  LocalTime before = tz.ToLocal(Utc(2026, 3, 29, 0, 59, 59));
  EXPECT_EQ(before.ToString(), "2026-03-29T01:59:59+01:00");
  EXPECT_FALSE(before.is_dst);
  EXPECT_EQ(before.abbreviation, "CET");
  LocalTime after = tz.ToLocal(Utc(2026, 3, 29, 1, 0, 0));
  EXPECT_EQ(after.ToString(), "2026-03-29T03:00:00+02:00");
  EXPECT_TRUE(after.is_dst);
  EXPECT_EQ(after.abbreviation, "CEST");
  EXPECT_EQ(after.micros_of_day, 3 * kHour);

  const int64_t day = DaysFromCivil(2026, 3, 29);
  EXPECT_EQ(tz.StartOfDay(day), Utc(2026, 3, 28, 23));
  EXPECT_EQ(tz.StartOfDay(day + 1), Utc(2026, 3, 29, 22));
  EXPECT_EQ(tz.StartOfDay(day + 1) - tz.StartOfDay(day), 23 * kHour);
  EXPECT_EQ(tz.StartOfDay(day) - tz.StartOfDay(day - 1), 24 * kHour);
}

// 2026-10-25: at 01:00 UTC, 03:00 CEST becomes 02:00 CET. A 25-hour day.
TEST(TimeZone, BerlinFallBack2026) {
  TimeZone tz = MustLoad("Europe/Berlin");
  EXPECT_EQ(tz.ToLocal(Utc(2026, 10, 25, 0, 59, 59)).ToString(), "2026-10-25T02:59:59+02:00");
  EXPECT_EQ(tz.ToLocal(Utc(2026, 10, 25, 1, 0, 0)).ToString(), "2026-10-25T02:00:00+01:00");
  // 02:30 local happens twice, an hour apart.
  EXPECT_EQ(tz.ToLocal(Utc(2026, 10, 25, 0, 30)).micros_of_day,
            tz.ToLocal(Utc(2026, 10, 25, 1, 30)).micros_of_day);

  const int64_t day = DaysFromCivil(2026, 10, 25);
  EXPECT_EQ(tz.StartOfDay(day), Utc(2026, 10, 24, 22));
  EXPECT_EQ(tz.StartOfDay(day + 1), Utc(2026, 10, 25, 23));
  EXPECT_EQ(tz.StartOfDay(day + 1) - tz.StartOfDay(day), 25 * kHour);
}

// What the reports do: bucket 15-minute ticks by local date.
TEST(TimeZone, BerlinSlotsPerLocalDay2026) {
  TimeZone tz = MustLoad("Europe/Berlin");
  std::map<int64_t, int> slots;
  for (int64_t t = Utc(2026, 1, 1); t < Utc(2027, 1, 1); t += 15 * 60 * kMicros) {
    ++slots[tz.LocalDays(t)];
  }
  EXPECT_EQ(slots[DaysFromCivil(2026, 3, 29)], 92);
  EXPECT_EQ(slots[DaysFromCivil(2026, 10, 25)], 100);
  EXPECT_EQ(slots[DaysFromCivil(2026, 6, 21)], 96);
  // The UTC year starts at 01:00 local and ends at 01:00 local next year.
  EXPECT_EQ(slots[DaysFromCivil(2026, 1, 1)], 92);
  EXPECT_EQ(slots[DaysFromCivil(2026, 12, 31)], 96);
  EXPECT_EQ(slots[DaysFromCivil(2027, 1, 1)], 4);
  EXPECT_EQ(slots.size(), 366u);
}

// Etc/GMT+7 follows the POSIX sign convention: it is 7 hours *behind* UTC.
TEST(TimeZone, EtcGmtSignIsInverted) {
  TimeZone west = MustLoad("Etc/GMT+7");
  LocalTime t = west.ToLocal(Utc(2026, 6, 1, 3, 0, 0));
  EXPECT_EQ(t.utc_offset_seconds, -7 * 3600);
  EXPECT_EQ(t.ToString(), "2026-05-31T20:00:00-07:00");
  EXPECT_EQ(t.days, DaysFromCivil(2026, 5, 31));
  EXPECT_FALSE(t.is_dst);
  EXPECT_EQ(west.StartOfDay(DaysFromCivil(2026, 6, 1)), Utc(2026, 6, 1, 7));
  // No DST, ever: the same offset in January and July.
  EXPECT_EQ(west.UtcOffsetSeconds(Utc(2026, 1, 15)), -7 * 3600);

  TimeZone east = MustLoad("Etc/GMT-7");
  EXPECT_EQ(east.UtcOffsetSeconds(Utc(2026, 6, 1)), 7 * 3600);
  EXPECT_EQ(east.ToLocal(Utc(2026, 6, 1, 20)).ToString(), "2026-06-02T03:00:00+07:00");
}

// The reason for CCTZ: the zoneinfo files store transitions only up to 2037;
// later ones come from the POSIX rule in the file's footer.
TEST(TimeZone, DaylightSavingTimeContinuesAfter2037) {
  TimeZone tz = MustLoad("Europe/Berlin");
  EXPECT_EQ(tz.UtcOffsetSeconds(Utc(2050, 7, 1, 12)), 7200);
  EXPECT_EQ(tz.UtcOffsetSeconds(Utc(2050, 12, 1, 12)), 3600);
  const int64_t day = DaysFromCivil(2051, 3, 26);  // last Sunday of March 2051
  EXPECT_EQ(tz.StartOfDay(day + 1) - tz.StartOfDay(day), 23 * kHour);
}

TEST(TimeZone, OtherZones) {
  // Southern hemisphere: DST in January.
  TimeZone sydney = MustLoad("Australia/Sydney");
  EXPECT_EQ(sydney.UtcOffsetSeconds(Utc(2026, 1, 15)), 11 * 3600);
  EXPECT_EQ(sydney.UtcOffsetSeconds(Utc(2026, 7, 15)), 10 * 3600);
  // A quarter-hour offset.
  EXPECT_EQ(MustLoad("Asia/Kathmandu").ToLocal(Utc(2026, 1, 1)).ToString(), "2026-01-01T05:45:00+05:45");
  // A backward-compatibility link name.
  EXPECT_EQ(MustLoad("US/Mountain").UtcOffsetSeconds(Utc(2026, 7, 1)), -6 * 3600);
  // Local mean time before standard time.
  EXPECT_EQ(FormatUtcOffset(MustLoad("Europe/Berlin").UtcOffsetSeconds(Utc(1890, 1, 1))), "+00:53:28");
}

// America/Santiago, 2022-09-11: clocks jumped from 00:00 to 01:00, so the
// day began at 01:00 local.
TEST(TimeZone, StartOfDayWhenMidnightIsSkipped) {
  TimeZone tz = MustLoad("America/Santiago");
  const int64_t day = DaysFromCivil(2022, 9, 11);
  const int64_t start = tz.StartOfDay(day);
  EXPECT_EQ(start, Utc(2022, 9, 11, 4));
  LocalTime t = tz.ToLocal(start);
  EXPECT_EQ(t.days, day);
  EXPECT_EQ(t.micros_of_day, 1 * kHour);
  EXPECT_EQ(tz.ToLocal(start - 1).days, day - 1);
  EXPECT_EQ(tz.StartOfDay(day + 1) - start, 23 * kHour);
}

// America/Havana, 2023-11-05: clocks went back from 01:00 to 00:00, so
// midnight happened twice; the day begins at the first.
TEST(TimeZone, StartOfDayWhenMidnightRepeats) {
  TimeZone tz = MustLoad("America/Havana");
  const int64_t day = DaysFromCivil(2023, 11, 5);
  const int64_t start = tz.StartOfDay(day);
  EXPECT_EQ(start, Utc(2023, 11, 5, 4));
  EXPECT_EQ(tz.ToLocal(start - 1).days, day - 1);
  EXPECT_EQ(tz.StartOfDay(day + 1) - start, 25 * kHour);
}

// Samoa skipped 2011-12-30 entirely when it moved across the date line.
TEST(TimeZone, SkippedDayHasZeroLength) {
  TimeZone tz = MustLoad("Pacific/Apia");
  const int64_t day = DaysFromCivil(2011, 12, 30);
  EXPECT_EQ(tz.StartOfDay(day), tz.StartOfDay(day + 1));
  EXPECT_EQ(tz.StartOfDay(day) - tz.StartOfDay(day - 1), 24 * kHour);
  EXPECT_EQ(tz.ToLocal(tz.StartOfDay(day)).days, day + 1);
}

TEST(TimeZone, TodayUsesTheEnvClock) {
  // 2026-06-01 03:00 UTC: still May 31 west of Greenwich.
  FixedClockEnv env(Utc(2026, 6, 1, 3));
  EXPECT_EQ(TimeZone().Today(&env), DaysFromCivil(2026, 6, 1));
  EXPECT_EQ(MustLoad("Etc/GMT+7").Today(&env), DaysFromCivil(2026, 5, 31));
  EXPECT_EQ(MustLoad("America/Los_Angeles").Today(&env), DaysFromCivil(2026, 5, 31));
  EXPECT_EQ(MustLoad("Asia/Tokyo").Today(&env), DaysFromCivil(2026, 6, 1));
}

TEST(TimeZone, ExtremeInstantsDoNotOverflow) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  for (std::string_view name : {"UTC", "Europe/Berlin", "Etc/GMT+7"}) {
    TimeZone tz = MustLoad(name);
    for (int64_t t : {kMin, kMin + 1, kMax - 1, kMax}) {
      LocalTime lt = tz.ToLocal(t);
      EXPECT_GE(lt.micros_of_day, 0) << name << " " << t;
      EXPECT_LT(lt.micros_of_day, 86400 * kMicros) << name << " " << t;
    }
    EXPECT_LT(tz.ToLocal(kMin).days, tz.ToLocal(kMax).days);
    EXPECT_EQ(tz.StartOfDay(kMax), kMax) << name;
    EXPECT_EQ(tz.StartOfDay(kMin), kMin) << name;
  }
}

TEST(TimeZone, FormatsOffsets) {
  EXPECT_EQ(FormatUtcOffset(0), "+00:00");
  EXPECT_EQ(FormatUtcOffset(7200), "+02:00");
  EXPECT_EQ(FormatUtcOffset(-25200), "-07:00");
  EXPECT_EQ(FormatUtcOffset(20700), "+05:45");
  EXPECT_EQ(FormatUtcOffset(-9000), "-02:30");
  EXPECT_EQ(FormatUtcOffset(3208), "+00:53:28");
  EXPECT_EQ(FormatUtcOffset(std::numeric_limits<int32_t>::min()), "-596523:14:08");
}

TEST(TimeZone, UnknownZonesSuggestTheRealName) {
  EXPECT_THAT(LoadError("Europe/Berln"), AllOf(HasSubstr("unknown time zone \"Europe/Berln\""),
                                               HasSubstr("not in the time zone database"),
                                               HasSubstr("did you mean \"Europe/Berlin\"?")));
  EXPECT_THAT(LoadError("europe/berlin"), HasSubstr("did you mean \"Europe/Berlin\"?"));
  EXPECT_THAT(LoadError("utc"), HasSubstr("did you mean \"UTC\"?"));
  EXPECT_THAT(LoadError("Berlin"), HasSubstr("did you mean \"Europe/Berlin\"?"));
  EXPECT_THAT(LoadError("America/New York"),
              AllOf(HasSubstr("' ' is not allowed"), HasSubstr("did you mean \"America/New_York\"?")));
  EXPECT_THAT(LoadError("Nowhere/Atlantis"),
              AllOf(HasSubstr("unknown time zone"), Not(HasSubstr("did you mean"))));
  EXPECT_THAT(LoadError("Europe"), HasSubstr("unknown time zone \"Europe\""));
  EXPECT_THAT(LoadError("zone.tab"), HasSubstr("unknown time zone"));
}

TEST(TimeZone, NumericOffsetsAreExplained) {
  EXPECT_THAT(LoadError("UTC+7"),
              AllOf(HasSubstr("fixed UTC offset"), HasSubstr("\"Etc/GMT-7\" for a fixed UTC+07:00"),
                    HasSubstr("Etc/GMT-7 is UTC+7")));
  EXPECT_THAT(LoadError("GMT-3"), HasSubstr("\"Etc/GMT+3\" for a fixed UTC-03:00"));
  EXPECT_THAT(LoadError("+05:30"), AllOf(HasSubstr("fixed UTC offset"), Not(HasSubstr("Etc/GMT"))));
  EXPECT_THAT(LoadError("-7"), HasSubstr("\"Etc/GMT+7\""));
  EXPECT_THAT(LoadError("UTC+0"), HasSubstr("or \"UTC\""));
  // These are real zones of the database, not offsets.
  EXPECT_EQ(MustLoad("GMT+0").UtcOffsetSeconds(0), 0);
  EXPECT_EQ(MustLoad("EST5EDT").UtcOffsetSeconds(Utc(2026, 1, 1)), -5 * 3600);
}

TEST(TimeZone, RejectsNamesThatAreNotZones) {
  EXPECT_THAT(LoadError(""), AllOf(HasSubstr("empty"), Not(HasSubstr("did you mean"))));
  EXPECT_THAT(LoadError("XY"), Not(HasSubstr("did you mean")));
  EXPECT_THAT(LoadError("/usr/share/zoneinfo/Europe/Berlin"), HasSubstr("absolute path"));
  EXPECT_THAT(LoadError("../../../etc/passwd"), HasSubstr("starts with '.'"));
  EXPECT_THAT(LoadError("Europe/../Europe/Berlin"), HasSubstr("starts with '.'"));
  EXPECT_THAT(LoadError("Europe//Berlin"), HasSubstr("empty component"));
  EXPECT_THAT(LoadError("Europe/Berlin\n"), HasSubstr("'\\n' is not allowed"));
  EXPECT_THAT(LoadError(std::string(300, 'A')), HasSubstr("longer than 255"));
  EXPECT_THAT(LoadError("localtime"), HasSubstr("this machine's own setting"));
  EXPECT_THAT(LoadError("posixrules"), HasSubstr("not a zone name"));
  EXPECT_THAT(LoadError("Factory"), HasSubstr("placeholder"));
  EXPECT_THAT(LoadError("posix/Europe/Berlin"), HasSubstr("use \"Europe/Berlin\""));
  EXPECT_THAT(LoadError("right/UTC"), AllOf(HasSubstr("leap seconds"), HasSubstr("use \"UTC\"")));
  EXPECT_THAT(LoadError("file:/etc/localtime"), HasSubstr("':' is not allowed"));
  EXPECT_THAT(LoadError("libc:Europe/Berlin"), HasSubstr("':' is not allowed"));
}

// A container without tzdata: UTC still works; other zones say what is missing.
TEST(TimeZone, MissingDatabase) {
  const char* old = std::getenv("TZDIR");
  std::string saved = old != nullptr ? old : "";
  ASSERT_EQ(setenv("TZDIR", "/nonexistent/zoneinfo", 1), 0);
  EXPECT_TRUE(TimeZone::Load("UTC").ok());
  // A zone no other test loads (CCTZ caches every load, failed ones too).
  EXPECT_THAT(LoadError("Antarctica/Troll"), AllOf(HasSubstr("time zone database is missing"),
                                                   HasSubstr("/nonexistent/zoneinfo"), HasSubstr("tzdata")));
  if (old != nullptr) {
    setenv("TZDIR", saved.c_str(), 1);
  } else {
    unsetenv("TZDIR");
  }
}

}  // namespace
}  // namespace budget_audit
