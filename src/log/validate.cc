#include "log/validate.h"

#include <cmath>

#include <fmt/format.h>

#include "util/civil_time.h"
#include "util/text.h"

namespace budget_audit::log {
namespace {

constexpr int64_t kMicrosPerDay = 86400000000;

Status Bad(std::string_view name, std::string_view problem) {
  return Status::InvalidArgument(fmt::format("{}: {}", name, problem));
}

// The nearest of `names` to `key` within edit distance 2 (1 for names
// shorter than 8 bytes: "note" is not a near miss of "date"), or equal
// ignoring case; nullptr if none (or two at the same distance).
const char* NearMiss(std::string_view key, const char* const* names, size_t n) {
  const std::string lower = AsciiLower(key);
  const char* best = nullptr;
  size_t best_d = 3;
  bool tie = false;
  for (size_t i = 0; i < n; ++i) {
    if (names[i] == nullptr) continue;
    if (lower == AsciiLower(names[i])) return names[i];
    const size_t d = EditDistance(lower, names[i]);
    if (d > (std::string_view(names[i]).size() >= 8 ? 2u : 1u)) continue;
    if (d < best_d) {
      best = names[i];
      best_d = d;
      tie = false;
    } else if (d == best_d) {
      tie = true;
    }
  }
  return tie ? nullptr : best;
}

}  // namespace

const char* FieldName(size_t field, Naming naming) {
  const FieldInfo& f = kFields[field];
  return naming == Naming::kTick && f.tick != nullptr ? f.tick : f.column;
}

size_t TickFieldOf(std::string_view key) {
  for (size_t f = 0; f < kFieldCount; ++f) {
    if (kFields[f].tick != nullptr && key == kFields[f].tick) return f;
  }
  return kFieldCount;
}

size_t ColumnFieldOf(std::string_view name) {
  for (size_t f = 0; f < kFieldCount; ++f) {
    if (name == kFields[f].column) return f;
  }
  return kFieldCount;
}

size_t SuggestedField(std::string_view key, Naming naming) {
  const size_t other = naming == Naming::kTick ? ColumnFieldOf(key) : TickFieldOf(key);
  if (other != kFieldCount) return other;
  const char* names[kFieldCount];
  for (size_t f = 0; f < kFieldCount; ++f) {
    names[f] = naming == Naming::kTick ? kFields[f].tick : kFields[f].column;
  }
  const char* near = NearMiss(key, names, kFieldCount);
  for (size_t f = 0; near != nullptr && f < kFieldCount; ++f) {
    if (names[f] == near) return f;
  }
  return kFieldCount;
}

std::string SuggestField(std::string_view key, Naming naming) {
  const size_t f = SuggestedField(key, naming);
  if (f == kFieldCount) return std::string();
  if (naming == Naming::kTick) {
    if (f == kFieldDate) {
      return "the log derives date from timestamp (the calendar date in the timestamp's own "
             "offset); send only timestamp";
    }
    if (key == kFields[f].column) {
      return fmt::format("did you mean {} (the tick attribute the log stores as {})?", kFields[f].tick,
                         kFields[f].column);
    }
    return fmt::format("did you mean {}?", kFields[f].tick);
  }
  if (kFields[f].tick != nullptr && key == kFields[f].tick) {
    return fmt::format("did you mean {} (the column the log stores tick attribute {} as)?", kFields[f].column,
                       kFields[f].tick);
  }
  return fmt::format("did you mean {}?", kFields[f].column);
}

Status CheckFinite(std::string_view name, double value) {
  if (std::isnan(value)) return Bad(name, "NaN is refused (the log holds finite numbers only)");
  if (std::isinf(value)) {
    return Bad(
        name, fmt::format("{}Infinity is refused (the log holds finite numbers only)", value < 0 ? "-" : ""));
  }
  return Status::OK();
}

Status CheckTimestampRange(std::string_view name, int64_t us) {
  if (us < kMinTimestampUs || us > kMaxTimestampUs) {
    return Bad(name, fmt::format("{} microseconds since 1970 is outside the years 0001..9999 "
                                 "the log holds",
                                 us));
  }
  return Status::OK();
}

bool IsValidUtf8(std::string_view s, size_t* bad_offset) {
  const auto* begin = reinterpret_cast<const unsigned char*>(s.data());
  const auto* p = begin;
  const auto* end = p + s.size();
  auto fail = [&] {
    if (bad_offset) *bad_offset = static_cast<size_t>(p - begin);
    return false;
  };
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return fail();
    }
    if (end - p <= n) return fail();
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return fail();
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return fail();
    p += n + 1;
  }
  return true;
}

