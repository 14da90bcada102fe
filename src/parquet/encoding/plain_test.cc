#include "parquet/encoding/plain.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

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

// Fills `n` values of every kind, with the extremes first.
ColumnVector Sample(Type type, size_t n, int32_t type_length = 0) {
  std::mt19937_64 rng(n * 31 + static_cast<size_t>(type));
  ColumnVector v = Make(type, type_length);
  for (size_t i = 0; i < n; ++i) {
    switch (type) {
      case Type::BOOLEAN: v.bools.push_back(rng() % 2); break;
      case Type::INT32: {
        const int32_t edge[] = {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 0,
                                -1};
        v.i32.push_back(i < 4 ? edge[i] : static_cast<int32_t>(rng()));
        break;
      }
      case Type::INT64: {
        const int64_t edge[] = {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 0,
                                -1};
        v.i64.push_back(i < 4 ? edge[i] : static_cast<int64_t>(rng()));
        break;
      }
      case Type::FLOAT: {
        const float edge[] = {std::numeric_limits<float>::quiet_NaN(), -0.0f,
                              std::numeric_limits<float>::infinity(),
                              std::bit_cast<float>(0x7fa00001u)};  // NaN with payload
        v.f32.push_back(i < 4 ? edge[i] : static_cast<float>(rng() % 100000) / 7.0f);
        break;
      }
      case Type::DOUBLE: {
        const double edge[] = {std::numeric_limits<double>::quiet_NaN(), -0.0,
                               -std::numeric_limits<double>::infinity(),
                               std::numeric_limits<double>::denorm_min()};
        v.f64.push_back(i < 4 ? edge[i] : static_cast<double>(rng()) / 3.0);
        break;
      }
      case Type::BYTE_ARRAY: {
        std::string s(i % 5 == 0 ? 0 : rng() % 40, 'x');
        for (auto& c : s) c = static_cast<char>(rng());
        AddString(v, s);
        break;
      }
      case Type::INT96:
      case Type::FIXED_LEN_BYTE_ARRAY: {
        const size_t w = type == Type::INT96 ? 12 : static_cast<size_t>(type_length);
        for (size_t k = 0; k < w; ++k) v.fixed.push_back(static_cast<uint8_t>(rng()));
        break;
      }
    }
  }
  return v;
}

// Bitwise equality of the vector for `type` (so NaN payloads and -0.0
// count).
void ExpectSameValues(const ColumnVector& a, const ColumnVector& b, Type type) {
  switch (type) {
    case Type::BOOLEAN: EXPECT_EQ(a.bools, b.bools); break;
    case Type::INT32: EXPECT_EQ(a.i32, b.i32); break;
    case Type::INT64: EXPECT_EQ(a.i64, b.i64); break;
    case Type::FLOAT:
      ASSERT_EQ(a.f32.size(), b.f32.size());
      for (size_t i = 0; i < a.f32.size(); ++i) {
        EXPECT_EQ(std::bit_cast<uint32_t>(a.f32[i]), std::bit_cast<uint32_t>(b.f32[i]));
      }
      break;
    case Type::DOUBLE:
      ASSERT_EQ(a.f64.size(), b.f64.size());
      for (size_t i = 0; i < a.f64.size(); ++i) {
        EXPECT_EQ(std::bit_cast<uint64_t>(a.f64[i]), std::bit_cast<uint64_t>(b.f64[i]));
      }
      break;
    case Type::BYTE_ARRAY:
      EXPECT_EQ(a.offsets, b.offsets);
      EXPECT_EQ(a.data, b.data);
      break;
    case Type::INT96:
    case Type::FIXED_LEN_BYTE_ARRAY: EXPECT_EQ(a.fixed, b.fixed); break;
  }
}

struct TypeCase {
  Type type;
  int32_t type_length;
};
const TypeCase kTypes[] = {{Type::BOOLEAN, 0},
                           {Type::INT32, 0},
                           {Type::INT64, 0},
                           {Type::INT96, 12},
                           {Type::FLOAT, 0},
                           {Type::DOUBLE, 0},
                           {Type::BYTE_ARRAY, 0},
                           {Type::FIXED_LEN_BYTE_ARRAY, 3},
                           {Type::FIXED_LEN_BYTE_ARRAY, 16}};

TEST(Plain, RoundTripEveryType) {
  for (const TypeCase& tc : kTypes) {
    for (size_t n : {0, 1, 7, 8, 9, 127, 128, 129, 1000}) {
      const ColumnVector v = Sample(tc.type, n, tc.type_length);
      ByteWriter w;
      ASSERT_TRUE(EncodePlain(v, 0, n, w).ok());
      EXPECT_EQ(w.size(), PlainEncodedSize(v, 0, n));
      w.PutString("trailing");
      ColumnVector back = Make(tc.type, tc.type_length);
      size_t consumed = 0;
      Status st = DecodePlain(w.bytes(), tc.type, tc.type_length, n, &back, &consumed);
      ASSERT_TRUE(st.ok()) << st.ToString();
      EXPECT_EQ(consumed, w.size() - 8);
      ExpectSameValues(v, back, tc.type);
    }
  }
}

