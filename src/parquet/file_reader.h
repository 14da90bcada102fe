// Reading flat Parquet files.
//
// Open() reads and validates the footer before anything else is trusted:
// magic at both ends, footer length within the file, the metadata decodes,
// the schema is a well-formed tree, every row group has one chunk per leaf
// and every chunk's byte range lies inside the file's data region. Encrypted
// files (magic "PARE" or encryption metadata) are refused with a message
// saying so.
//
// Data is read one column chunk at a time (one pread per chunk), so memory is
// bounded by the largest row group read, not by the file.
//
// Errors name the file and, where it helps, the row group, column and byte
// offset. Thread safety: a FileReader may be used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "budget_audit/env.h"
#include "budget_audit/status.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "parquet/statistics.h"
#include "parquet/types.h"

namespace budget_audit::parquet {

struct ReadOptions {
  // Verify PageHeader.crc (CRC-32 of the page bytes as stored) when present.
  bool verify_page_crc = false;
  // Footer larger than this is refused (ResourceExhausted).
  uint64_t max_footer_bytes = 256ull << 20;
  // A single column chunk larger than this (compressed or decompressed) is
  // refused rather than allocated.
  uint64_t max_chunk_bytes = 2ull << 30;
  // ReadRowGroup decodes a group's chunks on this many threads when they
  // hold at least kParallelDecodeBytes (the file is still read from one).
  size_t decode_threads = 2;
};

inline constexpr uint64_t kParallelDecodeBytes = 256u << 10;

class FileReader {
 public:
  // Opens `path` through `env` (which must outlive the reader).
  static Result<std::unique_ptr<FileReader>> Open(Env* env, const std::string& path,
                                                  const ReadOptions& options = {});
  // Opens an in-memory file image (e.g. for fuzzing); `data` is copied.
  static Result<std::unique_ptr<FileReader>> OpenBuffer(std::vector<uint8_t> data, const std::string& name,
                                                        const ReadOptions& options = {});

  const std::string& path() const { return path_; }
  const FileMetaData& metadata() const { return md_; }
  const Schema& schema() const { return schema_; }
  uint64_t file_size() const { return file_size_; }
  uint32_t footer_length() const { return footer_length_; }
  int num_row_groups() const { return static_cast<int>(md_.row_groups.size()); }
  int64_t num_rows() const { return num_rows_; }  // sum over row groups
  int64_t row_group_num_rows(int rg) const { return md_.row_groups[rg].num_rows; }

  // Decodes one column chunk of a row group. The column must be flat.
  Result<ColumnVector> ReadColumnChunk(int row_group, size_t column) const;
  // Decodes the given columns of a row group, in the given order.
  Result<std::vector<ColumnVector>> ReadRowGroup(int row_group, const std::vector<size_t>& columns) const;

  // The stored bytes of one column chunk — its pages as written, still
  // compressed — and the file offset they start at (for copying a row group
  // verbatim). NotSupported for files that need the PARQUET-816 padding.
  Result<std::vector<uint8_t>> ReadRawChunk(int row_group, size_t column, int64_t* start) const;

  // The chunk's statistics as a trusted [min, max], if any (see statistics.h).
  std::optional<StatRange> ChunkRange(int row_group, size_t column) const;

 private:
  FileReader() = default;
  Status Init(const ReadOptions& options);
  Status ValidateRowGroups();
  Result<std::vector<uint8_t>> ReadRange(uint64_t offset, uint64_t length) const;
  Status Error(std::string_view what) const;
  static int64_t ChunkStart(const ColumnMetaData& cm);

  std::unique_ptr<RandomAccessFile> file_;
  std::vector<uint8_t> buffer_;  // OpenBuffer's image
  std::string path_;
  ReadOptions options_;
  struct ChunkBytes;
  Result<ChunkBytes> FetchChunk(int row_group, size_t column) const;
  Result<ColumnVector> DecodeChunk(int row_group, size_t column, const ChunkBytes& chunk) const;
  uint64_t file_size_ = 0;
  uint32_t footer_length_ = 0;
  FileMetaData md_;
  Schema schema_;
  int64_t num_rows_ = 0;
  bool pad_chunks_ = false;  // PARQUET-816 workaround (see ReadColumnChunk)
};

}  // namespace budget_audit::parquet
