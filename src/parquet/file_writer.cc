#include "parquet/file_writer.h"

#include "parquet/file_reader.h"

#include <algorithm>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "parquet/compression.h"
#include "parquet/encoding/dictionary.h"
#include "parquet/encoding_dispatch.h"
#include "parquet/statistics.h"
#include "util/crc32.h"

namespace budget_audit::parquet {
namespace {

constexpr uint8_t kMagic[4] = {'P', 'A', 'R', '1'};
// Values are encoded in batches of this many rows; page and dictionary
// limits are checked between batches (Arrow's write_batch_size).
constexpr size_t kBatchRows = 1024;

ColumnSpec Make(std::string name, Type t, Repetition r) {
  ColumnSpec s;
  s.name = std::move(name);
  s.type = t;
  s.repetition = r;
  return s;
}

// A copy of rows [begin, end) of v.
ColumnVector SliceRows(const ColumnVector& v, size_t begin, size_t end) {
  size_t vb = begin, ve = end;
  ColumnVector out;
  out.type = v.type;
  out.type_length = v.type_length;
  if (!v.defined.empty()) {
    vb = 0;
    for (size_t i = 0; i < begin; ++i) vb += v.defined[i];
    ve = vb;
    for (size_t i = begin; i < end; ++i) ve += v.defined[i];
    out.defined.assign(v.defined.begin() + static_cast<ptrdiff_t>(begin),
                       v.defined.begin() + static_cast<ptrdiff_t>(end));
  }
  auto copy = [&](const auto& src, auto& dst, size_t width) {
    dst.assign(src.begin() + static_cast<ptrdiff_t>(vb * width),
               src.begin() + static_cast<ptrdiff_t>(ve * width));
  };
  switch (v.type) {
    case Type::BOOLEAN: copy(v.bools, out.bools, 1); break;
    case Type::INT32: copy(v.i32, out.i32, 1); break;
    case Type::INT64: copy(v.i64, out.i64, 1); break;
    case Type::FLOAT: copy(v.f32, out.f32, 1); break;
    case Type::DOUBLE: copy(v.f64, out.f64, 1); break;
    case Type::INT96:
    case Type::FIXED_LEN_BYTE_ARRAY: copy(v.fixed, out.fixed, static_cast<size_t>(v.type_length)); break;
    case Type::BYTE_ARRAY:
      out.offsets = {0};
      for (size_t i = vb; i < ve; ++i) out.AppendByteArray(v.ByteArrayAt(i));
      break;
  }
  return out;
}

struct EncodedPage {
  PageHeader header;
  Bytes body;  // as stored (compressed)
};

// Encodes one column chunk into pages held in memory (the dictionary page,
// which must come first, is only known once all values have been seen).
class ChunkWriter {
 public:
  ChunkWriter(const ColumnDescriptor& col, const WriterOptions& opts) : col_(col), opts_(opts) {}

