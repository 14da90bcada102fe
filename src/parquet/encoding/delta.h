// The delta encodings: DELTA_BINARY_PACKED (INT32, INT64),
// DELTA_LENGTH_BYTE_ARRAY (BYTE_ARRAY) and DELTA_BYTE_ARRAY (BYTE_ARRAY,
// FIXED_LEN_BYTE_ARRAY).
//
// DELTA_BINARY_PACKED layout:
//   header: varint block_size, varint miniblocks_per_block, varint
//           total_count, zigzag varint first_value
//   blocks: zigzag varint min_delta, one bit-width byte per miniblock, then
//           each miniblock's (value - previous - min_delta) bit-packed
//           LSB-first, block_size / miniblocks_per_block values each.
// Checked: block_size is a positive multiple of 128 (at most 2^31),
// miniblocks_per_block divides it into miniblocks of a multiple of 32
// values, bit widths are at most 64 (INT32 streams may use up to 64: some
// writers emit 33-bit deltas; values are decoded in 64 bits and truncated).
// In the last block, miniblocks after the last value may be absent (their
// bit-width bytes must be present). All arithmetic wraps (mod 2^64, then
// truncated), as the format intends for deltas that overflow.
//
// DELTA_LENGTH_BYTE_ARRAY: a DELTA_BINARY_PACKED stream of the n lengths,
// then the n values' bytes concatenated.
// DELTA_BYTE_ARRAY: a DELTA_BINARY_PACKED stream of n prefix lengths, then
// the suffixes as DELTA_LENGTH_BYTE_ARRAY; value i is the first prefix[i]
// bytes of value i-1 followed by suffix i (value -1 is empty: every page
// starts afresh).
//
// `n` (values to decode) comes from the page header and is trusted to be
// bounded by the caller: these decoders allocate O(n) before they can tell
// whether the stream really holds n values (a zero-width miniblock encodes
// any number of values in a few bytes). As in plain.h, decoders append to
// the vector of `out` matching the type argument, and append nothing on
// error.
#pragma once

#include <cstddef>
#include <cstdint>

#include "budget_audit/status.h"
#include "parquet/types.h"
#include "util/bytes.h"

namespace budget_audit::parquet {

// DELTA_BYTE_ARRAY can expand a little input into a lot of output (each
// value may repeat the previous one's bytes). Decoders stop with
// ResourceExhausted beyond this many payload bytes per call.
inline constexpr size_t kDefaultMaxDeltaOutputBytes = size_t{1} << 30;

// Decodes the first n values of a DELTA_BINARY_PACKED stream at the start of
// `data` into out[0..n). The stream's total_count must be >= n (values
// after the first n are skipped, not decoded). *consumed (optional)
// receives the byte length of the whole stream (all total_count values).
// With n == 0 an empty `data` is accepted (consumed 0).
Status DecodeDeltaBinaryPacked(ByteSpan data, size_t n, int32_t* out, size_t* consumed = nullptr);
Status DecodeDeltaBinaryPacked(ByteSpan data, size_t n, int64_t* out, size_t* consumed = nullptr);

// The same, appending to out->i32 (INT32) or out->i64 (INT64); any other
// type is Corruption.
Status DecodeDeltaBinaryPacked(ByteSpan data, Type type, size_t n, ColumnVector* out,
                               size_t* consumed = nullptr);

// Appends values[0..n) as DELTA_BINARY_PACKED with blocks of 128 values in
// 4 miniblocks of 32 (as Arrow and parquet-mr). Deltas wrap in the value
// type, so INT32 miniblocks need at most 32 bits.
void EncodeDeltaBinaryPacked(const int32_t* values, size_t n, ByteWriter& out);
void EncodeDeltaBinaryPacked(const int64_t* values, size_t n, ByteWriter& out);
// Values [begin, end) of values.i32 / values.i64 by values.type;
// InvalidArgument for another type or a bad range.
Status EncodeDeltaBinaryPacked(const ColumnVector& values, size_t begin, size_t end, ByteWriter& out);

// n BYTE_ARRAY values of a DELTA_LENGTH_BYTE_ARRAY stream appended to
// out->offsets / out->data. Negative lengths and lengths past the data are
// Corruption. *consumed (optional) receives the bytes used (the lengths
// stream plus the first n values' bytes).
Status DecodeDeltaLengthByteArray(ByteSpan data, size_t n, ColumnVector* out, size_t* consumed = nullptr);

// n values of a DELTA_BYTE_ARRAY stream. `type` is BYTE_ARRAY (appended to
// offsets/data) or FIXED_LEN_BYTE_ARRAY (appended to `fixed`; every value
// must be type_length bytes). A prefix longer than the previous value is
// Corruption; more than max_output_bytes of values is ResourceExhausted.
Status DecodeDeltaByteArray(ByteSpan data, Type type, int32_t type_length, size_t n, ColumnVector* out,
                            size_t* consumed = nullptr,
                            size_t max_output_bytes = kDefaultMaxDeltaOutputBytes);

// Encoders for values [begin, end) of `values`: DELTA_LENGTH_BYTE_ARRAY for
// BYTE_ARRAY; DELTA_BYTE_ARRAY for BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY.
// InvalidArgument for another type or a bad range.
Status EncodeDeltaLengthByteArray(const ColumnVector& values, size_t begin, size_t end, ByteWriter& out);
Status EncodeDeltaByteArray(const ColumnVector& values, size_t begin, size_t end, ByteWriter& out);

}  // namespace budget_audit::parquet
