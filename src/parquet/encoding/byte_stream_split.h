// BYTE_STREAM_SPLIT: for values of K bytes, the page holds K streams, each
// N bytes long (N = values in the page): stream k holds byte k of every
// value, in value order. Valid for FLOAT, DOUBLE, INT32, INT64 and
// FIXED_LEN_BYTE_ARRAY.
#pragma once

#include <cstddef>
#include <cstdint>

#include "budget_audit/status.h"
#include "parquet/types.h"
#include "util/bytes.h"

namespace budget_audit::parquet {

// Decodes the first n values of a BYTE_STREAM_SPLIT page body and appends
// them to the vector of `out` matching `type` (f32, f64, i32, i64 or fixed).
// `data` must be the whole values section: its size must be a multiple of
// the value width, N = size / width, and n <= N (Corruption otherwise).
// Another type is Corruption. Nothing is appended on error.
Status DecodeByteStreamSplit(ByteSpan data, Type type, int32_t type_length, size_t n, ColumnVector* out);

// Appends values [begin, end) of `values` (by values.type) split into
// streams. InvalidArgument for another type or a bad range.
Status EncodeByteStreamSplit(const ColumnVector& values, size_t begin, size_t end, ByteWriter& out);

// The transposition itself, for `width`-byte values: n values from
// `streams` (stream stride `stride` >= n) into dst[0 .. n*width), and back.
void ByteStreamSplitDecode(const uint8_t* streams, size_t width, size_t stride, size_t n, uint8_t* dst);
void ByteStreamSplitEncode(const uint8_t* values, size_t width, size_t n, uint8_t* streams);

}  // namespace budget_audit::parquet
