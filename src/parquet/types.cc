#include "parquet/types.h"

namespace budget_audit::parquet {

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::BOOLEAN: return "BOOLEAN";
    case Type::INT32: return "INT32";
    case Type::INT64: return "INT64";
    case Type::INT96: return "INT96";
    case Type::FLOAT: return "FLOAT";
    case Type::DOUBLE: return "DOUBLE";
    case Type::BYTE_ARRAY: return "BYTE_ARRAY";
    case Type::FIXED_LEN_BYTE_ARRAY: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "UNKNOWN";
}

std::string_view ConvertedTypeName(ConvertedType t) {
  switch (t) {
    case ConvertedType::NONE: return "NONE";
    case ConvertedType::UTF8: return "UTF8";
    case ConvertedType::MAP: return "MAP";
    case ConvertedType::MAP_KEY_VALUE: return "MAP_KEY_VALUE";
    case ConvertedType::LIST: return "LIST";
    case ConvertedType::ENUM: return "ENUM";
    case ConvertedType::DECIMAL: return "DECIMAL";
    case ConvertedType::DATE: return "DATE";
    case ConvertedType::TIME_MILLIS: return "TIME_MILLIS";
    case ConvertedType::TIME_MICROS: return "TIME_MICROS";
    case ConvertedType::TIMESTAMP_MILLIS: return "TIMESTAMP_MILLIS";
    case ConvertedType::TIMESTAMP_MICROS: return "TIMESTAMP_MICROS";
    case ConvertedType::UINT_8: return "UINT_8";
    case ConvertedType::UINT_16: return "UINT_16";
    case ConvertedType::UINT_32: return "UINT_32";
    case ConvertedType::UINT_64: return "UINT_64";
    case ConvertedType::INT_8: return "INT_8";
    case ConvertedType::INT_16: return "INT_16";
    case ConvertedType::INT_32: return "INT_32";
    case ConvertedType::INT_64: return "INT_64";
    case ConvertedType::JSON: return "JSON";
    case ConvertedType::BSON: return "BSON";
    case ConvertedType::INTERVAL: return "INTERVAL";
  }
  return "UNKNOWN";
}

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::PLAIN: return "PLAIN";
    case Encoding::GROUP_VAR_INT: return "GROUP_VAR_INT";
    case Encoding::PLAIN_DICTIONARY: return "PLAIN_DICTIONARY";
    case Encoding::RLE: return "RLE";
    case Encoding::BIT_PACKED: return "BIT_PACKED";
    case Encoding::DELTA_BINARY_PACKED: return "DELTA_BINARY_PACKED";
    case Encoding::DELTA_LENGTH_BYTE_ARRAY: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::DELTA_BYTE_ARRAY: return "DELTA_BYTE_ARRAY";
    case Encoding::RLE_DICTIONARY: return "RLE_DICTIONARY";
    case Encoding::BYTE_STREAM_SPLIT: return "BYTE_STREAM_SPLIT";
  }
  return "UNKNOWN";
}

std::string_view CodecName(Codec c) {
  switch (c) {
    case Codec::UNCOMPRESSED: return "UNCOMPRESSED";
    case Codec::SNAPPY: return "SNAPPY";
    case Codec::GZIP: return "GZIP";
    case Codec::LZO: return "LZO";
    case Codec::BROTLI: return "BROTLI";
    case Codec::LZ4: return "LZ4";
    case Codec::ZSTD: return "ZSTD";
    case Codec::LZ4_RAW: return "LZ4_RAW";
  }
  return "UNKNOWN";
}

std::string_view PageTypeName(PageType t) {
  switch (t) {
    case PageType::DATA_PAGE: return "DATA_PAGE";
    case PageType::INDEX_PAGE: return "INDEX_PAGE";
    case PageType::DICTIONARY_PAGE: return "DICTIONARY_PAGE";
    case PageType::DATA_PAGE_V2: return "DATA_PAGE_V2";
  }
  return "UNKNOWN";
}

std::string_view RepetitionName(Repetition r) {
  switch (r) {
    case Repetition::REQUIRED: return "REQUIRED";
    case Repetition::OPTIONAL: return "OPTIONAL";
    case Repetition::REPEATED: return "REPEATED";
  }
  return "UNKNOWN";
}

size_t ColumnVector::value_count() const {
  switch (type) {
    case Type::BOOLEAN: return bools.size();
    case Type::INT32: return i32.size();
    case Type::INT64: return i64.size();
    case Type::FLOAT: return f32.size();
    case Type::DOUBLE: return f64.size();
    case Type::BYTE_ARRAY: return offsets.empty() ? 0 : offsets.size() - 1;
    case Type::INT96: {
      const size_t width = type_length > 0 ? static_cast<size_t>(type_length) : 12;
      return fixed.size() / width;
    }
    case Type::FIXED_LEN_BYTE_ARRAY:
      return type_length > 0 ? fixed.size() / static_cast<size_t>(type_length) : 0;
  }
  return 0;
}

void ColumnVector::Clear() {
  bools.clear();
  i32.clear();
  i64.clear();
  f32.clear();
  f64.clear();
  offsets.clear();
  data.clear();
  fixed.clear();
  defined.clear();
  // Keep the documented BYTE_ARRAY invariant (n + 1 offsets) for n = 0.
  if (type == Type::BYTE_ARRAY) offsets.push_back(0);
}

void ColumnVector::AppendByteArray(std::string_view v) {
  if (offsets.empty()) offsets.push_back(0);  // tolerate a vector nobody initialised
  data.insert(data.end(), v.begin(), v.end());
  offsets.push_back(static_cast<uint32_t>(data.size()));
}

std::string_view TimeUnitName(TimeUnit u) {
  switch (u) {
    case TimeUnit::MILLIS: return "MILLIS";
    case TimeUnit::MICROS: return "MICROS";
    case TimeUnit::NANOS: return "NANOS";
  }
  return "?";
}

}  // namespace budget_audit::parquet
