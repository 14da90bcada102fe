#include "parquet/file_reader.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "parquet/column_reader.h"

namespace budget_audit::parquet {
namespace {

constexpr uint8_t kMagic[4] = {'P', 'A', 'R', '1'};
constexpr uint8_t kEncryptedMagic[4] = {'P', 'A', 'R', 'E'};

// An in-memory RandomAccessFile over an owned buffer.
class BufferFile final : public RandomAccessFile {
 public:
  BufferFile(const std::vector<uint8_t>* data, std::string name) : data_(data), name_(std::move(name)) {}
  Result<size_t> Read(uint64_t offset, size_t n, uint8_t* scratch) const override {
    if (offset >= data_->size()) return size_t{0};
    size_t k = std::min<uint64_t>(n, data_->size() - offset);
    std::memcpy(scratch, data_->data() + offset, k);
    return k;
  }
  Result<uint64_t> Size() const override { return static_cast<uint64_t>(data_->size()); }
  const std::string& path() const override { return name_; }

 private:
  const std::vector<uint8_t>* data_;
  std::string name_;
};

}  // namespace

Status FileReader::Error(std::string_view what) const {
  return Status::Corruption(fmt::format("{}: {}", path_, what));
}

Result<std::unique_ptr<FileReader>> FileReader::Open(Env* env, const std::string& path,
                                                     const ReadOptions& options) {
  auto r = std::unique_ptr<FileReader>(new FileReader());
  r->path_ = path;
  auto file = env->NewRandomAccessFile(path);
  if (!file.ok()) return file.status();
  r->file_ = std::move(*file);
  BA_RETURN_IF_ERROR(r->Init(options));
  return r;
}

Result<std::unique_ptr<FileReader>> FileReader::OpenBuffer(std::vector<uint8_t> data, const std::string& name,
                                                           const ReadOptions& options) {
  auto r = std::unique_ptr<FileReader>(new FileReader());
  r->path_ = name;
  r->buffer_ = std::move(data);
  r->file_ = std::make_unique<BufferFile>(&r->buffer_, name);
  BA_RETURN_IF_ERROR(r->Init(options));
  return r;
}

Result<std::vector<uint8_t>> FileReader::ReadRange(uint64_t offset, uint64_t length) const {
  if (offset > file_size_ || length > file_size_ - offset) {
    return Error(fmt::format("byte range [{}, {}) lies outside the file of {} bytes", offset, offset + length,
                             file_size_));
  }
  std::vector<uint8_t> buf(length);
  BA_ASSIGN_OR_RETURN(size_t n, file_->Read(offset, length, buf.data()));
  if (n != length) {
    return Status::IOError(
        fmt::format("{}: short read at offset {} ({} of {} bytes)", path_, offset, n, length));
  }
  return buf;
}

// Where a chunk's first page is: the dictionary page when there is one
// (its offset may be absent or 0 even then: parquet-notes trap 5), else the
// first data page. Offsets below 4 are not offsets at all.
int64_t FileReader::ChunkStart(const ColumnMetaData& cm) {
  int64_t start = cm.data_page_offset;
  if (cm.dictionary_page_offset && *cm.dictionary_page_offset >= 4 &&
      (*cm.dictionary_page_offset < start || start < 4)) {
    start = *cm.dictionary_page_offset;
  }
  return start;
}

// True for writers known to understate total_compressed_size (PARQUET-816):
// "parquet-mr" before version 1.2.9, or without a version.
static bool UnderstatesChunkSize(const std::optional<std::string>& created_by) {
  if (!created_by || created_by->rfind("parquet-mr", 0) != 0) return false;
  const std::string& s = *created_by;
  size_t v = s.find("version ");
  if (v == std::string::npos) return true;
  int major = 0, minor = 0, patch = 0;
  if (std::sscanf(s.c_str() + v + 8, "%d.%d.%d", &major, &minor, &patch) < 2) return true;
  return std::make_tuple(major, minor, patch) < std::make_tuple(1, 2, 9);
}

Status FileReader::Init(const ReadOptions& options) {
  options_ = options;
  BA_ASSIGN_OR_RETURN(file_size_, file_->Size());
  if (file_size_ < 12) {
    return Error(
        fmt::format("not a Parquet file: {} bytes is too small (a Parquet file has at "
                    "least 12: magic, footer length, magic)",
                    file_size_));
  }
  BA_ASSIGN_OR_RETURN(auto head, ReadRange(0, 4));
  BA_ASSIGN_OR_RETURN(auto tail, ReadRange(file_size_ - 8, 8));
  if (std::memcmp(tail.data() + 4, kEncryptedMagic, 4) == 0 ||
      std::memcmp(head.data(), kEncryptedMagic, 4) == 0) {
    return Status::NotSupported(fmt::format(
        "{}: the file is encrypted (Parquet modular encryption); encrypted files are not supported", path_));
  }
  if (std::memcmp(head.data(), kMagic, 4) != 0) {
    return Error("not a Parquet file: missing magic \"PAR1\" at offset 0");
  }
  if (std::memcmp(tail.data() + 4, kMagic, 4) != 0) {
    return Error(
        fmt::format("not a Parquet file or truncated: missing magic \"PAR1\" at offset {}", file_size_ - 4));
  }
  footer_length_ = LoadU32LE(tail.data());
  if (footer_length_ == 0) return Error("footer length is 0");
  if (footer_length_ > file_size_ - 12) {
    return Error(fmt::format("footer length {} (at offset {}) exceeds the {} bytes available", footer_length_,
                             file_size_ - 8, file_size_ - 12));
  }
  if (footer_length_ > options_.max_footer_bytes) {
    return Status::ResourceExhausted(fmt::format("{}: footer of {} bytes exceeds the {}-byte limit", path_,
                                                 footer_length_, options_.max_footer_bytes));
  }
  uint64_t footer_offset = file_size_ - 8 - footer_length_;
  BA_ASSIGN_OR_RETURN(auto footer, ReadRange(footer_offset, footer_length_));
  ByteReader reader(footer, footer_offset);
  auto md = DecodeFileMetaData(reader);
  if (!md.ok()) return md.status().WithContext(path_ + ": footer");
  md_ = std::move(*md);
  if (md_.has_encryption_algorithm) {
    return Status::NotSupported(fmt::format(
        "{}: the file is encrypted (plaintext footer with encrypted columns); encrypted files are "
        "not supported",
        path_));
  }
  auto schema = Schema::FromElements(md_.schema);
  if (!schema.ok()) return schema.status().WithContext(path_);
  schema_ = std::move(*schema);
  pad_chunks_ = UnderstatesChunkSize(md_.created_by);
  return ValidateRowGroups();
}

// A chunk without bytes or values in a group without rows.
static bool IsEmptyChunk(const RowGroup& rg, const ColumnMetaData& cm) {
  return rg.num_rows == 0 && cm.num_values == 0 && cm.total_compressed_size == 0;
}

Status FileReader::ValidateRowGroups() {
  const uint64_t data_end = file_size_ - 8 - footer_length_;
  num_rows_ = 0;
  for (size_t g = 0; g < md_.row_groups.size(); ++g) {
    const RowGroup& rg = md_.row_groups[g];
    if (rg.num_rows < 0) return Error(fmt::format("row group {} has {} rows", g, rg.num_rows));
    if (rg.columns.size() != schema_.num_columns()) {
      return Error(fmt::format("row group {} has {} column chunks but the schema has {} columns", g,
                               rg.columns.size(), schema_.num_columns()));
    }
    if (num_rows_ > INT64_MAX - rg.num_rows) return Error("total row count overflows");
    num_rows_ += rg.num_rows;
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const ColumnChunk& cc = rg.columns[c];
      const std::string where = fmt::format("row group {}, column '{}'", g, schema_.column(c).path);
      if (cc.has_crypto_metadata || cc.has_encrypted_column_metadata) {
        return Status::NotSupported(
            fmt::format("{}: {} is encrypted; encrypted files are not supported", path_, where));
      }
      if (cc.file_path) {
        return Status::NotSupported(
            fmt::format("{}: {} lives in another file ('{}'); external column chunks are not supported",
                        path_, where, *cc.file_path));
      }
      if (!cc.meta_data) return Error(where + ": column chunk has no metadata");
      const ColumnMetaData& cm = *cc.meta_data;
      if (cm.type != schema_.column(c).type) {
        return Error(fmt::format("{}: chunk type {} differs from the schema's {}", where, TypeName(cm.type),
                                 TypeName(schema_.column(c).type)));
      }
      if (cm.num_values < 0 || cm.total_compressed_size < 0 || cm.data_page_offset < 0) {
        return Error(where + ": negative size or offset in column metadata");
      }
      // The empty chunk of a 0-row group: nothing to read, wherever it says
      // it is. Some writers put it at offset 0 with size 0 (DuckDB reads
      // such a file as 0 rows); it is never read (IsEmptyChunk).
      if (IsEmptyChunk(rg, cm)) continue;
      const int64_t start = ChunkStart(cm);
      if (static_cast<uint64_t>(start) < 4 || static_cast<uint64_t>(start) > data_end ||
          static_cast<uint64_t>(cm.total_compressed_size) > data_end - static_cast<uint64_t>(start)) {
        return Error(fmt::format("{}: chunk bytes [{}, {}) lie outside the data region [4, {})", where, start,
                                 start + cm.total_compressed_size, data_end));
      }
    }
  }
  return Status::OK();
}

