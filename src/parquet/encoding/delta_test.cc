#include "parquet/encoding/delta.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

#include "parquet/encoding/bit_util.h"
#include "parquet/encoding/plain.h"

namespace budget_audit::parquet {
namespace {

template <typename T>
Bytes EncodeDbp(const std::vector<T>& v) {
  ByteWriter w;
  EncodeDeltaBinaryPacked(v.data(), v.size(), w);
  return w.Release();
}

template <typename T>
std::vector<T> DecodeDbp(const Bytes& b, size_t n, size_t* consumed = nullptr) {
  std::vector<T> out(n);
  Status st = DecodeDeltaBinaryPacked(b, n, out.data(), consumed);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(DeltaBinaryPacked, SpecExample1) {
  const std::vector<int32_t> v = {1, 2, 3, 4, 5};
  const Bytes b = EncodeDbp(v);
  // Header 128, 4, 5, zigzag(1); block: zigzag(min delta 1), widths 0 x 4.
  EXPECT_EQ(b, (Bytes{0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00}));
  size_t consumed = 0;
  EXPECT_EQ(DecodeDbp<int32_t>(b, 5, &consumed), v);
  EXPECT_EQ(consumed, b.size());
}

TEST(DeltaBinaryPacked, SpecExample2) {
  const std::vector<int64_t> v = {7, 5, 3, 1, 2, 3, 4, 5};
  const Bytes b = EncodeDbp(v);
  // Deltas -2 -2 -2 1 1 1 1, min -2, so 0 0 0 3 3 3 3 at width 2.
  EXPECT_EQ(b, (Bytes{0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00,
                      0x00, 0x00, 0x00, 0x00}));
  EXPECT_EQ(DecodeDbp<int64_t>(b, 8), v);
}

template <typename T>
std::vector<std::vector<T>> Cases() {
  std::mt19937_64 rng(11);
  std::vector<std::vector<T>> cases;
  for (size_t n : {0, 1, 2, 7, 8, 9, 32, 33, 127, 128, 129, 130, 256, 257, 1000}) {
    std::vector<T> r(n), s(n), e(n), c(n);
    T acc = 0;
    for (size_t i = 0; i < n; ++i) {
      r[i] = static_cast<T>(rng());
      acc = static_cast<T>(acc + static_cast<T>(rng() % 1000));
      s[i] = acc;
      e[i] = (i % 2) ? std::numeric_limits<T>::max() : std::numeric_limits<T>::min();
      c[i] = 42;
    }
    cases.push_back(r);
    cases.push_back(s);
    cases.push_back(e);
    cases.push_back(c);
  }
  return cases;
}

TEST(DeltaBinaryPacked, RoundTripInt32) {
  for (const auto& v : Cases<int32_t>()) {
    const Bytes b = EncodeDbp(v);
    size_t consumed = 0;
    EXPECT_EQ(DecodeDbp<int32_t>(b, v.size(), &consumed), v);
    EXPECT_EQ(consumed, b.size());
  }
}

TEST(DeltaBinaryPacked, RoundTripInt64) {
  for (const auto& v : Cases<int64_t>()) {
    const Bytes b = EncodeDbp(v);
    size_t consumed = 0;
    EXPECT_EQ(DecodeDbp<int64_t>(b, v.size(), &consumed), v);
    EXPECT_EQ(consumed, b.size());
  }
}

TEST(DeltaBinaryPacked, Int32DeltasNeedAtMost32Bits) {
  const std::vector<int32_t> v = {std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(),
                                  std::numeric_limits<int32_t>::max()};
  const Bytes b = EncodeDbp(v);
  // widths start after header (2+1+1+5 bytes) and the min delta.
  EXPECT_EQ(DecodeDbp<int32_t>(b, 3), v);
  EXPECT_LE(b.size(), 9u + 5 + 4 + 32 * 4);
}

// Another writer's 33-bit INT32 deltas (computed in 64 bits).
TEST(DeltaBinaryPacked, Int32With33BitDeltas) {
  const int64_t max = std::numeric_limits<int32_t>::max();
  const int64_t min = std::numeric_limits<int32_t>::min();
  const int64_t min_delta = min - max;  // -(2^32 - 1)
  ByteWriter w;
  w.PutVarint(128);
  w.PutVarint(4);
  w.PutVarint(3);
  w.PutZigZag(max);
  w.PutZigZag(min_delta);
  for (uint8_t bw : {33, 0, 0, 0}) w.PutU8(bw);
  uint64_t adjusted[32] = {0, static_cast<uint64_t>((max - min) - min_delta)};
  uint8_t packed[32 * 33 / 8];
  bit_util::Pack64(adjusted, 33, 4, packed);
  w.PutRaw(packed, sizeof(packed));
  EXPECT_EQ(DecodeDbp<int32_t>(w.bytes(), 3),
            (std::vector<int32_t>{static_cast<int32_t>(max), static_cast<int32_t>(min),
                                  static_cast<int32_t>(max)}));
}

TEST(DeltaBinaryPacked, WrappingInt64) {
  const std::vector<int64_t> v = {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 0,
                                  std::numeric_limits<int64_t>::min(), -1};
  EXPECT_EQ(DecodeDbp<int64_t>(EncodeDbp(v), v.size()), v);
}

TEST(DeltaBinaryPacked, FewerValuesThanTheStreamHolds) {
  std::vector<int64_t> v(300);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int64_t>(i * i);
  const Bytes b = EncodeDbp(v);
  size_t consumed = 0;
  const auto got = DecodeDbp<int64_t>(b, 100, &consumed);
  EXPECT_EQ(got, std::vector<int64_t>(v.begin(), v.begin() + 100));
  EXPECT_EQ(consumed, b.size());
  std::vector<int64_t> more(301);
  EXPECT_TRUE(DecodeDeltaBinaryPacked(b, 301, more.data()).IsCorruption());
}

TEST(DeltaBinaryPacked, ConsumedAllowsChaining) {
  const std::vector<int32_t> a = {5, 1, 9, 100, -3};
  const std::vector<int32_t> c(200, 7);
  Bytes b = EncodeDbp(a);
  const size_t first = b.size();
  const Bytes second = EncodeDbp(c);
  b.insert(b.end(), second.begin(), second.end());
  size_t consumed = 0;
  EXPECT_EQ(DecodeDbp<int32_t>(b, a.size(), &consumed), a);
  ASSERT_EQ(consumed, first);
  EXPECT_EQ(DecodeDbp<int32_t>(Bytes(b.begin() + static_cast<ptrdiff_t>(first), b.end()), c.size()), c);
}

TEST(DeltaBinaryPacked, LastMiniblockWithoutPadding) {
  // 40 values: the second miniblock holds 7 deltas of a 32-value miniblock.
  std::vector<int64_t> v(40);
  std::mt19937_64 rng(5);
  for (auto& x : v) x = static_cast<int64_t>(rng() % 100000);
  const Bytes b = EncodeDbp(v);
  // Find the widths: header, min delta varint, then 4 widths.
  ByteReader r(b);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(r.ReadVarint().ok());
  const uint8_t bw2 = b[r.position() + 1];
  ASSERT_GT(bw2, 0);
  const size_t needed = (7 * bw2 + 7) / 8;
  const size_t padding = 32 * bw2 / 8 - needed;
  for (size_t cut = 0; cut <= padding; ++cut) {
    const Bytes t(b.begin(), b.end() - static_cast<ptrdiff_t>(cut));
    size_t consumed = 0;
    EXPECT_EQ(DecodeDbp<int64_t>(t, v.size(), &consumed), v) << cut;
    EXPECT_EQ(consumed, t.size());
  }
  const Bytes t(b.begin(), b.end() - static_cast<ptrdiff_t>(padding + 1));
  std::vector<int64_t> out(v.size());
  EXPECT_TRUE(DecodeDeltaBinaryPacked(t, v.size(), out.data()).IsCorruption());
}

TEST(DeltaBinaryPacked, OtherBlockShapes) {
  // Block of 256 in 2 miniblocks of 128, written by hand: values 0..299 step 3.
  std::vector<int32_t> v(300);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int32_t>(i * 3);
  ByteWriter w;
  w.PutVarint(256);
  w.PutVarint(2);
  w.PutVarint(v.size());
  w.PutZigZag(0);
  size_t left = v.size() - 1;
  while (left > 0) {
    w.PutZigZag(3);  // min delta 3: every adjusted delta is 0
    w.PutU8(0);
    w.PutU8(0);
    left -= std::min<size_t>(left, 256);
  }
  size_t consumed = 0;
  EXPECT_EQ(DecodeDbp<int32_t>(w.bytes(), v.size(), &consumed), v);
  EXPECT_EQ(consumed, w.size());
}

TEST(DeltaBinaryPacked, BadHeaders) {
  std::vector<int64_t> out(4);
  auto stream = [](uint64_t block, uint64_t minis, uint64_t total) {
    ByteWriter w;
    w.PutVarint(block);
    w.PutVarint(minis);
    w.PutVarint(total);
    w.PutZigZag(1);
    w.PutZigZag(0);
    for (uint64_t i = 0; i < minis && i < 16; ++i) w.PutU8(0);
    return w.Release();
  };
  EXPECT_TRUE(DecodeDeltaBinaryPacked(stream(128, 4, 4), 4, out.data()).ok());
  EXPECT_TRUE(DecodeDeltaBinaryPacked(stream(0, 4, 4), 4, out.data()).IsCorruption());
  EXPECT_TRUE(DecodeDeltaBinaryPacked(stream(100, 4, 4), 4, out.data()).IsCorruption());
  EXPECT_TRUE(DecodeDeltaBinaryPacked(stream(uint64_t{1} << 40, 4, 4), 4, out.data()).IsCorruption());
  EXPECT_TRUE(DecodeDeltaBinaryPacked(stream(128, 0, 4), 4, out.data()).IsCorruption());
  EXPECT_TRUE(DecodeDeltaBinaryPacked(stream(128, 3, 4), 4, out.data()).IsCorruption());
  EXPECT_TRUE(DecodeDeltaBinaryPacked(stream(128, 8, 4), 4, out.data()).IsCorruption());
  EXPECT_TRUE(DecodeDeltaBinaryPacked(stream(128, 4, 3), 4, out.data()).IsCorruption());
  // A bit width of 65.
  Bytes b = stream(128, 4, 4);
  b[b.size() - 4] = 65;
  EXPECT_TRUE(DecodeDeltaBinaryPacked(b, 4, out.data()).IsCorruption());
  // Width 64 is fine (with its 256 bytes).
  b[b.size() - 4] = 64;
  b.insert(b.end(), 256, 0);
  EXPECT_TRUE(DecodeDeltaBinaryPacked(b, 4, out.data()).ok());
  // n == 0: an empty stream is accepted.
  EXPECT_TRUE(DecodeDeltaBinaryPacked(Bytes{}, 0, out.data()).ok());
  EXPECT_TRUE(DecodeDeltaBinaryPacked(Bytes{}, 1, out.data()).IsCorruption());
}

TEST(DeltaBinaryPacked, HugeTotalCountEndsQuickly) {
  // 2^60 values claimed, zero-width blocks: decoding 10 is fine; the skip
  // to the end runs out of bytes after a few blocks.
  ByteWriter w;
  w.PutVarint(128);
  w.PutVarint(4);
  w.PutVarint(uint64_t{1} << 60);
  w.PutZigZag(0);
  for (int i = 0; i < 3; ++i) {
    w.PutZigZag(1);
    for (int k = 0; k < 4; ++k) w.PutU8(0);
  }
  std::vector<int64_t> out(10);
  EXPECT_TRUE(DecodeDeltaBinaryPacked(w.bytes(), 10, out.data()).IsCorruption());
  ColumnVector cv;
  EXPECT_TRUE(DecodeDeltaBinaryPacked(w.bytes(), Type::INT64, 1000000, &cv).IsCorruption());
  EXPECT_TRUE(cv.i64.empty());
}

TEST(DeltaBinaryPacked, TruncatedAtEveryByte) {
  std::vector<int64_t> v(300);
  std::mt19937_64 rng(8);
  for (auto& x : v) x = static_cast<int64_t>(rng() % (uint64_t{1} << 40));
  const Bytes b = EncodeDbp(v);
  for (size_t cut = 0; cut < b.size(); ++cut) {
    std::vector<int64_t> out(v.size());
    Status st = DecodeDeltaBinaryPacked(ByteSpan(b.data(), cut), v.size(), out.data());
    if (st.ok()) {
      EXPECT_EQ(out, v);  // only a cut in the final padding
    } else {
      EXPECT_TRUE(st.IsCorruption()) << st.ToString();
    }
  }
}

TEST(DeltaBinaryPacked, ColumnVectorForms) {
  ColumnVector v;
  v.type = Type::INT32;
  v.i32 = {3, 1, 4, 1, 5, 9, 2, 6};
  ByteWriter w;
  ASSERT_TRUE(EncodeDeltaBinaryPacked(v, 2, 6, w).ok());
  ColumnVector out;
  out.i32 = {-1};
  ASSERT_TRUE(DecodeDeltaBinaryPacked(w.bytes(), Type::INT32, 4, &out).ok());
  EXPECT_EQ(out.i32, (std::vector<int32_t>{-1, 4, 1, 5, 9}));
  EXPECT_TRUE(DecodeDeltaBinaryPacked(w.bytes(), Type::DOUBLE, 4, &out).IsCorruption());
  ColumnVector d;
  d.type = Type::DOUBLE;
  EXPECT_EQ(EncodeDeltaBinaryPacked(d, 0, 0, w).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeDeltaBinaryPacked(v, 0, 9, w).code(), StatusCode::kInvalidArgument);
}

// ---- Byte arrays ----

ColumnVector Strings(const std::vector<std::string>& s) {
  ColumnVector v;
  v.type = Type::BYTE_ARRAY;
  v.offsets.push_back(0);
  for (const auto& x : s) {
    v.data.insert(v.data.end(), x.begin(), x.end());
    v.offsets.push_back(static_cast<uint32_t>(v.data.size()));
  }
  return v;
}

std::vector<std::string> ToStrings(const ColumnVector& v) {
  std::vector<std::string> s;
  for (size_t i = 0; i + 1 < v.offsets.size(); ++i) s.emplace_back(v.ByteArrayAt(i));
  return s;
}

std::vector<std::vector<std::string>> StringCases() {
  std::mt19937 rng(3);
  std::vector<std::vector<std::string>> cases = {
      {},
      {""},
      {"", "", ""},
      {"one"},
      {"Hello", "World", "Foobar", "ABCDEF"},
      {"axis", "axle", "babble", "babyhood"},
  };
  for (size_t n : {7, 8, 9, 127, 128, 129, 1000}) {
    std::vector<std::string> s;
    std::string prev;
    for (size_t i = 0; i < n; ++i) {
      std::string x = prev.substr(0, rng() % (prev.size() + 1));
      const size_t add = rng() % 12;
      for (size_t k = 0; k < add; ++k) x.push_back(static_cast<char>('a' + rng() % 26));
      s.push_back(x);
      prev = x;
    }
    cases.push_back(s);
  }
  return cases;
}

TEST(DeltaLengthByteArray, SpecExample) {
  const ColumnVector v = Strings({"Hello", "World", "Foobar", "ABCDEF"});
  ByteWriter w;
  ASSERT_TRUE(EncodeDeltaLengthByteArray(v, 0, 4, w).ok());
  Bytes expected = EncodeDbp(std::vector<int32_t>{5, 5, 6, 6});
  const std::string payload = "HelloWorldFoobarABCDEF";
  expected.insert(expected.end(), payload.begin(), payload.end());
  EXPECT_EQ(w.bytes(), expected);
}

TEST(DeltaLengthByteArray, RoundTrip) {
  for (const auto& s : StringCases()) {
    const ColumnVector v = Strings(s);
    ByteWriter w;
    ASSERT_TRUE(EncodeDeltaLengthByteArray(v, 0, s.size(), w).ok());
    const size_t size = w.size();
    w.PutString("next");
    ColumnVector out;
    size_t consumed = 0;
    ASSERT_TRUE(DecodeDeltaLengthByteArray(w.bytes(), s.size(), &out, &consumed).ok());
    EXPECT_EQ(ToStrings(out), s);
    EXPECT_EQ(consumed, size);
  }
}

TEST(DeltaLengthByteArray, Errors) {
  // Lengths 5 and 5 with 9 bytes of payload.
  Bytes b = EncodeDbp(std::vector<int32_t>{5, 5});
  const std::string p = "HelloWorl";
  b.insert(b.end(), p.begin(), p.end());
  ColumnVector out;
  EXPECT_TRUE(DecodeDeltaLengthByteArray(b, 2, &out).IsCorruption());
  EXPECT_TRUE(out.offsets.size() <= 1);
  // A negative length.
  Bytes n = EncodeDbp(std::vector<int32_t>{3, -1});
  n.insert(n.end(), {'a', 'b', 'c'});
  EXPECT_TRUE(DecodeDeltaLengthByteArray(n, 2, &out).IsCorruption());
}

TEST(DeltaByteArray, SpecExample) {
  const ColumnVector v = Strings({"axis", "axle", "babble", "babyhood"});
  ByteWriter w;
  ASSERT_TRUE(EncodeDeltaByteArray(v, 0, 4, w).ok());
  Bytes expected = EncodeDbp(std::vector<int32_t>{0, 2, 0, 3});
  const Bytes suffixes = EncodeDbp(std::vector<int32_t>{4, 2, 6, 5});
  expected.insert(expected.end(), suffixes.begin(), suffixes.end());
  const std::string payload = "axislebabbleyhood";
  expected.insert(expected.end(), payload.begin(), payload.end());
  EXPECT_EQ(w.bytes(), expected);
}

TEST(DeltaByteArray, RoundTrip) {
  for (const auto& s : StringCases()) {
    const ColumnVector v = Strings(s);
    ByteWriter w;
    ASSERT_TRUE(EncodeDeltaByteArray(v, 0, s.size(), w).ok());
    const size_t size = w.size();
    w.PutString("tail");
    ColumnVector out = Strings({"before"});
    size_t consumed = 0;
    Status st = DecodeDeltaByteArray(w.bytes(), Type::BYTE_ARRAY, 0, s.size(), &out, &consumed);
    ASSERT_TRUE(st.ok()) << st.ToString();
    auto expected = s;
    expected.insert(expected.begin(), "before");
    EXPECT_EQ(ToStrings(out), expected);
    EXPECT_EQ(consumed, size);
  }
}

TEST(DeltaByteArray, FixedLenRoundTrip) {
  ColumnVector v;
  v.type = Type::FIXED_LEN_BYTE_ARRAY;
  v.type_length = 4;
  for (int i = 0; i < 300; ++i) {
    v.fixed.insert(v.fixed.end(), {1, 2, static_cast<uint8_t>(i / 16), static_cast<uint8_t>(i)});
  }
  ByteWriter w;
  ASSERT_TRUE(EncodeDeltaByteArray(v, 0, 300, w).ok());
  ColumnVector out;
  ASSERT_TRUE(DecodeDeltaByteArray(w.bytes(), Type::FIXED_LEN_BYTE_ARRAY, 4, 300, &out).ok());
  EXPECT_EQ(out.fixed, v.fixed);
  // The same stream read as width 3 is wrong.
  ColumnVector bad;
  EXPECT_TRUE(DecodeDeltaByteArray(w.bytes(), Type::FIXED_LEN_BYTE_ARRAY, 3, 300, &bad).IsCorruption());
  EXPECT_TRUE(bad.fixed.empty());
}

Bytes HandMadeDba(const std::vector<int32_t>& prefixes, const std::vector<int32_t>& suffix_lengths,
                  std::string_view payload) {
  Bytes b = EncodeDbp(prefixes);
  const Bytes s = EncodeDbp(suffix_lengths);
  b.insert(b.end(), s.begin(), s.end());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

TEST(DeltaByteArray, Errors) {
  ColumnVector out = Strings({"keep"});
  // The first value cannot have a prefix (each page starts afresh).
  EXPECT_TRUE(DecodeDeltaByteArray(HandMadeDba({1}, {1}, "a"), Type::BYTE_ARRAY, 0, 1, &out).IsCorruption());
  // Prefix longer than the previous value.
  EXPECT_TRUE(
      DecodeDeltaByteArray(HandMadeDba({0, 3}, {2, 0}, "ab"), Type::BYTE_ARRAY, 0, 2, &out).IsCorruption());
  // Negative prefix.
  EXPECT_TRUE(
      DecodeDeltaByteArray(HandMadeDba({0, -1}, {2, 0}, "ab"), Type::BYTE_ARRAY, 0, 2, &out).IsCorruption());
  EXPECT_EQ(ToStrings(out), std::vector<std::string>{"keep"});
  // Wrong type.
  EXPECT_TRUE(DecodeDeltaByteArray(HandMadeDba({0}, {1}, "a"), Type::INT32, 0, 1, &out).IsCorruption());
  // The output limit: 1000 values each repeating a 1000-byte first value.
  std::vector<int32_t> prefixes(1000, 1000), suffixes(1000, 0);
  prefixes[0] = 0;
  suffixes[0] = 1000;
  const Bytes big = HandMadeDba(prefixes, suffixes, std::string(1000, 'z'));
  ColumnVector o;
  EXPECT_TRUE(DecodeDeltaByteArray(big, Type::BYTE_ARRAY, 0, 1000, &o, nullptr, 1000000).ok());
  ColumnVector o2;
  EXPECT_EQ(DecodeDeltaByteArray(big, Type::BYTE_ARRAY, 0, 1000, &o2, nullptr, 999999).code(),
            StatusCode::kResourceExhausted);
  EXPECT_TRUE(o2.data.empty());
}

TEST(DeltaByteArray, TruncatedAtEveryByte) {
  const auto cases = StringCases();
  const auto& s = cases.back();
  const ColumnVector v = Strings(s);
  ByteWriter w1, w2;
  ASSERT_TRUE(EncodeDeltaByteArray(v, 0, s.size(), w1).ok());
  ASSERT_TRUE(EncodeDeltaLengthByteArray(v, 0, s.size(), w2).ok());
  for (const Bytes* b : {&w1.bytes(), &w2.bytes()}) {
    for (size_t cut = 0; cut < b->size(); cut += 3) {
      ColumnVector out;
      const ByteSpan t(b->data(), cut);
      Status st = b == &w1.bytes() ? DecodeDeltaByteArray(t, Type::BYTE_ARRAY, 0, s.size(), &out)
                                   : DecodeDeltaLengthByteArray(t, s.size(), &out);
      EXPECT_TRUE(st.IsCorruption()) << cut << " " << st.ToString();
    }
  }
}

}  // namespace
}  // namespace budget_audit::parquet
