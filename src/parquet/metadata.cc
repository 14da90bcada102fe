#include "parquet/metadata.h"

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parquet/thrift_compact.h"

namespace budget_audit::parquet {

namespace {

// ---------------------------------------------------------------------------
// Decoding follows the semantics of the code the Apache Thrift compiler
// generates (which is what Arrow runs), so that we read what Arrow reads:
//   - unknown field ids are skipped, whatever their type;
//   - a known field id with an unexpected wire type is skipped too (a
//     required one is then reported missing);
//   - the element type in a list header is not checked against the IDL (only
//     that it is a valid type), elements are read as the IDL says;
//   - a field that appears twice keeps the last value.
// On top of that: required fields are enforced, enums are range-checked,
// and sizes are capped by ThriftReader.

struct FieldSpec {
  int16_t id;
  CType type;  // kBoolTrue stands for any bool
  std::string_view name;
  bool required;
};

const FieldSpec* FindSpec(std::span<const FieldSpec> spec, int16_t id) {
  for (const FieldSpec& f : spec) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

bool SameType(CType actual, CType expected) {
  return actual == expected || (IsBoolType(actual) && IsBoolType(expected));
}

// "<struct>.<field>: <message>", or "<struct>.<field>[i]: ..." when the
// message comes from a list element.
Status AddContext(const Status& s, std::string_view strct, std::string_view field) {
  const std::string& m = s.message();
  const char* sep = !m.empty() && m[0] == '[' ? "" : ": ";
  return Status(s.code(), fmt::format("{}.{}{}{}", strct, field, sep, m));
}

// Reads one struct. `field(h)` is called for every field whose id is in
// `spec` and whose wire type matches; `other(h)` for the rest (it must
// consume the value). Missing required fields are Corruption naming the
// struct and field, at the offset of the struct's STOP.
template <typename F, typename O>
Status ReadStructWith(ThriftReader& t, std::string_view strct, std::span<const FieldSpec> spec, F&& field,
                      O&& other) {
  BA_RETURN_IF_ERROR(t.BeginStruct());
  uint64_t seen = 0;  // bit per spec entry
  uint64_t stop_at = 0;
  while (true) {
    BA_ASSIGN_OR_RETURN(FieldHeader h, t.ReadFieldHeader());
    if (h.is_stop()) {
      stop_at = h.offset;
      break;
    }
    const FieldSpec* fs = FindSpec(spec, h.id);
    if (fs == nullptr || !SameType(h.type, fs->type)) {
      BA_RETURN_IF_ERROR(other(h));
      continue;
    }
    Status s = field(h);
    if (!s.ok()) return AddContext(s, strct, fs->name);
    seen |= uint64_t{1} << (fs - spec.data());
  }
  t.EndStruct();
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i].required && !(seen & (uint64_t{1} << i))) {
      return ThriftReader::ErrorAt(
          stop_at, fmt::format("{}: required field '{}' ({}) is missing", strct, spec[i].name, spec[i].id));
    }
  }
  return Status::OK();
}

template <typename F>
Status ReadStruct(ThriftReader& t, std::string_view strct, std::span<const FieldSpec> spec, F&& field) {
  return ReadStructWith(t, strct, spec, std::forward<F>(field),
                        [&t](const FieldHeader& h) { return t.Skip(h.type); });
}

// Value readers; the wire type has already been checked.
Status Get(ThriftReader&, const FieldHeader& h, bool* out) {
  *out = h.bool_value();
  return Status::OK();
}
Status Get(ThriftReader& t, const FieldHeader&, int8_t* out) {
  BA_ASSIGN_OR_RETURN(*out, t.ReadI8());
  return Status::OK();
}
Status Get(ThriftReader& t, const FieldHeader&, int16_t* out) {
  BA_ASSIGN_OR_RETURN(*out, t.ReadI16());
  return Status::OK();
}
Status Get(ThriftReader& t, const FieldHeader&, int32_t* out) {
  BA_ASSIGN_OR_RETURN(*out, t.ReadI32());
  return Status::OK();
}
Status Get(ThriftReader& t, const FieldHeader&, int64_t* out) {
  BA_ASSIGN_OR_RETURN(*out, t.ReadI64());
  return Status::OK();
}
Status Get(ThriftReader& t, const FieldHeader&, std::string* out) {
  BA_ASSIGN_OR_RETURN(*out, t.ReadString());
  return Status::OK();
}
template <typename T>
Status Get(ThriftReader& t, const FieldHeader& h, std::optional<T>* out) {
  T v{};
  BA_RETURN_IF_ERROR(Get(t, h, &v));
  *out = std::move(v);
  return Status::OK();
}

// An i32 enum whose valid values are 0..max.
template <typename E>
Result<E> GetEnumValue(ThriftReader& t, int32_t max) {
  const uint64_t at = t.offset();
  BA_ASSIGN_OR_RETURN(int32_t v, t.ReadI32());
  if (v < 0 || v > max) return ThriftReader::ErrorAt(at, fmt::format("unknown value {}", v));
  return static_cast<E>(v);
}
template <typename E>
Status GetEnum(ThriftReader& t, int32_t max, E* out) {
  BA_ASSIGN_OR_RETURN(*out, GetEnumValue<E>(t, max));
  return Status::OK();
}
template <typename E>
Status GetEnum(ThriftReader& t, int32_t max, std::optional<E>* out) {
  BA_ASSIGN_OR_RETURN(*out, GetEnumValue<E>(t, max));
  return Status::OK();
}

constexpr int32_t kMaxType = static_cast<int32_t>(Type::FIXED_LEN_BYTE_ARRAY);
constexpr int32_t kMaxRepetition = static_cast<int32_t>(Repetition::REPEATED);
constexpr int32_t kMaxConvertedType = static_cast<int32_t>(ConvertedType::INTERVAL);
constexpr int32_t kMaxEncoding = static_cast<int32_t>(Encoding::BYTE_STREAM_SPLIT);
constexpr int32_t kMaxCodec = static_cast<int32_t>(Codec::LZ4_RAW);
constexpr int32_t kMaxPageType = static_cast<int32_t>(PageType::DATA_PAGE_V2);

