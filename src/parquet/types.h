// Parquet enums (numbering as in parquet.thrift) and the in-memory column
// representation every decoder writes into and the writer reads from.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/buffer_pool.h"

namespace budget_audit::parquet {

enum class Type : int32_t {
  BOOLEAN = 0,
  INT32 = 1,
  INT64 = 2,
  INT96 = 3,
  FLOAT = 4,
  DOUBLE = 5,
  BYTE_ARRAY = 6,
  FIXED_LEN_BYTE_ARRAY = 7,
};

enum class ConvertedType : int32_t {
  NONE = -1,  // not in the file
  UTF8 = 0,
  MAP = 1,
  MAP_KEY_VALUE = 2,
  LIST = 3,
  ENUM = 4,
  DECIMAL = 5,
  DATE = 6,
  TIME_MILLIS = 7,
  TIME_MICROS = 8,
  TIMESTAMP_MILLIS = 9,
  TIMESTAMP_MICROS = 10,
  UINT_8 = 11,
  UINT_16 = 12,
  UINT_32 = 13,
  UINT_64 = 14,
  INT_8 = 15,
  INT_16 = 16,
  INT_32 = 17,
  INT_64 = 18,
  JSON = 19,
  BSON = 20,
  INTERVAL = 21,
};

enum class Repetition : int32_t { REQUIRED = 0, OPTIONAL = 1, REPEATED = 2 };

enum class Encoding : int32_t {
  PLAIN = 0,
  GROUP_VAR_INT = 1,  // never used
  PLAIN_DICTIONARY = 2,
  RLE = 3,
  BIT_PACKED = 4,
  DELTA_BINARY_PACKED = 5,
  DELTA_LENGTH_BYTE_ARRAY = 6,
  DELTA_BYTE_ARRAY = 7,
  RLE_DICTIONARY = 8,
  BYTE_STREAM_SPLIT = 9,
};

enum class Codec : int32_t {
  UNCOMPRESSED = 0,
  SNAPPY = 1,
  GZIP = 2,
  LZO = 3,
  BROTLI = 4,
  LZ4 = 5,  // Hadoop-framed in practice; raw blocks in old parquet-cpp
  ZSTD = 6,
  LZ4_RAW = 7,
};

enum class PageType : int32_t {
  DATA_PAGE = 0,
  INDEX_PAGE = 1,
  DICTIONARY_PAGE = 2,
  DATA_PAGE_V2 = 3,
};

enum class TimeUnit : int32_t { MILLIS = 0, MICROS = 1, NANOS = 2 };

std::string_view TypeName(Type t);
std::string_view ConvertedTypeName(ConvertedType t);
std::string_view EncodingName(Encoding e);
std::string_view CodecName(Codec c);
std::string_view PageTypeName(PageType t);
std::string_view RepetitionName(Repetition r);
std::string_view TimeUnitName(TimeUnit u);  // MILLIS, MICROS, NANOS

// Values of one column for a run of rows (a page, a row group, or a batch to
// write). Only the vector matching the physical type is used:
//   BOOLEAN              -> bools (0/1)
//   INT32                -> i32
//   INT64                -> i64
//   INT96                -> fixed (12 bytes each, as stored: 8-byte LE nanos
//                           of day then 4-byte LE Julian day)
//   FLOAT                -> f32
//   DOUBLE               -> f64
//   BYTE_ARRAY           -> offsets (size n+1) into data
//   FIXED_LEN_BYTE_ARRAY -> fixed (type_length bytes each)
// Values are dense: only non-null values are stored. `defined` has one entry
// per row (1 = value present, 0 = null) when the column is OPTIONAL, and is
// empty for REQUIRED columns (every row present).
struct ColumnVector {
  Type type = Type::INT32;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY width; 12 for INT96

  // Large buffers from util's pool (decoded columns are large and short-lived).
  util::PoolVector<uint8_t> bools;
  util::PoolVector<int32_t> i32;
  util::PoolVector<int64_t> i64;
  util::PoolVector<float> f32;
  util::PoolVector<double> f64;
  util::PoolVector<uint32_t> offsets;  // BYTE_ARRAY: offsets[i]..offsets[i+1]
  util::PoolVector<uint8_t> data;      // BYTE_ARRAY payload bytes
  util::PoolVector<uint8_t> fixed;     // FIXED_LEN_BYTE_ARRAY and INT96

  util::PoolVector<uint8_t> defined;  // per row; empty = all present

  // Number of (non-null) values stored.
  size_t value_count() const;
  // Number of rows (values + nulls).
  size_t row_count() const { return defined.empty() ? value_count() : defined.size(); }

  std::string_view ByteArrayAt(size_t i) const {
    return {reinterpret_cast<const char*>(data.data()) + offsets[i], offsets[i + 1] - offsets[i]};
  }
  const uint8_t* FixedAt(size_t i) const { return fixed.data() + i * static_cast<size_t>(type_length); }

  void Clear();
  // Appends a BYTE_ARRAY value (offsets must be initialised with {0}).
  void AppendByteArray(std::string_view v);
};

}  // namespace budget_audit::parquet