  Status Encode(const ColumnVector& v) {
    if (v.type != col_.type) {
      return Status::InvalidArgument(fmt::format("column '{}': values of type {} for a {} column", col_.name,
                                                 TypeName(v.type), TypeName(col_.type)));
    }
    if (!col_.optional() && !v.defined.empty()) {
      for (uint8_t d : v.defined) {
        if (!d) {
          return Status::InvalidArgument(
              fmt::format("column '{}' is REQUIRED but has a null value", col_.name));
        }
      }
    }
    const size_t rows = v.row_count();
    const bool delta = opts_.delta_columns.count(col_.name) > 0;
    if (delta && col_.type != Type::INT32 && col_.type != Type::INT64) {
      return Status::InvalidArgument(
          fmt::format("column '{}': DELTA_BINARY_PACKED needs an INT32 or INT64 column", col_.name));
    }
    if (delta) {
      value_encoding_ = Encoding::DELTA_BINARY_PACKED;
    } else if (col_.type == Type::BOOLEAN) {
      value_encoding_ = opts_.data_page_v2 ? Encoding::RLE : Encoding::PLAIN;
    } else if (opts_.dictionary && !TooManyDistinct(v)) {
      dict_ = std::make_unique<DictionaryEncoder>(col_.type, col_.type_length);
    } else if (opts_.dictionary && (col_.type == Type::FLOAT || col_.type == Type::DOUBLE)) {
      value_encoding_ = opts_.varied_float_encoding;
    }
    size_t page_row_begin = 0, page_value_begin = 0;
    size_t value_pos = 0;
    size_t page_bytes = 0;
    std::vector<uint32_t> indices;
    for (size_t row = 0; row < rows;) {
      size_t batch_end = std::min(rows, row + kBatchRows);
      size_t values_in_batch = batch_end - row;
      if (!v.defined.empty()) {
        values_in_batch = 0;
        for (size_t i = row; i < batch_end; ++i) values_in_batch += v.defined[i];
      }
      const bool dict_active = dict_ && dict_pages_.empty();
      if (dict_active) {
        BA_RETURN_IF_ERROR(dict_->Put(v, value_pos, value_pos + values_in_batch, &indices));
        page_bytes = (indices.size() - (page_value_begin - dict_value_base_)) *
                         static_cast<size_t>(BitWidth(dict_->size())) / 8 +
                     1;
      } else {
        page_bytes += EstimateBytes(v, value_pos, value_pos + values_in_batch);
      }
      value_pos += values_in_batch;
      row = batch_end;
      bool dict_full = dict_active && dict_->dictionary_byte_size() > opts_.dictionary_page_size_limit;
      if (page_bytes >= opts_.data_page_size || row == rows || dict_full) {
        BA_RETURN_IF_ERROR(FlushPage(v, page_row_begin, row, page_value_begin, value_pos, indices));
        page_row_begin = row;
        page_value_begin = value_pos;
        page_bytes = 0;
        if (dict_full) {
          // Dictionary fallback: later pages of this chunk are PLAIN.
          BA_RETURN_IF_ERROR(FinishDictionary());
          value_encoding_ = Encoding::PLAIN;
        }
      }
    }
    if (rows == 0) BA_RETURN_IF_ERROR(FlushPage(v, 0, 0, 0, 0, indices));
    if (dict_) BA_RETURN_IF_ERROR(FinishDictionary());
    if (opts_.write_statistics) stats_ = ComputeStatistics(col_, v);
    num_values_ = static_cast<int64_t>(rows);
    return Status::OK();
  }

  // Appends the chunk's bytes to `out` (starting at file offset `offset`)
  // and fills `chunk`.
  Status Emit(uint64_t offset, Codec codec, Bytes& out, ColumnChunk& chunk) {
    ColumnMetaData md;
    md.type = col_.type;
    md.path_in_schema = {col_.name};
    md.codec = codec;
    md.num_values = num_values_;
    int64_t uncompressed = 0, compressed = 0;
    std::map<std::pair<int, int>, int32_t> enc_stats;
    uint64_t pos = offset;
    bool first_data = true;
    for (auto* pages : {&dict_pages_, &data_pages_}) {
      for (const EncodedPage& p : *pages) {
        ByteWriter hw;
        EncodePageHeader(p.header, hw);
        if (p.header.type == PageType::DICTIONARY_PAGE) {
          md.dictionary_page_offset = static_cast<int64_t>(pos);
        } else if (first_data) {
          md.data_page_offset = static_cast<int64_t>(pos);
          first_data = false;
        }
        out.insert(out.end(), hw.bytes().begin(), hw.bytes().end());
        out.insert(out.end(), p.body.begin(), p.body.end());
        pos += hw.size() + p.body.size();
        uncompressed += static_cast<int64_t>(hw.size()) + p.header.uncompressed_page_size;
        compressed += static_cast<int64_t>(hw.size()) + p.header.compressed_page_size;
        Encoding e = p.header.type == PageType::DICTIONARY_PAGE
                         ? p.header.dictionary_page_header->encoding
                         : (p.header.data_page_header ? p.header.data_page_header->encoding
                                                      : p.header.data_page_header_v2->encoding);
        PageType t = p.header.type == PageType::DATA_PAGE_V2 ? PageType::DATA_PAGE : p.header.type;
        ++enc_stats[{static_cast<int>(t), static_cast<int>(e)}];
      }
    }
    md.total_uncompressed_size = uncompressed;
    md.total_compressed_size = compressed;
    // Encodings in use, in Arrow's order: dictionary page encoding, levels,
    // then the data encodings.
    auto add = [&](Encoding e) {
      for (Encoding x : md.encodings)
        if (x == e) return;
      md.encodings.push_back(e);
    };
    if (!dict_pages_.empty()) add(Encoding::PLAIN);
    add(Encoding::RLE);
    for (const EncodedPage& p : data_pages_) {
      add(p.header.data_page_header ? p.header.data_page_header->encoding
                                    : p.header.data_page_header_v2->encoding);
    }
    for (auto& [k, count] : enc_stats) {
      PageEncodingStats s;
      s.page_type = static_cast<PageType>(k.first);
      s.encoding = static_cast<Encoding>(k.second);
      s.count = count;
      md.encoding_stats.push_back(s);
    }
    // Dictionary page stats first, as Arrow lists them.
    std::stable_sort(md.encoding_stats.begin(), md.encoding_stats.end(),
                     [](const PageEncodingStats& a, const PageEncodingStats& b) {
                       return a.page_type == PageType::DICTIONARY_PAGE &&
                              b.page_type != PageType::DICTIONARY_PAGE;
                     });
    if (stats_) md.statistics = *stats_;
    chunk.file_offset = 0;  // deprecated; Arrow >= 19 writes 0 too
    chunk.meta_data = std::move(md);
    total_uncompressed_ = uncompressed;
    total_compressed_ = compressed;
    return Status::OK();
  }