Status CheckString(std::string_view name, std::string_view value) {
  if (value.size() > kMaxStringBytes) {
    return Bad(name, fmt::format("{} bytes is longer than the {} bytes the log takes in a string",
                                 value.size(), kMaxStringBytes));
  }
  size_t at = 0;
  if (!IsValidUtf8(value, &at)) {
    return Bad(name, fmt::format("not valid UTF-8 (byte 0x{:02x} at offset {})",
                                 static_cast<unsigned char>(value[at]), at));
  }
  return Status::OK();
}

Status CheckDate(std::string_view name, std::string_view date, int64_t timestamp_us) {
  auto day = ParseDate(date);
  if (!day || date.size() != 10) {
    std::string shown(date.substr(0, 40));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    }
    return Bad(name, fmt::format("\"{}\" is not a date YYYY-MM-DD", shown));
  }
  const int64_t utc_day = FloorDiv(timestamp_us, kMicrosPerDay);
  if (*day < utc_day - 1 || *day > utc_day + 1) {
    return Bad(name, fmt::format("{} is not the calendar date of timestamp {} in any UTC offset",
                                 FormatDate(*day), FormatTimestamp(timestamp_us, 1000000, true)));
  }
  return Status::OK();
}

Result<int64_t> SlotIndexFromFloat(std::string_view name, double d, std::string_view shown) {
  constexpr double k2p53 = 9007199254740992.0;
  if (!std::isfinite(d) || std::trunc(d) != d) {
    return Bad(name, fmt::format("{} is not a whole number", shown));
  }
  if (std::fabs(d) > k2p53) {
    return Bad(name, fmt::format("{} is a float beyond +-2^53 (9007199254740992), where floats "
                                 "no longer hold every integer; write it as an integer",
                                 shown));
  }
  return static_cast<int64_t>(d);
}

Status OutsideInt64(std::string_view name, std::string_view shown) {
  return Bad(name, fmt::format("{} is outside the range of a signed 64-bit integer "
                               "(-9223372036854775808..9223372036854775807)",
                               shown));
}

Status ValidateRecord(const SlotRecord& r, Naming n) {
  BA_RETURN_IF_ERROR(CheckTimestampRange(FieldName(kFieldTimestamp, n), r.timestamp_us));
  BA_RETURN_IF_ERROR(CheckDate(FieldName(kFieldDate, n), r.date, r.timestamp_us));
  BA_RETURN_IF_ERROR(CheckFinite(FieldName(kFieldPlannedOffset, n), r.planned_offset_deg));
  BA_RETURN_IF_ERROR(CheckFinite(FieldName(kFieldActualOffset, n), r.actual_offset_deg));
  BA_RETURN_IF_ERROR(CheckFinite(FieldName(kFieldEnergyCost, n), r.energy_cost_kwh));
  BA_RETURN_IF_ERROR(CheckFinite(FieldName(kFieldBudgetSpent, n), r.budget_spent_kwh));
  BA_RETURN_IF_ERROR(CheckFinite(FieldName(kFieldBudgetRemaining, n), r.budget_remaining_kwh));
  BA_RETURN_IF_ERROR(CheckString(FieldName(kFieldSource, n), r.source));
  BA_RETURN_IF_ERROR(CheckString(FieldName(kFieldStageId, n), r.stage_id));
  return Status::OK();
}

Status ValidateTick(const ControllerTick& t) {
  constexpr Naming n = Naming::kTick;
  if (t.timestamp_us) {
    BA_RETURN_IF_ERROR(CheckTimestampRange(FieldName(kFieldTimestamp, n), *t.timestamp_us));
    if (t.utc_offset_seconds <= -86400 || t.utc_offset_seconds >= 86400) {
      return Bad("timestamp",
                 fmt::format("a UTC offset of {} seconds is not less than a day", t.utc_offset_seconds));
    }
  }
  auto finite = [&](size_t f, const std::optional<double>& v) {
    return v ? CheckFinite(FieldName(f, n), *v) : Status::OK();
  };
  BA_RETURN_IF_ERROR(finite(kFieldPlannedOffset, t.plan_offset_deg));
  BA_RETURN_IF_ERROR(finite(kFieldActualOffset, t.target_angle));
  BA_RETURN_IF_ERROR(finite(kFieldEnergyCost, t.energy_cost_kwh));
  BA_RETURN_IF_ERROR(finite(kFieldBudgetSpent, t.budget_spent_kwh));
  BA_RETURN_IF_ERROR(finite(kFieldBudgetRemaining, t.budget_remaining_kwh));
  if (t.source) BA_RETURN_IF_ERROR(CheckString(FieldName(kFieldSource, n), *t.source));
  if (t.stage_id) BA_RETURN_IF_ERROR(CheckString(FieldName(kFieldStageId, n), *t.stage_id));
  return Status::OK();
}

}  // namespace budget_audit::log
