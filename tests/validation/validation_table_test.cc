// The validation policy (docs/validation.md) as one table of cases, run
// through every way a record comes in:
//
//   ViaLogCommand  the `budget-audit log` command: the case as one JSON line
//   ViaImport      import: the case as a Parquet file (parquet::FileWriter),
//                  through Importer into an AuditLog
//   ViaLogSlot     in process: the case as a ControllerTick, through
//                  AuditLog::LogSlot
//
// Each case gives the tick's fields once; each way in renders them in its
// own syntax. What a way in cannot express (duplicate keys in Parquet, a
// 1e-400 literal as a double, a uint64 in a ControllerTick) is marked
// "n/a" with the reason; where a way in gives another outcome on purpose
// (a Parquet file may carry extra columns; LogSlot's missing timestamp is
// "now"), the case says so and why. An accepted case checks the record read
// back from the log, bit for bit; a refused case checks the message names
// the field (as that way in names it) and holds the fragment, and that the
// log holds nothing.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "../cli/run_cli.h"
#include "budget_audit/audit_log.h"
#include "budget_audit/log_reader.h"
#include "log/importer.h"
#include "log/record.h"
#include "log/validate.h"
#include "parquet/file_writer.h"
#include "util/civil_time.h"

namespace budget_audit::log {
namespace {

namespace fs = std::filesystem;
using parquet::ColumnSpec;
using parquet::ColumnVector;
using parquet::TimeUnit;
using parquet::Type;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------------------
// The table's vocabulary.

// One field's value.
struct V {
  enum Kind { kNull, kInt, kUInt, kDouble, kBool, kStr, kRaw } kind = kNull;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  bool b = false;
  std::string s;                 // kStr: the bytes; kRaw: the JSON text
  std::optional<double> binary;  // kRaw: the same value as a double, if a double holds it
};
V Null() { return V{}; }
V Int(int64_t i) {
  V v;
  v.kind = V::kInt;
  v.i = i;
  return v;
}
V UInt(uint64_t u) {
  V v;
  v.kind = V::kUInt;
  v.u = u;
  return v;
}
V Dbl(double d) {
  V v;
  v.kind = V::kDouble;
  v.d = d;
  return v;
}
V Bool(bool b) {
  V v;
  v.kind = V::kBool;
  v.b = b;
  return v;
}
V Str(std::string s) {
  V v;
  v.kind = V::kStr;
  v.s = std::move(s);
  return v;
}
// A JSON token; `binary`: what Parquet and C++ hold for it (none: n/a there).
V Raw(std::string json, std::optional<double> binary = std::nullopt) {
  V v;
  v.kind = V::kRaw;
  v.s = std::move(json);
  v.binary = binary;
  return v;
}

struct Outcome {
  bool accepted = false;
  SlotRecord record;     // accepted
  std::string field;     // refused: the tick attribute or key the message names
  std::string fragment;  // refused: a part of the message
};
Outcome Ok(SlotRecord r) { return {true, std::move(r), "", ""}; }
Outcome Refused(std::string field, std::string fragment) {
  return {false, {}, std::move(field), std::move(fragment)};
}

// How one way in departs from the case's outcome.
struct Way {
  enum Mode { kSame, kNotExpressible, kOther } mode = kSame;
  std::string why;
  Outcome outcome;
};
Way NA(std::string why) { return {Way::kNotExpressible, std::move(why), {}}; }
Way Other(Outcome o, std::string why) { return {Way::kOther, std::move(why), std::move(o)}; }

inline const std::string kMissing = "<missing>";
inline const std::string kNullTs = "<null>";

using Fields = std::vector<std::pair<std::string, V>>;

struct Case {
  Case(std::string n, std::string ts, Fields f, Outcome o, Way imp = {}, Way slot = {}, std::string line = "")
      : name(std::move(n)),
        timestamp(std::move(ts)),
        fields(std::move(f)),
        outcome(std::move(o)),
        import(std::move(imp)),
        logslot(std::move(slot)),
        json_line(std::move(line)) {}
  std::string name;
  std::string timestamp;  // ISO-8601 text, kMissing or kNullTs
  Fields fields;          // tick attribute (or any key) -> value
  Outcome outcome;
  Way import, logslot;
  std::string json_line;  // set: the JSON line itself (syntax only JSON has)
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

constexpr int64_t kT = 1780114500000000;  // 2026-05-30T04:15:00Z = 06:15+02:00
const char* const kTs = "2026-05-30T06:15:00+02:00";

SlotRecord At(int64_t us, std::string date) {
  SlotRecord r;
  r.timestamp_us = us;
  r.date = std::move(date);
  return r;
}
SlotRecord Base() { return At(kT, "2026-05-30"); }
template <typename F>
SlotRecord With(F f) {
  SlotRecord r = Base();
  f(r);
  return r;
}

// ---------------------------------------------------------------------------
// THE TABLE. docs/validation.md describes the same policy row by row.

std::vector<Case> Cases() {
  const std::string big(1 << 20, 'x');  // 1 MiB: the journal's frame limit
  const std::string limit(kMaxStringBytes, 'y');
  const Way no_keys_in_cpp = NA("a ControllerTick has only the ten attributes");
  const Way binary_double = NA("a double cannot hold this decimal literal");
  const Way typed_cpp = NA("a ControllerTick's members are typed");
  return {
      // Fields and defaults.
      {"every_field",
       kTs,
       {{"slot_index", Int(18)},
        {"plan_offset_deg", Dbl(-3.88)},
        {"target_angle", Dbl(-4.24)},
        {"energy_cost_kwh", Dbl(3.434625)},
        {"budget_spent_kwh", Dbl(3.434625)},
        {"budget_remaining_kwh", Dbl(4996.565375)},
        {"live_gate_passed", Bool(true)},
        {"source", Str("fallback")},
        {"stage_id", Str("budbreak")}},
       Ok(With([](SlotRecord& r) {
         r.slot_index = 18;
         r.planned_offset_deg = -3.88;
         r.actual_offset_deg = -4.24;
         r.energy_cost_kwh = 3.434625;
         r.budget_spent_kwh = 3.434625;
         r.budget_remaining_kwh = 4996.565375;
         r.gate_passed = true;
         r.source = "fallback";
         r.stage_id = "budbreak";
       }))},
      {"only_a_timestamp_gives_the_python_defaults", kTs, {}, Ok(Base())},
      {"null_is_missing",
       kTs,
       {{"slot_index", Null()},
        {"plan_offset_deg", Null()},
        {"target_angle", Null()},
        {"energy_cost_kwh", Null()},
        {"budget_spent_kwh", Null()},
        {"budget_remaining_kwh", Null()},
        {"live_gate_passed", Null()},
        {"source", Null()},
        {"stage_id", Null()}},
       Ok(Base())},

      // Timestamps.
      {"timestamp_missing",
       kMissing,
       {{"slot_index", Int(1)}},
       Refused("timestamp", "timestamp: missing (the CLI needs each tick's own time"),
       Other(Refused("timestamp", "no 'timestamp' column"), "import refuses the whole file"),
       Other(Ok(With([](SlotRecord& r) { r.slot_index = 1; })),
             "in process the Python version's default: now (the record's timestamp is checked "
             "against the clock)")},
      {"empty_object",
       kMissing,
       {},
       Refused("timestamp", "missing"),
       NA("a Parquet file has at least one column (the case above)"),
       Other(Ok(Base()), "now, as above")},
      {"timestamp_null",
       kNullTs,
       {},
       Refused("timestamp", "timestamp: null"),
       {},
       NA("std::nullopt is a missing timestamp (now)")},
      {"timestamp_utc_z", "2026-05-30T04:15:00Z", {}, Ok(Base())},
      {"timestamp_naive_is_utc", "2026-05-30T04:15:00", {}, Ok(Base())},
      {"date_in_the_ticks_own_offset",
       "2026-05-30T23:30:00-05:00",
       {},
       Ok(At(1780201800000000, "2026-05-30"))},
      {"timestamp_microseconds", "2026-05-30T04:15:00.123456Z", {}, Ok(At(kT + 123456, "2026-05-30"))},
      {"timestamp_zero_nanoseconds_are_exact",
       "2026-05-30T04:15:00.123456000Z",
       {},
       Ok(At(kT + 123456, "2026-05-30"))},
      {"timestamp_sub_microsecond_refused",
       "2026-05-30T04:15:00.123456789Z",
       {},
       Refused("timestamp", "sub-microsecond digits"),
       {},
       NA("timestamp_us is whole microseconds")},
      {"timestamp_year_0000_refused", "0000-12-31T00:00:00Z", {}, Refused("timestamp", "0001..9999")},
      {"timestamp_year_0000_in_utc_refused",
       "0001-01-01T00:30:00+01:00",
       {},
       Refused("timestamp", "0001..9999")},
      {"timestamp_year_1", "0001-01-01T00:00:00Z", {}, Ok(At(kMinTimestampUs, "0001-01-01"))},
      {"timestamp_year_9999", "9999-12-31T23:59:59.999999Z", {}, Ok(At(kMaxTimestampUs, "9999-12-31"))},

      // slot_index.
      {"slot_index_int64_max", kTs, {{"slot_index", Int(INT64_MAX)}}, Ok(With([](SlotRecord& r) {
         r.slot_index = INT64_MAX;
       }))},
      {"slot_index_int64_min", kTs, {{"slot_index", Int(INT64_MIN)}}, Ok(With([](SlotRecord& r) {
         r.slot_index = INT64_MIN;
       }))},
      {"slot_index_2_64_minus_1_refused",
       kTs,
       {{"slot_index", UInt(UINT64_MAX)}},
       Refused("slot_index", "18446744073709551615 is outside the range of a signed 64-bit"),
       {},
       typed_cpp},
      {"slot_index_2_63_refused",
       kTs,
       {{"slot_index", UInt(uint64_t{1} << 63)}},
       Refused("slot_index", "9223372036854775808 is outside the range"),
       {},
       typed_cpp},
      {"slot_index_whole_float",
       kTs,
       {{"slot_index", Raw("18.0", 18.0)}},
       Ok(With([](SlotRecord& r) { r.slot_index = 18; })),
       {},
       NA("a ControllerTick's slot_index is an int64")},
      {"slot_index_fraction_refused",
       kTs,
       {{"slot_index", Raw("1.5", 1.5)}},
       Refused("slot_index", "1.5 is not a whole number"),
       {},
       typed_cpp},
      {"slot_index_float_beyond_2_53_refused",
       kTs,
       {{"slot_index", Raw("9007199254740994.0", 9007199254740994.0)}},
       Refused("slot_index", "beyond +-2^53"),
       {},
       typed_cpp},
      {"slot_index_string_refused",
       kTs,
       {{"slot_index", Str("18")}},
       Refused("slot_index", "must be an integer"),
       Other(Refused("slot_index", "expected an integer"), "a column's type refuses the file"),
       typed_cpp},

      // Numbers.
      {"number_nan_refused",
       kTs,
       {{"energy_cost_kwh", Raw("NaN", kNaN)}},
       Refused("energy_cost_kwh", "NaN is refused")},
      {"number_infinity_refused",
       kTs,
       {{"plan_offset_deg", Raw("Infinity", kInf)}},
       Refused("plan_offset_deg", "Infinity is refused")},
      {"number_minus_infinity_refused",
       kTs,
       {{"target_angle", Raw("-Infinity", -kInf)}},
       Refused("target_angle", "-Infinity is refused")},
      {"number_overflow_refused",
       kTs,
       {{"energy_cost_kwh", Raw("1e400")}},
       Refused("energy_cost_kwh", "1e400 overflows a double"),
       binary_double,
       binary_double},
      {"number_underflow_refused",
       kTs,
       {{"energy_cost_kwh", Raw("1e-400")}},
       Refused("energy_cost_kwh", "1e-400 underflows a double"),
       binary_double,
       binary_double},
      // A subnormal written as its own shortest form (Python's json.dumps of
      // 5e-324) is that double exactly; more digits than it keeps are not.
      {"number_subnormal_shortest_kept",
       kTs,
       {{"budget_spent_kwh", Raw("5e-324", 5e-324)}},
       Ok(With([](SlotRecord& r) { r.budget_spent_kwh = 5e-324; }))},
      {"number_subnormal_with_lost_digits_refused",
       kTs,
       {{"budget_spent_kwh", Raw("1.2345678901234567e-320")}},
       Refused("budget_spent_kwh", "underflows a double (to the subnormal 1.2347e-320)"),
       binary_double,
       binary_double},
      {"number_largest_double", kTs, {{"energy_cost_kwh", Dbl(1e308)}}, Ok(With([](SlotRecord& r) {
         r.energy_cost_kwh = 1e308;
       }))},
      {"number_negative_zero_kept", kTs, {{"energy_cost_kwh", Raw("-0.0", -0.0)}}, Ok(With([](SlotRecord& r) {
         r.energy_cost_kwh = -0.0;
       }))},
      {"number_rounds_to_nearest",
       kTs,
       {{"target_angle", Raw("0.1000000000000000055511151231257827", 0.1)}},
       Ok(With([](SlotRecord& r) { r.actual_offset_deg = 0.1; }))},
      {"number_integer_literal",
       kTs,
       {{"budget_remaining_kwh", Int(9007199254740993)}},
       Ok(With([](SlotRecord& r) { r.budget_remaining_kwh = 9007199254740992.0; }))},
      {"number_string_refused",
       kTs,
       {{"energy_cost_kwh", Str("3")}},
       Refused("energy_cost_kwh", "must be a number"),
       Other(Refused("energy_cost_kwh", "expected a number"), "a column's type refuses the file"),
       typed_cpp},
      {"gate_number_refused",
       kTs,
       {{"live_gate_passed", Int(1)}},
       Refused("live_gate_passed", "must be true or false"),
       Other(Refused("live_gate_passed", "expected a BOOLEAN"), "a column's type refuses the file"),
       typed_cpp},

      // Strings.
      {"string_at_the_limit", kTs, {{"source", Str(limit)}}, Ok(With([&](SlotRecord& r) {
         r.source = limit;
       }))},
      {"string_over_the_limit_refused",
       kTs,
       {{"stage_id", Str(limit + "y")}},
       Refused("stage_id", "4097 bytes is longer than the 4096 bytes")},
      {"string_of_a_mebibyte_refused",
       kTs,
       {{"source", Str(big)}},
       Refused("source", "1048576 bytes is longer than the 4096 bytes")},
      {"string_not_utf8_refused",
       kTs,
       {{"source", Str("ab\xff")}},
       Refused("source", "not valid UTF-8 (byte 0xff at offset 2)")},
      {"string_overlong_utf8_refused",
       kTs,
       {{"stage_id", Str("\xc0\xaf")}},
       Refused("stage_id", "not valid UTF-8")},
      {"string_unicode",
       kTs,
       {{"source", Str("d\xc3\xa9j\xc3\xa0 \xe2\x98\x80 \xf0\x9d\x84\x9e")}},
       Ok(With([](SlotRecord& r) { r.source = "d\xc3\xa9j\xc3\xa0 \xe2\x98\x80 \xf0\x9d\x84\x9e"; }))},
      {"string_escapes",
       kTs,
       {},
       Ok(With([](SlotRecord& r) { r.source = "\xc3\x9c\xf0\x9d\x84\x9e\n\"\\"; })),
       NA("JSON escapes"),
       NA("JSON escapes"),
       R"({"timestamp":"2026-05-30T06:15:00+02:00","source":"\u00dc\ud834\udd1e\n\"\\"})"},
      {"string_lone_surrogate_refused",
       kTs,
       {},
       Refused("source", "a lone UTF-16 surrogate \\ud800"),
       NA("JSON escapes"),
       NA("JSON escapes"),
       R"({"timestamp":"2026-05-30T06:15:00+02:00","source":"\ud800"})"},

      // Keys.
      {"key_misspelt_refused",
       kTs,
       {{"energy_cost_kw", Dbl(1.5)}},
       Refused("energy_cost_kw", "did you mean energy_cost_kwh?"),
       Other(Refused("energy_cost_kw", "did you mean energy_cost_kwh?"),
             "a near-miss column with the field's own missing refuses the file"),
       no_keys_in_cpp},
      {"key_case_refused",
       kTs,
       {{"Source", Str("plan")}},
       Refused("Source", "did you mean source?"),
       Other(Refused("Source", "did you mean source?"), "as above"),
       no_keys_in_cpp},
      {"key_log_column_name_refused",
       kTs,
       {{"planned_offset_deg", Dbl(2.5)}},
       Refused("planned_offset_deg",
               "did you mean plan_offset_deg (the tick attribute the log stores as "
               "planned_offset_deg)?"),
       Other(Ok(With([](SlotRecord& r) { r.planned_offset_deg = 2.5; })),
             "in a Parquet file it is the log's own column"),
       no_keys_in_cpp},
      {"key_gate_passed_refused",
       kTs,
       {{"gate_passed", Bool(true)}},
       Refused("gate_passed", "did you mean live_gate_passed"),
       Other(Ok(With([](SlotRecord& r) { r.gate_passed = true; })),
             "in a Parquet file it is the log's own column"),
       no_keys_in_cpp},
      {"key_date_refused",
       kTs,
       {{"date", Str("2026-05-30")}},
       Refused("date", "derives date from timestamp"),
       Other(Ok(Base()), "a Parquet file's date column, agreeing with the timestamp"),
       no_keys_in_cpp},
      {"key_date_disagreeing_refused",
       kTs,
       {{"date", Str("2026-06-02")}},
       Refused("date", "derives date from timestamp"),
       Other(Refused("date", "2026-06-02 is not the calendar date of timestamp"),
             "a Parquet file's date column must agree with the timestamp"),
       no_keys_in_cpp},
      {"key_unknown_refused",
       kTs,
       {{"note", Str("hello")}},
       Refused("note", "not a tick attribute the log keeps"),
       Other(Ok(Base()), "a Parquet file may carry more columns: ignored and reported"),
       no_keys_in_cpp},
      {"key_given_twice_refused",
       kTs,
       {},
       Refused("source", "source: given twice"),
       NA("a file's duplicate column is refused at open, another case"),
       NA("C++ members"),
       R"({"timestamp":"2026-05-30T06:15:00+02:00","source":"a","source":"b"})"},
      {"timestamp_given_twice_refused",
       kTs,
       {},
       Refused("timestamp", "timestamp: given twice"),
       NA("as above"),
       NA("C++ members"),
       R"({"timestamp":"2026-05-30T06:15:00+02:00","timestamp":"2026-05-30T06:15:00.000001+02:00"})"},

      // Not a tick at all.
      {"not_an_object_refused",
       kTs,
       {},
       Refused("", "a tick must be a JSON object"),
       NA("JSON syntax"),
       NA("JSON syntax"),
       "[1]"},
      {"not_json_refused",
       kTs,
       {},
       Refused("", "not valid JSON at byte"),
       NA("JSON syntax"),
       NA("JSON syntax"),
       R"({"timestamp":"2026-05-30T06:15:00+02:00")"},
  };
}

// ---------------------------------------------------------------------------
// Rendering a case for each way in.

struct IsoParts {
  int64_t ns = 0;  // since the epoch, UTC (naive: as UTC)
  int64_t us = 0;  // floor
  int32_t offset_s = 0;
  bool has_offset = false;
  int digits = 0;  // fraction digits
  std::string local_date;
};

// A small ISO-8601 reader of the test's own (not the code under test):
// YYYY-MM-DDTHH:MM:SS[.f{1,9}][Z|+-HH:MM].
IsoParts Iso(const std::string& s) {
  IsoParts p;
  auto num = [&](size_t pos, size_t len) { return std::stoll(s.substr(pos, len)); };
  const int64_t days =
      DaysFromCivil(num(0, 4), static_cast<unsigned>(num(5, 2)), static_cast<unsigned>(num(8, 2)));
  p.local_date = s.substr(0, 10);
  int64_t local_s = days * 86400 + num(11, 2) * 3600 + num(14, 2) * 60 + num(17, 2);
  size_t pos = 19;
  int64_t frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      frac_ns = frac_ns * 10 + (s[pos] - '0');
      ++p.digits;
      ++pos;
    }
    for (int d = p.digits; d < 9; ++d) frac_ns *= 10;
  }
  if (pos < s.size()) {
    p.has_offset = true;
    if (s[pos] != 'Z') {
      const int sign = s[pos] == '-' ? -1 : 1;
      p.offset_s = static_cast<int32_t>(sign * (num(pos + 1, 2) * 3600 + num(pos + 4, 2) * 60));
    }
  }
  const int64_t utc_s = local_s - p.offset_s;
  p.us = utc_s * 1000000 + frac_ns / 1000;
  p.ns = p.digits > 6 ? utc_s * 1000000000 + frac_ns : 0;
  return p;
}

