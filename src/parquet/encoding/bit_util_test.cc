#include "parquet/encoding/bit_util.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace budget_audit::parquet::bit_util {
namespace {

TEST(BitUtil, BitWidth) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(2), 2);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(256), 9);
  EXPECT_EQ(BitWidth(~uint64_t{0}), 64);
}

TEST(BitUtil, ZigZag) {
  EXPECT_EQ(ZigZagEncode(0), 0u);
  EXPECT_EQ(ZigZagEncode(-1), 1u);
  EXPECT_EQ(ZigZagEncode(1), 2u);
  EXPECT_EQ(ZigZagEncode(-2), 3u);
  EXPECT_EQ(ZigZagEncode(INT64_MAX), ~uint64_t{0} - 1);
  EXPECT_EQ(ZigZagEncode(INT64_MIN), ~uint64_t{0});
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, INT64_MIN, INT64_MAX, int64_t{123456789}}) {
    EXPECT_EQ(ZigZagDecode(ZigZagEncode(v)), v);
  }
}

// The spec's bit-packing example: 0..7 at width 3 is 10001000 11000110
// 11111010 (bytes written LSB-first).
TEST(BitUtil, SpecExample) {
  const uint32_t values[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  uint8_t packed[3];
  Pack32(values, 3, 1, packed);
  EXPECT_EQ(packed[0], 0x88);
  EXPECT_EQ(packed[1], 0xC6);
  EXPECT_EQ(packed[2], 0xFA);
  uint32_t back[8];
  Unpack(packed, 3, 1, back);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(back[i], values[i]);
}

TEST(BitUtil, RoundTrip64AllWidths) {
  std::mt19937_64 rng(42);
  for (int bw = 0; bw <= 64; ++bw) {
    for (size_t groups : {1, 2, 3, 5, 17}) {
      std::vector<uint64_t> v(groups * 8);
      for (auto& x : v) x = rng() & LowMask(bw);
      if (bw > 0) v[0] = LowMask(bw);  // the extreme value
      // Exactly sized buffers: ASan reports any read past them.
      std::vector<uint8_t> packed(groups * bw);
      Pack64(v.data(), bw, groups, packed.data());
      std::vector<uint64_t> back(groups * 8, 0xdeadbeef);
      Unpack(packed.data(), bw, groups, back.data());
      EXPECT_EQ(back, v) << "bw=" << bw << " groups=" << groups;
    }
  }
}

TEST(BitUtil, RoundTripNarrowOutputs) {
  std::mt19937 rng(7);
  for (int bw = 0; bw <= 32; ++bw) {
    const size_t groups = 9;
    std::vector<uint32_t> v(groups * 8);
    for (auto& x : v) x = static_cast<uint32_t>(rng() & LowMask(bw));
    std::vector<uint8_t> packed(groups * bw);
    Pack32(v.data(), bw, groups, packed.data());
    std::vector<uint32_t> b32(v.size());
    Unpack(packed.data(), bw, groups, b32.data());
    EXPECT_EQ(b32, v);
    if (bw <= 16) {
      std::vector<uint16_t> b16(v.size());
      Unpack(packed.data(), bw, groups, b16.data());
      for (size_t i = 0; i < v.size(); ++i) EXPECT_EQ(b16[i], v[i]);
    }
    if (bw <= 8) {
      std::vector<uint8_t> b8(v.size());
      Unpack(packed.data(), bw, groups, b8.data());
      for (size_t i = 0; i < v.size(); ++i) EXPECT_EQ(b8[i], v[i]);
    }
  }
}

TEST(BitUtil, PackIgnoresHighBits) {
  const uint32_t values[8] = {0xff, 0xfe, 0, 0, 0, 0, 0, 0};
  uint8_t packed[1];
  Pack32(values, 1, 1, packed);
  EXPECT_EQ(packed[0], 0x01);
}

}  // namespace
}  // namespace budget_audit::parquet::bit_util
