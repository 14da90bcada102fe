#include "parquet/thrift_compact.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace budget_audit::parquet {
namespace {

using ::testing::HasSubstr;

Bytes B(std::initializer_list<int> v) {
  Bytes out;
  for (int x : v) out.push_back(static_cast<uint8_t>(x));
  return out;
}

// Asserts `s` is a Corruption whose message contains `what` and names an offset.
void ExpectCorruption(const Status& s, std::string_view what) {
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(std::string(what)));
  EXPECT_THAT(s.message(), HasSubstr("at offset"));
}

TEST(ThriftWriterTest, FieldHeadersShortAndLongForm) {
  ByteWriter out;
  ThriftWriter w(out);
  w.BeginStruct();
  w.WriteI32Field(1, 7);         // delta 1: 0x15
  w.WriteI64Field(16, -1);       // delta 15: 0xf6
  w.WriteBinaryField(40, "ab");  // delta 24: long form 0x08, zigzag(40) = 80
  w.WriteBoolField(41, true);    // delta 1, type 1: 0x11
  w.WriteBoolField(42, false);   // delta 1, type 2: 0x12
  w.WriteI16Field(3, -3);        // backwards: long form 0x04, zigzag(3) = 6
  w.EndStruct();
  EXPECT_EQ(out.bytes(),
            B({0x15, 0x0e, 0xf6, 0x01, 0x08, 0x50, 0x02, 'a', 'b', 0x11, 0x12, 0x04, 0x06, 0x05, 0x00}));

  ByteReader r(out.bytes());
  ThriftReader t(r);
  ASSERT_TRUE(t.BeginStruct().ok());
  auto h = t.ReadFieldHeader();
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->type, CType::kI32);
  EXPECT_EQ(h->id, 1);
  EXPECT_EQ(*t.ReadI32(), 7);
  h = t.ReadFieldHeader();
  EXPECT_EQ(h->type, CType::kI64);
  EXPECT_EQ(h->id, 16);
  EXPECT_EQ(*t.ReadI64(), -1);
  h = t.ReadFieldHeader();
  EXPECT_EQ(h->type, CType::kBinary);
  EXPECT_EQ(h->id, 40);
  EXPECT_EQ(*t.ReadString(), "ab");
  h = t.ReadFieldHeader();
  EXPECT_EQ(h->id, 41);
  EXPECT_TRUE(IsBoolType(h->type));
  EXPECT_TRUE(h->bool_value());
  h = t.ReadFieldHeader();
  EXPECT_EQ(h->id, 42);
  EXPECT_TRUE(IsBoolType(h->type));
  EXPECT_FALSE(h->bool_value());
  h = t.ReadFieldHeader();
  EXPECT_EQ(h->id, 3);
  EXPECT_EQ(*t.ReadI16(), -3);
  h = t.ReadFieldHeader();
  EXPECT_TRUE(h->is_stop());
  t.EndStruct();
  EXPECT_TRUE(r.empty());
}

TEST(ThriftWriterTest, NestedStructsRestartFieldIds) {
  ByteWriter out;
  ThriftWriter w(out);
  w.BeginStruct();
  w.WriteI32Field(5, 1);
  w.BeginStructField(6);
  w.WriteI32Field(1, 2);  // delta from 0, not from 6
  w.EndStruct();
  w.WriteI32Field(7, 3);  // delta from 6
  w.EndStruct();
  EXPECT_EQ(out.bytes(), B({0x55, 0x02, 0x1c, 0x15, 0x04, 0x00, 0x15, 0x06, 0x00}));
}

TEST(ThriftWriterTest, ScalarEncodings) {
  ByteWriter out;
  ThriftWriter w(out);
  w.WriteI8(-2);       // raw byte, not a varint
  w.WriteI32(-1);      // zigzag 1
  w.WriteI32(64);      // zigzag 128 = 0x80 0x01
  w.WriteDouble(1.5);  // 0x3ff8000000000000 little-endian
  EXPECT_EQ(out.bytes(), B({0xfe, 0x01, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f}));
  ByteReader r(out.bytes());
  ThriftReader t(r);
  EXPECT_EQ(*t.ReadI8(), -2);
  EXPECT_EQ(*t.ReadI32(), -1);
  EXPECT_EQ(*t.ReadI32(), 64);
  EXPECT_EQ(*t.ReadDouble(), 1.5);
}

