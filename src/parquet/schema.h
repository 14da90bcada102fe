// The flat view of a Parquet schema: one ColumnDescriptor per leaf, with its
// levels and resolved logical type.
//
// budget-audit reads flat columns: leaves directly under the root that are
// REQUIRED or OPTIONAL. Leaves inside groups or under a REPEATED field are
// listed (so `inspect` can show them and errors can name them) but marked
// nested; reading one is NotSupported naming the field.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "budget_audit/status.h"
#include "parquet/metadata.h"

namespace budget_audit::parquet {

// What a column's values mean, resolved from LogicalType (preferred) or
// ConvertedType. Drives how values print and convert.
enum class ValueKind {
  kBoolean,
  kInt,        // signed/unsigned integer of `int_bits`
  kFloat,      // FLOAT or DOUBLE
  kFloat16,    // FIXED_LEN_BYTE_ARRAY(2) FLOAT16
  kString,     // STRING / UTF8 / ENUM / JSON on BYTE_ARRAY (or FLBA)
  kBinary,     // BYTE_ARRAY / FLBA without annotation (also BSON)
  kDecimal,    // on INT32 / INT64 / BYTE_ARRAY / FLBA
  kDate,       // INT32 days since the epoch
  kTime,       // INT32 millis / INT64 micros or nanos since midnight
  kTimestamp,  // INT64 (unit) or INT96
  kUuid,       // FLBA(16)
  kNull,       // LogicalType UNKNOWN: always null
};

struct ColumnDescriptor {
  std::string name;    // leaf name
  std::string path;    // dotted path from the root
  int leaf_index = 0;  // position among all leaves (= ColumnChunk index)
  Type type = Type::INT32;
  int32_t type_length = 0;
  Repetition repetition = Repetition::REQUIRED;
  int16_t max_def_level = 0;
  int16_t max_rep_level = 0;
  bool nested = false;  // inside a group or repeated: not readable as flat

  ConvertedType converted_type = ConvertedType::NONE;
  LogicalType logical_type;

  // Resolved meaning:
  ValueKind kind = ValueKind::kInt;
  int int_bits = 32;                 // kInt
  bool is_signed = true;             // kInt
  int32_t scale = 0;                 // kDecimal
  int32_t precision = 0;             // kDecimal
  TimeUnit unit = TimeUnit::MICROS;  // kTime, kTimestamp (INT96: NANOS)
  bool utc = false;                  // kTimestamp/kTime: isAdjustedToUTC

  bool optional() const { return repetition == Repetition::OPTIONAL; }
};

class Schema {
 public:
  // Builds the leaf list from the depth-first SchemaElement list of a footer.
  // Corruption if the tree is malformed (children counts overrun, a leaf
  // without a type, FLBA without a positive length, ...).
  static Result<Schema> FromElements(const std::vector<SchemaElement>& elements);

  const std::vector<ColumnDescriptor>& columns() const { return columns_; }
  size_t num_columns() const { return columns_.size(); }
  const ColumnDescriptor& column(size_t i) const { return columns_[i]; }

  // Index of the leaf whose path (or, for flat leaves, name) equals `name`.
  std::optional<size_t> FindColumn(const std::string& name) const;

  // Resolves a projection: empty `names` means every column. Each name must
  // exist (NotFound listing the available names); a nested column selected
  // (explicitly, or implicitly by selecting all) is NotSupported naming it.
  Result<std::vector<size_t>> Project(const std::vector<std::string>& names) const;

 private:
  std::vector<ColumnDescriptor> columns_;
};

// Resolves the meaning of a column from its physical, converted and logical
// types (sets kind/int_bits/scale/... of `col`). Public for the writer.
Status ResolveValueKind(ColumnDescriptor& col);

}  // namespace budget_audit::parquet