  int64_t total_uncompressed() const { return total_uncompressed_; }
  int64_t total_compressed() const { return total_compressed_; }

 private:
  static int BitWidth(size_t dict_size) {
    int w = 0;
    while (dict_size > 1 && (size_t{1} << w) < dict_size) ++w;
    return w;
  }

  size_t EstimateBytes(const ColumnVector& v, size_t b, size_t e) const {
    switch (v.type) {
      case Type::BOOLEAN: return (e - b + 7) / 8;
      case Type::INT32:
      case Type::FLOAT: return (e - b) * 4;
      case Type::INT64:
      case Type::DOUBLE: return (e - b) * 8;
      case Type::INT96:
      case Type::FIXED_LEN_BYTE_ARRAY: return (e - b) * static_cast<size_t>(v.type_length);
      case Type::BYTE_ARRAY: return (e - b) * 4 + (v.offsets[e] - v.offsets[b]);
    }
    return 0;
  }

  // dictionary_max_distinct_ratio: whether the chunk's fixed-width values
  // are too varied for a dictionary to pay.
  bool TooManyDistinct(const ColumnVector& v) const {
    if (opts_.dictionary_max_distinct_ratio >= 1.0) return false;
    size_t width = 0;
    const uint8_t* base = nullptr;
    switch (col_.type) {
      case Type::INT32:
        width = 4;
        base = reinterpret_cast<const uint8_t*>(v.i32.data());
        break;
      case Type::FLOAT:
        width = 4;
        base = reinterpret_cast<const uint8_t*>(v.f32.data());
        break;
      case Type::INT64:
        width = 8;
        base = reinterpret_cast<const uint8_t*>(v.i64.data());
        break;
      case Type::DOUBLE:
        width = 8;
        base = reinterpret_cast<const uint8_t*>(v.f64.data());
        break;
      default: return false;
    }
    const size_t n = v.value_count();
    const auto limit = static_cast<size_t>(opts_.dictionary_max_distinct_ratio * static_cast<double>(n));
    // Open addressing over bit patterns (a zero pattern is tracked apart):
    // at most limit + 1 distinct values are held, in a table twice that.
    size_t cap = 16;
    int shift = 60;  // 64 - log2(cap): a slot from the product's top bits
    while (cap < 2 * (std::min(n, limit + 1) + 1)) {
      cap <<= 1;
      --shift;
    }
    std::vector<uint64_t> table(cap, 0);
    const size_t mask = cap - 1;
    size_t distinct = 0;
    bool zero_seen = false;
    for (size_t i = 0; i < n; ++i) {
      uint64_t bits = 0;
      std::memcpy(&bits, base + i * width, width);
      if (bits == 0) {
        if (zero_seen) continue;
        zero_seen = true;
      } else {
        size_t s = static_cast<size_t>((bits * 0x9E3779B97F4A7C15ull) >> shift);
        while (table[s] != 0 && table[s] != bits) s = (s + 1) & mask;
        if (table[s] == bits) continue;
        table[s] = bits;
      }
      if (++distinct > limit) return true;
    }
    return false;
  }

