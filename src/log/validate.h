// The one validation policy for every way a record comes in: the `log`
// command (JSON lines, through ParseTick), `import` (Parquet rows, through
// ImportReader), and the in-process AuditLog::Append / LogSlot (the Python
// and C bindings call those). docs/validation.md is the policy as one table;
// tests/validation/validation_table_test.cc runs that table through every
// way in. Keep the three in step.
//
// Each way in parses its own syntax (JSON text, Parquet values, C++ values)
// and refuses what it alone can see (duplicate JSON keys, a decimal literal
// that overflows a double, a 64-bit unsigned Parquet value beyond int64).
// What every way in can carry is checked here, once:
//
//   timestamp   within 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z
//   date        "YYYY-MM-DD", a real calendar date, and the timestamp's
//               calendar date in some UTC offset (within a day of its UTC
//               date): the Python version took it from the timestamp
//   numbers     finite: NaN and infinities are refused (reports sum them)
//   strings     source, stage_id: valid UTF-8, at most kMaxStringBytes bytes
//               each, so a record's journal frame is always far below the
//               journal's frame limit (kMaxPayloadSize): whatever a writer
//               accepts, every reader and the next writer read
//
// Messages are "field: problem", the field named as the caller knows it:
// the tick attribute (plan_offset_deg) for ticks, the log's column
// (planned_offset_deg) for records and Parquet rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "budget_audit/slot_record.h"
#include "budget_audit/status.h"
#include "log/audit_schema.h"

namespace budget_audit::log {

// The longest source or stage_id, in bytes (of UTF-8).
inline constexpr size_t kMaxStringBytes = 4096;

// The timestamps the log takes: years 0001..9999 (what ISO-8601's four-digit
// years, Python's datetime and pandas' readers all hold).
inline constexpr int64_t kMinTimestampUs = -62135596800000000;  // 0001-01-01T00:00:00Z
inline constexpr int64_t kMaxTimestampUs = 253402300799999999;  // 9999-12-31T23:59:59.999999Z

// The fields (Field, kFields) are the audit schema's (log/audit_schema.h).

// How messages name the fields.
enum class Naming {
  kTick,    // the tick attributes (ParseTick, LogSlot(ControllerTick))
  kColumn,  // the log's columns (Append(SlotRecord), import)
};

// The name of `field` under `naming` (date has no tick attribute: "date").
const char* FieldName(size_t field, Naming naming);

// The tick attribute `key` is (a Field), or kFieldCount.
size_t TickFieldOf(std::string_view key);
// The column `name` is (a Field), or kFieldCount.
size_t ColumnFieldOf(std::string_view name);

// For a key that is not accepted, a hint to the one meant, or "":
//   kTick   (a JSON key): the log's own column name of a field ("did you mean
//           plan_offset_deg (the tick attribute the log stores as
//           planned_offset_deg)?"), `date` (derived, not sent), or a near miss
//           of a tick attribute (edit distance <= 2, <= 1 for names shorter
//           than 8 bytes, or equal ignoring case).
//   kColumn (a Parquet column): a tick attribute's name of a field, or a near
//           miss of a column name.
// The text starts with a lowercase word and has no leading separator.
std::string SuggestField(std::string_view key, Naming naming);
// The field SuggestField points `key` to (kFieldCount: none).
size_t SuggestedField(std::string_view key, Naming naming);

// The checks, one value at a time (`name` is the field as the caller names it).
Status CheckFinite(std::string_view name, double value);
Status CheckTimestampRange(std::string_view name, int64_t timestamp_us);
// Valid UTF-8 (the offset of the first bad byte named) and at most
// kMaxStringBytes bytes.
Status CheckString(std::string_view name, std::string_view value);
// True if `s` is well-formed UTF-8 (no overlongs, surrogates or values
// beyond U+10FFFF); otherwise `*bad_offset` is the first bad byte's offset.
bool IsValidUtf8(std::string_view s, size_t* bad_offset = nullptr);
// `date` is YYYY-MM-DD and within a day of `timestamp_us`'s UTC date.
Status CheckDate(std::string_view name, std::string_view date, int64_t timestamp_us);

// slot_index from a number held as a float (JSON 18.0 or 1e3; a Parquet
// FLOAT or DOUBLE column, which pandas makes of an int column with gaps): a
// whole value within +-2^53, beyond which a float no longer holds every
// integer. `shown` is the value as the input wrote it, for the message.
Result<int64_t> SlotIndexFromFloat(std::string_view name, double value, std::string_view shown);
// "X is outside the range of a signed 64-bit integer (...)", for an integer
// written beyond int64.
Status OutsideInt64(std::string_view name, std::string_view shown);

// Every check above on every field of `record`.
Status ValidateRecord(const SlotRecord& record, Naming naming = Naming::kColumn);

// The same on what a tick gives (absent fields take their defaults, which
// pass): timestamp range and UTC offset (less than a day), finite numbers,
// strings. Named as tick attributes.
Status ValidateTick(const ControllerTick& tick);

}  // namespace budget_audit::log
