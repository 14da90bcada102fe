// The bridge between pages and the encodings in parquet/encoding/: choose
// the decoder or encoder for a (column, encoding) pair and check that the
// pair is legal (e.g. DELTA_BINARY_PACKED only on INT32/INT64).
#pragma once

#include <memory>
#include <vector>

#include "budget_audit/status.h"
#include "parquet/schema.h"
#include "parquet/types.h"
#include "util/bytes.h"

namespace budget_audit::parquet {

// Definition levels of n rows (max level `max_level`, always 1 for flat
// OPTIONAL columns) appended to `defined` as 0/1 (1 = level == max_level).
// `v1`: RLE levels carry a u32 length prefix (data page v1); v2 has none and
// `data` is exactly the level bytes. BIT_PACKED (deprecated) is accepted.
// `consumed` receives the bytes used.
Status DecodeDefinitionLevels(ByteSpan data, Encoding encoding, int16_t max_level, size_t n, bool v1,
                              util::PoolVector<uint8_t>& defined, size_t* consumed);

// n PLAIN values appended to `out`.
Status DecodePlainValues(const ColumnDescriptor& col, ByteSpan data, size_t n, ColumnVector& out);

// n dictionary indices (bit-width byte + RLE/bit-packed hybrid) gathered
// from `dict` into `out`.
Status DecodeDictionaryIndices(const ColumnDescriptor& col, ByteSpan data, size_t n, const ColumnVector& dict,
                               ColumnVector& out);

// n values in any non-dictionary encoding appended to `out`.
Status DecodeEncodedValues(const ColumnDescriptor& col, Encoding encoding, ByteSpan data, size_t n,
                           ColumnVector& out);

}  // namespace budget_audit::parquet

namespace budget_audit::parquet {

// ---- Encoders (used by the writer) ----

// Definition levels (0/1) of rows [begin, end) as an RLE/bit-packed hybrid
// stream of bit width 1; with a u32 length prefix when `v1`.
void EncodeDefinitionLevels(const util::PoolVector<uint8_t>& defined, size_t begin, size_t end, bool v1,
                            ByteWriter& out);

// Values [begin, end) (dense value indices) of `values` in `encoding`
// (PLAIN, RLE for booleans with its u32 length prefix, DELTA_BINARY_PACKED
// for INT32/INT64, BYTE_STREAM_SPLIT for fixed-width types).
Status EncodeValues(const ColumnDescriptor& col, Encoding encoding, const ColumnVector& values, size_t begin,
                    size_t end, ByteWriter& out);

}  // namespace budget_audit::parquet
