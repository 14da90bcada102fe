#include "util/time_zone.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <system_error>
#include <vector>

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>
#include <fmt/format.h>

#include "util/text.h"

namespace budget_audit {

struct TimeZone::Rep {
  std::string name;
  cctz::time_zone tz;
};

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

// Days beyond this (about ±300 000 years) are clamped before the calendar
// arithmetic; the result saturates at the int64 microsecond range anyway.
constexpr int64_t kMaxAbsDays = 110'000'000;

std::string TzDir() {
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

// Every zone and link name of the database, from its text form tzdata.zi
// ("Z <name> …" and "L <target> <name>" lines). Empty if that file is absent:
// it only feeds suggestions.
std::vector<std::string> ZoneNames(const std::string& tzdir) {
  std::vector<std::string> names;
  std::ifstream in(tzdir + "/tzdata.zi");
  std::string line;
  while (names.size() < 10'000 && std::getline(in, line)) {
    if (line.size() < 3 || line[1] != ' ' || (line[0] != 'Z' && line[0] != 'L')) continue;
    size_t start = 2;
    if (line[0] == 'L') {  // skip the link's target
      start = line.find(' ', start);
      if (start == std::string::npos) continue;
      ++start;
    }
    size_t end = line.find(' ', start);
    std::string name = line.substr(start, end == std::string::npos ? end : end - start);
    if (!name.empty() && name != "Factory") names.push_back(std::move(name));
  }
  return names;
}

// A real zone name close to `bad`: the same name in other letter case, the
// zone of a bare city name ("Berlin"), or one within a small edit distance.
std::optional<std::string> SuggestZone(std::string_view bad, const std::string& tzdir) {
  const std::vector<std::string> names = ZoneNames(tzdir);
  std::string lower = AsciiLower(bad);
  std::replace(lower.begin(), lower.end(), ' ', '_');
  for (const std::string& n : names) {
    if (AsciiLower(n) == lower) return n;
  }
  if (lower.find('/') == std::string::npos) {
    for (const std::string& n : names) {
      size_t slash = n.rfind('/');
      if (slash != std::string::npos && AsciiLower(n.substr(slash + 1)) == lower) return n;
    }
  }
  // Short names are near too many others for a distance to mean anything.
  if (lower.size() < 3) return std::nullopt;
  const size_t limit = lower.size() <= 4 ? 1 : std::max<size_t>(2, lower.size() / 6);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const std::string& n : names) {
    size_t d = EditDistance(lower, AsciiLower(n));
    if (d < best_distance) {
      best_distance = d;
      best = n;
    }
  }
  return best;
}

// For "UTC+7", "GMT-03", "+05:30", "-7": why that is not a zone name and
// what to write instead; nullopt if `name` is not a numeric offset.
std::optional<std::string> ExplainNumericOffset(std::string_view name) {
  std::string_view s = name;
  if (s.starts_with("UTC") || s.starts_with("GMT")) s.remove_prefix(3);
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const bool east = s[0] == '+';
  s.remove_prefix(1);
  auto digits = [&s](size_t max) {
    int v = 0;
    size_t n = 0;
    while (n < max && n < s.size() && s[n] >= '0' && s[n] <= '9') v = v * 10 + (s[n++] - '0');
    s.remove_prefix(n);
    return n == 0 ? -1 : v;
  };
  const int hours = digits(2);
  if (hours < 0) return std::nullopt;
  int minutes = 0;
  if (!s.empty()) {
    if (s[0] == ':') s.remove_prefix(1);
    minutes = digits(2);
    if (minutes < 0 || !s.empty()) return std::nullopt;
  }
  std::string text = fmt::format(
      "{:?} is a fixed UTC offset, not a zone name; use the site's own zone (Area/City, e.g. "
      "\"Europe/Berlin\") so that daylight-saving time is right",
      name);
  if (hours == 0 && minutes == 0) {
    text += ", or \"UTC\"";
  } else if (minutes == 0 && hours <= (east ? 14 : 12)) {
    // POSIX TZ convention: Etc/GMT-7 is 7 hours *ahead* of UTC.
    text += fmt::format(
        ", or \"Etc/GMT{}{}\" for a fixed UTC{}{:02}:00 (the Etc/GMT signs are "
        "inverted: Etc/GMT{}{} is UTC{}{})",
        east ? '-' : '+', hours, east ? '+' : '-', hours, east ? '-' : '+', hours, east ? '+' : '-', hours);
  }
  return text;
}

// Why `name` cannot be a zone name ("" if it is well-formed): the tz
// database's own rules for names, which also keep it inside the zoneinfo
// directory (no absolute paths, no "..").
std::string CheckNameSyntax(std::string_view name) {
  if (name.empty()) return "the name is empty";
  if (name.size() > 255) return "the name is longer than 255 characters";
  if (name.front() == '/') return "an absolute path is not a zone name";
  size_t start = 0;
  while (true) {
    const size_t slash = name.find('/', start);
    const std::string_view part = name.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (part.empty()) return "the name has an empty component";
    if (part.front() == '.' || part.front() == '-') {
      return fmt::format("component {:?} starts with {:?}", part, part.front());
    }
    for (char c : part) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '+' || c == '.';
      if (!ok) return fmt::format("character {:?} is not allowed in a zone name", c);
    }
    if (slash == std::string_view::npos) return "";
    start = slash + 1;
  }
}