Result<std::vector<uint8_t>> FileReader::ReadRawChunk(int row_group, size_t column, int64_t* start) const {
  if (row_group < 0 || row_group >= num_row_groups() || column >= md_.row_groups[row_group].columns.size()) {
    return Status::InvalidArgument(fmt::format("{}: no row group {} column {}", path_, row_group, column));
  }
  if (pad_chunks_) {
    return Status::NotSupported(
        fmt::format("{}: written by an old parquet-mr; its chunks cannot be copied", path_));
  }
  const ColumnMetaData& cm = *md_.row_groups[row_group].columns[column].meta_data;
  if (static_cast<uint64_t>(cm.total_compressed_size) > options_.max_chunk_bytes) {
    return Status::ResourceExhausted(fmt::format("{}: row group {}: chunk of {} bytes exceeds the limit",
                                                 path_, row_group, cm.total_compressed_size));
  }
  *start = ChunkStart(cm);
  return ReadRange(static_cast<uint64_t>(*start), static_cast<uint64_t>(cm.total_compressed_size));
}

// A chunk's bytes, read (and its shape checked) before decoding: `empty`
// for a chunk without pages.
struct FileReader::ChunkBytes {
  bool empty = false;
  uint64_t start = 0;
  std::vector<uint8_t> bytes;
};