void AppendJsonString(std::string_view s, std::string& out) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
    } else {
      out += c;  // bytes >= 0x80 as they are (invalid UTF-8 included)
    }
  }
  out += '"';
}

std::string JsonLine(const Case& c) {
  if (!c.json_line.empty()) return c.json_line;
  std::string out = "{";
  bool first = true;
  auto key = [&](std::string_view k) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(k, out);
    out += ':';
  };
  if (c.timestamp == kNullTs) {
    key("timestamp");
    out += "null";
  } else if (c.timestamp != kMissing) {
    key("timestamp");
    AppendJsonString(c.timestamp, out);
  }
  for (const auto& [k, v] : c.fields) {
    key(k);
    switch (v.kind) {
      case V::kNull: out += "null"; break;
      case V::kInt: out += fmt::format("{}", v.i); break;
      case V::kUInt: out += fmt::format("{}", v.u); break;
      case V::kDouble: out += fmt::format("{}", v.d); break;  // shortest round trip
      case V::kBool: out += v.b ? "true" : "false"; break;
      case V::kStr: AppendJsonString(v.s, out); break;
      case V::kRaw: out += v.s; break;
    }
  }
  return out + "}";
}

template <typename T>
ColumnVector Column(Type type, std::optional<T> x) {
  ColumnVector v;
  v.type = type;
  if (type == Type::BYTE_ARRAY) v.offsets = {0};
  v.defined.push_back(x ? 1 : 0);
  if (x) {
    if constexpr (std::is_same_v<T, bool>) {
      v.bools.push_back(*x ? 1 : 0);
    } else if constexpr (std::is_same_v<T, int64_t>) {
      v.i64.push_back(*x);
    } else if constexpr (std::is_same_v<T, double>) {
      v.f64.push_back(*x);
    } else {
      v.AppendByteArray(*x);
    }
  }
  return v;
}

