// The PLAIN encoding, and helpers for the per-type vectors of ColumnVector
// that every encoding here shares.
//
// Layouts (all little-endian, values back to back, no padding):
//   BOOLEAN              1 bit per value, LSB-first, ceil(n / 8) bytes
//   INT32 / FLOAT        4 bytes
//   INT64 / DOUBLE       8 bytes
//   INT96                12 bytes (kept as stored, see types.h)
//   FIXED_LEN_BYTE_ARRAY type_length bytes
//   BYTE_ARRAY           u32 length, then that many bytes
//
// Decoders append to the vector of `out` that matches the `type` argument;
// they neither read nor change out->type / out->type_length (the caller
// sets them). BYTE_ARRAY output gets its leading 0 offset if `offsets` is
// empty. On error nothing is appended (out is as before the call).
#pragma once

#include <cstddef>
#include <cstdint>

#include "budget_audit/status.h"
#include "parquet/types.h"
#include "util/bytes.h"

namespace budget_audit::parquet {

// Bytes per value of a fixed-width type (type_length for
// FIXED_LEN_BYTE_ARRAY, 12 for INT96); 0 for BOOLEAN and BYTE_ARRAY.
size_t FixedValueWidth(Type type, int32_t type_length);

// Number of values held in the vector of `v` for `type` (not v.type).
size_t StoredValueCount(const ColumnVector& v, Type type);

// Checks that a FIXED_LEN_BYTE_ARRAY width is usable (> 0); other types
// pass. Corruption otherwise.
Status CheckTypeLength(Type type, int32_t type_length);

// Decodes n PLAIN values of `type` from the start of `data` (which may hold
// more bytes after them) and appends them to `out`. *consumed (optional)
// receives the bytes used. Corruption when `data` is too short or a
// BYTE_ARRAY length runs past its end; ResourceExhausted when BYTE_ARRAY
// payload in `out` would pass 4 GiB (u32 offsets).
Status DecodePlain(ByteSpan data, Type type, int32_t type_length, size_t n, ColumnVector* out,
                   size_t* consumed = nullptr);

// Appends the PLAIN encoding of values [begin, end) of `values` (of type
// values.type, width values.type_length) to `out`. InvalidArgument when the
// range is outside the stored values.
Status EncodePlain(const ColumnVector& values, size_t begin, size_t end, ByteWriter& out);

// Size in bytes of the PLAIN encoding of values [begin, end) (range must be
// valid).
size_t PlainEncodedSize(const ColumnVector& values, size_t begin, size_t end);

}  // namespace budget_audit::parquet