// A list value: calls each(i) for every element; an error inside element i
// gets "[i]" prefixed.
template <typename F>
Status ReadList(ThriftReader& t, F&& each) {
  BA_ASSIGN_OR_RETURN(ListHeader lh, t.ReadListHeader());
  BA_RETURN_IF_ERROR(t.EnterContainer());
  for (uint32_t i = 0; i < lh.size; ++i) {
    Status s = each(i);
    if (!s.ok()) {
      const char* sep = !s.message().empty() && s.message()[0] == '[' ? "" : ": ";
      return Status(s.code(), fmt::format("[{}]{}{}", i, sep, s.message()));
    }
  }
  t.LeaveContainer();
  return Status::OK();
}

// A list of structs decoded by `decode(t, T*)`. Each element is charged
// against the reader's memory budget before it is created.
template <typename T, typename D>
Status ReadStructList(ThriftReader& t, std::vector<T>* out, D&& decode) {
  out->clear();
  return ReadList(t, [&](uint32_t) -> Status {
    BA_RETURN_IF_ERROR(t.Charge(sizeof(T)));
    out->emplace_back();
    return decode(t, &out->back());
  });
}

// Page-header counts and sizes are i32 on the wire; a negative one is never
// valid and would turn into a huge size_t downstream.
Status NonNegative(int32_t v, std::string_view field, uint64_t at) {
  if (v >= 0) return Status::OK();
  return ThriftReader::ErrorAt(at, fmt::format("{} is negative ({})", field, v));
}

// ---------------------------------------------------------------------------
// Struct decoders.

constexpr FieldSpec kStatisticsSpec[] = {
    {1, CType::kBinary, "max", false},
    {2, CType::kBinary, "min", false},
    {3, CType::kI64, "null_count", false},
    {4, CType::kI64, "distinct_count", false},
    {5, CType::kBinary, "max_value", false},
    {6, CType::kBinary, "min_value", false},
    {7, CType::kBoolTrue, "is_max_value_exact", false},
    {8, CType::kBoolTrue, "is_min_value_exact", false},
};

Status DecodeStatistics(ThriftReader& t, Statistics* s) {
  return ReadStruct(t, "Statistics", kStatisticsSpec, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return Get(t, h, &s->max);
      case 2: return Get(t, h, &s->min);
      case 3: return Get(t, h, &s->null_count);
      case 4: return Get(t, h, &s->distinct_count);
      case 5: return Get(t, h, &s->max_value);
      case 6: return Get(t, h, &s->min_value);
      case 7: return Get(t, h, &s->is_max_value_exact);
      default: return Get(t, h, &s->is_min_value_exact);
    }
  });
}

Status DecodeOptionalStatistics(ThriftReader& t, std::optional<Statistics>* out) {
  Statistics s;
  BA_RETURN_IF_ERROR(DecodeStatistics(t, &s));
  *out = std::move(s);
  return Status::OK();
}

// TimeUnit union: MILLIS (1), MICROS (2), NANOS (3), each an empty struct.
// *known is false when the last member present is not one we know (or
// there is none).
constexpr FieldSpec kTimeUnitSpec[] = {
    {1, CType::kStruct, "MILLIS", false},
    {2, CType::kStruct, "MICROS", false},
    {3, CType::kStruct, "NANOS", false},
};

Status DecodeTimeUnit(ThriftReader& t, TimeUnit* unit, bool* known) {
  *known = false;
  return ReadStructWith(
      t, "TimeUnit", kTimeUnitSpec,
      [&](const FieldHeader& h) -> Status {
        BA_RETURN_IF_ERROR(t.Skip(CType::kStruct));
        *unit = static_cast<TimeUnit>(h.id - 1);
        *known = true;
        return Status::OK();
      },
      [&](const FieldHeader& h) {
        *known = false;
        return t.Skip(h.type);
      });
}

// TimeType and TimestampType share a shape. An unknown unit makes the
// logical type UNRECOGNIZED (read as the physical type).
constexpr FieldSpec kTimeLikeSpec[] = {
    {1, CType::kBoolTrue, "isAdjustedToUTC", true},
    {2, CType::kStruct, "unit", true},
};

Status DecodeTimeLike(ThriftReader& t, std::string_view name, LogicalType* lt) {
  bool unit_known = false;
  BA_RETURN_IF_ERROR(ReadStruct(t, name, kTimeLikeSpec, [&](const FieldHeader& h) -> Status {
    if (h.id == 1) return Get(t, h, &lt->is_adjusted_to_utc);
    return DecodeTimeUnit(t, &lt->unit, &unit_known);
  }));
  if (!unit_known) {
    *lt = LogicalType{};
    lt->kind = LogicalType::Kind::UNRECOGNIZED;
  }
  return Status::OK();
}

constexpr FieldSpec kDecimalTypeSpec[] = {
    {1, CType::kI32, "scale", true},
    {2, CType::kI32, "precision", true},
};

Status DecodeDecimalType(ThriftReader& t, LogicalType* lt) {
  return ReadStruct(t, "DecimalType", kDecimalTypeSpec, [&](const FieldHeader& h) -> Status {
    return Get(t, h, h.id == 1 ? &lt->decimal_scale : &lt->decimal_precision);
  });
}

constexpr FieldSpec kIntTypeSpec[] = {
    {1, CType::kByte, "bitWidth", true},
    {2, CType::kBoolTrue, "isSigned", true},
};