  Status FinishDictionary() {
    if (!dict_ || !dict_pages_.empty()) return Status::OK();
    ByteWriter w;
    dict_->EncodeDictionaryPage(w);
    EncodedPage p;
    p.header.type = PageType::DICTIONARY_PAGE;
    DictionaryPageHeader dh;
    dh.num_values = static_cast<int32_t>(dict_->size());
    dh.encoding = Encoding::PLAIN;
    p.header.dictionary_page_header = dh;
    BA_RETURN_IF_ERROR(Seal(p, w.bytes(), {}));
    dict_pages_.push_back(std::move(p));
    return Status::OK();
  }

  // Compresses `values` (and, for v1, the levels in front of them), sets the
  // sizes and CRC.
  Status Seal(EncodedPage& p, const Bytes& values, const Bytes& v2_levels) {
    BA_ASSIGN_OR_RETURN(Bytes c, Compress(opts_.codec, values, opts_.compression_level));
    p.body = v2_levels;
    p.body.insert(p.body.end(), c.begin(), c.end());
    uint64_t uncompressed = v2_levels.size() + values.size();
    if (uncompressed > INT32_MAX || p.body.size() > INT32_MAX) {
      return Status::InvalidArgument(
          fmt::format("column '{}': a page of {} bytes is too large", col_.name, uncompressed));
    }
    p.header.uncompressed_page_size = static_cast<int32_t>(uncompressed);
    p.header.compressed_page_size = static_cast<int32_t>(p.body.size());
    if (opts_.write_page_crc) p.header.crc = Crc32(p.body);
    return Status::OK();
  }

  Status FlushPage(const ColumnVector& v, size_t row_begin, size_t row_end, size_t value_begin,
                   size_t value_end, const std::vector<uint32_t>& indices) {
    const size_t n = row_end - row_begin;
    const size_t present = value_end - value_begin;
    ByteWriter levels, values;
    if (col_.optional()) {
      util::PoolVector<uint8_t> all_defined;
      const util::PoolVector<uint8_t>* d = &v.defined;
      size_t b = row_begin, e = row_end;
      if (v.defined.empty()) {  // OPTIONAL column given without nulls
        all_defined.assign(n, 1);
        d = &all_defined;
        b = 0;
        e = n;
      }
      EncodeDefinitionLevels(*d, b, e, !opts_.data_page_v2, levels);
    }
    Encoding enc = value_encoding_;
    if (dict_ && dict_pages_.empty()) {
      enc = Encoding::RLE_DICTIONARY;
      dict_->EncodeIndices(indices.data() + (value_begin - dict_value_base_), value_end - value_begin,
                           values);
    } else {
      BA_RETURN_IF_ERROR(EncodeValues(col_, enc, v, value_begin, value_end, values));
    }
    EncodedPage p;
    if (opts_.data_page_v2) {
      p.header.type = PageType::DATA_PAGE_V2;
      DataPageHeaderV2 h;
      h.num_values = static_cast<int32_t>(n);
      h.num_nulls = static_cast<int32_t>(n - present);
      h.num_rows = static_cast<int32_t>(n);
      h.encoding = enc;
      h.definition_levels_byte_length = static_cast<int32_t>(levels.size());
      h.repetition_levels_byte_length = 0;
      h.is_compressed = opts_.codec != Codec::UNCOMPRESSED;
      p.header.data_page_header_v2 = h;
      BA_RETURN_IF_ERROR(Seal(p, values.bytes(), levels.bytes()));
    } else {
      p.header.type = PageType::DATA_PAGE;
      DataPageHeader h;
      h.num_values = static_cast<int32_t>(n);
      h.encoding = enc;
      h.definition_level_encoding = Encoding::RLE;
      h.repetition_level_encoding = Encoding::RLE;
      p.header.data_page_header = h;
      Bytes all = levels.Release();
      all.insert(all.end(), values.bytes().begin(), values.bytes().end());
      BA_RETURN_IF_ERROR(Seal(p, all, {}));
    }
    data_pages_.push_back(std::move(p));
    return Status::OK();
  }