TEST(Plain, SubrangeAndAppend) {
  const ColumnVector v = Sample(Type::BYTE_ARRAY, 50);
  ColumnVector back = Make(Type::BYTE_ARRAY);
  for (size_t b = 0; b < 50; b += 10) {
    ByteWriter w;
    ASSERT_TRUE(EncodePlain(v, b, b + 10, w).ok());
    ASSERT_TRUE(DecodePlain(w.bytes(), Type::BYTE_ARRAY, 0, 10, &back).ok());
  }
  ExpectSameValues(v, back, Type::BYTE_ARRAY);
  // Decoding into an empty ColumnVector adds the leading offset.
  ColumnVector fresh;
  ByteWriter w;
  ASSERT_TRUE(EncodePlain(v, 0, 3, w).ok());
  ASSERT_TRUE(DecodePlain(w.bytes(), Type::BYTE_ARRAY, 0, 3, &fresh).ok());
  EXPECT_EQ(fresh.offsets.size(), 4u);
  EXPECT_EQ(fresh.offsets[0], 0u);
}

TEST(Plain, KnownBytes) {
  ColumnVector b = Make(Type::BOOLEAN);
  b.bools = {1, 0, 1, 1, 0, 0, 0, 0, 1};
  ByteWriter w;
  ASSERT_TRUE(EncodePlain(b, 0, 9, w).ok());
  EXPECT_EQ(w.bytes(), (Bytes{0x0D, 0x01}));

  ColumnVector i = Make(Type::INT32);
  i.i32 = {1, -2};
  ByteWriter wi;
  ASSERT_TRUE(EncodePlain(i, 0, 2, wi).ok());
  EXPECT_EQ(wi.bytes(), (Bytes{1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff}));

  ColumnVector s = Make(Type::BYTE_ARRAY);
  AddString(s, "ab");
  AddString(s, "");
  ByteWriter ws;
  ASSERT_TRUE(EncodePlain(s, 0, 2, ws).ok());
  EXPECT_EQ(ws.bytes(), (Bytes{2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0}));

  ColumnVector d = Make(Type::DOUBLE);
  ASSERT_TRUE(DecodePlain(Bytes{0, 0, 0, 0, 0, 0, 0xf0, 0x3f}, Type::DOUBLE, 0, 1, &d).ok());
  EXPECT_EQ(d.f64, std::vector<double>{1.0});
}

TEST(Plain, TruncatedAtEveryByte) {
  for (const TypeCase& tc : kTypes) {
    const size_t n = 37;
    const ColumnVector v = Sample(tc.type, n, tc.type_length);
    ByteWriter w;
    ASSERT_TRUE(EncodePlain(v, 0, n, w).ok());
    const Bytes& b = w.bytes();
    for (size_t cut = 0; cut < b.size(); ++cut) {
      ColumnVector out = Make(tc.type, tc.type_length);
      const ColumnVector before = out;
      Status st = DecodePlain(ByteSpan(b.data(), cut), tc.type, tc.type_length, n, &out);
      ASSERT_TRUE(st.IsCorruption()) << "type " << static_cast<int>(tc.type) << " cut " << cut;
      ExpectSameValues(before, out, tc.type);  // nothing appended
    }
  }
}

TEST(Plain, HostileCounts) {
  const Bytes small(64, 0x01);
  for (const TypeCase& tc : kTypes) {
    ColumnVector out = Make(tc.type, tc.type_length);
    // Would overflow n * width if not checked by division.
    EXPECT_TRUE(DecodePlain(small, tc.type, tc.type_length, SIZE_MAX / 2, &out).IsCorruption());
    EXPECT_TRUE(DecodePlain(small, tc.type, tc.type_length, SIZE_MAX, &out).IsCorruption());
  }
  // A BYTE_ARRAY length far past the end.
  ColumnVector out = Make(Type::BYTE_ARRAY);
  EXPECT_TRUE(DecodePlain(Bytes{0xff, 0xff, 0xff, 0xff, 'a'}, Type::BYTE_ARRAY, 0, 1, &out).IsCorruption());
  EXPECT_EQ(out.offsets.size(), 1u);
  // Bad FIXED_LEN_BYTE_ARRAY widths.
  EXPECT_TRUE(DecodePlain(small, Type::FIXED_LEN_BYTE_ARRAY, 0, 1, &out).IsCorruption());
  EXPECT_TRUE(DecodePlain(small, Type::FIXED_LEN_BYTE_ARRAY, -5, 1, &out).IsCorruption());
  // Zero values from nothing.
  EXPECT_TRUE(DecodePlain(Bytes{}, Type::BYTE_ARRAY, 0, 0, &out).ok());
}

TEST(Plain, EncodeRejectsBadRanges) {
  const ColumnVector v = Sample(Type::INT64, 5);
  ByteWriter w;
  EXPECT_EQ(EncodePlain(v, 0, 6, w).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodePlain(v, 4, 3, w).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(EncodePlain(v, 5, 5, w).ok());
  EXPECT_EQ(w.size(), 0u);
  ColumnVector empty_ba;
  empty_ba.type = Type::BYTE_ARRAY;  // no leading offset at all
  EXPECT_TRUE(EncodePlain(empty_ba, 0, 0, w).ok());
}

TEST(Plain, Helpers) {
  EXPECT_EQ(FixedValueWidth(Type::INT96, 0), 12u);
  EXPECT_EQ(FixedValueWidth(Type::FIXED_LEN_BYTE_ARRAY, 7), 7u);
  EXPECT_EQ(FixedValueWidth(Type::BYTE_ARRAY, 7), 0u);
  const ColumnVector v = Sample(Type::FIXED_LEN_BYTE_ARRAY, 9, 5);
  EXPECT_EQ(StoredValueCount(v, Type::FIXED_LEN_BYTE_ARRAY), 9u);
  EXPECT_EQ(StoredValueCount(Make(Type::BYTE_ARRAY), Type::BYTE_ARRAY), 0u);
  EXPECT_EQ(StoredValueCount(ColumnVector{}, Type::BYTE_ARRAY), 0u);
}

}  // namespace
}  // namespace budget_audit::parquet