TEST(ThriftWriterTest, IntegerExtremesRoundTrip) {
  ByteWriter out;
  ThriftWriter w(out);
  w.WriteI16(std::numeric_limits<int16_t>::min());
  w.WriteI16(std::numeric_limits<int16_t>::max());
  w.WriteI32(std::numeric_limits<int32_t>::min());
  w.WriteI32(std::numeric_limits<int32_t>::max());
  w.WriteI64(std::numeric_limits<int64_t>::min());
  w.WriteI64(std::numeric_limits<int64_t>::max());
  ByteReader r(out.bytes());
  ThriftReader t(r);
  EXPECT_EQ(*t.ReadI16(), std::numeric_limits<int16_t>::min());
  EXPECT_EQ(*t.ReadI16(), std::numeric_limits<int16_t>::max());
  EXPECT_EQ(*t.ReadI32(), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(*t.ReadI32(), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(*t.ReadI64(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(*t.ReadI64(), std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(r.empty());
}

TEST(ThriftWriterTest, ListHeaders) {
  ByteWriter out;
  ThriftWriter w(out);
  w.WriteListHeader(CType::kI32, 14);
  w.WriteListHeader(CType::kBinary, 15);
  w.WriteListHeader(CType::kStruct, 300);
  w.WriteListHeader(CType::kBoolFalse, 1);  // bool elements always declared as type 1
  w.WriteBoolElement(true);
  w.WriteBoolElement(false);
  EXPECT_EQ(out.bytes(), B({0xe5, 0xf8, 0x0f, 0xfc, 0xac, 0x02, 0x11, 0x01, 0x02}));
}

TEST(ThriftWriterTest, MapHeaders) {
  ByteWriter out;
  ThriftWriter w(out);
  w.WriteMapHeader(CType::kBinary, CType::kI32, 0);
  w.WriteMapHeader(CType::kBinary, CType::kI32, 2);
  EXPECT_EQ(out.bytes(), B({0x00, 0x02, 0x85}));
}

TEST(ThriftReaderTest, ListHeadersRoundTrip) {
  for (uint32_t n : {0u, 1u, 14u, 15u, 16u, 200u}) {
    ByteWriter out;
    ThriftWriter w(out);
    w.WriteListHeader(CType::kI32, n);
    for (uint32_t i = 0; i < n; ++i) w.WriteI32(static_cast<int32_t>(i) - 5);
    ByteReader r(out.bytes());
    ThriftReader t(r);
    auto h = t.ReadListHeader();
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    EXPECT_EQ(h->size, n);
    EXPECT_EQ(h->element_type, CType::kI32);
    for (uint32_t i = 0; i < n; ++i) EXPECT_EQ(*t.ReadI32(), static_cast<int32_t>(i) - 5);
    EXPECT_TRUE(r.empty());
  }
}

TEST(ThriftReaderTest, BoolListElementsAcceptBothSpellings) {
  // Element type 1 or 2; values 1 = true, 0 or 2 = false.
  for (int elem_type : {1, 2}) {
    Bytes in = B({0x40 | elem_type, 0x01, 0x00, 0x02, 0x01});
    ByteReader r(in);
    ThriftReader t(r);
    auto h = t.ReadListHeader();
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->element_type, CType::kBoolTrue);
    ASSERT_EQ(h->size, 4u);
    EXPECT_TRUE(*t.ReadBoolElement());
    EXPECT_FALSE(*t.ReadBoolElement());
    EXPECT_FALSE(*t.ReadBoolElement());
    EXPECT_TRUE(*t.ReadBoolElement());
  }
}

TEST(ThriftReaderTest, EmptyListWithStopElementType) {
  Bytes in = B({0x00});
  ByteReader r(in);
  ThriftReader t(r);
  auto h = t.ReadListHeader();
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->size, 0u);
  // ...but a non-empty list needs a real element type.
  Bytes bad = B({0x10, 0x00});
  ByteReader r2(bad);
  ThriftReader t2(r2);
  ExpectCorruption(t2.ReadListHeader().status(), "element type 0");
}

TEST(ThriftReaderTest, HugeListCountsAreRejectedBeforeAllocation) {
  // 0x7fffffff i32 elements declared, 3 bytes of input.
  Bytes in = B({0xf5, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00, 0x00, 0x00});
  ByteReader r(in);
  ThriftReader t(r);
  ExpectCorruption(t.ReadListHeader().status(), "list of 2147483647");

  // Doubles need 8 bytes each: 2 doubles in 15 bytes is too many.
  Bytes dbl = B({0x27});
  dbl.resize(1 + 15);
  ByteReader r2(dbl);
  ThriftReader t2(r2);
  ExpectCorruption(t2.ReadListHeader().status(), "needs at least 16 bytes");
}

TEST(ThriftReaderTest, NegativeSizesAreCorruption) {
  // 2^32 - 1 as a varint: -1 as an i32.
  Bytes list = B({0xf5, 0xff, 0xff, 0xff, 0xff, 0x0f});
  ByteReader r(list);
  ThriftReader t(r);
  ExpectCorruption(t.ReadListHeader().status(), "negative list size");

  Bytes bin = B({0xff, 0xff, 0xff, 0xff, 0x0f});
  ByteReader r2(bin);
  ThriftReader t2(r2);
  ExpectCorruption(t2.ReadBinary().status(), "negative binary length");

  Bytes map = B({0x80, 0x80, 0x80, 0x80, 0x08, 0x55});
  ByteReader r3(map);
  ThriftReader t3(r3);
  ExpectCorruption(t3.ReadMapHeader().status(), "negative map size");
}

TEST(ThriftReaderTest, BinaryLengthCheckedAgainstRemaining) {
  Bytes in = B({0x05, 'a', 'b', 'c'});
  ByteReader r(in, 1000);
  ThriftReader t(r);
  auto s = t.ReadBinary();
  ExpectCorruption(s.status(), "binary length 5 exceeds the 3 bytes remaining");
  EXPECT_THAT(s.status().message(), HasSubstr("at offset 1000"));
}

TEST(ThriftReaderTest, MapHeaders) {
  Bytes in = B({0x00, 0x02, 0x85, 0x02, 'a', 'b', 0x02, 0x00, 0x04});
  ByteReader r(in);
  ThriftReader t(r);
  auto empty = t.ReadMapHeader();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size, 0u);
  auto m = t.ReadMapHeader();
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->size, 2u);
  EXPECT_EQ(m->key_type, CType::kBinary);
  EXPECT_EQ(m->value_type, CType::kI32);

  Bytes huge = B({0xff, 0xff, 0x03, 0x88, 0x00});
  ByteReader r2(huge);
  ThriftReader t2(r2);
  ExpectCorruption(t2.ReadMapHeader().status(), "map of 65535 entries");
}

TEST(ThriftReaderTest, IntegerRangeChecks) {
  ByteWriter out;
  out.PutZigZag(40000);  // too big for i16
  ByteReader r(out.bytes());
  ThriftReader t(r);
  ExpectCorruption(t.ReadI16().status(), "i16 value 40000 out of range");

  ByteWriter out2;
  out2.PutZigZag(int64_t{1} << 40);
  ByteReader r2(out2.bytes());
  ThriftReader t2(r2);
  ExpectCorruption(t2.ReadI32().status(), "out of range");
}

TEST(ThriftReaderTest, BadVarints) {
  // 11 continuation bytes: longer than any 64-bit varint.
  Bytes too_long(11, 0xff);
  ByteReader r(too_long);
  ThriftReader t(r);
  ExpectCorruption(t.ReadI64().status(), "varint");

  // Ends mid-varint.
  Bytes truncated = B({0x80, 0x80});
  ByteReader r2(truncated);
  ThriftReader t2(r2);
  ExpectCorruption(t2.ReadI32().status(), "end of data");

  // 10th byte carries bits beyond 64.
  Bytes overflow = B({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f});
  ByteReader r3(overflow);
  ThriftReader t3(r3);
  ExpectCorruption(t3.ReadI64().status(), "varint");
}

TEST(ThriftReaderTest, InvalidFieldTypes) {
  for (int type : {14, 15}) {
    Bytes in = B({0x10 | type});
    ByteReader r(in, 77);
    ThriftReader t(r);
    ASSERT_TRUE(t.BeginStruct().ok());
    auto h = t.ReadFieldHeader();
    ExpectCorruption(h.status(), "invalid Thrift field type");
    EXPECT_THAT(h.status().message(), HasSubstr("at offset 77"));
  }
}

TEST(ThriftReaderTest, FieldIdOverflow) {
  // Long form id 32767, then a delta of 1.
  Bytes in = B({0x05, 0xfe, 0xff, 0x03, 0x00, 0x15});
  ByteReader r(in);
  ThriftReader t(r);
  ASSERT_TRUE(t.BeginStruct().ok());
  auto h = t.ReadFieldHeader();
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->id, 32767);
  ASSERT_TRUE(t.ReadI32().ok());
  ExpectCorruption(t.ReadFieldHeader().status(), "out of the i16 range");

  Bytes big = B({0x05, 0x80, 0x80, 0x04});  // zigzag 65536 -> 32768
  ByteReader r2(big);
  ThriftReader t2(r2);
  ASSERT_TRUE(t2.BeginStruct().ok());
  ExpectCorruption(t2.ReadFieldHeader().status(), "out of the i16 range");
}

