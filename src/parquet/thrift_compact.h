// The Thrift compact protocol, hand-written: just what the Parquet footer and
// page headers need, plus skipping of anything else.
//
// Wire format (Apache Thrift compact protocol):
//   field header  one byte: high nibble = field-id delta (1..15) from the
//                 previous field of the same struct, low nibble = type; a
//                 delta of 0 means a zigzag-varint i16 field id follows.
//                 A zero byte ends the struct (STOP).
//   bool field    the value is the type nibble itself (1 = true, 2 = false)
//                 and no payload follows.
//   i8            one raw byte (not a varint).
//   i16/i32/i64   zigzag varints.
//   double        8 bytes little-endian.
//   binary        varint length, then the bytes.
//   list / set    one byte: high nibble = size (0..14) and low nibble =
//                 element type; a size nibble of 15 means a varint size
//                 follows. Bool elements take one byte each (1 = true).
//   map           varint size; if non-zero, one byte with the key type in
//                 the high nibble and the value type in the low nibble.
//   struct        fields, then STOP.
//
// ThriftReader is defensive: every size is checked against the bytes left
// (each element of a container takes at least one byte, so a count larger
// than the remaining input is Corruption before anything is allocated),
// negative sizes and out-of-range integers are Corruption, and nesting of
// structs and containers is capped. Every error is a Corruption whose
// message ends in "at offset N" (N from the underlying ByteReader, so it is
// a file offset when the reader was given a base offset).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "budget_audit/status.h"
#include "util/bytes.h"

namespace budget_audit::parquet {

// Compact-protocol type codes as they appear in field headers and
// container headers.
enum class CType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,   // in a field header: a bool field whose value is true
  kBoolFalse = 2,  // in a field header: a bool field whose value is false
  kByte = 3,       // i8
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
  kUuid = 13,  // 16 raw bytes (newer Thrift); only ever skipped
};

// "bool", "i32", "struct", ... for messages.
std::string_view CTypeName(CType t);

inline bool IsBoolType(CType t) { return t == CType::kBoolTrue || t == CType::kBoolFalse; }

struct FieldHeader {
  CType type = CType::kStop;  // kStop: end of the struct (id is 0)
  int16_t id = 0;
  uint64_t offset = 0;  // offset of the header byte, for messages
  bool is_stop() const { return type == CType::kStop; }
  // For bool fields, the value carried by the type nibble.
  bool bool_value() const { return type == CType::kBoolTrue; }
};

struct ListHeader {
  // Bool elements are reported as kBoolTrue; kStop only for an empty list
  // written as a bare 0x00.
  CType element_type = CType::kStop;
  uint32_t size = 0;
};

struct MapHeader {
  CType key_type = CType::kStop;  // kStop when size is 0 (no type byte)
  CType value_type = CType::kStop;
  uint32_t size = 0;
};

class ThriftReader {
 public:
  static constexpr int kDefaultMaxDepth = 64;

  // Borrows `reader`, which must outlive this object; reading advances it.
  // `memory_budget`: see Charge().
  explicit ThriftReader(ByteReader& reader, int max_depth = kDefaultMaxDepth,
                        uint64_t memory_budget = std::numeric_limits<uint64_t>::max())
      : r_(reader), max_depth_(max_depth), budget_(memory_budget) {}

  // Memory accounting for decoders built on this reader. Container sizes
  // are capped by the input, but a one-byte struct can become a
  // several-hundred-byte object; decoders call Charge(sizeof element) per
  // element they materialise, and get ResourceExhausted once the total
  // passes the budget given at construction.
  Status Charge(uint64_t bytes);
  uint64_t charged() const { return charged_; }

  // Enters a struct: field ids restart from 0. Corruption if the nesting
  // (structs and containers together) would exceed max_depth.
  Status BeginStruct();
  // Leaves the struct entered last (call after reading its STOP).
  void EndStruct();

  // The next field header of the current struct (or STOP). Call between
  // BeginStruct and EndStruct only.
  Result<FieldHeader> ReadFieldHeader();

  Result<int8_t> ReadI8();
  Result<int16_t> ReadI16();
  Result<int32_t> ReadI32();
  Result<int64_t> ReadI64();
  Result<double> ReadDouble();
  // Borrowed from the underlying span.
  Result<ByteSpan> ReadBinary();
  Result<std::string> ReadString();
  // A bool list/set element: 1 is true, any other byte false (writers differ:
  // 0 and 2 are both used for false).
  Result<bool> ReadBoolElement();

