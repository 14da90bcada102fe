// The Parquet footer and page headers as plain structs, with decoding from
// and encoding to the Thrift compact protocol (field ids as in
// parquet.thrift). Only what a flat reader/writer needs is modelled; every
// other field is skipped on read, whatever its type.
//
// Decoding is defensive: sizes and list lengths are capped against the
// remaining bytes, nesting depth is capped, negative counts are Corruption.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "budget_audit/status.h"
#include "parquet/types.h"
#include "util/bytes.h"

namespace budget_audit::parquet {

// LogicalType union (parquet.thrift field ids in comments).
struct LogicalType {
  enum class Kind {
    NONE,          // absent
    STRING,        // 1
    MAP,           // 2
    LIST,          // 3
    ENUM,          // 4
    DECIMAL,       // 5
    DATE,          // 6
    TIME,          // 7
    TIMESTAMP,     // 8
    INTEGER,       // 10
    UNKNOWN,       // 11 (NullType: always null)
    JSON,          // 12
    BSON,          // 13
    UUID,          // 14
    FLOAT16,       // 15
    VARIANT,       // 16
    GEOMETRY,      // 17
    GEOGRAPHY,     // 18
    UNRECOGNIZED,  // a field id we do not know: read as the physical type
  };
  Kind kind = Kind::NONE;
  int32_t decimal_scale = 0;         // DECIMAL
  int32_t decimal_precision = 0;     // DECIMAL
  bool is_adjusted_to_utc = false;   // TIME, TIMESTAMP
  TimeUnit unit = TimeUnit::MILLIS;  // TIME, TIMESTAMP
  int8_t bit_width = 0;              // INTEGER: 8, 16, 32, 64
  bool is_signed = true;             // INTEGER
};

struct SchemaElement {
  std::optional<Type> type;                            // 1 (absent for groups)
  int32_t type_length = 0;                             // 2
  std::optional<Repetition> repetition;                // 3 (absent on the root)
  std::string name;                                    // 4
  int32_t num_children = 0;                            // 5
  ConvertedType converted_type = ConvertedType::NONE;  // 6
  int32_t scale = 0;                                   // 7
  int32_t precision = 0;                               // 8
  std::optional<int32_t> field_id;                     // 9
  LogicalType logical_type;                            // 10
};

struct Statistics {
  std::optional<std::string> max;          // 1 (deprecated)
  std::optional<std::string> min;          // 2 (deprecated)
  std::optional<int64_t> null_count;       // 3
  std::optional<int64_t> distinct_count;   // 4
  std::optional<std::string> max_value;    // 5
  std::optional<std::string> min_value;    // 6
  std::optional<bool> is_max_value_exact;  // 7
  std::optional<bool> is_min_value_exact;  // 8
};

struct PageEncodingStats {
  PageType page_type = PageType::DATA_PAGE;  // 1
  Encoding encoding = Encoding::PLAIN;       // 2
  int32_t count = 0;                         // 3
};

struct KeyValue {
  std::string key;                   // 1
  std::optional<std::string> value;  // 2
};

struct ColumnMetaData {
  Type type = Type::INT32;                        // 1
  std::vector<Encoding> encodings;                // 2
  std::vector<std::string> path_in_schema;        // 3
  Codec codec = Codec::UNCOMPRESSED;              // 4
  int64_t num_values = 0;                         // 5
  int64_t total_uncompressed_size = 0;            // 6
  int64_t total_compressed_size = 0;              // 7
  std::vector<KeyValue> key_value_metadata;       // 8
  int64_t data_page_offset = 0;                   // 9
  std::optional<int64_t> index_page_offset;       // 10
  std::optional<int64_t> dictionary_page_offset;  // 11
  std::optional<Statistics> statistics;           // 12
  std::vector<PageEncodingStats> encoding_stats;  // 13
  std::optional<int64_t> bloom_filter_offset;     // 14
  std::optional<int32_t> bloom_filter_length;     // 15
};

struct ColumnChunk {
  std::optional<std::string> file_path;        // 1 (must be unset for us)
  int64_t file_offset = 0;                     // 2 (deprecated; never trusted)
  std::optional<ColumnMetaData> meta_data;     // 3
  std::optional<int64_t> offset_index_offset;  // 4
  std::optional<int32_t> offset_index_length;  // 5
  std::optional<int64_t> column_index_offset;  // 6
  std::optional<int32_t> column_index_length;  // 7
  bool has_crypto_metadata = false;            // 8 present
  bool has_encrypted_column_metadata = false;  // 9 present
};

struct SortingColumn {
  int32_t column_idx = 0;    // 1
  bool descending = false;   // 2
  bool nulls_first = false;  // 3
};

struct RowGroup {
  std::vector<ColumnChunk> columns;              // 1
  int64_t total_byte_size = 0;                   // 2
  int64_t num_rows = 0;                          // 3
  std::vector<SortingColumn> sorting_columns;    // 4
  std::optional<int64_t> file_offset;            // 5
  std::optional<int64_t> total_compressed_size;  // 6
  std::optional<int16_t> ordinal;                // 7
};

struct FileMetaData {
  int32_t version = 0;                       // 1
  std::vector<SchemaElement> schema;         // 2
  int64_t num_rows = 0;                      // 3
  std::vector<RowGroup> row_groups;          // 4
  std::vector<KeyValue> key_value_metadata;  // 5
  std::optional<std::string> created_by;     // 6
  // 7: list<ColumnOrder>; we only record whether each is TypeDefinedOrder.
  std::vector<bool> column_orders_type_defined;
  bool has_column_orders = false;
  bool has_encryption_algorithm = false;         // 8 present
  bool has_footer_signing_key_metadata = false;  // 9 present
};

struct DataPageHeader {
  int32_t num_values = 0;                              // 1 (includes nulls)
  Encoding encoding = Encoding::PLAIN;                 // 2
  Encoding definition_level_encoding = Encoding::RLE;  // 3
  Encoding repetition_level_encoding = Encoding::RLE;  // 4
  std::optional<Statistics> statistics;                // 5
};

struct DictionaryPageHeader {
  int32_t num_values = 0;               // 1
  Encoding encoding = Encoding::PLAIN;  // 2
  std::optional<bool> is_sorted;        // 3
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;                     // 1
  int32_t num_nulls = 0;                      // 2
  int32_t num_rows = 0;                       // 3
  Encoding encoding = Encoding::PLAIN;        // 4
  int32_t definition_levels_byte_length = 0;  // 5
  int32_t repetition_levels_byte_length = 0;  // 6
  bool is_compressed = true;                  // 7 (default true when absent)
  std::optional<Statistics> statistics;       // 8
};

struct PageHeader {
  PageType type = PageType::DATA_PAGE;                         // 1
  int32_t uncompressed_page_size = 0;                          // 2
  int32_t compressed_page_size = 0;                            // 3
  std::optional<uint32_t> crc;                                 // 4 (i32 on the wire)
  std::optional<DataPageHeader> data_page_header;              // 5
  bool has_index_page_header = false;                          // 6
  std::optional<DictionaryPageHeader> dictionary_page_header;  // 7
  std::optional<DataPageHeaderV2> data_page_header_v2;         // 8
};

// Decoders. `reader` is advanced past the struct. Enum values outside the
// known range of Type, Repetition, Codec, PageType and Encoding are
// Corruption naming the field; an unknown LogicalType union member becomes
// Kind::UNRECOGNIZED (read as the physical type); an unknown ConvertedType
// value is Corruption. Lists of structs are charged against a memory budget
// of 16 MiB + 32 bytes per input byte (real footers use under 13); past it
// the result is ResourceExhausted.
Result<FileMetaData> DecodeFileMetaData(ByteReader& reader);
Result<PageHeader> DecodePageHeader(ByteReader& reader);

// Encoders (append to `out`). Optional fields are written only when set.
void EncodeFileMetaData(const FileMetaData& md, ByteWriter& out);
void EncodePageHeader(const PageHeader& ph, ByteWriter& out);

}  // namespace budget_audit::parquet
