// Rendering of one stored value as text, by its resolved ValueKind: the
// canonical JSON form of `budget-audit cat`, and CSV cells.
//
// JSON forms: integers as numbers (exact, unsigned when the column is
// unsigned); floats in shortest round-trip form, with NaN / Infinity /
// -Infinity as strings; booleans; strings (invalid UTF-8 replaced by U+FFFD);
// timestamps "YYYY-MM-DDTHH:MM:SS[.fraction]" (+ "Z" when UTC-adjusted);
// dates "YYYY-MM-DD"; times "HH:MM:SS[.fraction]"; decimals as strings with
// `scale` digits after the point; UUIDs 8-4-4-4-12; FLOAT16 as a number;
// other binary as standard base64.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parquet/schema.h"
#include "parquet/types.h"

namespace budget_audit::parquet {

enum class TextStyle { kJson, kCsv };

// Appends the value at dense index `vi` of `values` (a column described by
// `col`) to `out`. For kCsv, strings are quoted only when needed.
void AppendValue(const ColumnDescriptor& col, const ColumnVector& values, size_t vi, TextStyle style,
                 std::string& out);

// Helpers, public for tests and other formats.
void AppendJsonString(std::string_view s, std::string& out);
std::string Base64Encode(std::string_view bytes);
// Decimal text of a big-endian two's-complement integer with `scale`.
std::string DecimalFromBigEndian(const uint8_t* data, size_t len, int32_t scale);
std::string DecimalFromInt(int64_t v, int32_t scale);
float HalfToFloat(uint16_t h);
// Shortest round-trip text of a double/float ("NaN", "Infinity", "-Infinity"
// for the non-finite values, unquoted).
std::string FormatDouble(double v);
std::string FormatFloat(float v);
// INT96 (8-byte LE signed nanos of day, 4-byte LE signed Julian day) as
// Spark reads it: microseconds since the epoch computed in int64 with
// wrap-around, plus the sub-microsecond nanoseconds (0..999).
struct Int96Time {
  int64_t micros;
  int32_t sub_micro_nanos;
};
Int96Time Int96ToTime(const uint8_t* p);
// Nanoseconds since the epoch, if the instant fits an int64 (years
// 1677..2262).
std::optional<int64_t> Int96ToNanos(const uint8_t* p);

}  // namespace budget_audit::parquet