Status DecodeIntType(ThriftReader& t, LogicalType* lt) {
  uint64_t width_at = 0;
  BA_RETURN_IF_ERROR(ReadStruct(t, "IntType", kIntTypeSpec, [&](const FieldHeader& h) -> Status {
    if (h.id == 2) return Get(t, h, &lt->is_signed);
    width_at = t.offset();
    return Get(t, h, &lt->bit_width);
  }));
  const int w = lt->bit_width;
  if (w != 8 && w != 16 && w != 32 && w != 64) {
    return ThriftReader::ErrorAt(width_at, fmt::format("IntType.bitWidth {} is not 8, 16, 32 or 64", w));
  }
  return Status::OK();
}

// LogicalType union. Every member is a struct; the last member present
// wins (as in generated code). An empty union, or a last member we do not
// know, is UNRECOGNIZED.
constexpr FieldSpec kLogicalTypeSpec[] = {
    {1, CType::kStruct, "STRING", false},     {2, CType::kStruct, "MAP", false},
    {3, CType::kStruct, "LIST", false},       {4, CType::kStruct, "ENUM", false},
    {5, CType::kStruct, "DECIMAL", false},    {6, CType::kStruct, "DATE", false},
    {7, CType::kStruct, "TIME", false},       {8, CType::kStruct, "TIMESTAMP", false},
    {10, CType::kStruct, "INTEGER", false},   {11, CType::kStruct, "UNKNOWN", false},
    {12, CType::kStruct, "JSON", false},      {13, CType::kStruct, "BSON", false},
    {14, CType::kStruct, "UUID", false},      {15, CType::kStruct, "FLOAT16", false},
    {16, CType::kStruct, "VARIANT", false},   {17, CType::kStruct, "GEOMETRY", false},
    {18, CType::kStruct, "GEOGRAPHY", false},
};

// The kind of a LogicalType member that is an empty marker struct.
LogicalType::Kind MarkerKind(int16_t id) {
  using Kind = LogicalType::Kind;
  switch (id) {
    case 1: return Kind::STRING;
    case 2: return Kind::MAP;
    case 3: return Kind::LIST;
    case 4: return Kind::ENUM;
    case 6: return Kind::DATE;
    case 11: return Kind::UNKNOWN;
    case 12: return Kind::JSON;
    case 13: return Kind::BSON;
    case 14: return Kind::UUID;
    case 15: return Kind::FLOAT16;
    case 16: return Kind::VARIANT;
    case 17: return Kind::GEOMETRY;
    default: return Kind::GEOGRAPHY;
  }
}

Result<LogicalType> DecodeLogicalType(ThriftReader& t) {
  using Kind = LogicalType::Kind;
  LogicalType result;
  result.kind = Kind::UNRECOGNIZED;
  BA_RETURN_IF_ERROR(ReadStructWith(
      t, "LogicalType", kLogicalTypeSpec,
      [&](const FieldHeader& h) -> Status {
        LogicalType v;
        switch (h.id) {
          case 5:
            v.kind = Kind::DECIMAL;
            BA_RETURN_IF_ERROR(DecodeDecimalType(t, &v));
            break;
          case 7:
            v.kind = Kind::TIME;
            BA_RETURN_IF_ERROR(DecodeTimeLike(t, "TimeType", &v));
            break;
          case 8:
            v.kind = Kind::TIMESTAMP;
            BA_RETURN_IF_ERROR(DecodeTimeLike(t, "TimestampType", &v));
            break;
          case 10:
            v.kind = Kind::INTEGER;
            BA_RETURN_IF_ERROR(DecodeIntType(t, &v));
            break;
          default:
            // Empty marker structs. VARIANT, GEOMETRY and GEOGRAPHY carry
            // optional details (spec version, CRS, edge algorithm) that we
            // neither need nor keep.
            BA_RETURN_IF_ERROR(t.Skip(CType::kStruct));
            v.kind = MarkerKind(h.id);
            break;
        }
        result = v;
        return Status::OK();
      },
      [&](const FieldHeader& h) {
        result = LogicalType{};
        result.kind = Kind::UNRECOGNIZED;
        return t.Skip(h.type);
      }));
  return result;
}

constexpr FieldSpec kSchemaElementSpec[] = {
    {1, CType::kI32, "type", false},
    {2, CType::kI32, "type_length", false},
    {3, CType::kI32, "repetition_type", false},
    {4, CType::kBinary, "name", true},
    {5, CType::kI32, "num_children", false},
    {6, CType::kI32, "converted_type", false},
    {7, CType::kI32, "scale", false},
    {8, CType::kI32, "precision", false},
    {9, CType::kI32, "field_id", false},
    {10, CType::kStruct, "logicalType", false},
};

Status DecodeSchemaElement(ThriftReader& t, SchemaElement* e) {
  return ReadStruct(t, "SchemaElement", kSchemaElementSpec, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return GetEnum(t, kMaxType, &e->type);
      case 2: return Get(t, h, &e->type_length);
      case 3: return GetEnum(t, kMaxRepetition, &e->repetition);
      case 4: return Get(t, h, &e->name);
      case 5: return Get(t, h, &e->num_children);
      case 6: return GetEnum(t, kMaxConvertedType, &e->converted_type);
      case 7: return Get(t, h, &e->scale);
      case 8: return Get(t, h, &e->precision);
      case 9: return Get(t, h, &e->field_id);
      default: {
        BA_ASSIGN_OR_RETURN(e->logical_type, DecodeLogicalType(t));
        return Status::OK();
      }
    }
  });
}

constexpr FieldSpec kKeyValueSpec[] = {
    {1, CType::kBinary, "key", true},
    {2, CType::kBinary, "value", false},
};

Status DecodeKeyValue(ThriftReader& t, KeyValue* kv) {
  return ReadStruct(t, "KeyValue", kKeyValueSpec, [&](const FieldHeader& h) -> Status {
    return h.id == 1 ? Get(t, h, &kv->key) : Get(t, h, &kv->value);
  });
}

constexpr FieldSpec kPageEncodingStatsSpec[] = {
    {1, CType::kI32, "page_type", true},
    {2, CType::kI32, "encoding", true},
    {3, CType::kI32, "count", true},
};

