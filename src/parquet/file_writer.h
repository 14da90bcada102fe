// Writing flat Parquet files that pandas (pyarrow), DuckDB and Spark read.
//
// Shape of what is written (defaults follow pyarrow, parquet-notes §2):
// format version 2; per column chunk an optional PLAIN dictionary page then
// data pages (v1 by default) of about `data_page_size` bytes; dictionary
// encoding for every non-boolean column (RLE_DICTIONARY pages), falling back
// to PLAIN pages in the same chunk once the dictionary exceeds
// `dictionary_page_size_limit`; RLE definition levels; booleans PLAIN in v1
// pages and RLE in v2 pages; chunk statistics as Arrow writes them;
// TypeDefinedOrder column orders; created_by
// "budget-audit version X.Y.Z (build <rev>)".
//
// Usage: Open(), WriteRowGroup() any number of times, Close(). Nothing is
// durable until Close() returned OK (it syncs the file when asked to).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "budget_audit/env.h"
#include "budget_audit/status.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "parquet/types.h"

namespace budget_audit::parquet {

class FileReader;

// One column of the file to write. Build it with the helpers below.
struct ColumnSpec {
  std::string name;
  Type type = Type::INT64;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY
  Repetition repetition = Repetition::OPTIONAL;
  ConvertedType converted_type = ConvertedType::NONE;
  LogicalType logical_type;
  int32_t scale = 0;      // DECIMAL (also in logical_type)
  int32_t precision = 0;  // DECIMAL
  std::optional<int32_t> field_id;
};

ColumnSpec Int64Column(std::string name, Repetition r = Repetition::OPTIONAL);
ColumnSpec DoubleColumn(std::string name, Repetition r = Repetition::OPTIONAL);
ColumnSpec BoolColumn(std::string name, Repetition r = Repetition::OPTIONAL);
// BYTE_ARRAY with LogicalType STRING and ConvertedType UTF8.
ColumnSpec StringColumn(std::string name, Repetition r = Repetition::OPTIONAL);
// INT64 TIMESTAMP(unit, utc) (+ ConvertedType TIMESTAMP_MILLIS/MICROS for
// those units, as the spec and Arrow do).
ColumnSpec TimestampColumn(std::string name, TimeUnit unit, bool utc, Repetition r = Repetition::OPTIONAL);

// The spec of an existing (read) column, for re-encoding. INT96 becomes
// INT64 TIMESTAMP(NANOS, not UTC-adjusted), or TIMESTAMP(MICROS) when
// `int96_as_micros` (for values outside the nanosecond range, years
// 1677..2262); the caller converts the values.
ColumnSpec SpecFromDescriptor(const ColumnDescriptor& col, bool int96_as_micros = false);

// The descriptors (levels, resolved kinds) of the columns a writer with
// these specs writes; InvalidArgument for specs it would refuse.
Result<std::vector<ColumnDescriptor>> DescribeColumns(const std::vector<ColumnSpec>& columns);

struct WriterOptions {
  Codec codec = Codec::SNAPPY;
  int compression_level = 0;  // 0: the codec's default
  bool data_page_v2 = false;
  bool dictionary = true;
  uint64_t dictionary_page_size_limit = 1 << 20;
  uint64_t data_page_size = 1 << 20;
  int64_t max_row_group_rows = 1 << 20;  // larger WriteRowGroup calls are split
  // INT32/INT64 columns (by name) written DELTA_BINARY_PACKED instead of
  // dictionary (good for sorted integers such as timestamps and seq).
  std::set<std::string> delta_columns;
  // A column chunk of INT32/INT64/FLOAT/DOUBLE values with more distinct
  // values than this fraction of its values is written PLAIN, without a
  // dictionary (which would only add its page). 1: always a dictionary, as
  // pyarrow writes.
  double dictionary_max_distinct_ratio = 1.0;
  // The encoding of FLOAT/DOUBLE chunks that the ratio above leaves without a
  // dictionary: PLAIN, or BYTE_STREAM_SPLIT (compresses better).
  Encoding varied_float_encoding = Encoding::PLAIN;
  bool write_statistics = true;
  bool write_page_crc = false;
  bool sync_on_close = false;
  std::vector<KeyValue> key_value_metadata;
  std::string created_by;  // empty: "budget-audit version X.Y.Z (build …)"
};

// "budget-audit version X.Y.Z (build <rev>)".
std::string DefaultCreatedBy();

class FileWriter {
 public:
  static Result<std::unique_ptr<FileWriter>> Open(std::unique_ptr<WritableFile> file,
                                                  std::vector<ColumnSpec> columns,
                                                  WriterOptions options = {});
  static Result<std::unique_ptr<FileWriter>> Open(Env* env, const std::string& path,
                                                  std::vector<ColumnSpec> columns,
                                                  WriterOptions options = {});
  ~FileWriter();

  const std::vector<ColumnDescriptor>& columns() const { return descriptors_; }

  // Writes one row group (split into several if longer than
  // max_row_group_rows). `columns` has one vector per column spec, of the
  // spec's physical type, all with the same row count; REQUIRED columns must
  // have no nulls.
  Status WriteRowGroup(const std::vector<ColumnVector>& columns);

  // Appends row group `row_group` of `src` verbatim: its pages are copied
  // without decoding, with their statistics and encodings. `src` must have
  // the same columns (names and physical types, in order).
  Status CopyRowGroup(const FileReader& src, int row_group);

  // Appends key-value metadata written at Close().
  void AddKeyValue(std::string key, std::string value);

  // Writes the footer, syncs (if asked), closes. Returns the file's size.
  Result<uint64_t> Close();

 private:
  FileWriter() = default;
  Status WriteRowGroupSlice(const std::vector<ColumnVector>& columns, size_t begin, size_t end);
  Status Append(ByteSpan bytes);

  std::unique_ptr<WritableFile> file_;
  std::vector<ColumnSpec> specs_;
  std::vector<ColumnDescriptor> descriptors_;
  WriterOptions options_;
  FileMetaData md_;
  uint64_t offset_ = 0;
  bool closed_ = false;
};

}  // namespace budget_audit::parquet