// A struct holding one field of every type, nested containers included.
Bytes EveryTypeStruct() {
  ByteWriter out;
  ThriftWriter w(out);
  w.BeginStruct();
  w.WriteBoolField(1, true);
  w.WriteBoolField(2, false);
  w.WriteI8Field(3, -1);
  w.WriteI16Field(4, 300);
  w.WriteI32Field(5, -70000);
  w.WriteI64Field(6, int64_t{1} << 50);
  w.WriteFieldHeader(CType::kDouble, 7);
  w.WriteDouble(-2.25);
  w.WriteBinaryField(8, "hello");
  w.WriteFieldHeader(CType::kList, 9);  // list<list<i32>>
  w.WriteListHeader(CType::kList, 2);
  w.WriteListHeader(CType::kI32, 2);
  w.WriteI32(1);
  w.WriteI32(2);
  w.WriteListHeader(CType::kI32, 0);
  w.WriteFieldHeader(CType::kSet, 10);  // set<bool>
  w.WriteSetHeader(CType::kBoolTrue, 3);
  w.WriteBoolElement(true);
  w.WriteBoolElement(false);
  w.WriteBoolElement(true);
  w.WriteFieldHeader(CType::kMap, 11);  // map<binary, struct>
  w.WriteMapHeader(CType::kBinary, CType::kStruct, 2);
  w.WriteString("k1");
  w.BeginStruct();
  w.WriteI32Field(1, 5);
  w.EndStruct();
  w.WriteString("k2");
  w.BeginStruct();
  w.EndStruct();
  w.WriteFieldHeader(CType::kMap, 12);  // empty map
  w.WriteMapHeader(CType::kI32, CType::kI32, 0);
  w.BeginStructField(13);  // nested struct with a list of doubles
  w.WriteFieldHeader(CType::kList, 1);
  w.WriteListHeader(CType::kDouble, 2);
  w.WriteDouble(1.0);
  w.WriteDouble(2.0);
  w.EndStruct();
  w.WriteFieldHeader(CType::kUuid, 14);
  for (int i = 0; i < 16; ++i) out.PutU8(static_cast<uint8_t>(i));
  w.WriteFieldHeader(CType::kMap, 15);  // map<bool, bool>
  w.WriteMapHeader(CType::kBoolTrue, CType::kBoolTrue, 1);
  w.WriteBoolElement(true);
  w.WriteBoolElement(false);
  w.EndStruct();
  return out.Release();
}