Status DecodePageEncodingStats(ThriftReader& t, PageEncodingStats* p) {
  return ReadStruct(t, "PageEncodingStats", kPageEncodingStatsSpec, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return GetEnum(t, kMaxPageType, &p->page_type);
      case 2: return GetEnum(t, kMaxEncoding, &p->encoding);
      default: return Get(t, h, &p->count);
    }
  });
}

constexpr FieldSpec kColumnMetaDataSpec[] = {
    {1, CType::kI32, "type", true},
    {2, CType::kList, "encodings", true},
    {3, CType::kList, "path_in_schema", true},
    {4, CType::kI32, "codec", true},
    {5, CType::kI64, "num_values", true},
    {6, CType::kI64, "total_uncompressed_size", true},
    {7, CType::kI64, "total_compressed_size", true},
    {8, CType::kList, "key_value_metadata", false},
    {9, CType::kI64, "data_page_offset", true},
    {10, CType::kI64, "index_page_offset", false},
    {11, CType::kI64, "dictionary_page_offset", false},
    {12, CType::kStruct, "statistics", false},
    {13, CType::kList, "encoding_stats", false},
    {14, CType::kI64, "bloom_filter_offset", false},
    {15, CType::kI32, "bloom_filter_length", false},
    // 16 SizeStatistics, 17 GeospatialStatistics: skipped.
};

Status DecodeColumnMetaData(ThriftReader& t, ColumnMetaData* m) {
  return ReadStruct(t, "ColumnMetaData", kColumnMetaDataSpec, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return GetEnum(t, kMaxType, &m->type);
      case 2:
        m->encodings.clear();
        return ReadList(t, [&](uint32_t) -> Status {
          BA_RETURN_IF_ERROR(t.Charge(sizeof(Encoding)));
          BA_ASSIGN_OR_RETURN(Encoding e, GetEnumValue<Encoding>(t, kMaxEncoding));
          m->encodings.push_back(e);
          return Status::OK();
        });
      case 3:
        m->path_in_schema.clear();
        return ReadList(t, [&](uint32_t) -> Status {
          BA_RETURN_IF_ERROR(t.Charge(sizeof(std::string)));
          BA_ASSIGN_OR_RETURN(std::string s, t.ReadString());
          m->path_in_schema.push_back(std::move(s));
          return Status::OK();
        });
      case 4: return GetEnum(t, kMaxCodec, &m->codec);
      case 5: return Get(t, h, &m->num_values);
      case 6: return Get(t, h, &m->total_uncompressed_size);
      case 7: return Get(t, h, &m->total_compressed_size);
      case 8: return ReadStructList(t, &m->key_value_metadata, DecodeKeyValue);
      case 9: return Get(t, h, &m->data_page_offset);
      case 10: return Get(t, h, &m->index_page_offset);
      case 11: return Get(t, h, &m->dictionary_page_offset);
      case 12: return DecodeOptionalStatistics(t, &m->statistics);
      case 13: return ReadStructList(t, &m->encoding_stats, DecodePageEncodingStats);
      case 14: return Get(t, h, &m->bloom_filter_offset);
      default: return Get(t, h, &m->bloom_filter_length);
    }
  });
}

constexpr FieldSpec kColumnChunkSpec[] = {
    {1, CType::kBinary, "file_path", false},
    {2, CType::kI64, "file_offset", true},
    {3, CType::kStruct, "meta_data", false},
    {4, CType::kI64, "offset_index_offset", false},
    {5, CType::kI32, "offset_index_length", false},
    {6, CType::kI64, "column_index_offset", false},
    {7, CType::kI32, "column_index_length", false},
    {8, CType::kStruct, "crypto_metadata", false},
    {9, CType::kBinary, "encrypted_column_metadata", false},
};

Status DecodeColumnChunk(ThriftReader& t, ColumnChunk* c) {
  return ReadStruct(t, "ColumnChunk", kColumnChunkSpec, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return Get(t, h, &c->file_path);
      case 2: return Get(t, h, &c->file_offset);
      case 3: {
        ColumnMetaData m;
        BA_RETURN_IF_ERROR(DecodeColumnMetaData(t, &m));
        c->meta_data = std::move(m);
        return Status::OK();
      }
      case 4: return Get(t, h, &c->offset_index_offset);
      case 5: return Get(t, h, &c->offset_index_length);
      case 6: return Get(t, h, &c->column_index_offset);
      case 7: return Get(t, h, &c->column_index_length);
      case 8: c->has_crypto_metadata = true; return t.Skip(h.type);
      default: c->has_encrypted_column_metadata = true; return t.Skip(h.type);
    }
  });
}

constexpr FieldSpec kSortingColumnSpec[] = {
    {1, CType::kI32, "column_idx", true},
    {2, CType::kBoolTrue, "descending", true},
    {3, CType::kBoolTrue, "nulls_first", true},
};

Status DecodeSortingColumn(ThriftReader& t, SortingColumn* s) {
  return ReadStruct(t, "SortingColumn", kSortingColumnSpec, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return Get(t, h, &s->column_idx);
      case 2: return Get(t, h, &s->descending);
      default: return Get(t, h, &s->nulls_first);
    }
  });
}

constexpr FieldSpec kRowGroupSpec[] = {
    {1, CType::kList, "columns", true},     {2, CType::kI64, "total_byte_size", true},
    {3, CType::kI64, "num_rows", true},     {4, CType::kList, "sorting_columns", false},
    {5, CType::kI64, "file_offset", false}, {6, CType::kI64, "total_compressed_size", false},
    {7, CType::kI16, "ordinal", false},
};

