#include "parquet/encoding/rle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "parquet/encoding/bit_util.h"

namespace budget_audit::parquet {
namespace {

Bytes Encode(const std::vector<uint32_t>& v, int bw, bool prefixed = false) {
  ByteWriter w;
  EncodeRleBitPacked(v.data(), v.size(), bw, prefixed, w);
  return w.Release();
}

std::vector<uint32_t> Decode(const Bytes& b, int bw, size_t n, Status* st = nullptr) {
  std::vector<uint32_t> out(n);
  Status s = DecodeRleBitPacked(b, bw, n, out.data());
  if (st != nullptr) *st = s;
  EXPECT_TRUE(st != nullptr || s.ok()) << s.ToString();
  return out;
}

// Value patterns that exercise both run kinds and their boundaries.
std::vector<uint32_t> Pattern(int kind, size_t n, int bw, std::mt19937& rng) {
  const uint32_t mask = static_cast<uint32_t>(bit_util::LowMask(bw));
  std::vector<uint32_t> v(n);
  for (size_t i = 0; i < n; ++i) {
    switch (kind) {
      case 0:  // random
        v[i] = static_cast<uint32_t>(rng()) & mask;
        break;
      case 1:  // one value
        v[i] = mask;
        break;
      case 2:  // runs of random length 1..20
      default:
        if (i == 0 || rng() % 6 == 0) {
          v[i] = static_cast<uint32_t>(rng()) & mask;
        } else {
          v[i] = v[i - 1];
        }
        break;
      case 3:  // alternating extremes
        v[i] = (i % 2) ? mask : 0;
        break;
    }
  }
  return v;
}

TEST(Rle, SpecBitPackedExample) {
  // Values 0..7 at width 3: one bit-packed group, header (1 << 1) | 1.
  const Bytes b = {0x03, 0x88, 0xC6, 0xFA};
  EXPECT_EQ(Decode(b, 3, 8), (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3), b);
}

TEST(Rle, EightRepeatsIsOneRleRun) {
  // 8 x 5 at width 3: header 8 << 1, value in one byte.
  EXPECT_EQ(Encode(std::vector<uint32_t>(8, 5), 3), (Bytes{0x10, 0x05}));
  // Width 9 takes two value bytes, width 0 none.
  EXPECT_EQ(Encode(std::vector<uint32_t>(8, 0x1ff), 9), (Bytes{0x10, 0xff, 0x01}));
  EXPECT_EQ(Encode(std::vector<uint32_t>(100, 0), 0), (Bytes{0xc8, 0x01}));
  EXPECT_EQ(Decode(Bytes{0x10, 0x05}, 3, 8), std::vector<uint32_t>(8, 5));
  // 32-bit values.
  EXPECT_EQ(Encode(std::vector<uint32_t>(8, 0xdeadbeef), 32), (Bytes{0x10, 0xef, 0xbe, 0xad, 0xde}));
  EXPECT_EQ(Decode(Bytes{0x10, 0xef, 0xbe, 0xad, 0xde}, 32, 8), std::vector<uint32_t>(8, 0xdeadbeef));
}

TEST(Rle, EncoderChoosesRunsAtGroupBoundaries) {
  // 8 distinct, then 16 equal: one bit-packed group, then an RLE run.
  std::vector<uint32_t> v = {1, 2, 3, 0, 1, 2, 3, 0};
  v.insert(v.end(), 16, 3);
  const Bytes b = Encode(v, 2);
  ASSERT_EQ(b.size(), 1 + 2 + 2u);
  EXPECT_EQ(b[0], 0x03);
  EXPECT_EQ(b[3], 16 << 1);
  EXPECT_EQ(b[4], 3);
  EXPECT_EQ(Decode(b, 2, v.size()), v);
}

TEST(Rle, ShortTailRunStaysRle) {
  EXPECT_EQ(Encode({1, 1, 1}, 1), (Bytes{0x06, 0x01}));
  EXPECT_EQ(Encode({}, 1), Bytes{});
}

TEST(Rle, PaddedLastGroupStopsAtCount) {
  // Three values, bit-packed in one group padded with 5 zeros (and junk in
  // the padding bits: readers must ignore it).
  const Bytes b = {0x03, 0b11111001};
  EXPECT_EQ(Decode(b, 1, 3), (std::vector<uint32_t>{1, 0, 0}));
}

TEST(Rle, RoundTripAllWidthsAndSizes) {
  std::mt19937 rng(1);
  for (int bw = 0; bw <= 32; ++bw) {
    for (size_t n : {0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 127, 128, 129, 504, 505, 1000, 5000}) {
      for (int kind = 0; kind < 4; ++kind) {
        const auto v = Pattern(kind, n, bw, rng);
        const Bytes b = Encode(v, bw);
        size_t consumed = 0;
        std::vector<uint32_t> out(n);
        Status st = DecodeRleBitPacked(b, bw, n, out.data(), &consumed);
        ASSERT_TRUE(st.ok()) << st.ToString() << " bw=" << bw << " n=" << n << " kind=" << kind;
        ASSERT_EQ(out, v) << "bw=" << bw << " n=" << n << " kind=" << kind;
        EXPECT_EQ(consumed, b.size());
      }
    }
  }
}

TEST(Rle, NarrowOutputsAndChunkedDecode) {
  std::mt19937 rng(2);
  for (int bw : {1, 3, 8}) {
    const auto v = Pattern(2, 3000, bw, rng);
    const Bytes b = Encode(v, bw);
    std::vector<uint8_t> u8(v.size());
    ASSERT_TRUE(DecodeRleBitPacked(b, bw, v.size(), u8.data()).ok());
    for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(u8[i], v[i]);
    for (size_t chunk : {1, 3, 7, 8, 9, 100}) {
      RleBitPackedDecoder d(b, bw);
      std::vector<uint16_t> got(v.size());
      for (size_t at = 0; at < v.size(); at += chunk) {
        ASSERT_TRUE(d.Decode(got.data() + at, std::min(chunk, v.size() - at)).ok());
      }
      for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(got[i], v[i]) << chunk;
    }
  }
}

TEST(Rle, BitWidthZero) {
  // An RLE run of 10 with no value bytes; a bit-packed run with no bytes.
  EXPECT_EQ(Decode(Bytes{0x14}, 0, 10), std::vector<uint32_t>(10, 0));
  EXPECT_EQ(Decode(Bytes{0x05}, 0, 16), std::vector<uint32_t>(16, 0));
  Status st;
  Decode(Bytes{0x14}, 0, 11, &st);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
}

TEST(Rle, ZeroLengthRunsDoNotLoop) {
  Bytes b(1000, 0x00);  // 1000 empty RLE runs (width 0: no value bytes)
  Status st;
  Decode(b, 0, 1, &st);
  EXPECT_TRUE(st.IsCorruption());
  b.push_back(0x02);  // then a run of one
  EXPECT_EQ(Decode(b, 0, 1), std::vector<uint32_t>{0});
  // Empty bit-packed runs at width 4.
  Bytes c(100, 0x01);
  c.push_back(0x10);  // then a run of 8 sevens
  c.push_back(0x07);
  EXPECT_EQ(Decode(c, 4, 8), std::vector<uint32_t>(8, 7));
}

TEST(Rle, HugeRunCounts) {
  // RLE run of 2^62 values: taking 5 is fine.
  ByteWriter w;
  w.PutVarint(uint64_t{1} << 63);
  w.PutU8(1);
  EXPECT_EQ(Decode(w.bytes(), 1, 5), std::vector<uint32_t>(5, 1));
  // Bit-packed run claiming 2^62 groups with 2 bytes present: 16 values at
  // width 1 are there, the 17th is not.
  ByteWriter p;
  p.PutVarint((uint64_t{1} << 63) | 1);
  p.PutU8(0xff);
  p.PutU8(0x00);
  EXPECT_EQ(Decode(p.bytes(), 1, 9), (std::vector<uint32_t>{1, 1, 1, 1, 1, 1, 1, 1, 0}));
  Status st;
  Decode(p.bytes(), 1, 17, &st);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  // Width 0 with a huge bit-packed run.
  ByteWriter z;
  z.PutVarint(~uint64_t{0});
  EXPECT_EQ(Decode(z.bytes(), 0, 1000), std::vector<uint32_t>(1000, 0));
}

TEST(Rle, TruncatedFinalBitPackedRunIsAcceptedWhenValuesArePresent) {
  // 10 values at width 8 = two groups (16 bytes); a writer that stopped
  // after the 10th value leaves 10 bytes.
  std::vector<uint32_t> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  Bytes b = {0x05};
  for (uint32_t x : v) b.push_back(static_cast<uint8_t>(x));
  EXPECT_EQ(Decode(b, 8, 10), v);
  b.pop_back();
  Status st;
  Decode(b, 8, 10, &st);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
}

TEST(Rle, TruncatedAtEveryByte) {
  std::mt19937 rng(3);
  for (int bw : {1, 2, 5, 8, 13, 17, 32}) {
    const auto v = Pattern(2, 300, bw, rng);
    const Bytes b = Encode(v, bw);
    for (size_t cut = 0; cut < b.size(); ++cut) {
      const Bytes t(b.begin(), b.begin() + static_cast<ptrdiff_t>(cut));
      std::vector<uint32_t> out(v.size());
      Status st = DecodeRleBitPacked(t, bw, v.size(), out.data());
      // Either an error, or (only when the cut fell in final padding) the
      // right values.
      if (st.ok()) {
        EXPECT_EQ(out, v) << "bw=" << bw << " cut=" << cut;
      } else {
        EXPECT_TRUE(st.IsCorruption()) << st.ToString();
      }
    }
  }
}

TEST(Rle, RejectsBadInput) {
  std::vector<uint32_t> out(8);
  // Bit widths outside 0..32.
  EXPECT_TRUE(DecodeRleBitPacked(Bytes{0x10, 0x01}, 33, 8, out.data()).IsCorruption());
  EXPECT_TRUE(DecodeRleBitPacked(Bytes{0x10, 0x01}, -1, 8, out.data()).IsCorruption());
  // Too wide for the output type.
  std::vector<uint8_t> small(8);
  EXPECT_TRUE(DecodeRleBitPacked(Bytes{0x10, 0x01, 0x00}, 9, 8, small.data()).IsCorruption());
  // RLE value wider than the bit width.
  EXPECT_TRUE(DecodeRleBitPacked(Bytes{0x10, 0x02}, 1, 8, out.data()).IsCorruption());
  // RLE value bytes missing.
  EXPECT_TRUE(DecodeRleBitPacked(Bytes{0x10, 0x01}, 9, 8, out.data()).IsCorruption());
  // Empty stream, and a header varint cut short.
  EXPECT_TRUE(DecodeRleBitPacked(Bytes{}, 1, 1, out.data()).IsCorruption());
  EXPECT_TRUE(DecodeRleBitPacked(Bytes{0x80}, 1, 1, out.data()).IsCorruption());
  // An overlong varint.
  EXPECT_TRUE(DecodeRleBitPacked(Bytes(11, 0xff), 1, 1, out.data()).IsCorruption());
  // n == 0 needs nothing.
  EXPECT_TRUE(DecodeRleBitPacked(Bytes{}, 1, 0, out.data()).ok());
}

TEST(Rle, VectorAppendLeavesOutputOnError) {
  std::vector<uint32_t> out = {42};
  EXPECT_TRUE(DecodeRleBitPacked(Bytes{0x04, 0x01}, 1, 2, &out).ok());
  EXPECT_EQ(out, (std::vector<uint32_t>{42, 1, 1}));
  EXPECT_TRUE(DecodeRleBitPacked(Bytes{0x04, 0x01}, 1, 3, &out).IsCorruption());
  EXPECT_EQ(out.size(), 3u);
}

TEST(Rle, LengthPrefixed) {
  const std::vector<uint32_t> v = {1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  const Bytes b = Encode(v, 1, true);
  size_t consumed = 0;
  auto block = TakeLengthPrefixed(b, &consumed);
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(consumed, b.size());
  EXPECT_EQ(block->size() + 4, b.size());
  std::vector<uint32_t> out(v.size());
  ASSERT_TRUE(DecodeRleBitPacked(*block, 1, v.size(), out.data()).ok());
  EXPECT_EQ(out, v);
  EXPECT_TRUE(TakeLengthPrefixed(Bytes{1, 0, 0}, &consumed).status().IsCorruption());
  EXPECT_TRUE(TakeLengthPrefixed(Bytes{2, 0, 0, 0, 1}, &consumed).status().IsCorruption());
  EXPECT_TRUE(TakeLengthPrefixed(Bytes{0xff, 0xff, 0xff, 0xff, 1}, &consumed).status().IsCorruption());
}

// Test-only encoder for the deprecated MSB-first BIT_PACKED levels.
Bytes PackMsb(const std::vector<uint32_t>& v, int bw) {
  Bytes out((v.size() * bw + 7) / 8, 0);
  size_t bit = 0;
  for (uint32_t x : v) {
    for (int b = bw - 1; b >= 0; --b, ++bit) {
      if ((x >> b) & 1) out[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
    }
  }
  return out;
}

TEST(Rle, BitPackedMsbSpecExample) {
  // The spec: 0..7 at width 3 is 00000101 00111001 01110111.
  const Bytes b = {0x05, 0x39, 0x77};
  EXPECT_EQ(PackMsb({0, 1, 2, 3, 4, 5, 6, 7}, 3), b);
  std::vector<uint32_t> out(8);
  size_t consumed = 0;
  ASSERT_TRUE(DecodeBitPackedMsb(b, 3, 8, out.data(), &consumed).ok());
  EXPECT_EQ(out, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(consumed, 3u);
}

TEST(Rle, BitPackedMsbRoundTrip) {
  std::mt19937 rng(4);
  for (int bw = 0; bw <= 32; ++bw) {
    for (size_t n : {0, 1, 7, 8, 9, 100}) {
      const auto v = Pattern(0, n, bw, rng);
      const Bytes b = PackMsb(v, bw);
      std::vector<uint32_t> out(n);
      size_t consumed = 99;
      ASSERT_TRUE(DecodeBitPackedMsb(b, bw, n, out.data(), &consumed).ok()) << bw << " " << n;
      EXPECT_EQ(out, v);
      EXPECT_EQ(consumed, b.size());
      if (!b.empty()) {
        const Bytes t(b.begin(), b.end() - 1);
        EXPECT_TRUE(DecodeBitPackedMsb(t, bw, n, out.data()).IsCorruption());
      }
    }
  }
  std::vector<uint32_t> out(1);
  EXPECT_TRUE(DecodeBitPackedMsb(Bytes{0}, 33, 1, out.data()).IsCorruption());
  // A huge n must not overflow n * bw.
  EXPECT_TRUE(DecodeBitPackedMsb(Bytes{0}, 32, SIZE_MAX / 2, out.data()).IsCorruption());
}

TEST(Levels, V1AndV2AndBitPacked) {
  const std::vector<int16_t> levels = {0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
  for (bool prefixed : {true, false}) {
    ByteWriter w;
    EncodeLevels(levels.data(), levels.size(), 1, prefixed, w);
    w.PutString("values follow");
    std::vector<int16_t> out(levels.size());
    size_t consumed = 0;
    ASSERT_TRUE(
        DecodeLevels(w.bytes(), Encoding::RLE, 1, levels.size(), prefixed, out.data(), &consumed).ok());
    EXPECT_EQ(out, levels);
    EXPECT_EQ(consumed, w.size() - 13);
    util::PoolVector<uint8_t> flags = {7};
    ASSERT_TRUE(
        DecodeDefinedFlags(w.bytes(), Encoding::RLE, 1, levels.size(), prefixed, &flags, &consumed).ok());
    ASSERT_EQ(flags.size(), levels.size() + 1);
    for (size_t i = 0; i < levels.size(); ++i) EXPECT_EQ(flags[i + 1], levels[i]);
  }
  // BIT_PACKED, max level 2 (width 2).
  const std::vector<uint32_t> raw = {2, 0, 1, 2, 2};
  Bytes b = PackMsb(raw, 2);
  std::vector<int16_t> out(raw.size());
  size_t consumed = 0;
  ASSERT_TRUE(DecodeLevels(b, Encoding::BIT_PACKED, 2, raw.size(), true, out.data(), &consumed).ok());
  EXPECT_EQ(out, (std::vector<int16_t>{2, 0, 1, 2, 2}));
  EXPECT_EQ(consumed, 2u);
  util::PoolVector<uint8_t> flags;
  ASSERT_TRUE(DecodeDefinedFlags(b, Encoding::BIT_PACKED, 2, raw.size(), true, &flags, &consumed).ok());
  EXPECT_EQ(flags, (std::vector<uint8_t>{1, 0, 0, 1, 1}));
}

TEST(Levels, Errors) {
  std::vector<int16_t> out(4);
  size_t consumed = 0;
  // Level 3 with max level 2.
  ByteWriter w;
  const std::vector<int16_t> bad = {3, 3, 3, 3};
  EncodeLevels(bad.data(), bad.size(), 3, true, w);
  EXPECT_TRUE(DecodeLevels(w.bytes(), Encoding::RLE, 2, 4, true, out.data(), &consumed).IsCorruption());
  // Other encodings.
  EXPECT_TRUE(DecodeLevels(w.bytes(), Encoding::PLAIN, 1, 4, true, out.data(), &consumed).IsCorruption());
  // Max level 0: nothing stored.
  ASSERT_TRUE(DecodeLevels(Bytes{}, Encoding::RLE, 0, 4, true, out.data(), &consumed).ok());
  EXPECT_EQ(out, std::vector<int16_t>(4, 0));
  EXPECT_EQ(consumed, 0u);
  // Prefix longer than the data; flags untouched on error.
  util::PoolVector<uint8_t> flags = {1};
  EXPECT_TRUE(
      DecodeDefinedFlags(Bytes{9, 0, 0, 0, 2}, Encoding::RLE, 1, 4, true, &flags, &consumed).IsCorruption());
  EXPECT_EQ(flags.size(), 1u);
}

TEST(RleBooleans, RoundTripAndErrors) {
  std::mt19937 rng(5);
  for (size_t n : {0, 1, 8, 9, 1000}) {
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = rng() % 3 == 0;
    ByteWriter w;
    EncodeRleBooleans(v.data(), n, w);
    util::PoolVector<uint8_t> out = {9};
    size_t consumed = 0;
    ASSERT_TRUE(DecodeRleBooleans(w.bytes(), n, &out, &consumed).ok());
    EXPECT_EQ(consumed, w.size());
    ASSERT_EQ(out.size(), n + 1);
    EXPECT_TRUE(std::equal(v.begin(), v.end(), out.begin() + 1));
    if (n > 0) {
      EXPECT_TRUE(DecodeRleBooleans(w.bytes(), n + 8, &out).IsCorruption());
      EXPECT_EQ(out.size(), n + 1);
    }
  }
}

}  // namespace
}  // namespace budget_audit::parquet