ColumnSpec UInt64Column(std::string name) {
  ColumnSpec s = parquet::Int64Column(std::move(name));
  s.logical_type.kind = parquet::LogicalType::Kind::INTEGER;
  s.logical_type.bit_width = 64;
  s.logical_type.is_signed = false;
  s.converted_type = parquet::ConvertedType::UINT_64;
  return s;
}

// The case as a one-row Parquet file's bytes, or the reason it cannot be one.
std::optional<std::vector<uint8_t>> ParquetFile(const Case& c) {
  std::vector<ColumnSpec> specs;
  std::vector<ColumnVector> cols;
  auto add = [&](ColumnSpec s, ColumnVector v) {
    specs.push_back(std::move(s));
    cols.push_back(std::move(v));
  };
  bool has_date = false;
  for (const auto& [k, v] : c.fields) has_date = has_date || k == "date";
  if (c.timestamp == kNullTs) {
    add(parquet::TimestampColumn("timestamp", TimeUnit::MICROS, true),
        Column<int64_t>(Type::INT64, std::nullopt));
  } else if (c.timestamp != kMissing) {
    const IsoParts p = Iso(c.timestamp);
    if (p.digits > 6) {
      add(parquet::TimestampColumn("timestamp", TimeUnit::NANOS, p.has_offset),
          Column<int64_t>(Type::INT64, p.ns));
    } else {
      add(parquet::TimestampColumn("timestamp", TimeUnit::MICROS, p.has_offset),
          Column<int64_t>(Type::INT64, p.us));
    }
    // As the Python version's files have it: the date in the tick's offset.
    if (!has_date) {
      add(parquet::StringColumn("date"), Column<std::string>(Type::BYTE_ARRAY, p.local_date));
    }
  }
  for (const auto& [k, v] : c.fields) {
    const size_t f = TickFieldOf(k);
    const std::string name = f == kFieldCount ? k : kFields[f].column;
    switch (v.kind) {
      case V::kNull:
        if (f == kFieldSlotIndex) {
          add(parquet::Int64Column(name), Column<int64_t>(Type::INT64, std::nullopt));
        } else if (f == kFieldGatePassed) {
          add(parquet::BoolColumn(name), Column<bool>(Type::BOOLEAN, std::nullopt));
        } else if (f == kFieldSource || f == kFieldStageId || f == kFieldCount) {
          add(parquet::StringColumn(name), Column<std::string>(Type::BYTE_ARRAY, std::nullopt));
        } else {
          add(parquet::DoubleColumn(name), Column<double>(Type::DOUBLE, std::nullopt));
        }
        break;
      case V::kInt: add(parquet::Int64Column(name), Column<int64_t>(Type::INT64, v.i)); break;
      case V::kUInt: add(UInt64Column(name), Column<int64_t>(Type::INT64, static_cast<int64_t>(v.u))); break;
      case V::kDouble: add(parquet::DoubleColumn(name), Column<double>(Type::DOUBLE, v.d)); break;
      case V::kBool: add(parquet::BoolColumn(name), Column<bool>(Type::BOOLEAN, v.b)); break;
      case V::kStr: add(parquet::StringColumn(name), Column<std::string>(Type::BYTE_ARRAY, v.s)); break;
      case V::kRaw:
        if (!v.binary) return std::nullopt;
        add(parquet::DoubleColumn(name), Column<double>(Type::DOUBLE, *v.binary));
        break;
    }
  }
  auto env = NewMemEnv();
  parquet::WriterOptions wo;
  wo.created_by = "budget-audit validation_table_test";
  auto w = parquet::FileWriter::Open(env.get(), "/f.parquet", specs, wo);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  if (!w.ok()) return std::vector<uint8_t>{};
  if (!specs.empty()) {
    Status s = (*w)->WriteRowGroup(cols);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  auto size = (*w)->Close();
  EXPECT_TRUE(size.ok()) << size.status().ToString();
  auto bytes = env->ReadFileToBytes("/f.parquet");
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::vector<uint8_t>{};
}

// The case as a ControllerTick (no fields beyond the ten, typed values).
ControllerTick Tick(const Case& c) {
  ControllerTick t;
  if (c.timestamp != kMissing && c.timestamp != kNullTs) {
    const IsoParts p = Iso(c.timestamp);
    t.timestamp_us = p.us;
    t.utc_offset_seconds = p.offset_s;
  }
  for (const auto& [k, v] : c.fields) {
    const size_t f = TickFieldOf(k);
    if (v.kind == V::kNull) continue;  // None: the default
    const double d = v.kind == V::kInt   ? static_cast<double>(v.i)
                     : v.kind == V::kRaw ? v.binary.value_or(0)
                                         : v.d;
    switch (f) {
      case kFieldSlotIndex: t.slot_index = v.i; break;
      case kFieldPlannedOffset: t.plan_offset_deg = d; break;
      case kFieldActualOffset: t.target_angle = d; break;
      case kFieldEnergyCost: t.energy_cost_kwh = d; break;
      case kFieldBudgetSpent: t.budget_spent_kwh = d; break;
      case kFieldBudgetRemaining: t.budget_remaining_kwh = d; break;
      case kFieldGatePassed: t.live_gate_passed = v.b; break;
      case kFieldSource: t.source = v.s; break;
      case kFieldStageId: t.stage_id = v.s; break;
      default: break;
    }
  }
  return t;
}

// ---------------------------------------------------------------------------
// Checking an outcome.

std::vector<SlotRecord> ReadBack(const std::string& dir, Env* env) {
  std::vector<SlotRecord> out;
  auto snap = LogSnapshot::Open(dir, env);
  EXPECT_TRUE(snap.ok()) << snap.status().ToString();
  if (!snap.ok()) return out;
  Status s = (*snap)->Scan({}, [&](uint64_t, const SlotRecord& r) {
    out.push_back(r);
    return Status::OK();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// `names_as_columns`: the way in names fields as the log's columns (import).
void Check(const Outcome& want, bool accepted, const std::string& message,
           const std::vector<SlotRecord>& logged, bool names_as_columns,
           std::optional<int64_t> any_timestamp_between_lo = std::nullopt, int64_t hi = 0) {
  if (want.accepted) {
    ASSERT_TRUE(accepted) << message;
    ASSERT_EQ(logged.size(), 1u);
    SlotRecord expected = want.record;
    if (any_timestamp_between_lo) {
      EXPECT_GE(logged[0].timestamp_us, *any_timestamp_between_lo);
      EXPECT_LE(logged[0].timestamp_us, hi);
      expected.timestamp_us = logged[0].timestamp_us;
      expected.date = FormatDate(FloorDiv(logged[0].timestamp_us, 86400000000));
    }
    EXPECT_EQ(logged[0].timestamp_us, expected.timestamp_us);
    EXPECT_TRUE(SameContent(logged[0], expected))
        << "got slot_index " << logged[0].slot_index << " date " << logged[0].date << " source "
        << logged[0].source.substr(0, 40) << " energy " << logged[0].energy_cost_kwh;
    return;
  }
  EXPECT_FALSE(accepted);
  EXPECT_TRUE(logged.empty()) << "a refused case logged " << logged.size() << " records";
  std::string field = want.field;
  if (names_as_columns) {
    if (size_t f = TickFieldOf(field); f != kFieldCount) field = kFields[f].column;
  }
  EXPECT_NE(message.find(field), std::string::npos) << "field '" << field << "' in: " << message;
  EXPECT_NE(message.find(want.fragment), std::string::npos)
      << "fragment '" << want.fragment << "' in: " << message.substr(0, 300);
}

class ValidationTable : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / fmt::format("validation_{}_{}", GetParam().name, ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_P(ValidationTable, ViaLogCommand) {
  const Case& c = GetParam();
  const std::string log = (dir_ / "log").string();
  cli_test::CliRun r = cli_test::RunCli("--log " + log + " log", JsonLine(c) + "\n");
  // Every refusal is "line 1: field: problem" on stderr, exit 1; the log
  // stays readable (and holds nothing).
  if (!c.outcome.accepted) {
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(r.err.rfind("line 1: ", 0), 0u) << r.err.substr(0, 300);
  }
  Check(c.outcome, r.code == 0, r.err, ReadBack(log, Env::Default()), false);
}

TEST_P(ValidationTable, ViaImport) {
  const Case& c = GetParam();
  if (c.import.mode == Way::kNotExpressible) GTEST_SKIP() << "n/a in Parquet: " << c.import.why;
  auto bytes = ParquetFile(c);
  if (!bytes) GTEST_SKIP() << "n/a in Parquet: a DOUBLE cannot hold this literal";
  const Outcome& want = c.import.mode == Way::kOther ? c.import.outcome : c.outcome;
  auto env = NewMemEnv();
  ASSERT_TRUE(env->CreateDir("/in").ok());
  {
    auto f = env->NewWritableFile("/in/case.parquet");
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(*bytes).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  AuditLogOptions o;
  o.env = env.get();
  o.sync = SyncMode::kNone;
  o.seal_policy = SealPolicy::kManual;
  std::string message;
  {
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    Importer importer(log->get(), env.get(), {}, [&](const ImportEvent& e) {
      if (e.kind == ImportEvent::kRefused || e.kind == ImportEvent::kConflict) {
        message += fmt::format("{}: row {}: {}\n", *e.path, e.row, *e.message);
      }
    });
    FileReport rep = importer.ImportFile("/in/case.parquet");
    if (!rep.status.ok()) message += rep.status.message();
    ASSERT_TRUE(importer.log_status().ok()) << importer.log_status().ToString();
    ASSERT_TRUE((*log)->Seal().ok());
    const bool accepted = rep.status.ok() && rep.read.refused == 0 && rep.appended == 1;
    if (!want.accepted && !message.empty()) {
      // import names the file, and the row for a row's problem.
      EXPECT_NE(message.find("/in/case.parquet"), std::string::npos) << message;
    }
    log->reset();
    Check(want, accepted, message, ReadBack("/log", env.get()), true);
  }
}

TEST_P(ValidationTable, ViaLogSlot) {
  const Case& c = GetParam();
  if (c.logslot.mode == Way::kNotExpressible) GTEST_SKIP() << "n/a in C++: " << c.logslot.why;
  for (const auto& [k, v] : c.fields) {
    if (TickFieldOf(k) == kFieldCount) GTEST_SKIP() << "n/a in C++: key " << k;
    if (v.kind == V::kRaw && !v.binary) GTEST_SKIP() << "n/a in C++: a double cannot hold " << v.s;
  }
  if (!c.json_line.empty()) GTEST_SKIP() << "n/a in C++: JSON syntax";
  const Outcome& want = c.logslot.mode == Way::kOther ? c.logslot.outcome : c.outcome;
  auto env = NewMemEnv();
  AuditLogOptions o;
  o.env = env.get();
  auto log = AuditLog::Open("/log", o);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  const int64_t before = env->NowMicros();
  Status s = (*log)->LogSlot(Tick(c));
  const int64_t after = env->NowMicros();
  if (!s.ok()) {
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  }
  EXPECT_EQ((*log)->retry_queue_size(), 0u);  // a refusal is never queued for retry
  log->reset();
  const bool now = c.timestamp == kMissing;
  Check(want, s.ok(), s.message(), ReadBack("/log", env.get()), false,
        now ? std::optional<int64_t>(before) : std::nullopt, after);
}

INSTANTIATE_TEST_SUITE_P(Policy, ValidationTable, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

}  // namespace
}  // namespace budget_audit::log