Status DecodeRowGroup(ThriftReader& t, RowGroup* g) {
  return ReadStruct(t, "RowGroup", kRowGroupSpec, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return ReadStructList(t, &g->columns, DecodeColumnChunk);
      case 2: return Get(t, h, &g->total_byte_size);
      case 3: return Get(t, h, &g->num_rows);
      case 4: return ReadStructList(t, &g->sorting_columns, DecodeSortingColumn);
      case 5: return Get(t, h, &g->file_offset);
      case 6: return Get(t, h, &g->total_compressed_size);
      default: return Get(t, h, &g->ordinal);
    }
  });
}

// ColumnOrder union: only TYPE_ORDER (1, TypeDefinedOrder) is recognised.
constexpr FieldSpec kColumnOrderSpec[] = {
    {1, CType::kStruct, "TYPE_ORDER", false},
};

Status DecodeColumnOrder(ThriftReader& t, bool* type_defined) {
  *type_defined = false;
  return ReadStructWith(
      t, "ColumnOrder", kColumnOrderSpec,
      [&](const FieldHeader&) -> Status {
        BA_RETURN_IF_ERROR(t.Skip(CType::kStruct));
        *type_defined = true;
        return Status::OK();
      },
      [&](const FieldHeader& h) {
        *type_defined = false;
        return t.Skip(h.type);
      });
}

constexpr FieldSpec kFileMetaDataSpec[] = {
    {1, CType::kI32, "version", true},
    {2, CType::kList, "schema", true},
    {3, CType::kI64, "num_rows", true},
    {4, CType::kList, "row_groups", true},
    {5, CType::kList, "key_value_metadata", false},
    {6, CType::kBinary, "created_by", false},
    {7, CType::kList, "column_orders", false},
    {8, CType::kStruct, "encryption_algorithm", false},
    {9, CType::kBinary, "footer_signing_key_metadata", false},
};

Status DecodeFileMetaDataStruct(ThriftReader& t, FileMetaData* md) {
  return ReadStruct(t, "FileMetaData", kFileMetaDataSpec, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return Get(t, h, &md->version);
      case 2: return ReadStructList(t, &md->schema, DecodeSchemaElement);
      case 3: return Get(t, h, &md->num_rows);
      case 4: return ReadStructList(t, &md->row_groups, DecodeRowGroup);
      case 5: return ReadStructList(t, &md->key_value_metadata, DecodeKeyValue);
      case 6: return Get(t, h, &md->created_by);
      case 7:
        md->has_column_orders = true;
        md->column_orders_type_defined.clear();
        return ReadList(t, [&](uint32_t) -> Status {
          BA_RETURN_IF_ERROR(t.Charge(1));
          bool type_defined = false;
          BA_RETURN_IF_ERROR(DecodeColumnOrder(t, &type_defined));
          md->column_orders_type_defined.push_back(type_defined);
          return Status::OK();
        });
      case 8: md->has_encryption_algorithm = true; return t.Skip(h.type);
      default: md->has_footer_signing_key_metadata = true; return t.Skip(h.type);
    }
  });
}

constexpr FieldSpec kDataPageHeaderSpec[] = {
    {1, CType::kI32, "num_values", true},
    {2, CType::kI32, "encoding", true},
    {3, CType::kI32, "definition_level_encoding", true},
    {4, CType::kI32, "repetition_level_encoding", true},
    {5, CType::kStruct, "statistics", false},
};

Status DecodeDataPageHeader(ThriftReader& t, DataPageHeader* d) {
  uint64_t num_values_at = 0;
  BA_RETURN_IF_ERROR(
      ReadStruct(t, "DataPageHeader", kDataPageHeaderSpec, [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1: num_values_at = t.offset(); return Get(t, h, &d->num_values);
          case 2: return GetEnum(t, kMaxEncoding, &d->encoding);
          case 3: return GetEnum(t, kMaxEncoding, &d->definition_level_encoding);
          case 4: return GetEnum(t, kMaxEncoding, &d->repetition_level_encoding);
          default: return DecodeOptionalStatistics(t, &d->statistics);
        }
      }));
  return NonNegative(d->num_values, "DataPageHeader.num_values", num_values_at);
}

constexpr FieldSpec kDictionaryPageHeaderSpec[] = {
    {1, CType::kI32, "num_values", true},
    {2, CType::kI32, "encoding", true},
    {3, CType::kBoolTrue, "is_sorted", false},
};

Status DecodeDictionaryPageHeader(ThriftReader& t, DictionaryPageHeader* d) {
  uint64_t num_values_at = 0;
  BA_RETURN_IF_ERROR(
      ReadStruct(t, "DictionaryPageHeader", kDictionaryPageHeaderSpec, [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1: num_values_at = t.offset(); return Get(t, h, &d->num_values);
          case 2: return GetEnum(t, kMaxEncoding, &d->encoding);
          default: return Get(t, h, &d->is_sorted);
        }
      }));
  return NonNegative(d->num_values, "DictionaryPageHeader.num_values", num_values_at);
}

constexpr FieldSpec kDataPageHeaderV2Spec[] = {
    {1, CType::kI32, "num_values", true},
    {2, CType::kI32, "num_nulls", true},
    {3, CType::kI32, "num_rows", true},
    {4, CType::kI32, "encoding", true},
    {5, CType::kI32, "definition_levels_byte_length", true},
    {6, CType::kI32, "repetition_levels_byte_length", true},
    {7, CType::kBoolTrue, "is_compressed", false},
    {8, CType::kStruct, "statistics", false},
};

Status DecodeDataPageHeaderV2(ThriftReader& t, DataPageHeaderV2* d) {
  int32_t* const counts[7] = {nullptr,
                              &d->num_values,
                              &d->num_nulls,
                              &d->num_rows,
                              nullptr,
                              &d->definition_levels_byte_length,
                              &d->repetition_levels_byte_length};
  uint64_t at[7] = {};
  BA_RETURN_IF_ERROR(
      ReadStruct(t, "DataPageHeaderV2", kDataPageHeaderV2Spec, [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 4: return GetEnum(t, kMaxEncoding, &d->encoding);
          case 7: return Get(t, h, &d->is_compressed);
          case 8: return DecodeOptionalStatistics(t, &d->statistics);
          default: at[h.id] = t.offset(); return Get(t, h, counts[h.id]);
        }
      }));
  for (int id : {1, 2, 3, 5, 6}) {
    BA_RETURN_IF_ERROR(NonNegative(
        *counts[id], fmt::format("DataPageHeaderV2.{}", kDataPageHeaderV2Spec[id - 1].name), at[id]));
  }
  return Status::OK();
}