  // List and set headers share a layout. The size has been checked against
  // the bytes remaining (at least MinWireSize(element_type) each).
  Result<ListHeader> ReadListHeader();
  Result<ListHeader> ReadSetHeader() { return ReadListHeader(); }
  Result<MapHeader> ReadMapHeader();

  // Skips one value of `type` (for a field header type, pass the header's
  // type: bool fields have no payload). Nested values are skipped
  // recursively within the depth cap.
  Status Skip(CType type);

  // Container nesting: callers decoding a list element by element call
  // EnterContainer before and LeaveContainer after, so that lists of lists
  // count against the depth cap like structs do.
  Status EnterContainer();
  void LeaveContainer() { --depth_; }

  uint64_t offset() const { return r_.offset(); }
  // Corruption "<what> at offset <at>".
  static Status ErrorAt(uint64_t at, std::string_view what);
  // Corruption "<what> at offset <current offset>".
  Status Error(std::string_view what) const { return ErrorAt(offset(), what); }

  // The fewest bytes one value of `type` takes as a container element.
  static uint64_t MinWireSize(CType type);

 private:
  Result<CType> ElementType(uint8_t nibble, uint64_t at) const;
  Status SkipElement(CType type);

  ByteReader& r_;
  int max_depth_;
  int depth_ = 0;
  uint64_t budget_;
  uint64_t charged_ = 0;
  std::vector<int16_t> last_field_id_;
};

class ThriftWriter {
 public:
  // Borrows `out`, which must outlive this object.
  explicit ThriftWriter(ByteWriter& out) : w_(out) {}

  // Enters a struct (field ids restart from 0).
  void BeginStruct() { last_field_id_.push_back(0); }
  // Writes STOP and leaves the struct.
  void EndStruct();

  // A field header for a non-bool field. Ids must ascend within a struct for
  // the short form to be used (as Thrift does); any order is still valid.
  void WriteFieldHeader(CType type, int16_t id);
  // A bool field: header only, the value in the type nibble.
  void WriteBoolField(int16_t id, bool value);

  void WriteI8(int8_t v) { w_.PutU8(static_cast<uint8_t>(v)); }
  void WriteI16(int16_t v) { w_.PutZigZag(v); }
  void WriteI32(int32_t v) { w_.PutZigZag(v); }
  void WriteI64(int64_t v) { w_.PutZigZag(v); }
  void WriteDouble(double v);
  void WriteBinary(ByteSpan v);
  void WriteString(std::string_view v) { WriteBinary(AsSpan(v)); }
  // A bool list/set element: 1 for true, 2 for false.
  void WriteBoolElement(bool v) { w_.PutU8(v ? 1 : 2); }

  // Bool element type is written as kBoolTrue (1) whatever is passed.
  void WriteListHeader(CType element_type, uint32_t size);
  void WriteSetHeader(CType element_type, uint32_t size) { WriteListHeader(element_type, size); }
  void WriteMapHeader(CType key_type, CType value_type, uint32_t size);

  // Field conveniences: header then value.
  void WriteI8Field(int16_t id, int8_t v) {
    WriteFieldHeader(CType::kByte, id);
    WriteI8(v);
  }
  void WriteI16Field(int16_t id, int16_t v) {
    WriteFieldHeader(CType::kI16, id);
    WriteI16(v);
  }
  void WriteI32Field(int16_t id, int32_t v) {
    WriteFieldHeader(CType::kI32, id);
    WriteI32(v);
  }
  void WriteI64Field(int16_t id, int64_t v) {
    WriteFieldHeader(CType::kI64, id);
    WriteI64(v);
  }
  void WriteBinaryField(int16_t id, std::string_view v) {
    WriteFieldHeader(CType::kBinary, id);
    WriteString(v);
  }
  // Header of a struct-typed field, then BeginStruct.
  void BeginStructField(int16_t id) {
    WriteFieldHeader(CType::kStruct, id);
    BeginStruct();
  }
  // A field holding an empty struct.
  void WriteEmptyStructField(int16_t id) {
    BeginStructField(id);
    EndStruct();
  }

 private:
  ByteWriter& w_;
  std::vector<int16_t> last_field_id_;
};

}  // namespace budget_audit::parquet
