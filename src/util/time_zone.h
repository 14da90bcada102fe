// Time zones: IANA zone names ("Europe/Berlin", "UTC", "Etc/GMT+7") checked
// against the system tz database, and conversion of UTC instants (int64
// microseconds since the Unix epoch, as the log stores them) to the local
// civil date and time of a site.
//
// Backend: CCTZ (Debian package libcctz-dev), reading the compiled zoneinfo
// files of the tzdata package under /usr/share/zoneinfo, or under $TZDIR when
// that is set. CCTZ extends a zone past the last transition stored in its
// file with the POSIX TZ rule of the file's footer, so daylight-saving time
// stays right after 2037. (date/tz.h as Debian builds it, with USE_OS_TZDB,
// ignores that footer and keeps the last stored offset for ever: it gets
// every Berlin summer after 2037 wrong by an hour.) The backend is hidden
// here, so std::chrono's tzdb can replace it once the compiler has one.
//
// "UTC" needs no database: it works in a container without tzdata.
//
// The tz database is read directly, not through Env: it is read-only system
// data, never part of the audit log, and tests need the real one.
//
// Thread safety: loading is thread-safe (CCTZ caches zones process-wide); a
// TimeZone is an immutable, cheap-to-copy handle usable from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "budget_audit/env.h"
#include "budget_audit/status.h"
#include "util/civil_time.h"

namespace budget_audit {

// What a wall clock in a zone shows at one instant.
struct LocalTime {
  int64_t days = 0;                // the local civil date, as days since 1970-01-01
  int64_t micros_of_day = 0;       // [0, 86'400'000'000)
  int32_t utc_offset_seconds = 0;  // local minus UTC: +7200 for CEST, -25200 for Etc/GMT+7
  bool is_dst = false;
  std::string abbreviation;  // "CEST", "-07": for display only, not unique

  CivilDate date() const { return CivilFromDays(days); }
  // ISO-8601 with the offset, e.g. "2026-03-29T03:00:00+02:00" (microseconds
  // shown when non-zero).
  std::string ToString() const;
};

class TimeZone {
 public:
  // UTC.
  TimeZone();
  static TimeZone Utc() { return TimeZone(); }

  // Loads a zone by its IANA name. InvalidArgument when the name is not a
  // well-formed zone name, names something in the zoneinfo directory that is
  // not a zone ("localtime", "posixrules", "Factory", "posix/…", "right/…",
  // absolute paths), or is not in the database; the message names the zone,
  // suggests a close real name when there is one ("europe/berlin" →
  // "Europe/Berlin"), explains numeric offsets ("UTC+7" → "Etc/GMT-7": the
  // Etc/GMT signs are inverted) and says when the database itself is missing.
  static Result<TimeZone> Load(std::string_view name);

  // The name it was loaded with.
  const std::string& name() const;

  // Local civil time at a UTC instant. Defined for every int64 value.
  LocalTime ToLocal(int64_t utc_micros) const;
  // Shortcuts for ToLocal(utc_micros).days / .utc_offset_seconds.
  int64_t LocalDays(int64_t utc_micros) const;
  int32_t UtcOffsetSeconds(int64_t utc_micros) const;

  // The first instant (UTC microseconds) of local day `days`: its local
  // midnight; where midnight does not exist (a DST gap starting at 00:00) the
  // transition that begins the day; where it exists twice, the earlier one.
  // StartOfDay(d + 1) - StartOfDay(d) is the day's length: 23 h and 25 h on
  // DST change days, 0 for a day a zone skipped (Pacific/Apia, 2011-12-30).
  // Saturates at the int64 range for days beyond about ±290 000 years.
  int64_t StartOfDay(int64_t days) const;

  // Today's local date (days since 1970-01-01) by env's clock.
  int64_t Today(Env* env) const { return LocalDays(env->NowMicros()); }

  friend bool operator==(const TimeZone& a, const TimeZone& b) { return a.name() == b.name(); }

 private:
  struct Rep;
  explicit TimeZone(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}
  std::shared_ptr<const Rep> rep_;
};

// "+02:00", "-07:00", "+05:45", "+00:00"; seconds only when non-zero
// ("+00:53:28", local mean time before 1893).
std::string FormatUtcOffset(int32_t seconds);

}  // namespace budget_audit
