#include "util/civil_time.h"

#include <algorithm>

#include <fmt/format.h>

namespace budget_audit {

// The day-count algorithms use 400-year eras of 146097 days, shifting the
// year to start in March so that the leap day falls at the end.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;                                    // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const unsigned d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const unsigned m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {y + (m <= 2), m, d};
}

std::string FormatDate(int64_t days) {
  CivilDate c = CivilFromDays(days);
  if (c.year >= 0 && c.year <= 9999) return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
  return fmt::format("{:+05}-{:02}-{:02}", c.year, c.month, c.day);
}

std::optional<int64_t> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int dim = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  if (d > dim) return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

namespace {
void AppendFraction(std::string& out, int64_t frac, int64_t ticks_per_second) {
  if (frac == 0) return;
  int digits = ticks_per_second == 1000 ? 3 : ticks_per_second == 1000000 ? 6 : 9;
  std::string f = fmt::format("{:0{}}", frac, digits);
  while (!f.empty() && f.back() == '0') f.pop_back();
  out += '.';
  out += f;
}
}  // namespace

std::string FormatTimeOfDay(int64_t ticks, int64_t tps) {
  int64_t secs = FloorDiv(ticks, tps);
  int64_t frac = FloorMod(ticks, tps);
  std::string out = fmt::format("{:02}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60);
  AppendFraction(out, frac, tps);
  return out;
}

std::string FormatTimestamp(int64_t ticks, int64_t tps, bool utc) {
  return FormatTimestampParts(FloorDiv(ticks, tps), FloorMod(ticks, tps), tps, utc);
}

std::string FormatTimestampParts(int64_t secs, int64_t frac, int64_t tps, bool utc) {
  int64_t days = FloorDiv(secs, 86400);
  int64_t sod = FloorMod(secs, 86400);
  std::string out = FormatDate(days);
  out += fmt::format("T{:02}:{:02}:{:02}", sod / 3600, (sod / 60) % 60, sod % 60);
  AppendFraction(out, frac, tps);
  if (utc) out += 'Z';
  return out;
}

bool LooksLikeDate(std::string_view t) {
  if (t.size() == 8) return t.find_first_not_of("0123456789") == std::string_view::npos;
  return t.size() == 10 && t[4] == '-' && t[7] == '-';
}

Result<int64_t> ParseDateArgument(std::string_view text) {
  std::string t(text);
  if (t.size() == 8 && t.find_first_not_of("0123456789") == std::string::npos) {
    t = t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2);
  }
  const bool shaped =
      t.size() == 10 && t[4] == '-' && t[7] == '-' &&
      std::all_of(t.begin(), t.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); }) &&
      t.find('-', 5) == 7 && t.find('-', 8) == std::string::npos;
  if (!shaped) return Status::InvalidArgument(fmt::format("{}: expected a date YYYY-MM-DD", text));
  const int64_t year = std::stoll(t.substr(0, 4));
  const unsigned month = static_cast<unsigned>(std::stoul(t.substr(5, 2)));
  const unsigned day = static_cast<unsigned>(std::stoul(t.substr(8, 2)));
  if (month < 1 || month > 12) {
    return Status::InvalidArgument(fmt::format("{}: month {} is not 1-12", text, month));
  }
  const unsigned last =
      static_cast<unsigned>(DaysFromCivil(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1) -
                            DaysFromCivil(year, month, 1));
  if (day < 1 || day > last) {
    return Status::InvalidArgument(
        fmt::format("{}: day {} is not in {:04}-{:02} (1-{})", text, day, year, month, last));
  }
  return DaysFromCivil(year, month, day);
}

}  // namespace budget_audit