  const ColumnDescriptor& col_;
  const WriterOptions& opts_;
  Encoding value_encoding_ = Encoding::PLAIN;
  std::unique_ptr<DictionaryEncoder> dict_;
  size_t dict_value_base_ = 0;  // value index of indices[0]
  std::vector<EncodedPage> dict_pages_, data_pages_;
  std::optional<Statistics> stats_;
  int64_t num_values_ = 0;
  int64_t total_uncompressed_ = 0, total_compressed_ = 0;
};

}  // namespace

std::string DefaultCreatedBy() {
  return fmt::format("budget-audit version {} (build {})", BA_VERSION, BA_BUILD);
}

ColumnSpec Int64Column(std::string name, Repetition r) { return Make(std::move(name), Type::INT64, r); }
ColumnSpec DoubleColumn(std::string name, Repetition r) { return Make(std::move(name), Type::DOUBLE, r); }
ColumnSpec BoolColumn(std::string name, Repetition r) { return Make(std::move(name), Type::BOOLEAN, r); }

ColumnSpec StringColumn(std::string name, Repetition r) {
  ColumnSpec s = Make(std::move(name), Type::BYTE_ARRAY, r);
  s.converted_type = ConvertedType::UTF8;
  s.logical_type.kind = LogicalType::Kind::STRING;
  return s;
}

ColumnSpec TimestampColumn(std::string name, TimeUnit unit, bool utc, Repetition r) {
  ColumnSpec s = Make(std::move(name), Type::INT64, r);
  s.logical_type.kind = LogicalType::Kind::TIMESTAMP;
  s.logical_type.unit = unit;
  s.logical_type.is_adjusted_to_utc = utc;
  if (unit == TimeUnit::MILLIS) s.converted_type = ConvertedType::TIMESTAMP_MILLIS;
  if (unit == TimeUnit::MICROS) s.converted_type = ConvertedType::TIMESTAMP_MICROS;
  return s;
}

ColumnSpec SpecFromDescriptor(const ColumnDescriptor& col, bool int96_as_micros) {
  ColumnSpec s;
  s.name = col.name;
  s.type = col.type;
  s.type_length = col.type == Type::FIXED_LEN_BYTE_ARRAY ? col.type_length : 0;
  s.repetition = col.repetition;
  s.converted_type = col.converted_type;
  s.logical_type = col.logical_type;
  if (col.logical_type.kind == LogicalType::Kind::UNRECOGNIZED) s.logical_type = {};
  if (col.kind == ValueKind::kDecimal) {
    s.scale = col.scale;
    s.precision = col.precision;
  }
  if (col.type == Type::INT96) {
    s = TimestampColumn(col.name, int96_as_micros ? TimeUnit::MICROS : TimeUnit::NANOS, false,
                        col.repetition);
    return s;
  }
  // A ConvertedType-only timestamp (UTC-adjusted by the spec) is written
  // with the LogicalType saying so, which every reader then agrees on.
  if (col.logical_type.kind == LogicalType::Kind::NONE && col.kind == ValueKind::kTimestamp) {
    s.logical_type.kind = LogicalType::Kind::TIMESTAMP;
    s.logical_type.unit = col.unit;
    s.logical_type.is_adjusted_to_utc = col.utc;
  }
  return s;
}

namespace {

std::vector<SchemaElement> SchemaFor(const std::vector<ColumnSpec>& columns) {
  std::vector<SchemaElement> out;
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(columns.size());
  out.push_back(root);
  for (const ColumnSpec& c : columns) {
    SchemaElement e;
    e.type = c.type;
    e.type_length = c.type_length;
    e.repetition = c.repetition;
    e.name = c.name;
    e.converted_type = c.converted_type;
    e.scale = c.scale;
    e.precision = c.precision;
    e.field_id = c.field_id;
    e.logical_type = c.logical_type;
    out.push_back(e);
  }
  return out;
}

}  // namespace

Result<std::vector<ColumnDescriptor>> DescribeColumns(const std::vector<ColumnSpec>& columns) {
  if (columns.empty()) return Status::InvalidArgument("a Parquet file needs at least one column");
  for (const ColumnSpec& c : columns) {
    if (c.repetition == Repetition::REPEATED) {
      return Status::InvalidArgument(fmt::format("column '{}': REPEATED columns are not supported", c.name));
    }
    if (c.type == Type::INT96) {
      return Status::InvalidArgument(
          fmt::format("column '{}': INT96 is written as INT64 TIMESTAMP(NANOS); convert the values", c.name));
    }
    if (c.type == Type::FIXED_LEN_BYTE_ARRAY && c.type_length <= 0) {
      return Status::InvalidArgument(fmt::format("column '{}': FIXED_LEN_BYTE_ARRAY needs a length", c.name));
    }
  }
  auto schema = Schema::FromElements(SchemaFor(columns));
  if (!schema.ok()) return Status::InvalidArgument(schema.status().message());
  return schema->columns();
}

FileWriter::~FileWriter() = default;

Result<std::unique_ptr<FileWriter>> FileWriter::Open(Env* env, const std::string& path,
                                                     std::vector<ColumnSpec> columns, WriterOptions options) {
  BA_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(path));
  return Open(std::move(file), std::move(columns), std::move(options));
}