constexpr FieldSpec kPageHeaderSpec[] = {
    {1, CType::kI32, "type", true},
    {2, CType::kI32, "uncompressed_page_size", true},
    {3, CType::kI32, "compressed_page_size", true},
    {4, CType::kI32, "crc", false},
    {5, CType::kStruct, "data_page_header", false},
    {6, CType::kStruct, "index_page_header", false},
    {7, CType::kStruct, "dictionary_page_header", false},
    {8, CType::kStruct, "data_page_header_v2", false},
};

Status DecodePageHeaderStruct(ThriftReader& t, PageHeader* ph) {
  uint64_t uncompressed_at = 0;
  uint64_t compressed_at = 0;
  BA_RETURN_IF_ERROR(ReadStruct(t, "PageHeader", kPageHeaderSpec, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return GetEnum(t, kMaxPageType, &ph->type);
      case 2: uncompressed_at = t.offset(); return Get(t, h, &ph->uncompressed_page_size);
      case 3: compressed_at = t.offset(); return Get(t, h, &ph->compressed_page_size);
      case 4: {
        int32_t crc = 0;
        BA_RETURN_IF_ERROR(Get(t, h, &crc));
        ph->crc = static_cast<uint32_t>(crc);
        return Status::OK();
      }
      case 5: {
        DataPageHeader d;
        BA_RETURN_IF_ERROR(DecodeDataPageHeader(t, &d));
        ph->data_page_header = std::move(d);
        return Status::OK();
      }
      case 6: ph->has_index_page_header = true; return t.Skip(h.type);
      case 7: {
        DictionaryPageHeader d;
        BA_RETURN_IF_ERROR(DecodeDictionaryPageHeader(t, &d));
        ph->dictionary_page_header = std::move(d);
        return Status::OK();
      }
      default: {
        DataPageHeaderV2 d;
        BA_RETURN_IF_ERROR(DecodeDataPageHeaderV2(t, &d));
        ph->data_page_header_v2 = std::move(d);
        return Status::OK();
      }
    }
  }));
  BA_RETURN_IF_ERROR(
      NonNegative(ph->uncompressed_page_size, "PageHeader.uncompressed_page_size", uncompressed_at));
  return NonNegative(ph->compressed_page_size, "PageHeader.compressed_page_size", compressed_at);
}

// ---------------------------------------------------------------------------
// Encoders. Fields go out in ascending id order, optional ones only when set,
// which is what the Apache Thrift C++ runtime (and so Arrow) produces.

uint32_t Size32(size_t n) { return static_cast<uint32_t>(n); }

void EncodeStatistics(ThriftWriter& w, const Statistics& s) {
  w.BeginStruct();
  if (s.max) w.WriteBinaryField(1, *s.max);
  if (s.min) w.WriteBinaryField(2, *s.min);
  if (s.null_count) w.WriteI64Field(3, *s.null_count);
  if (s.distinct_count) w.WriteI64Field(4, *s.distinct_count);
  if (s.max_value) w.WriteBinaryField(5, *s.max_value);
  if (s.min_value) w.WriteBinaryField(6, *s.min_value);
  if (s.is_max_value_exact) w.WriteBoolField(7, *s.is_max_value_exact);
  if (s.is_min_value_exact) w.WriteBoolField(8, *s.is_min_value_exact);
  w.EndStruct();
}

void EncodeTimeUnitField(ThriftWriter& w, TimeUnit unit) {
  w.BeginStructField(2);
  w.WriteEmptyStructField(static_cast<int16_t>(static_cast<int32_t>(unit) + 1));
  w.EndStruct();
}

// An UNRECOGNIZED type is written as an empty union: we do not know what it
// was, and an empty union decodes back to UNRECOGNIZED.
void EncodeLogicalType(ThriftWriter& w, const LogicalType& lt) {
  using Kind = LogicalType::Kind;
  w.BeginStruct();
  switch (lt.kind) {
    case Kind::NONE:
    case Kind::UNRECOGNIZED: break;
    case Kind::STRING: w.WriteEmptyStructField(1); break;
    case Kind::MAP: w.WriteEmptyStructField(2); break;
    case Kind::LIST: w.WriteEmptyStructField(3); break;
    case Kind::ENUM: w.WriteEmptyStructField(4); break;
    case Kind::DECIMAL:
      w.BeginStructField(5);
      w.WriteI32Field(1, lt.decimal_scale);
      w.WriteI32Field(2, lt.decimal_precision);
      w.EndStruct();
      break;
    case Kind::DATE: w.WriteEmptyStructField(6); break;
    case Kind::TIME:
    case Kind::TIMESTAMP:
      w.BeginStructField(lt.kind == Kind::TIME ? 7 : 8);
      w.WriteBoolField(1, lt.is_adjusted_to_utc);
      EncodeTimeUnitField(w, lt.unit);
      w.EndStruct();
      break;
    case Kind::INTEGER:
      w.BeginStructField(10);
      w.WriteI8Field(1, lt.bit_width);
      w.WriteBoolField(2, lt.is_signed);
      w.EndStruct();
      break;
    case Kind::UNKNOWN: w.WriteEmptyStructField(11); break;
    case Kind::JSON: w.WriteEmptyStructField(12); break;
    case Kind::BSON: w.WriteEmptyStructField(13); break;
    case Kind::UUID: w.WriteEmptyStructField(14); break;
    case Kind::FLOAT16: w.WriteEmptyStructField(15); break;
    case Kind::VARIANT: w.WriteEmptyStructField(16); break;
    case Kind::GEOMETRY: w.WriteEmptyStructField(17); break;
    case Kind::GEOGRAPHY: w.WriteEmptyStructField(18); break;
  }
  w.EndStruct();
}

