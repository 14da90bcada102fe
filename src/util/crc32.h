// Checksums: CRC-32 (IEEE) for Parquet page headers and CRC-32C
// (Castagnoli) for the journal.
//
// Both are the usual reflected CRCs with initial value and final XOR
// 0xFFFFFFFF, so Crc32("123456789") == 0xCBF43926 and
// Crc32c("123456789") == 0xE3069283. The *Extend functions continue a
// finished checksum: Extend(Crc(a), b) == Crc(a ++ b), with Crc(empty) == 0.
//
// CRC-32 is zlib's crc32. CRC-32C uses the SSE4.2 crc32 instruction when the
// CPU has it (checked once at run time) and a slicing-by-8 table otherwise;
// both give identical results. All functions are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "util/bytes.h"

namespace budget_audit {

// CRC-32 (polynomial 0x04C11DB7, reflected), as zlib's crc32 and Parquet's
// PageHeader.crc.
uint32_t Crc32(ByteSpan data);
uint32_t Crc32Extend(uint32_t crc, ByteSpan data);

// CRC-32C (polynomial 0x1EDC6F41, reflected), as iSCSI, ext4 and LevelDB.
uint32_t Crc32c(ByteSpan data);
uint32_t Crc32cExtend(uint32_t crc, ByteSpan data);

// LevelDB-style masking for CRCs stored next to the data they cover:
// computing the CRC of a string that itself contains embedded CRCs is
// error-prone, so the stored value is rotated and offset. UnmaskCrc inverts
// MaskCrc exactly.
inline constexpr uint32_t kCrcMaskDelta = 0xa282ead8u;
inline constexpr uint32_t MaskCrc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kCrcMaskDelta; }
inline constexpr uint32_t UnmaskCrc(uint32_t masked) {
  const uint32_t rot = masked - kCrcMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// Exposed for tests and benchmarks; use Crc32c/Crc32cExtend instead.
namespace crc32c_internal {
// The table-driven implementation (any CPU).
uint32_t ExtendPortable(uint32_t crc, const uint8_t* data, size_t n);
// True if ExtendHardware may be called on this CPU.
bool HasHardware();
// The SSE4.2 implementation; only valid when HasHardware().
uint32_t ExtendHardware(uint32_t crc, const uint8_t* data, size_t n);
}  // namespace crc32c_internal

}  // namespace budget_audit