Result<std::unique_ptr<FileWriter>> FileWriter::Open(std::unique_ptr<WritableFile> file,
                                                     std::vector<ColumnSpec> columns, WriterOptions options) {
  auto w = std::unique_ptr<FileWriter>(new FileWriter());
  w->file_ = std::move(file);
  w->options_ = std::move(options);
  if (w->options_.max_row_group_rows <= 0) {
    return Status::InvalidArgument("max_row_group_rows must be positive");
  }
  BA_ASSIGN_OR_RETURN(w->descriptors_, DescribeColumns(columns));
  w->md_.schema = SchemaFor(columns);
  w->specs_ = std::move(columns);
  w->md_.version = 2;
  w->md_.created_by = w->options_.created_by.empty() ? DefaultCreatedBy() : w->options_.created_by;
  w->md_.key_value_metadata = w->options_.key_value_metadata;
  w->md_.has_column_orders = true;
  w->md_.column_orders_type_defined.assign(w->specs_.size(), true);
  BA_RETURN_IF_ERROR(w->Append(ByteSpan(kMagic, 4)));
  return w;
}

Status FileWriter::Append(ByteSpan bytes) {
  BA_RETURN_IF_ERROR(file_->Append(bytes));
  offset_ += bytes.size();
  return Status::OK();
}

void FileWriter::AddKeyValue(std::string key, std::string value) {
  KeyValue kv;
  kv.key = std::move(key);
  kv.value = std::move(value);
  md_.key_value_metadata.push_back(std::move(kv));
}

Status FileWriter::WriteRowGroup(const std::vector<ColumnVector>& columns) {
  if (closed_) return Status::FailedPrecondition("the Parquet writer is closed");
  if (columns.size() != specs_.size()) {
    return Status::InvalidArgument(
        fmt::format("{} columns given for a schema of {}", columns.size(), specs_.size()));
  }
  const size_t rows = columns[0].row_count();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].row_count() != rows) {
      return Status::InvalidArgument(fmt::format("column '{}' has {} rows, column '{}' has {}",
                                                 specs_[0].name, rows, specs_[i].name,
                                                 columns[i].row_count()));
    }
  }
  const size_t step = static_cast<size_t>(options_.max_row_group_rows);
  if (rows <= step) return WriteRowGroupSlice(columns, 0, rows);
  for (size_t b = 0; b < rows; b += step) {
    size_t e = std::min(rows, b + step);
    std::vector<ColumnVector> slice;
    for (const auto& c : columns) slice.push_back(SliceRows(c, b, e));
    BA_RETURN_IF_ERROR(WriteRowGroupSlice(slice, 0, e - b));
  }
  return Status::OK();
}