// Our struct has no "is set" flag for type_length, num_children, scale and
// precision; these rules reproduce what Arrow writes (type_length for
// FIXED_LEN_BYTE_ARRAY, num_children for groups, scale and precision for
// decimals) and never drop a non-zero value.
void EncodeSchemaElement(ThriftWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) w.WriteI32Field(1, static_cast<int32_t>(*e.type));
  if (e.type_length != 0 || e.type == Type::FIXED_LEN_BYTE_ARRAY) w.WriteI32Field(2, e.type_length);
  if (e.repetition) w.WriteI32Field(3, static_cast<int32_t>(*e.repetition));
  w.WriteBinaryField(4, e.name);
  if (!e.type || e.num_children != 0) w.WriteI32Field(5, e.num_children);
  if (e.converted_type != ConvertedType::NONE) {
    w.WriteI32Field(6, static_cast<int32_t>(e.converted_type));
  }
  if (e.scale != 0 || e.precision != 0) {
    w.WriteI32Field(7, e.scale);
    w.WriteI32Field(8, e.precision);
  }
  if (e.field_id) w.WriteI32Field(9, *e.field_id);
  if (e.logical_type.kind != LogicalType::Kind::NONE) {
    w.WriteFieldHeader(CType::kStruct, 10);
    EncodeLogicalType(w, e.logical_type);
  }
  w.EndStruct();
}

void EncodeKeyValueList(ThriftWriter& w, int16_t id, const std::vector<KeyValue>& kvs) {
  w.WriteFieldHeader(CType::kList, id);
  w.WriteListHeader(CType::kStruct, Size32(kvs.size()));
  for (const KeyValue& kv : kvs) {
    w.BeginStruct();
    w.WriteBinaryField(1, kv.key);
    if (kv.value) w.WriteBinaryField(2, *kv.value);
    w.EndStruct();
  }
}

void EncodeColumnMetaData(ThriftWriter& w, const ColumnMetaData& m) {
  w.BeginStruct();
  w.WriteI32Field(1, static_cast<int32_t>(m.type));
  w.WriteFieldHeader(CType::kList, 2);
  w.WriteListHeader(CType::kI32, Size32(m.encodings.size()));
  for (Encoding e : m.encodings) w.WriteI32(static_cast<int32_t>(e));
  w.WriteFieldHeader(CType::kList, 3);
  w.WriteListHeader(CType::kBinary, Size32(m.path_in_schema.size()));
  for (const std::string& p : m.path_in_schema) w.WriteString(p);
  w.WriteI32Field(4, static_cast<int32_t>(m.codec));
  w.WriteI64Field(5, m.num_values);
  w.WriteI64Field(6, m.total_uncompressed_size);
  w.WriteI64Field(7, m.total_compressed_size);
  if (!m.key_value_metadata.empty()) EncodeKeyValueList(w, 8, m.key_value_metadata);
  w.WriteI64Field(9, m.data_page_offset);
  if (m.index_page_offset) w.WriteI64Field(10, *m.index_page_offset);
  if (m.dictionary_page_offset) w.WriteI64Field(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w.WriteFieldHeader(CType::kStruct, 12);
    EncodeStatistics(w, *m.statistics);
  }
  if (!m.encoding_stats.empty()) {
    w.WriteFieldHeader(CType::kList, 13);
    w.WriteListHeader(CType::kStruct, Size32(m.encoding_stats.size()));
    for (const PageEncodingStats& s : m.encoding_stats) {
      w.BeginStruct();
      w.WriteI32Field(1, static_cast<int32_t>(s.page_type));
      w.WriteI32Field(2, static_cast<int32_t>(s.encoding));
      w.WriteI32Field(3, s.count);
      w.EndStruct();
    }
  }
  if (m.bloom_filter_offset) w.WriteI64Field(14, *m.bloom_filter_offset);
  if (m.bloom_filter_length) w.WriteI32Field(15, *m.bloom_filter_length);
  w.EndStruct();
}

// Fields 8 and 9 are only flags here: they are written as an empty union and
// an empty binary so that the flags survive a round trip.
void EncodeColumnChunk(ThriftWriter& w, const ColumnChunk& c) {
  w.BeginStruct();
  if (c.file_path) w.WriteBinaryField(1, *c.file_path);
  w.WriteI64Field(2, c.file_offset);
  if (c.meta_data) {
    w.WriteFieldHeader(CType::kStruct, 3);
    EncodeColumnMetaData(w, *c.meta_data);
  }
  if (c.offset_index_offset) w.WriteI64Field(4, *c.offset_index_offset);
  if (c.offset_index_length) w.WriteI32Field(5, *c.offset_index_length);
  if (c.column_index_offset) w.WriteI64Field(6, *c.column_index_offset);
  if (c.column_index_length) w.WriteI32Field(7, *c.column_index_length);
  if (c.has_crypto_metadata) w.WriteEmptyStructField(8);
  if (c.has_encrypted_column_metadata) w.WriteBinaryField(9, "");
  w.EndStruct();
}