// Files of the zoneinfo directory that load but are not zones to configure.
std::optional<std::string> ExplainNonZone(std::string_view name) {
  if (name == "localtime") {
    return "\"localtime\" is this machine's own setting, not a zone name; give the site's zone "
           "(Area/City, e.g. \"Europe/Berlin\")";
  }
  if (name == "posixrules") return "\"posixrules\" is a tz database internal, not a zone name";
  if (name == "Factory") {
    return "\"Factory\" is the tz database's placeholder for an unknown zone; give the site's zone";
  }
  for (std::string_view prefix : {"posix/", "right/"}) {
    if (name.starts_with(prefix)) {
      return fmt::format("{:?}: the {} tree is an alternative copy of the database ({}); use {:?}", name,
                         prefix.substr(0, prefix.size() - 1),
                         prefix == "right/" ? "counting leap seconds, which the log's POSIX "
                                              "timestamps do not"
                                            : "the same zones",
                         name.substr(prefix.size()));
    }
  }
  return std::nullopt;
}

}  // namespace

TimeZone::TimeZone() {
  // Shared by every UTC TimeZone; never destroyed, so TimeZones in other
  // static objects stay valid during exit.
  static const auto* utc =
      new std::shared_ptr<const Rep>(std::make_shared<const Rep>(Rep{"UTC", cctz::utc_time_zone()}));
  rep_ = *utc;
}

Result<TimeZone> TimeZone::Load(std::string_view name) {
  if (name == "UTC") return TimeZone();  // built in: no database needed
  if (auto why = ExplainNonZone(name)) return Status::InvalidArgument(*why);
  const std::string tzdir = TzDir();
  auto unknown = [&](std::string_view why) -> Status {
    if (auto hint = ExplainNumericOffset(name)) return Status::InvalidArgument(*hint);
    std::string msg = fmt::format("unknown time zone {:?} ({})", name, why);
    if (auto s = SuggestZone(name, tzdir)) msg += fmt::format("; did you mean {:?}?", *s);
    return Status::InvalidArgument(std::move(msg));
  };
  if (std::string why = CheckNameSyntax(name); !why.empty()) return unknown(why);

  auto rep = std::make_shared<Rep>();
  rep->name = std::string(name);
  if (!cctz::load_time_zone(rep->name, &rep->tz)) {
    std::error_code ec;
    if (!std::filesystem::is_directory(tzdir, ec)) {
      return Status::InvalidArgument(
          fmt::format("time zone {:?}: the time zone database is missing (no directory {}; install the "
                      "tzdata package, or set TZDIR)",
                      name, tzdir));
    }
    return unknown(fmt::format("not in the time zone database at {}", tzdir));
  }
  return TimeZone(std::move(rep));
}

const std::string& TimeZone::name() const { return rep_->name; }

LocalTime TimeZone::ToLocal(int64_t utc_micros) const {
  // Not FloorMod: a - FloorDiv(a, b) * b overflows near INT64_MIN.
  int64_t frac = utc_micros % kMicrosPerSecond;
  if (frac < 0) frac += kMicrosPerSecond;
  const int64_t secs = FloorDiv(utc_micros, kMicrosPerSecond);
  const auto al = rep_->tz.lookup(cctz::time_point<cctz::seconds>(cctz::seconds(secs)));
  LocalTime t;
  t.days =
      DaysFromCivil(al.cs.year(), static_cast<unsigned>(al.cs.month()), static_cast<unsigned>(al.cs.day()));
  t.micros_of_day =
      (int64_t{al.cs.hour()} * 3600 + al.cs.minute() * 60 + al.cs.second()) * kMicrosPerSecond + frac;
  t.utc_offset_seconds = al.offset;
  t.is_dst = al.is_dst;
  t.abbreviation = al.abbr != nullptr ? al.abbr : "";
  return t;
}

int64_t TimeZone::LocalDays(int64_t utc_micros) const { return ToLocal(utc_micros).days; }

int32_t TimeZone::UtcOffsetSeconds(int64_t utc_micros) const {
  return ToLocal(utc_micros).utc_offset_seconds;
}

int64_t TimeZone::StartOfDay(int64_t days) const {
  const CivilDate c = CivilFromDays(std::clamp(days, -kMaxAbsDays, kMaxAbsDays));
  const auto cl = rep_->tz.lookup(cctz::civil_second(c.year, c.month, c.day, 0, 0, 0));
  // SKIPPED: midnight fell in a gap, the day begins at the transition.
  // REPEATED: midnight happened twice, the day begins at the first.
  const auto tp = cl.kind == cctz::time_zone::civil_lookup::SKIPPED ? cl.trans : cl.pre;
  const int64_t secs = tp.time_since_epoch().count();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (secs > kMax / kMicrosPerSecond) return kMax;
  if (secs < kMin / kMicrosPerSecond) return kMin;
  return secs * kMicrosPerSecond;
}

std::string LocalTime::ToString() const {
  return FormatTimestampParts(days * 86400 + FloorDiv(micros_of_day, kMicrosPerSecond),
                              FloorMod(micros_of_day, kMicrosPerSecond), kMicrosPerSecond,
                              /*utc=*/false) +
         FormatUtcOffset(utc_offset_seconds);
}

std::string FormatUtcOffset(int32_t seconds) {
  const char sign = seconds < 0 ? '-' : '+';
  const int64_t a = seconds < 0 ? -int64_t{seconds} : int64_t{seconds};
  if (a % 60 != 0) return fmt::format("{}{:02}:{:02}:{:02}", sign, a / 3600, a / 60 % 60, a % 60);
  return fmt::format("{}{:02}:{:02}", sign, a / 3600, a / 60 % 60);
}

}  // namespace budget_audit
