#include "parquet/encoding/dictionary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "parquet/encoding/plain.h"
#include "parquet/encoding/rle.h"

namespace budget_audit::parquet {
namespace {

ColumnVector Make(Type type, int32_t type_length = 0) {
  ColumnVector v;
  v.type = type;
  v.type_length = type == Type::INT96 ? 12 : type_length;
  if (type == Type::BYTE_ARRAY) v.offsets.push_back(0);
  return v;
}

void AddString(ColumnVector& v, std::string_view s) {
  v.data.insert(v.data.end(), s.begin(), s.end());
  v.offsets.push_back(static_cast<uint32_t>(v.data.size()));
}

// Encodes `v` with a DictionaryEncoder, writes the pages, decodes them
// back, and checks the values come back bit for bit.
void RoundTrip(const ColumnVector& v, size_t expected_entries) {
  const size_t n = StoredValueCount(v, v.type);
  DictionaryEncoder enc(v.type, v.type_length);
  std::vector<uint32_t> idx;
  // In two batches, to cover appending.
  ASSERT_TRUE(enc.Put(v, 0, n / 2, &idx).ok());
  ASSERT_TRUE(enc.Put(v, n / 2, n, &idx).ok());
  ASSERT_EQ(idx.size(), n);
  EXPECT_EQ(enc.size(), expected_entries);
  ByteWriter dict_page, data_page;
  enc.EncodeDictionaryPage(dict_page);
  EXPECT_EQ(dict_page.size(), enc.dictionary_byte_size());
  enc.EncodeIndices(idx.data(), idx.size(), data_page);
  EXPECT_EQ(data_page.bytes()[0], enc.index_bit_width());

  ColumnVector dict;
  ASSERT_TRUE(DecodeDictionaryPage(dict_page.bytes(), v.type, v.type_length, enc.size(), &dict).ok());
  ColumnVector out = Make(v.type, v.type_length);
  Status st = DecodeDictionaryIndices(data_page.bytes(), n, dict, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  // Compare as PLAIN bytes: bitwise, and type-independent.
  ByteWriter a, b;
  ASSERT_TRUE(EncodePlain(v, 0, n, a).ok());
  ASSERT_TRUE(EncodePlain(out, 0, n, b).ok());
  EXPECT_EQ(a.bytes(), b.bytes());
}

TEST(Dictionary, RoundTripNumeric) {
  std::mt19937_64 rng(1);
  for (size_t n : {0, 1, 7, 8, 9, 128, 129, 5000}) {
    ColumnVector i32 = Make(Type::INT32), i64 = Make(Type::INT64), f = Make(Type::FLOAT),
                 d = Make(Type::DOUBLE);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t r = rng() % 100;
      i32.i32.push_back(i == 0 ? std::numeric_limits<int32_t>::min() : static_cast<int32_t>(r));
      i64.i64.push_back(i == 0 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(r));
      f.f32.push_back(static_cast<float>(r));
      d.f64.push_back(static_cast<double>(r) * 0.5);
    }
    auto distinct = [](auto vec) {
      std::sort(vec.begin(), vec.end());
      return static_cast<size_t>(std::unique(vec.begin(), vec.end()) - vec.begin());
    };
    RoundTrip(i32, distinct(i32.i32));
    RoundTrip(i64, distinct(i64.i64));
    RoundTrip(f, distinct(f.f32));
    RoundTrip(d, distinct(d.f64));
  }
}

TEST(Dictionary, FloatsKeyedByBits) {
  ColumnVector d = Make(Type::DOUBLE);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  d.f64 = {0.0, -0.0, nan, nan, 0.0, -0.0, std::bit_cast<double>(0x7ff8000000000001ULL)};
  RoundTrip(d, 4);  // 0, -0, NaN, NaN with another payload
}

TEST(Dictionary, RoundTripBytesTypes) {
  std::mt19937 rng(2);
  ColumnVector s = Make(Type::BYTE_ARRAY);
  for (int i = 0; i < 3000; ++i) AddString(s, "key-" + std::to_string(rng() % 700));
  AddString(s, "");
  AddString(s, "");
  RoundTrip(s, [&] {
    std::set<std::string_view> u;
    for (size_t i = 0; i + 1 < s.offsets.size(); ++i) u.insert(s.ByteArrayAt(i));
    return u.size();
  }());
  ColumnVector f = Make(Type::FIXED_LEN_BYTE_ARRAY, 3);
  for (int i = 0; i < 1000; ++i) {
    const uint8_t k = static_cast<uint8_t>(i % 37);
    f.fixed.insert(f.fixed.end(), {k, 0, static_cast<uint8_t>(k * 3)});
  }
  RoundTrip(f, 37);
  ColumnVector t = Make(Type::INT96);
  for (int i = 0; i < 100; ++i) {
    for (int k = 0; k < 12; ++k) t.fixed.push_back(static_cast<uint8_t>(k == 0 ? i % 5 : k));
  }
  RoundTrip(t, 5);
  ColumnVector b = Make(Type::BOOLEAN);
  b.bools = {1, 0, 1, 1};
  RoundTrip(b, 2);
}

TEST(Dictionary, ManyDistinctValuesGrowTheTable) {
  ColumnVector v = Make(Type::INT64);
  for (int64_t i = 0; i < 100000; ++i) v.i64.push_back(i * 7919);
  RoundTrip(v, 100000);
  DictionaryEncoder enc(Type::INT64, 0);
  std::vector<uint32_t> idx;
  ASSERT_TRUE(enc.Put(v, 0, v.i64.size(), &idx).ok());
  EXPECT_EQ(enc.dictionary_byte_size(), 800000u);
  EXPECT_EQ(enc.index_bit_width(), 17);
  for (size_t i = 0; i < idx.size(); ++i) ASSERT_EQ(idx[i], i);
  enc.Clear();
  EXPECT_EQ(enc.size(), 0u);
  EXPECT_EQ(enc.dictionary_byte_size(), 0u);
}

TEST(Dictionary, ByteSizeTracksPlainSize) {
  DictionaryEncoder enc(Type::BYTE_ARRAY, 0);
  ColumnVector s = Make(Type::BYTE_ARRAY);
  AddString(s, "hello");
  AddString(s, "hello");
  AddString(s, "");
  std::vector<uint32_t> idx;
  ASSERT_TRUE(enc.Put(s, 0, 3, &idx).ok());
  EXPECT_EQ(idx, (std::vector<uint32_t>{0, 0, 1}));
  EXPECT_EQ(enc.dictionary_byte_size(), 4u + 5 + 4);
  EXPECT_LT(enc.dictionary_byte_size(), kDefaultDictionaryPageSizeLimit);
}

TEST(Dictionary, EncoderRejectsBadInput) {
  DictionaryEncoder enc(Type::INT32, 0);
  ColumnVector v = Make(Type::INT64);
  v.i64 = {1};
  std::vector<uint32_t> idx;
  EXPECT_EQ(enc.Put(v, 0, 1, &idx).code(), StatusCode::kInvalidArgument);
  ColumnVector w = Make(Type::INT32);
  w.i32 = {1};
  EXPECT_EQ(enc.Put(w, 0, 2, &idx).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(idx.empty());
}

TEST(Dictionary, IndexBitWidth) {
  EXPECT_EQ(DictionaryIndexBitWidth(0), 1);
  EXPECT_EQ(DictionaryIndexBitWidth(1), 1);
  EXPECT_EQ(DictionaryIndexBitWidth(2), 1);
  EXPECT_EQ(DictionaryIndexBitWidth(3), 2);
  EXPECT_EQ(DictionaryIndexBitWidth(256), 8);
  EXPECT_EQ(DictionaryIndexBitWidth(257), 9);
}

ColumnVector ThreeStrings() {
  ColumnVector d = Make(Type::BYTE_ARRAY);
  AddString(d, "a");
  AddString(d, "bb");
  AddString(d, "");
  return d;
}

TEST(Dictionary, BitWidthZeroMeansIndexZero) {
  const ColumnVector dict = ThreeStrings();
  ColumnVector out = Make(Type::BYTE_ARRAY);
  // Bit width 0, one RLE run of 5 (no value bytes).
  ASSERT_TRUE(DecodeDictionaryIndices(Bytes{0x00, 0x0a}, 5, dict, &out).ok());
  ASSERT_EQ(out.offsets.size(), 6u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(out.ByteArrayAt(i), "a");
}

TEST(Dictionary, Errors) {
  const ColumnVector dict = ThreeStrings();
  ColumnVector out = Make(Type::BYTE_ARRAY);
  AddString(out, "kept");
  const ColumnVector before = out;
  // Index 3 of 3.
  Status st = DecodeDictionaryIndices(Bytes{0x02, 0x04, 0x03}, 2, dict, &out);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find("out of range"), std::string::npos);
  EXPECT_EQ(out.offsets, before.offsets);
  EXPECT_EQ(out.data, before.data);
  // Bit width 33.
  EXPECT_TRUE(DecodeDictionaryIndices(Bytes{33, 0x02, 0, 0, 0, 0, 0}, 1, dict, &out).IsCorruption());
  // Nothing at all, for one value; and fine for zero values.
  EXPECT_TRUE(DecodeDictionaryIndices(Bytes{}, 1, dict, &out).IsCorruption());
  EXPECT_TRUE(DecodeDictionaryIndices(Bytes{}, 0, dict, &out).ok());
  // Stream too short (the error is found in a later batch).
  ByteWriter w;
  std::vector<uint32_t> idx(5000, 1);
  idx[4000] = 2;
  EncodeDictionaryIndices(idx.data(), idx.size(), 2, w);
  EXPECT_TRUE(DecodeDictionaryIndices(w.bytes(), 6000, dict, &out).IsCorruption());
  EXPECT_EQ(out.offsets, before.offsets);
  // An empty dictionary accepts no index.
  ColumnVector empty;
  ASSERT_TRUE(DecodeDictionaryPage(Bytes{}, Type::INT32, 0, 0, &empty).ok());
  ColumnVector o = Make(Type::INT32);
  EXPECT_TRUE(DecodeDictionaryIndices(Bytes{0x00, 0x02}, 1, empty, &o).IsCorruption());
  // A dictionary page that is too short.
  EXPECT_TRUE(DecodeDictionaryPage(Bytes{1, 2, 3}, Type::INT32, 0, 1, &empty).IsCorruption());
}

TEST(Dictionary, IndexStreamTruncatedAtEveryByte) {
  std::vector<uint32_t> idx;
  std::mt19937 rng(9);
  for (int i = 0; i < 300; ++i) idx.push_back(i % 50 < 20 ? 7 : rng() % 100);
  ByteWriter w;
  EncodeDictionaryIndices(idx.data(), idx.size(), 7, w);
  ColumnVector dict = Make(Type::INT32);
  for (int i = 0; i < 100; ++i) dict.i32.push_back(i);
  for (size_t cut = 0; cut < w.size(); ++cut) {
    ColumnVector out = Make(Type::INT32);
    Status st = DecodeDictionaryIndices(ByteSpan(w.bytes().data(), cut), idx.size(), dict, &out);
    if (st.ok()) {
      ASSERT_EQ(out.i32.size(), idx.size());
      for (size_t i = 0; i < idx.size(); ++i) EXPECT_EQ(out.i32[i], static_cast<int32_t>(idx[i]));
    } else {
      EXPECT_TRUE(st.IsCorruption());
      EXPECT_TRUE(out.i32.empty());
    }
  }
}

TEST(Dictionary, GatherFixedWidth) {
  ColumnVector dict = Make(Type::FIXED_LEN_BYTE_ARRAY, 2);
  dict.fixed = {1, 2, 3, 4};
  const uint32_t idx[] = {1, 0, 1};
  ColumnVector out = Make(Type::FIXED_LEN_BYTE_ARRAY, 2);
  ASSERT_TRUE(GatherDictionary(dict, idx, 3, &out).ok());
  EXPECT_EQ(out.fixed, (std::vector<uint8_t>{3, 4, 1, 2, 3, 4}));
  const uint32_t bad[] = {0, 2};
  EXPECT_TRUE(GatherDictionary(dict, bad, 2, &out).IsCorruption());
  EXPECT_EQ(out.fixed.size(), 6u);
}

// Strings of a small dictionary are gathered through 16-byte slots; longer
// entries, or dictionaries large against the rows, the general way. Both
// give the values, appended after what the column holds, at the right offsets.
TEST(Dictionary, GatherStringsShortAndLong) {
  const std::vector<std::string> entries[] = {
      {"", "a", "2021-12-31", "sixteen-bytes-xx"},  // every entry fits a slot
      {"x", "seventeen-bytes-xx", "2021-12-31"},    // one entry does not
  };
  for (const auto& values : entries) {
    ColumnVector dict = Make(Type::BYTE_ARRAY);
    for (const auto& e : values) AddString(dict, e);
    for (size_t n : {size_t{3}, size_t{50}, size_t{5000}}) {
      std::vector<uint32_t> idx(n);
      std::mt19937 rng(static_cast<uint32_t>(n));
      for (auto& i : idx) i = static_cast<uint32_t>(rng() % values.size());
      ColumnVector out = Make(Type::BYTE_ARRAY);
      AddString(out, "already here");
      for (size_t half : {size_t{0}, n / 2}) {
        const size_t end = half == 0 ? n / 2 : n;
        ASSERT_TRUE(GatherDictionary(dict, idx.data() + half, end - half, &out).ok());
      }
      ASSERT_EQ(out.offsets.size(), n + 2);
      EXPECT_EQ(out.ByteArrayAt(0), "already here");
      for (size_t r = 0; r < n; ++r) ASSERT_EQ(out.ByteArrayAt(r + 1), values[idx[r]]) << r;
      EXPECT_EQ(out.data.size(), out.offsets.back());
    }
  }
}

}  // namespace
}  // namespace budget_audit::parquet
