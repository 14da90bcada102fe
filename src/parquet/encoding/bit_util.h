// Bit-level helpers shared by the Parquet encodings: bit widths, zigzag,
// and LSB-first bit packing / unpacking of fixed-width integers.
//
// Bit order: value i of a packed stream of width `bw` occupies bits
// [i*bw, (i+1)*bw) of the byte string, where bit k is bit (k % 8) of byte
// k / 8 (least significant bit first). This is the order of the
// RLE/bit-packed hybrid and of DELTA_BINARY_PACKED miniblocks. The
// deprecated BIT_PACKED level encoding uses the opposite (MSB-first) order
// and is handled in rle.h.
//
// Eight values of width bw take exactly bw bytes, so these routines work in
// groups of 8 values. None of them validate input: callers pass buffers
// whose sizes they have already checked (the preconditions below).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace budget_audit::parquet::bit_util {

// Number of bits needed to represent v (0 for v == 0).
constexpr int BitWidth(uint64_t v) { return v == 0 ? 0 : 64 - std::countl_zero(v); }

constexpr uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
constexpr int64_t ZigZagDecode(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1)); }

// Bytes needed for `bits` bits.
constexpr uint64_t BytesForBits(uint64_t bits) { return bits / 8 + ((bits % 8) != 0); }

// A mask of the low `bw` bits (bw in 0..64).
constexpr uint64_t LowMask(int bw) { return bw >= 64 ? ~uint64_t{0} : (uint64_t{1} << bw) - 1; }

// Unpacks `groups` groups of 8 values of width `bw` from `in` into
// out[0 .. 8*groups). Reads exactly groups*bw bytes of `in` (never past
// them). `bw` must be at most the output's width in bits (8, 16, 32, 64).
void Unpack(const uint8_t* in, int bw, size_t groups, uint8_t* out);
void Unpack(const uint8_t* in, int bw, size_t groups, uint16_t* out);
void Unpack(const uint8_t* in, int bw, size_t groups, uint32_t* out);
void Unpack(const uint8_t* in, int bw, size_t groups, uint64_t* out);

// Packs `groups` groups of 8 values of width `bw` (0..32 / 0..64) into
// out[0 .. groups*bw). Bits of a value above `bw` are ignored.
void Pack32(const uint32_t* in, int bw, size_t groups, uint8_t* out);
void Pack64(const uint64_t* in, int bw, size_t groups, uint8_t* out);

}  // namespace budget_audit::parquet::bit_util