Result<FileReader::ChunkBytes> FileReader::FetchChunk(int row_group, size_t column) const {
  if (row_group < 0 || row_group >= num_row_groups()) {
    return Status::InvalidArgument(fmt::format("{}: no row group {}", path_, row_group));
  }
  if (column >= schema_.num_columns()) {
    return Status::InvalidArgument(fmt::format("{}: no column {}", path_, column));
  }
  const ColumnDescriptor& col = schema_.column(column);
  if (col.nested) {
    return Status::NotSupported(
        fmt::format("{}: column '{}' is nested or repeated; only flat columns can be read", path_, col.path));
  }
  const RowGroup& rg = md_.row_groups[row_group];
  const ColumnMetaData& cm = *rg.columns[column].meta_data;
  ChunkBytes chunk;
  if (IsEmptyChunk(rg, cm)) {
    chunk.empty = true;
    return chunk;
  }
  const int64_t start = ChunkStart(cm);
  if (static_cast<uint64_t>(cm.total_compressed_size) > options_.max_chunk_bytes) {
    return Status::ResourceExhausted(
        fmt::format("{}: row group {}, column '{}': chunk of {} bytes exceeds the {}-byte limit", path_,
                    row_group, col.path, cm.total_compressed_size, options_.max_chunk_bytes));
  }
  uint64_t length = static_cast<uint64_t>(cm.total_compressed_size);
  if (pad_chunks_) {
    // PARQUET-816: parquet-mr before 1.2.9 left the dictionary page header
    // out of total_compressed_size; read up to 100 bytes more, as Arrow does.
    const uint64_t data_end = file_size_ - 8 - footer_length_;
    length += std::min<uint64_t>(100, data_end - static_cast<uint64_t>(start) - length);
  }
  chunk.start = static_cast<uint64_t>(start);
  BA_ASSIGN_OR_RETURN(chunk.bytes, ReadRange(chunk.start, length));
  return chunk;
}