Status FileWriter::WriteRowGroupSlice(const std::vector<ColumnVector>& columns, size_t, size_t rows) {
  RowGroup rg;
  rg.num_rows = static_cast<int64_t>(rows);
  rg.file_offset = static_cast<int64_t>(offset_);
  rg.ordinal = static_cast<int16_t>(md_.row_groups.size());
  int64_t total_uncompressed = 0, total_compressed = 0;
  Bytes buf;
  for (size_t i = 0; i < columns.size(); ++i) {
    ChunkWriter cw(descriptors_[i], options_);
    BA_RETURN_IF_ERROR(cw.Encode(columns[i]).WithContext(fmt::format("column '{}'", specs_[i].name)));
    ColumnChunk chunk;
    buf.clear();
    BA_RETURN_IF_ERROR(cw.Emit(offset_, options_.codec, buf, chunk));
    BA_RETURN_IF_ERROR(Append(buf));
    total_uncompressed += cw.total_uncompressed();
    total_compressed += cw.total_compressed();
    rg.columns.push_back(std::move(chunk));
  }
  rg.total_byte_size = total_uncompressed;
  rg.total_compressed_size = total_compressed;
  md_.num_rows += rg.num_rows;
  md_.row_groups.push_back(std::move(rg));
  return Status::OK();
}

Status FileWriter::CopyRowGroup(const FileReader& src, int row_group) {
  if (closed_) return Status::FailedPrecondition("the Parquet writer is already closed");
  if (src.schema().num_columns() != descriptors_.size()) {
    return Status::InvalidArgument(fmt::format("{}: {} columns, the file being written has {}", src.path(),
                                               src.schema().num_columns(), descriptors_.size()));
  }
  for (size_t i = 0; i < descriptors_.size(); ++i) {
    const ColumnDescriptor& a = src.schema().column(i);
    if (a.name != descriptors_[i].name || a.type != descriptors_[i].type || a.nested) {
      return Status::InvalidArgument(
          fmt::format("{}: column {} ('{}') differs from '{}' of the file being written", src.path(), i,
                      a.name, descriptors_[i].name));
    }
  }
  RowGroup rg = src.metadata().row_groups[static_cast<size_t>(row_group)];
  rg.file_offset = static_cast<int64_t>(offset_);
  rg.ordinal = static_cast<int16_t>(md_.row_groups.size());
  for (size_t i = 0; i < rg.columns.size(); ++i) {
    ColumnChunk& chunk = rg.columns[i];
    int64_t start = 0;
    BA_ASSIGN_OR_RETURN(auto bytes, src.ReadRawChunk(row_group, i, &start));
    const int64_t delta = static_cast<int64_t>(offset_) - start;
    ColumnMetaData& cm = *chunk.meta_data;
    cm.data_page_offset += delta;
    if (cm.dictionary_page_offset) *cm.dictionary_page_offset += delta;
    cm.index_page_offset.reset();
    cm.bloom_filter_offset.reset();
    cm.bloom_filter_length.reset();
    chunk.file_offset = 0;
    chunk.file_path.reset();
    chunk.offset_index_offset.reset();
    chunk.offset_index_length.reset();
    chunk.column_index_offset.reset();
    chunk.column_index_length.reset();
    BA_RETURN_IF_ERROR(Append(bytes));
  }
  md_.num_rows += rg.num_rows;
  md_.row_groups.push_back(std::move(rg));
  return Status::OK();
}

Result<uint64_t> FileWriter::Close() {
  if (closed_) return Status::FailedPrecondition("the Parquet writer is already closed");
  closed_ = true;
  ByteWriter footer;
  EncodeFileMetaData(md_, footer);
  BA_RETURN_IF_ERROR(Append(footer.bytes()));
  ByteWriter tail;
  tail.PutU32LE(static_cast<uint32_t>(footer.size()));
  tail.PutRaw(kMagic, 4);
  BA_RETURN_IF_ERROR(Append(tail.bytes()));
  if (options_.sync_on_close) BA_RETURN_IF_ERROR(file_->Sync());
  BA_RETURN_IF_ERROR(file_->Close());
  return offset_;
}

}  // namespace budget_audit::parquet
