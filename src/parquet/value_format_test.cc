#include "parquet/value_format.h"

#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

namespace budget_audit::parquet {
namespace {

TEST(ValueFormat, Base64) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(ValueFormat, Decimals) {
  EXPECT_EQ(DecimalFromInt(12345, 2), "123.45");
  EXPECT_EQ(DecimalFromInt(-5, 2), "-0.05");
  EXPECT_EQ(DecimalFromInt(100, 2), "1.00");
  EXPECT_EQ(DecimalFromInt(0, 3), "0.000");
  EXPECT_EQ(DecimalFromInt(7, 0), "7");
  EXPECT_EQ(DecimalFromInt(INT64_MIN, 0), "-9223372036854775808");
  const uint8_t big[16] = {0x4b, 0x3b, 0x4c, 0xa8, 0x5a, 0x86, 0xc4, 0x7a,
                           0x09, 0x8a, 0x22, 0x3f, 0xff, 0xff, 0xff, 0xff};  // 10^38 - 1
  EXPECT_EQ(DecimalFromBigEndian(big, 16, 0), "99999999999999999999999999999999999999");
  const uint8_t neg[2] = {0xff, 0x38};  // -200
  EXPECT_EQ(DecimalFromBigEndian(neg, 2, 1), "-20.0");
  EXPECT_EQ(DecimalFromBigEndian(neg, 0, 2), "0.00");
}

TEST(ValueFormat, Floats) {
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(1e-05), "1e-05");
  EXPECT_EQ(FormatDouble(5000.0), "5000");
  EXPECT_EQ(FormatDouble(NAN), "NaN");
  EXPECT_EQ(FormatDouble(-INFINITY), "-Infinity");
  EXPECT_EQ(FormatFloat(0.1f), "0.1");
  EXPECT_EQ(HalfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(HalfToFloat(0xc000), -2.0f);
  EXPECT_EQ(HalfToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7e00)));
}

TEST(ValueFormat, Int96) {
  uint8_t b[12];
  uint64_t nanos = 3600ull * 1000000000ull;
  uint32_t day = 2440588 + 1;  // 1970-01-02
  std::memcpy(b, &nanos, 8);
  std::memcpy(b + 8, &day, 4);
  EXPECT_EQ(*Int96ToNanos(b), (86400ll + 3600ll) * 1000000000ll);
  uint32_t far = 2440588 + 3000000;  // year ~10183: beyond int64 nanoseconds
  std::memcpy(b + 8, &far, 4);
  EXPECT_FALSE(Int96ToNanos(b).has_value());
}

TEST(ValueFormat, JsonStringsEscapeAndRepairUtf8) {
  std::string out;
  AppendJsonString("a\"b\\c\n\x01", out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\"");
  out.clear();
  AppendJsonString("caf\xc3\xa9 \xff", out);
  EXPECT_EQ(out, "\"caf\xc3\xa9 \xef\xbf\xbd\"");
}

TEST(ValueFormat, ValuesByKind) {
  ColumnDescriptor ts;
  ts.type = Type::INT64;
  ts.kind = ValueKind::kTimestamp;
  ts.unit = TimeUnit::MICROS;
  ts.utc = true;
  ColumnVector v;
  v.type = Type::INT64;
  v.i64 = {1780114500123000};
  std::string out;
  AppendValue(ts, v, 0, TextStyle::kJson, out);
  EXPECT_EQ(out, "\"2026-05-30T04:15:00.123Z\"");

  ColumnDescriptor u;
  u.type = Type::INT64;
  u.kind = ValueKind::kInt;
  u.is_signed = false;
  v.i64 = {-1};
  out.clear();
  AppendValue(u, v, 0, TextStyle::kJson, out);
  EXPECT_EQ(out, "18446744073709551615");

  ColumnDescriptor s;
  s.type = Type::BYTE_ARRAY;
  s.kind = ValueKind::kString;
  ColumnVector sv;
  sv.type = Type::BYTE_ARRAY;
  sv.offsets = {0};
  sv.AppendByteArray("a,b");
  out.clear();
  AppendValue(s, sv, 0, TextStyle::kCsv, out);
  EXPECT_EQ(out, "\"a,b\"");
}

}  // namespace
}  // namespace budget_audit::parquet