void EncodeRowGroup(ThriftWriter& w, const RowGroup& g) {
  w.BeginStruct();
  w.WriteFieldHeader(CType::kList, 1);
  w.WriteListHeader(CType::kStruct, Size32(g.columns.size()));
  for (const ColumnChunk& c : g.columns) EncodeColumnChunk(w, c);
  w.WriteI64Field(2, g.total_byte_size);
  w.WriteI64Field(3, g.num_rows);
  if (!g.sorting_columns.empty()) {
    w.WriteFieldHeader(CType::kList, 4);
    w.WriteListHeader(CType::kStruct, Size32(g.sorting_columns.size()));
    for (const SortingColumn& s : g.sorting_columns) {
      w.BeginStruct();
      w.WriteI32Field(1, s.column_idx);
      w.WriteBoolField(2, s.descending);
      w.WriteBoolField(3, s.nulls_first);
      w.EndStruct();
    }
  }
  if (g.file_offset) w.WriteI64Field(5, *g.file_offset);
  if (g.total_compressed_size) w.WriteI64Field(6, *g.total_compressed_size);
  if (g.ordinal) w.WriteI16Field(7, *g.ordinal);
  w.EndStruct();
}

void EncodeStatisticsField(ThriftWriter& w, int16_t id, const std::optional<Statistics>& s) {
  if (!s) return;
  w.WriteFieldHeader(CType::kStruct, id);
  EncodeStatistics(w, *s);
}

// Memory budget for one decode. The fixture footers materialise at most
// ~12 bytes of list elements per input byte (a ColumnChunk is ~520 bytes in
// memory and ~40-150 on the wire); a hostile footer of minimal 3-byte
// ColumnChunks would reach ~170x. The budget leaves real footers a wide
// margin and caps the hostile case.
constexpr uint64_t kMemoryBudgetBase = 16ull << 20;
constexpr uint64_t kMemoryBudgetPerInputByte = 32;

uint64_t MemoryBudget(size_t input_bytes) {
  return kMemoryBudgetBase + kMemoryBudgetPerInputByte * static_cast<uint64_t>(input_bytes);
}

}  // namespace

Result<FileMetaData> DecodeFileMetaData(ByteReader& reader) {
  ThriftReader t(reader, ThriftReader::kDefaultMaxDepth, MemoryBudget(reader.remaining()));
  FileMetaData md;
  BA_RETURN_IF_ERROR(DecodeFileMetaDataStruct(t, &md));
  return md;
}

Result<PageHeader> DecodePageHeader(ByteReader& reader) {
  ThriftReader t(reader, ThriftReader::kDefaultMaxDepth, MemoryBudget(reader.remaining()));
  PageHeader ph;
  BA_RETURN_IF_ERROR(DecodePageHeaderStruct(t, &ph));
  return ph;
}

void EncodeFileMetaData(const FileMetaData& md, ByteWriter& out) {
  ThriftWriter w(out);
  w.BeginStruct();
  w.WriteI32Field(1, md.version);
  w.WriteFieldHeader(CType::kList, 2);
  w.WriteListHeader(CType::kStruct, Size32(md.schema.size()));
  for (const SchemaElement& e : md.schema) EncodeSchemaElement(w, e);
  w.WriteI64Field(3, md.num_rows);
  w.WriteFieldHeader(CType::kList, 4);
  w.WriteListHeader(CType::kStruct, Size32(md.row_groups.size()));
  for (const RowGroup& g : md.row_groups) EncodeRowGroup(w, g);
  if (!md.key_value_metadata.empty()) EncodeKeyValueList(w, 5, md.key_value_metadata);
  if (md.created_by) w.WriteBinaryField(6, *md.created_by);
  if (md.has_column_orders) {
    w.WriteFieldHeader(CType::kList, 7);
    w.WriteListHeader(CType::kStruct, Size32(md.column_orders_type_defined.size()));
    for (bool type_defined : md.column_orders_type_defined) {
      w.BeginStruct();
      if (type_defined) w.WriteEmptyStructField(1);
      w.EndStruct();
    }
  }
  if (md.has_encryption_algorithm) w.WriteEmptyStructField(8);
  if (md.has_footer_signing_key_metadata) w.WriteBinaryField(9, "");
  w.EndStruct();
}

void EncodePageHeader(const PageHeader& ph, ByteWriter& out) {
  ThriftWriter w(out);
  w.BeginStruct();
  w.WriteI32Field(1, static_cast<int32_t>(ph.type));
  w.WriteI32Field(2, ph.uncompressed_page_size);
  w.WriteI32Field(3, ph.compressed_page_size);
  if (ph.crc) w.WriteI32Field(4, static_cast<int32_t>(*ph.crc));
  if (ph.data_page_header) {
    const DataPageHeader& d = *ph.data_page_header;
    w.BeginStructField(5);
    w.WriteI32Field(1, d.num_values);
    w.WriteI32Field(2, static_cast<int32_t>(d.encoding));
    w.WriteI32Field(3, static_cast<int32_t>(d.definition_level_encoding));
    w.WriteI32Field(4, static_cast<int32_t>(d.repetition_level_encoding));
    EncodeStatisticsField(w, 5, d.statistics);
    w.EndStruct();
  }
  if (ph.has_index_page_header) w.WriteEmptyStructField(6);
  if (ph.dictionary_page_header) {
    const DictionaryPageHeader& d = *ph.dictionary_page_header;
    w.BeginStructField(7);
    w.WriteI32Field(1, d.num_values);
    w.WriteI32Field(2, static_cast<int32_t>(d.encoding));
    if (d.is_sorted) w.WriteBoolField(3, *d.is_sorted);
    w.EndStruct();
  }
  if (ph.data_page_header_v2) {
    const DataPageHeaderV2& d = *ph.data_page_header_v2;
    w.BeginStructField(8);
    w.WriteI32Field(1, d.num_values);
    w.WriteI32Field(2, d.num_nulls);
    w.WriteI32Field(3, d.num_rows);
    w.WriteI32Field(4, static_cast<int32_t>(d.encoding));
    w.WriteI32Field(5, d.definition_levels_byte_length);
    w.WriteI32Field(6, d.repetition_levels_byte_length);
    // Always written (Arrow and parquet-java do); absent means true anyway.
    w.WriteBoolField(7, d.is_compressed);
    EncodeStatisticsField(w, 8, d.statistics);
    w.EndStruct();
  }
  w.EndStruct();
}

}  // namespace budget_audit::parquet