// Decoding touches no state of the reader (several run at once).
Result<ColumnVector> FileReader::DecodeChunk(int row_group, size_t column, const ChunkBytes& chunk) const {
  const ColumnDescriptor& col = schema_.column(column);
  const RowGroup& rg = md_.row_groups[row_group];
  const ColumnMetaData& cm = *rg.columns[column].meta_data;
  ChunkDecodeOptions o;
  if (chunk.empty) return DecodeColumnChunk(col, cm, 0, {}, 0, o);  // no pages: an empty vector of the type
  o.verify_crc = options_.verify_page_crc;
  o.max_page_bytes = options_.max_chunk_bytes;
  auto result = DecodeColumnChunk(col, cm, rg.num_rows, chunk.bytes, chunk.start, o);
  if (!result.ok()) {
    return result.status().WithContext(
        fmt::format("{}: row group {}, column '{}'", path_, row_group, col.path));
  }
  return result;
}

Result<ColumnVector> FileReader::ReadColumnChunk(int row_group, size_t column) const {
  BA_ASSIGN_OR_RETURN(auto chunk, FetchChunk(row_group, column));
  return DecodeChunk(row_group, column, chunk);
}

Result<std::vector<ColumnVector>> FileReader::ReadRowGroup(int row_group,
                                                           const std::vector<size_t>& columns) const {
  // The bytes are read in order on this thread (a file object serves one
  // thread); a large group's chunks are then decoded on two threads, each
  // taking the largest chunk left, as a month file's dozen columns of
  // zstd pages take tens of milliseconds.
  std::vector<ChunkBytes> chunks;
  chunks.reserve(columns.size());
  uint64_t total = 0;
  for (size_t c : columns) {
    BA_ASSIGN_OR_RETURN(auto chunk, FetchChunk(row_group, c));
    total += chunk.bytes.size();
    chunks.push_back(std::move(chunk));
  }
  std::vector<Result<ColumnVector>> decoded(columns.size(), Status::Internal("not decoded"));
  const bool parallel = options_.decode_threads > 1 && columns.size() > 1 && total >= kParallelDecodeBytes;
  if (!parallel) {
    for (size_t i = 0; i < columns.size(); ++i) decoded[i] = DecodeChunk(row_group, columns[i], chunks[i]);
  } else {
    std::vector<size_t> order(columns.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return chunks[a].bytes.size() > chunks[b].bytes.size(); });
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t k; (k = next.fetch_add(1)) < order.size();) {
        const size_t i = order[k];
        decoded[i] = DecodeChunk(row_group, columns[i], chunks[i]);
      }
    };
    {
      std::vector<std::jthread> helpers;
      const size_t threads = std::min<size_t>(options_.decode_threads, columns.size());
      for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
      work();
    }
  }
  std::vector<ColumnVector> out;
  out.reserve(columns.size());
  for (auto& d : decoded) {
    if (!d.ok()) return d.status();  // the first failing column's, in the given order
    out.push_back(std::move(*d));
  }
  return out;
}

std::optional<StatRange> FileReader::ChunkRange(int row_group, size_t column) const {
  const ColumnMetaData& cm = *md_.row_groups[row_group].columns[column].meta_data;
  if (!cm.statistics) return std::nullopt;
  bool type_defined = md_.has_column_orders && column < md_.column_orders_type_defined.size() &&
                      md_.column_orders_type_defined[column];
  return TrustedRange(schema_.column(column), *cm.statistics, type_defined);
}

}  // namespace budget_audit::parquet
