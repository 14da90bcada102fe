#include "parquet/schema.h"

#include <fmt/format.h>

namespace budget_audit::parquet {
namespace {

constexpr int kMaxSchemaDepth = 64;

struct Builder {
  const std::vector<SchemaElement>& elements;
  std::vector<ColumnDescriptor>& out;
  size_t pos = 0;

  // Visits element `pos` (and its subtree).
  Status Visit(int depth, const std::string& parent_path, int16_t def, int16_t rep, bool nested) {
    if (depth > kMaxSchemaDepth) return Status::Corruption("schema nested too deeply");
    if (pos >= elements.size()) {
      return Status::Corruption("schema: children counts exceed the number of elements");
    }
    const SchemaElement& e = elements[pos++];
    std::string path = parent_path.empty() ? e.name : parent_path + "." + e.name;
    Repetition r = e.repetition.value_or(Repetition::REQUIRED);
    if (r == Repetition::OPTIONAL) ++def;
    if (r == Repetition::REPEATED) {
      ++def;
      ++rep;
      nested = true;
    }
    if (e.num_children < 0) {
      return Status::Corruption(fmt::format("schema: field '{}' has a negative child count", path));
    }
    if (e.num_children > 0 || !e.type.has_value()) {
      if (e.num_children == 0) {
        return Status::Corruption(fmt::format("schema: field '{}' has neither a type nor children", path));
      }
      for (int32_t i = 0; i < e.num_children; ++i) {
        BA_RETURN_IF_ERROR(Visit(depth + 1, path, def, rep, true));
      }
      return Status::OK();
    }
    ColumnDescriptor c;
    c.name = e.name;
    c.path = path;
    c.leaf_index = static_cast<int>(out.size());
    c.type = *e.type;
    c.type_length = e.type_length;
    c.repetition = r;
    c.max_def_level = def;
    c.max_rep_level = rep;
    c.nested = nested;
    c.converted_type = e.converted_type;
    c.logical_type = e.logical_type;
    c.scale = e.scale;
    c.precision = e.precision;
    if (c.type == Type::FIXED_LEN_BYTE_ARRAY && c.type_length <= 0) {
      return Status::Corruption(
          fmt::format("schema: FIXED_LEN_BYTE_ARRAY column '{}' has type_length {}", path, c.type_length));
    }
    if (c.type == Type::INT96) c.type_length = 12;
    BA_RETURN_IF_ERROR(ResolveValueKind(c));
    out.push_back(std::move(c));
    return Status::OK();
  }
};

bool IsIntegral(Type t) { return t == Type::INT32 || t == Type::INT64; }

}  // namespace

Status ResolveValueKind(ColumnDescriptor& c) {
  const LogicalType& lt = c.logical_type;
  const Type t = c.type;
  auto physical_default = [&]() {
    switch (t) {
      case Type::BOOLEAN: c.kind = ValueKind::kBoolean; break;
      case Type::INT32:
        c.kind = ValueKind::kInt;
        c.int_bits = 32;
        c.is_signed = true;
        break;
      case Type::INT64:
        c.kind = ValueKind::kInt;
        c.int_bits = 64;
        c.is_signed = true;
        break;
      case Type::INT96:
        c.kind = ValueKind::kTimestamp;
        c.unit = TimeUnit::NANOS;
        c.utc = false;
        break;
      case Type::FLOAT:
      case Type::DOUBLE: c.kind = ValueKind::kFloat; break;
      case Type::BYTE_ARRAY:
      case Type::FIXED_LEN_BYTE_ARRAY: c.kind = ValueKind::kBinary; break;
    }
  };
  physical_default();
  bool is_bytes = t == Type::BYTE_ARRAY || t == Type::FIXED_LEN_BYTE_ARRAY;
  using K = LogicalType::Kind;
  // A LogicalType that does not fit the physical type is ignored (read as
  // the physical type), as Arrow does for unknown annotations.
  switch (lt.kind) {
    case K::STRING:
    case K::ENUM:
    case K::JSON:
      if (is_bytes) c.kind = ValueKind::kString;
      return Status::OK();
    case K::BSON: return Status::OK();
    case K::UUID:
      if (t == Type::FIXED_LEN_BYTE_ARRAY && c.type_length == 16) c.kind = ValueKind::kUuid;
      return Status::OK();
    case K::FLOAT16:
      if (t == Type::FIXED_LEN_BYTE_ARRAY && c.type_length == 2) c.kind = ValueKind::kFloat16;
      return Status::OK();
    case K::DECIMAL:
      if (IsIntegral(t) || is_bytes) {
        c.kind = ValueKind::kDecimal;
        c.scale = lt.decimal_scale;
        c.precision = lt.decimal_precision;
      }
      return Status::OK();
    case K::DATE:
      if (t == Type::INT32) c.kind = ValueKind::kDate;
      return Status::OK();
    case K::TIME:
      if ((t == Type::INT32 && lt.unit == TimeUnit::MILLIS) ||
          (t == Type::INT64 && lt.unit != TimeUnit::MILLIS)) {
        c.kind = ValueKind::kTime;
        c.unit = lt.unit;
        c.utc = lt.is_adjusted_to_utc;
      }
      return Status::OK();
    case K::TIMESTAMP:
      if (t == Type::INT64) {
        c.kind = ValueKind::kTimestamp;
        c.unit = lt.unit;
        c.utc = lt.is_adjusted_to_utc;
      }
      return Status::OK();
    case K::INTEGER:
      if (IsIntegral(t) &&
          (lt.bit_width == 8 || lt.bit_width == 16 || lt.bit_width == 32 || lt.bit_width == 64)) {
        c.kind = ValueKind::kInt;
        c.int_bits = lt.bit_width;
        c.is_signed = lt.is_signed;
      }
      return Status::OK();
    case K::UNKNOWN: c.kind = ValueKind::kNull; return Status::OK();
    case K::NONE: break;           // fall back to the ConvertedType below
    default: return Status::OK();  // MAP, LIST, VARIANT, GEO*, unrecognized: physical
  }
  switch (c.converted_type) {
    case ConvertedType::UTF8:
    case ConvertedType::ENUM:
    case ConvertedType::JSON:
      if (is_bytes) c.kind = ValueKind::kString;
      break;
    case ConvertedType::DECIMAL:
      if (IsIntegral(t) || is_bytes) c.kind = ValueKind::kDecimal;
      break;
    case ConvertedType::DATE:
      if (t == Type::INT32) c.kind = ValueKind::kDate;
      break;
    case ConvertedType::TIME_MILLIS:
      if (t == Type::INT32) {
        c.kind = ValueKind::kTime;
        c.unit = TimeUnit::MILLIS;
        c.utc = true;
      }
      break;
    case ConvertedType::TIME_MICROS:
      if (t == Type::INT64) {
        c.kind = ValueKind::kTime;
        c.unit = TimeUnit::MICROS;
        c.utc = true;
      }
      break;
    // The spec defines ConvertedType-only TIMESTAMP_MILLIS/MICROS as
    // UTC-adjusted (Arrow and DuckDB read them tz-naive: parquet-notes trap
    // 21). We follow the spec: the instant is the same either way, and the
    // slot-log fixtures' expected rows (hyparquet) say UTC.
    case ConvertedType::TIMESTAMP_MILLIS:
      if (t == Type::INT64) {
        c.kind = ValueKind::kTimestamp;
        c.unit = TimeUnit::MILLIS;
        c.utc = true;
      }
      break;
    case ConvertedType::TIMESTAMP_MICROS:
      if (t == Type::INT64) {
        c.kind = ValueKind::kTimestamp;
        c.unit = TimeUnit::MICROS;
        c.utc = true;
      }
      break;
    case ConvertedType::UINT_8:
    case ConvertedType::UINT_16:
    case ConvertedType::UINT_32:
    case ConvertedType::UINT_64:
    case ConvertedType::INT_8:
    case ConvertedType::INT_16:
    case ConvertedType::INT_32:
    case ConvertedType::INT_64: {
      if (!IsIntegral(t)) break;
      static constexpr int kBits[] = {8, 16, 32, 64, 8, 16, 32, 64};
      int idx = static_cast<int>(c.converted_type) - static_cast<int>(ConvertedType::UINT_8);
      c.kind = ValueKind::kInt;
      c.int_bits = kBits[idx];
      c.is_signed = idx >= 4;
      break;
    }
    default: break;
  }
  if (c.kind == ValueKind::kDecimal && (c.precision <= 0 || c.scale < 0 || c.scale > c.precision)) {
    // Decimal without a usable precision/scale: read as the physical type.
    physical_default();
  }
  return Status::OK();
}

Result<Schema> Schema::FromElements(const std::vector<SchemaElement>& elements) {
  if (elements.empty()) return Status::Corruption("schema has no elements");
  Schema s;
  Builder b{elements, s.columns_};
  const SchemaElement& root = elements[0];
  b.pos = 1;
  if (root.num_children < 0) return Status::Corruption("schema root has a negative child count");
  for (int32_t i = 0; i < root.num_children; ++i) {
    BA_RETURN_IF_ERROR(b.Visit(1, "", 0, 0, false));
  }
  if (b.pos != elements.size()) {
    return Status::Corruption(
        fmt::format("schema has {} elements but the root's children account for {}", elements.size(), b.pos));
  }
  if (s.columns_.empty()) return Status::Corruption("schema has no columns");
  return s;
}

std::optional<size_t> Schema::FindColumn(const std::string& name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].path == name) return i;
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!columns_[i].nested && columns_[i].name == name) return i;
  }
  return std::nullopt;
}

Result<std::vector<size_t>> Schema::Project(const std::vector<std::string>& names) const {
  std::vector<size_t> out;
  auto check = [&](size_t i) -> Status {
    const ColumnDescriptor& c = columns_[i];
    if (c.nested) {
      return Status::NotSupported(
          fmt::format("column '{}' is nested or repeated; only flat columns can be read "
                      "(select flat columns with --columns)",
                      c.path));
    }
    return Status::OK();
  };
  if (names.empty()) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      BA_RETURN_IF_ERROR(check(i));
      out.push_back(i);
    }
    return out;
  }
  for (const std::string& n : names) {
    auto idx = FindColumn(n);
    if (!idx) {
      std::string avail;
      for (const auto& c : columns_) avail += (avail.empty() ? "" : ", ") + c.path;
      return Status::NotFound(fmt::format("no column '{}' (columns: {})", n, avail));
    }
    BA_RETURN_IF_ERROR(check(*idx));
    out.push_back(*idx);
  }
  return out;
}

}  // namespace budget_audit::parquet