TEST(ThriftReaderTest, SkipEveryType) {
  Bytes in = EveryTypeStruct();
  in.push_back(0xaa);  // a sentinel after the struct
  ByteReader r(in);
  ThriftReader t(r);
  ASSERT_TRUE(t.Skip(CType::kStruct).ok());
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(ThriftReaderTest, SkipEveryTypeTruncatedAtEveryByte) {
  const Bytes in = EveryTypeStruct();
  for (size_t n = 0; n < in.size(); ++n) {
    ByteReader r(ByteSpan(in.data(), n));
    ThriftReader t(r);
    Status s = t.Skip(CType::kStruct);
    EXPECT_TRUE(s.IsCorruption()) << "truncated at " << n << ": " << s.ToString();
  }
}

TEST(ThriftReaderTest, SkipStopIsCorruption) {
  Bytes in = B({0x00});
  ByteReader r(in);
  ThriftReader t(r);
  ExpectCorruption(t.Skip(CType::kStop), "stop");
}

Bytes NestedStructs(int depth) {
  // Each level: field 1 of type struct. Then `depth` STOP bytes.
  Bytes out(static_cast<size_t>(depth), 0x1c);
  out.insert(out.end(), static_cast<size_t>(depth) + 1, 0x00);
  return out;
}

TEST(ThriftReaderTest, NestingDepthIsCapped) {
  {
    Bytes in = NestedStructs(ThriftReader::kDefaultMaxDepth - 1);
    ByteReader r(in);
    ThriftReader t(r);
    EXPECT_TRUE(t.Skip(CType::kStruct).ok());
    EXPECT_TRUE(r.empty());
  }
  {
    Bytes in = NestedStructs(100000);
    ByteReader r(in);
    ThriftReader t(r);
    ExpectCorruption(t.Skip(CType::kStruct), "nesting deeper than 64");
  }
  {
    // list<list<list<...>>> 1000 deep: containers count too.
    Bytes in(1000, 0x19);
    in.push_back(0x00);
    ByteReader r(in);
    ThriftReader t(r);
    ExpectCorruption(t.Skip(CType::kList), "nesting deeper than 64");
  }
  {
    // map<i32, map<i32, ...>> deep.
    Bytes in;
    for (int i = 0; i < 1000; ++i) {
      in.push_back(0x01);
      in.push_back(0x5b);
      in.push_back(0x00);
    }
    in.push_back(0x00);
    ByteReader r(in);
    ThriftReader t(r);
    ExpectCorruption(t.Skip(CType::kMap), "nesting deeper than 64");
  }
}

TEST(ThriftReaderTest, CustomDepthCap) {
  Bytes in = NestedStructs(3);
  ByteReader r(in);
  ThriftReader t(r, 3);
  ExpectCorruption(t.Skip(CType::kStruct), "nesting deeper than 3");
  ByteReader r2(in);
  ThriftReader t2(r2, 4);
  EXPECT_TRUE(t2.Skip(CType::kStruct).ok());
}

TEST(ThriftReaderTest, StopNibbleDecidesStop) {
  // Like the Apache Thrift runtime, a zero type nibble ends the struct.
  Bytes in = B({0x30});
  ByteReader r(in);
  ThriftReader t(r);
  ASSERT_TRUE(t.BeginStruct().ok());
  auto h = t.ReadFieldHeader();
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->is_stop());
}

TEST(ThriftReaderTest, ErrorsNameTheBaseOffset) {
  Bytes in = B({0x15});  // i32 field with no value
  ByteReader r(in, 4096);
  ThriftReader t(r);
  ASSERT_TRUE(t.BeginStruct().ok());
  ASSERT_TRUE(t.ReadFieldHeader().ok());
  auto v = t.ReadI32();
  ExpectCorruption(v.status(), "at offset 4097");
}

}  // namespace
}  // namespace budget_audit::parquet
