#include "util/crc32.h"

#include <zlib.h>

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace budget_audit {

uint32_t Crc32Extend(uint32_t crc, ByteSpan data) {
  if (data.empty()) return crc;
  // crc32_z takes a size_t length (zlib >= 1.2.9), so no chunking is needed.
  return static_cast<uint32_t>(crc32_z(crc, data.data(), data.size()));
}

uint32_t Crc32(ByteSpan data) { return Crc32Extend(0, data); }

namespace crc32c_internal {
namespace {

constexpr uint32_t kCastagnoliReflected = 0x82F63B78u;

// Slicing-by-8: kTables[k][b] is the CRC register after byte b followed by
// k zero bytes, so eight input bytes are folded with eight lookups.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t r = b;
    for (int i = 0; i < 8; ++i) r = (r >> 1) ^ ((r & 1) ? kCastagnoliReflected : 0);
    t[0][b] = r;
  }
  for (int k = 1; k < 8; ++k) {
    for (uint32_t b = 0; b < 256; ++b) {
      uint32_t prev = t[k - 1][b];
      t[k][b] = (prev >> 8) ^ t[0][prev & 0xff];
    }
  }
  return t;
}

constexpr Tables kTables = MakeTables();

}  // namespace

uint32_t ExtendPortable(uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t c = ~crc;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);  // little-endian load (bytes.h assumes LE hosts)
    v ^= c;
    c = kTables[7][v & 0xff] ^ kTables[6][(v >> 8) & 0xff] ^ kTables[5][(v >> 16) & 0xff] ^
        kTables[4][(v >> 24) & 0xff] ^ kTables[3][(v >> 32) & 0xff] ^ kTables[2][(v >> 40) & 0xff] ^
        kTables[1][(v >> 48) & 0xff] ^ kTables[0][v >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) c = kTables[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

#if defined(__x86_64__)

namespace {

// The crc32 instruction has a latency of 3 cycles but a throughput of 1,
// so long inputs are cut into three interleaved streams of kStride bytes
// whose registers are recombined: for raw (unconditioned) CRC registers,
// reg(A ++ B) = Shift(reg(A), |B|) ^ reg(B, from 0). Shift by kStride bytes
// is linear over GF(2), hence four byte-indexed tables.
constexpr size_t kStride = 256;

struct ShiftTables {
  std::array<std::array<uint32_t, 256>, 4> t;
};

__attribute__((target("sse4.2"))) uint32_t ShiftRaw(uint32_t reg) {
  uint64_t r = reg;
  for (size_t i = 0; i < kStride / 8; ++i) r = _mm_crc32_u64(r, 0);
  return static_cast<uint32_t>(r);
}

const ShiftTables& StrideShift() {
  static const ShiftTables tables = [] {
    std::array<uint32_t, 32> basis{};
    for (int i = 0; i < 32; ++i) basis[i] = ShiftRaw(uint32_t{1} << i);
    ShiftTables s{};
    for (int j = 0; j < 4; ++j) {
      for (uint32_t b = 0; b < 256; ++b) {
        uint32_t v = 0;
        for (int i = 0; i < 8; ++i) {
          if (b & (1u << i)) v ^= basis[j * 8 + i];
        }
        s.t[j][b] = v;
      }
    }
    return s;
  }();
  return tables;
}

inline uint32_t Shift(const ShiftTables& s, uint32_t reg) {
  return s.t[0][reg & 0xff] ^ s.t[1][(reg >> 8) & 0xff] ^ s.t[2][(reg >> 16) & 0xff] ^ s.t[3][reg >> 24];
}

}  // namespace

bool HasHardware() {
  // __builtin_cpu_init makes this safe even when first called from a static
  // initializer, before libgcc's own constructor has run.
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") != 0;
  }();
  return has;
}

__attribute__((target("sse4.2"))) uint32_t ExtendHardware(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = static_cast<uint32_t>(~crc);
  if (n >= 3 * kStride) {
    const ShiftTables& shift = StrideShift();
    while (n >= 3 * kStride) {
      uint64_t a = c, b = 0, d = 0;
      for (size_t i = 0; i < kStride; i += 8) {
        uint64_t va, vb, vd;
        std::memcpy(&va, p + i, 8);
        std::memcpy(&vb, p + kStride + i, 8);
        std::memcpy(&vd, p + 2 * kStride + i, 8);
        a = _mm_crc32_u64(a, va);
        b = _mm_crc32_u64(b, vb);
        d = _mm_crc32_u64(d, vd);
      }
      uint32_t ab = Shift(shift, static_cast<uint32_t>(a)) ^ static_cast<uint32_t>(b);
      c = Shift(shift, ab) ^ static_cast<uint32_t>(d);
      p += 3 * kStride;
      n -= 3 * kStride;
    }
  }
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (n-- > 0) c32 = _mm_crc32_u8(c32, *p++);
  return ~c32;
}

#else  // !__x86_64__

bool HasHardware() { return false; }

uint32_t ExtendHardware(uint32_t crc, const uint8_t* p, size_t n) { return ExtendPortable(crc, p, n); }

#endif

}  // namespace crc32c_internal

uint32_t Crc32cExtend(uint32_t crc, ByteSpan data) {
  if (data.empty()) return crc;
  if (crc32c_internal::HasHardware()) {
    return crc32c_internal::ExtendHardware(crc, data.data(), data.size());
  }
  return crc32c_internal::ExtendPortable(crc, data.data(), data.size());
}

uint32_t Crc32c(ByteSpan data) { return Crc32cExtend(0, data); }

}  // namespace budget_audit
