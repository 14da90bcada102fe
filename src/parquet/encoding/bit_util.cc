#include "parquet/encoding/bit_util.h"

#include <array>
#include <cstring>
#include <utility>

#include "util/bytes.h"

namespace budget_audit::parquet::bit_util {
namespace {

// One value of a group of 8, extracted with a single unaligned 64-bit load
// (plus one byte when the value straddles the load: only for widths > 56).
// Everything is a compile-time constant, so a group unrolls into 8
// load/shift/mask sequences.
template <int BW, int I, typename Out>
inline Out Extract(const uint8_t* in) {
  constexpr int kBit = I * BW;
  constexpr int kByte = kBit / 8;
  constexpr int kShift = kBit % 8;
  uint64_t w = LoadU64LE(in + kByte) >> kShift;
  if constexpr (kShift + BW > 64) w |= uint64_t{in[kByte + 8]} << (64 - kShift);
  return static_cast<Out>(w & LowMask(BW));
}

template <int BW, typename Out, size_t... I>
inline void Unpack8(const uint8_t* in, Out* out, std::index_sequence<I...>) {
  ((out[I] = Extract<BW, static_cast<int>(I), Out>(in)), ...);
}

// The loads of a group read up to BW + 9 bytes from its start (a little past
// its own BW bytes). Groups with that much readable input are unpacked in
// place; the last few are copied into a zero-padded buffer first, so no read
// ever leaves the caller's buffer.
constexpr size_t kReadAhead = 9;

template <int BW, typename Out>
void UnpackGroups(const uint8_t* in, size_t groups, Out* out) {
  if constexpr (BW == 0) {
    std::memset(out, 0, groups * 8 * sizeof(Out));
  } else {
    constexpr auto kSeq = std::make_index_sequence<8>{};
    size_t g = 0;
    const size_t total = groups * BW;
    while (total - g * BW >= BW + kReadAhead) {
      Unpack8<BW, Out>(in + g * BW, out + g * 8, kSeq);
      ++g;
    }
    if (g == groups) return;
    uint8_t tail[BW + kReadAhead + 16] = {};
    const size_t left = total - g * BW;  // < BW + kReadAhead
    std::memcpy(tail, in + g * BW, left);
    for (size_t t = 0; g < groups; ++g, t += BW) Unpack8<BW, Out>(tail + t, out + g * 8, kSeq);
  }
}

// Packing accumulates into a 64-bit word and stores whole words; the group
// structure guarantees the stream ends on a byte boundary.
template <int BW, typename In>
void PackGroups(const In* in, size_t groups, uint8_t* out) {
  if constexpr (BW == 0) {
    return;
  } else {
    uint64_t acc = 0;
    int nbits = 0;
    const size_t n = groups * 8;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t v = static_cast<uint64_t>(in[i]) & LowMask(BW);
      acc |= v << nbits;
      if (nbits + BW >= 64) {
        std::memcpy(out, &acc, 8);
        out += 8;
        acc = nbits == 0 ? 0 : v >> (64 - nbits);
        nbits = nbits + BW - 64;
      } else {
        nbits += BW;
      }
    }
    std::memcpy(out, &acc, static_cast<size_t>(nbits / 8));
  }
}

template <typename Out, size_t... BW>
constexpr auto MakeUnpackTable(std::index_sequence<BW...>) {
  using Fn = void (*)(const uint8_t*, size_t, Out*);
  return std::array<Fn, sizeof...(BW)>{&UnpackGroups<static_cast<int>(BW), Out>...};
}
template <typename In, size_t... BW>
constexpr auto MakePackTable(std::index_sequence<BW...>) {
  using Fn = void (*)(const In*, size_t, uint8_t*);
  return std::array<Fn, sizeof...(BW)>{&PackGroups<static_cast<int>(BW), In>...};
}

constexpr auto kUnpack8 = MakeUnpackTable<uint8_t>(std::make_index_sequence<9>{});
constexpr auto kUnpack16 = MakeUnpackTable<uint16_t>(std::make_index_sequence<17>{});
constexpr auto kUnpack32 = MakeUnpackTable<uint32_t>(std::make_index_sequence<33>{});
constexpr auto kUnpack64 = MakeUnpackTable<uint64_t>(std::make_index_sequence<65>{});
constexpr auto kPack32 = MakePackTable<uint32_t>(std::make_index_sequence<33>{});
constexpr auto kPack64 = MakePackTable<uint64_t>(std::make_index_sequence<65>{});

}  // namespace

void Unpack(const uint8_t* in, int bw, size_t groups, uint8_t* out) {
  kUnpack8[static_cast<size_t>(bw)](in, groups, out);
}
void Unpack(const uint8_t* in, int bw, size_t groups, uint16_t* out) {
  kUnpack16[static_cast<size_t>(bw)](in, groups, out);
}
void Unpack(const uint8_t* in, int bw, size_t groups, uint32_t* out) {
  kUnpack32[static_cast<size_t>(bw)](in, groups, out);
}
void Unpack(const uint8_t* in, int bw, size_t groups, uint64_t* out) {
  kUnpack64[static_cast<size_t>(bw)](in, groups, out);
}
void Pack32(const uint32_t* in, int bw, size_t groups, uint8_t* out) {
  kPack32[static_cast<size_t>(bw)](in, groups, out);
}
void Pack64(const uint64_t* in, int bw, size_t groups, uint8_t* out) {
  kPack64[static_cast<size_t>(bw)](in, groups, out);
}

}  // namespace budget_audit::parquet::bit_util
