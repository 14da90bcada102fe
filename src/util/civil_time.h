// Proleptic Gregorian calendar arithmetic on days since 1970-01-01, and
// ISO-8601 formatting of dates, times and timestamps. No time zones here
// (see util/time_zone.h for those).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "budget_audit/status.h"

namespace budget_audit {

struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Days since 1970-01-01 of a civil date, and back (valid for any int64 day
// count whose year fits in int64).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
CivilDate CivilFromDays(int64_t days);

// "YYYY-MM-DD" (years outside 0..9999 get a sign / more digits).
std::string FormatDate(int64_t days);
// Parses exactly "YYYY-MM-DD" with a valid day of month.
std::optional<int64_t> ParseDate(std::string_view s);

// A date as people type it on a command line: "YYYY-MM-DD" or "YYYYMMDD".
// LooksLikeDate tells it from a timestamp by its shape; ParseDateArgument
// checks it and names the bad part ("2026-13-01: month 13 is not 1-12").
bool LooksLikeDate(std::string_view text);
Result<int64_t> ParseDateArgument(std::string_view text);

// Floor division and modulo for negative values (e.g. times before 1970).
inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
inline int64_t FloorMod(int64_t a, int64_t b) {
  int64_t r = a % b;  // no overflow near INT64_MIN, unlike a - FloorDiv(a, b) * b
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

// "HH:MM:SS[.fraction]" for `ticks` since midnight at `ticks_per_second`
// (1000, 10^6 or 10^9); the fraction keeps the unit's digits with trailing
// zeros trimmed, and is left out when zero.
std::string FormatTimeOfDay(int64_t ticks, int64_t ticks_per_second);
// "YYYY-MM-DDTHH:MM:SS[.fraction]" plus "Z" when `utc`.
std::string FormatTimestamp(int64_t ticks, int64_t ticks_per_second, bool utc);
// The same from whole seconds since the epoch and a fraction in [0, tps).
std::string FormatTimestampParts(int64_t seconds, int64_t fraction, int64_t ticks_per_second, bool utc);

}  // namespace budget_audit
