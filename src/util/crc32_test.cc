#include "util/crc32.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace budget_audit {
namespace {

Bytes RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

TEST(Crc32Test, StandardVectors) {
  EXPECT_EQ(Crc32(AsSpan("123456789")), 0xCBF43926u);
  EXPECT_EQ(Crc32(AsSpan("")), 0u);
  EXPECT_EQ(Crc32(AsSpan("a")), 0xE8B7BE43u);
  EXPECT_EQ(Crc32(AsSpan("The quick brown fox jumps over the lazy dog")), 0x414FA339u);
}

TEST(Crc32Test, Extend) {
  Bytes data = RandomBytes(1000, 1);
  ByteSpan s(data);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{499}, size_t{1000}}) {
    EXPECT_EQ(Crc32Extend(Crc32(s.first(cut)), s.subspan(cut)), Crc32(s));
  }
}

TEST(Crc32cTest, StandardVectors) {
  EXPECT_EQ(Crc32c(AsSpan("123456789")), 0xE3069283u);
  EXPECT_EQ(Crc32c(AsSpan("")), 0u);
  // RFC 3720 (iSCSI) B.4 test patterns.
  Bytes zeros(32, 0), ones(32, 0xff), inc(32), dec(32);
  for (int i = 0; i < 32; ++i) {
    inc[i] = static_cast<uint8_t>(i);
    dec[i] = static_cast<uint8_t>(31 - i);
  }
  EXPECT_EQ(Crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(ones), 0x62A8AB43u);
  EXPECT_EQ(Crc32c(inc), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(dec), 0x113FDB5Cu);
}

TEST(Crc32cTest, PortableAndHardwareAgree) {
  // Lengths around the 8-byte and 3x256-byte strides, at odd alignments.
  Bytes data = RandomBytes(5000, 2);
  for (size_t offset : {size_t{0}, size_t{1}, size_t{3}, size_t{7}}) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{63}, size_t{767},
                     size_t{768}, size_t{769}, size_t{1536}, size_t{2000}, size_t{4096}}) {
      const uint8_t* p = data.data() + offset;
      uint32_t portable = crc32c_internal::ExtendPortable(0x12345678u, p, n);
      // A bytewise reference, independent of both table tricks.
      uint32_t c = ~0x12345678u;
      for (size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1) ? 0x82F63B78u : 0);
      }
      EXPECT_EQ(portable, ~c) << "n=" << n << " offset=" << offset;
      if (crc32c_internal::HasHardware()) {
        EXPECT_EQ(crc32c_internal::ExtendHardware(0x12345678u, p, n), portable)
            << "n=" << n << " offset=" << offset;
      }
    }
  }
}

TEST(Crc32cTest, Extend) {
  Bytes data = RandomBytes(10'000, 3);
  ByteSpan s(data);
  for (size_t cut : {size_t{0}, size_t{5}, size_t{777}, size_t{5000}, size_t{10'000}}) {
    EXPECT_EQ(Crc32cExtend(Crc32c(s.first(cut)), s.subspan(cut)), Crc32c(s));
  }
}

TEST(Crc32cTest, Mask) {
  uint32_t crc = Crc32c(AsSpan("foo"));
  EXPECT_NE(crc, MaskCrc(crc));
  EXPECT_NE(crc, MaskCrc(MaskCrc(crc)));
  EXPECT_EQ(crc, UnmaskCrc(MaskCrc(crc)));
  EXPECT_EQ(crc, UnmaskCrc(UnmaskCrc(MaskCrc(MaskCrc(crc)))));
  for (uint32_t v : {0u, 1u, 0xffffffffu, 0x80000000u, 0xE3069283u}) {
    EXPECT_EQ(UnmaskCrc(MaskCrc(v)), v);
  }
  static_assert(UnmaskCrc(MaskCrc(0xdeadbeefu)) == 0xdeadbeefu);
}

}  // namespace
}  // namespace budget_audit
