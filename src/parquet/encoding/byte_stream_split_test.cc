#include "parquet/encoding/byte_stream_split.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "parquet/encoding/plain.h"

namespace budget_audit::parquet {
namespace {

TEST(ByteStreamSplit, KnownBytes) {
  ColumnVector v;
  v.type = Type::FLOAT;
  v.f32 = {1.0f, 2.0f};  // 0x3F800000, 0x40000000
  ByteWriter w;
  ASSERT_TRUE(EncodeByteStreamSplit(v, 0, 2, w).ok());
  EXPECT_EQ(w.bytes(), (Bytes{0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x3F, 0x40}));
  ColumnVector out;
  ASSERT_TRUE(DecodeByteStreamSplit(w.bytes(), Type::FLOAT, 0, 2, &out).ok());
  EXPECT_EQ(out.f32, v.f32);
}

ColumnVector Sample(Type type, size_t n, int32_t type_length) {
  std::mt19937_64 rng(n + static_cast<size_t>(type));
  ColumnVector v;
  v.type = type;
  v.type_length = type_length;
  for (size_t i = 0; i < n; ++i) {
    switch (type) {
      case Type::FLOAT:
        v.f32.push_back(i == 0   ? std::numeric_limits<float>::quiet_NaN()
                        : i == 1 ? -0.0f
                                 : static_cast<float>(rng() % 1000) / 3.0f);
        break;
      case Type::DOUBLE:
        v.f64.push_back(i == 0   ? std::numeric_limits<double>::quiet_NaN()
                        : i == 1 ? -0.0
                                 : static_cast<double>(rng()) / 7.0);
        break;
      case Type::INT32:
        v.i32.push_back(i == 0 ? std::numeric_limits<int32_t>::min() : static_cast<int32_t>(rng()));
        break;
      case Type::INT64:
        v.i64.push_back(i == 0 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(rng()));
        break;
      default:
        for (int32_t k = 0; k < type_length; ++k) v.fixed.push_back(static_cast<uint8_t>(rng()));
        break;
    }
  }
  return v;
}

TEST(ByteStreamSplit, RoundTrip) {
  const std::pair<Type, int32_t> types[] = {{Type::FLOAT, 0},
                                            {Type::DOUBLE, 0},
                                            {Type::INT32, 0},
                                            {Type::INT64, 0},
                                            {Type::FIXED_LEN_BYTE_ARRAY, 1},
                                            {Type::FIXED_LEN_BYTE_ARRAY, 3},
                                            {Type::FIXED_LEN_BYTE_ARRAY, 16}};
  for (auto [type, len] : types) {
    for (size_t n : {0, 1, 7, 8, 9, 127, 128, 129, 1000}) {
      const ColumnVector v = Sample(type, n, len);
      ByteWriter w;
      ASSERT_TRUE(EncodeByteStreamSplit(v, 0, n, w).ok());
      ColumnVector out;
      out.type = type;
      out.type_length = len;
      ASSERT_TRUE(DecodeByteStreamSplit(w.bytes(), type, len, n, &out).ok());
      // Bitwise comparison through PLAIN.
      ByteWriter a, b;
      ASSERT_TRUE(EncodePlain(v, 0, n, a).ok());
      ASSERT_TRUE(EncodePlain(out, 0, n, b).ok());
      EXPECT_EQ(a.bytes(), b.bytes()) << static_cast<int>(type) << " n=" << n;
      // Fewer values than the page holds: the stride stays the page's.
      if (n > 2) {
        ColumnVector part;
        ASSERT_TRUE(DecodeByteStreamSplit(w.bytes(), type, len, n - 2, &part).ok());
        part.type = type;
        part.type_length = len;
        ByteWriter c;
        ASSERT_TRUE(EncodePlain(part, 0, n - 2, c).ok());
        EXPECT_TRUE(std::equal(c.bytes().begin(), c.bytes().end(), a.bytes().begin()));
      }
    }
  }
}

TEST(ByteStreamSplit, Subrange) {
  const ColumnVector v = Sample(Type::DOUBLE, 100, 0);
  ByteWriter w;
  ASSERT_TRUE(EncodeByteStreamSplit(v, 10, 30, w).ok());
  ColumnVector out;
  ASSERT_TRUE(DecodeByteStreamSplit(w.bytes(), Type::DOUBLE, 0, 20, &out).ok());
  for (size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(std::bit_cast<uint64_t>(out.f64[i]), std::bit_cast<uint64_t>(v.f64[10 + i]));
  }
}

TEST(ByteStreamSplit, Errors) {
  ColumnVector out;
  EXPECT_TRUE(DecodeByteStreamSplit(Bytes(7, 0), Type::FLOAT, 0, 1, &out).IsCorruption());
  EXPECT_TRUE(DecodeByteStreamSplit(Bytes(8, 0), Type::FLOAT, 0, 3, &out).IsCorruption());
  EXPECT_TRUE(DecodeByteStreamSplit(Bytes(8, 0), Type::BYTE_ARRAY, 0, 1, &out).IsCorruption());
  EXPECT_TRUE(DecodeByteStreamSplit(Bytes(8, 0), Type::BOOLEAN, 0, 1, &out).IsCorruption());
  EXPECT_TRUE(DecodeByteStreamSplit(Bytes(8, 0), Type::FIXED_LEN_BYTE_ARRAY, 0, 1, &out).IsCorruption());
  EXPECT_TRUE(DecodeByteStreamSplit(Bytes(8, 0), Type::DOUBLE, 0, SIZE_MAX, &out).IsCorruption());
  EXPECT_TRUE(out.f32.empty() && out.f64.empty() && out.fixed.empty());
  EXPECT_TRUE(DecodeByteStreamSplit(Bytes{}, Type::DOUBLE, 0, 0, &out).ok());
  ColumnVector v;
  v.type = Type::BYTE_ARRAY;
  ByteWriter w;
  EXPECT_EQ(EncodeByteStreamSplit(v, 0, 0, w).code(), StatusCode::kInvalidArgument);
  v.type = Type::INT32;
  v.i32 = {1};
  EXPECT_EQ(EncodeByteStreamSplit(v, 0, 2, w).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace budget_audit::parquet
