// Decoding one column chunk (its pages) into a ColumnVector.
//
// Pages are decoded one at a time and appended, so a chunk may mix
// dictionary-encoded and PLAIN pages (dictionary fallback), v1 and v2 pages.
// Every length in a page header is checked against the bytes that exist;
// every count against the caps below, before allocating.
#pragma once

#include "budget_audit/status.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "parquet/types.h"
#include "util/bytes.h"

namespace budget_audit::parquet {

struct ChunkDecodeOptions {
  bool verify_crc = false;
  // Largest decompressed page accepted.
  uint64_t max_page_bytes = 1ull << 30;
  // Largest number of rows materialised for one chunk.
  int64_t max_chunk_rows = int64_t{1} << 28;
};

// `chunk` holds the chunk's bytes as stored (starting at the dictionary page
// if any), `base_offset` their file offset (for messages). `expected_rows`
// is the row group's row count; the pages must add up to it.
Result<ColumnVector> DecodeColumnChunk(const ColumnDescriptor& col, const ColumnMetaData& meta,
                                       int64_t expected_rows, ByteSpan chunk, uint64_t base_offset,
                                       const ChunkDecodeOptions& options);

}  // namespace budget_audit::parquet
