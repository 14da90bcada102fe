#include "parquet/thrift_compact.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <limits>

namespace budget_audit::parquet {

std::string_view CTypeName(CType t) {
  switch (t) {
    case CType::kStop: return "stop";
    case CType::kBoolTrue:
    case CType::kBoolFalse: return "bool";
    case CType::kByte: return "i8";
    case CType::kI16: return "i16";
    case CType::kI32: return "i32";
    case CType::kI64: return "i64";
    case CType::kDouble: return "double";
    case CType::kBinary: return "binary";
    case CType::kList: return "list";
    case CType::kSet: return "set";
    case CType::kMap: return "map";
    case CType::kStruct: return "struct";
    case CType::kUuid: return "uuid";
  }
  return "invalid";
}

namespace {

// Thrift sizes are i32: a varint above INT32_MAX is a negative size, or (past
// 32 bits) not an i32 at all.
std::string NegativeSize(std::string_view what, uint64_t v) {
  if (v <= std::numeric_limits<uint32_t>::max()) {
    return fmt::format("negative {} {}", what, static_cast<int32_t>(static_cast<uint32_t>(v)));
  }
  return fmt::format("{} {} exceeds the i32 range", what, v);
}

}  // namespace

Status ThriftReader::ErrorAt(uint64_t at, std::string_view what) {
  return Status::Corruption(fmt::format("{} at offset {}", what, at));
}

uint64_t ThriftReader::MinWireSize(CType type) {
  switch (type) {
    case CType::kDouble: return 8;
    case CType::kUuid: return 16;
    default: return 1;  // a byte, a one-byte varint, an empty binary/container, a STOP
  }
}

Status ThriftReader::BeginStruct() {
  BA_RETURN_IF_ERROR(EnterContainer());
  last_field_id_.push_back(0);
  return Status::OK();
}

void ThriftReader::EndStruct() {
  if (last_field_id_.empty()) return;  // unbalanced call: a caller bug, keep state sane
  last_field_id_.pop_back();
  --depth_;
}

Status ThriftReader::EnterContainer() {
  if (depth_ >= max_depth_) {
    return Error(fmt::format("Thrift nesting deeper than {} levels", max_depth_));
  }
  ++depth_;
  return Status::OK();
}

Status ThriftReader::Charge(uint64_t bytes) {
  if (bytes > budget_ - charged_) {
    return Status::ResourceExhausted(fmt::format(
        "decoding the Thrift data at offset {} would take more than {} bytes of memory", offset(), budget_));
  }
  charged_ += bytes;
  return Status::OK();
}

Result<FieldHeader> ThriftReader::ReadFieldHeader() {
  FieldHeader h;
  h.offset = offset();
  BA_ASSIGN_OR_RETURN(uint8_t b, r_.ReadU8());
  const uint8_t type = b & 0x0f;
  // Like the Apache Thrift runtime, only the type nibble decides STOP.
  if (type == 0) return h;
  if (type > static_cast<uint8_t>(CType::kUuid)) {
    return ErrorAt(h.offset, fmt::format("invalid Thrift field type {}", type));
  }
  h.type = static_cast<CType>(type);
  int16_t& last = last_field_id_.empty() ? h.id : last_field_id_.back();
  const uint8_t delta = b >> 4;
  if (delta != 0) {
    const int32_t id = static_cast<int32_t>(last) + delta;
    if (id > std::numeric_limits<int16_t>::max()) {
      return ErrorAt(h.offset, fmt::format("Thrift field id {} out of the i16 range", id));
    }
    h.id = static_cast<int16_t>(id);
  } else {
    BA_ASSIGN_OR_RETURN(int64_t id, r_.ReadZigZag());
    if (id < std::numeric_limits<int16_t>::min() || id > std::numeric_limits<int16_t>::max()) {
      return ErrorAt(h.offset, fmt::format("Thrift field id {} out of the i16 range", id));
    }
    h.id = static_cast<int16_t>(id);
  }
  last = h.id;
  return h;
}

Result<int8_t> ThriftReader::ReadI8() {
  BA_ASSIGN_OR_RETURN(uint8_t b, r_.ReadU8());
  return static_cast<int8_t>(b);
}

Result<int16_t> ThriftReader::ReadI16() {
  const uint64_t at = offset();
  BA_ASSIGN_OR_RETURN(int64_t v, r_.ReadZigZag());
  if (v < std::numeric_limits<int16_t>::min() || v > std::numeric_limits<int16_t>::max()) {
    return ErrorAt(at, fmt::format("i16 value {} out of range", v));
  }
  return static_cast<int16_t>(v);
}

Result<int32_t> ThriftReader::ReadI32() {
  const uint64_t at = offset();
  BA_ASSIGN_OR_RETURN(int64_t v, r_.ReadZigZag());
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return ErrorAt(at, fmt::format("i32 value {} out of range", v));
  }
  return static_cast<int32_t>(v);
}

Result<int64_t> ThriftReader::ReadI64() { return r_.ReadZigZag(); }

Result<double> ThriftReader::ReadDouble() {
  BA_ASSIGN_OR_RETURN(uint64_t bits, r_.ReadU64LE());
  return std::bit_cast<double>(bits);
}

Result<ByteSpan> ThriftReader::ReadBinary() {
  const uint64_t at = offset();
  BA_ASSIGN_OR_RETURN(uint64_t n, r_.ReadVarint());
  // The Thrift runtime reads lengths as i32: anything above is negative.
  if (n > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return ErrorAt(at, NegativeSize("binary length", n));
  }
  if (n > r_.remaining()) {
    return ErrorAt(at, fmt::format("binary length {} exceeds the {} bytes remaining", n, r_.remaining()));
  }
  return r_.Take(static_cast<size_t>(n));
}

Result<std::string> ThriftReader::ReadString() {
  BA_ASSIGN_OR_RETURN(ByteSpan s, ReadBinary());
  return std::string(AsStringView(s));
}

Result<bool> ThriftReader::ReadBoolElement() {
  BA_ASSIGN_OR_RETURN(uint8_t b, r_.ReadU8());
  return b == 1;
}

Result<CType> ThriftReader::ElementType(uint8_t nibble, uint64_t at) const {
  if (nibble == 0 || nibble > static_cast<uint8_t>(CType::kUuid)) {
    return ErrorAt(at, fmt::format("invalid Thrift container element type {}", nibble));
  }
  // Element type 2 is an older spelling of bool; report both as one type.
  if (nibble == static_cast<uint8_t>(CType::kBoolFalse)) return CType::kBoolTrue;
  return static_cast<CType>(nibble);
}

Result<ListHeader> ThriftReader::ReadListHeader() {
  const uint64_t at = offset();
  BA_ASSIGN_OR_RETURN(uint8_t b, r_.ReadU8());
  ListHeader h;
  uint64_t size = b >> 4;
  if (size == 15) {
    BA_ASSIGN_OR_RETURN(size, r_.ReadVarint());
    if (size > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      return ErrorAt(at, NegativeSize("list size", size));
    }
  }
  // Some writers emit an empty list as a bare 0x00 (element type STOP); the
  // Apache Thrift runtime accepts that, so we do too.
  if (size == 0 && (b & 0x0f) == 0) return h;
  BA_ASSIGN_OR_RETURN(h.element_type, ElementType(b & 0x0f, at));
  // size < 2^31 and MinWireSize <= 16: the product cannot overflow.
  const uint64_t need = size * MinWireSize(h.element_type);
  if (need > r_.remaining()) {
    return ErrorAt(at, fmt::format("list of {} {} elements needs at least {} bytes but only {} remain", size,
                                   CTypeName(h.element_type), need, r_.remaining()));
  }
  h.size = static_cast<uint32_t>(size);
  return h;
}

Result<MapHeader> ThriftReader::ReadMapHeader() {
  const uint64_t at = offset();
  BA_ASSIGN_OR_RETURN(uint64_t size, r_.ReadVarint());
  if (size > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return ErrorAt(at, NegativeSize("map size", size));
  }
  MapHeader h;
  if (size == 0) return h;
  const uint64_t types_at = offset();
  BA_ASSIGN_OR_RETURN(uint8_t b, r_.ReadU8());
  BA_ASSIGN_OR_RETURN(h.key_type, ElementType(b >> 4, types_at));
  BA_ASSIGN_OR_RETURN(h.value_type, ElementType(b & 0x0f, types_at));
  const uint64_t need = size * (MinWireSize(h.key_type) + MinWireSize(h.value_type));
  if (need > r_.remaining()) {
    return ErrorAt(at, fmt::format("map of {} entries needs at least {} bytes but only {} remain", size, need,
                                   r_.remaining()));
  }
  h.size = static_cast<uint32_t>(size);
  return h;
}

Status ThriftReader::SkipElement(CType type) {
  if (IsBoolType(type)) return r_.Skip(1);
  return Skip(type);
}

Status ThriftReader::Skip(CType type) {
  switch (type) {
    case CType::kStop: return Error("cannot skip a value of type stop");
    case CType::kBoolTrue:
    case CType::kBoolFalse: return Status::OK();  // a bool field carries its value in the header
    case CType::kByte: return r_.Skip(1);
    case CType::kI16: return ReadI16().status();
    case CType::kI32: return ReadI32().status();
    case CType::kI64: return ReadI64().status();
    case CType::kDouble: return r_.Skip(8);
    case CType::kUuid: return r_.Skip(16);
    case CType::kBinary: return ReadBinary().status();
    case CType::kList:
    case CType::kSet: {
      BA_ASSIGN_OR_RETURN(ListHeader h, ReadListHeader());
      BA_RETURN_IF_ERROR(EnterContainer());
      for (uint32_t i = 0; i < h.size; ++i) BA_RETURN_IF_ERROR(SkipElement(h.element_type));
      LeaveContainer();
      return Status::OK();
    }
    case CType::kMap: {
      BA_ASSIGN_OR_RETURN(MapHeader h, ReadMapHeader());
      BA_RETURN_IF_ERROR(EnterContainer());
      for (uint32_t i = 0; i < h.size; ++i) {
        BA_RETURN_IF_ERROR(SkipElement(h.key_type));
        BA_RETURN_IF_ERROR(SkipElement(h.value_type));
      }
      LeaveContainer();
      return Status::OK();
    }
    case CType::kStruct: {
      BA_RETURN_IF_ERROR(BeginStruct());
      while (true) {
        BA_ASSIGN_OR_RETURN(FieldHeader f, ReadFieldHeader());
        if (f.is_stop()) break;
        BA_RETURN_IF_ERROR(Skip(f.type));
      }
      EndStruct();
      return Status::OK();
    }
  }
  return Error(fmt::format("cannot skip a value of unknown type {}", static_cast<int>(type)));
}

void ThriftWriter::EndStruct() {
  w_.PutU8(0);
  if (!last_field_id_.empty()) last_field_id_.pop_back();
}

void ThriftWriter::WriteFieldHeader(CType type, int16_t id) {
  const int16_t last = last_field_id_.empty() ? 0 : last_field_id_.back();
  const uint8_t t = static_cast<uint8_t>(type);
  if (id > last && id - last <= 15) {
    w_.PutU8(static_cast<uint8_t>(((id - last) << 4) | t));
  } else {
    w_.PutU8(t);
    w_.PutZigZag(id);
  }
  if (!last_field_id_.empty()) last_field_id_.back() = id;
}

void ThriftWriter::WriteBoolField(int16_t id, bool value) {
  WriteFieldHeader(value ? CType::kBoolTrue : CType::kBoolFalse, id);
}

void ThriftWriter::WriteDouble(double v) { w_.PutU64LE(std::bit_cast<uint64_t>(v)); }

void ThriftWriter::WriteBinary(ByteSpan v) {
  w_.PutVarint(v.size());
  w_.PutBytes(v);
}

void ThriftWriter::WriteListHeader(CType element_type, uint32_t size) {
  uint8_t t = static_cast<uint8_t>(IsBoolType(element_type) ? CType::kBoolTrue : element_type);
  if (size <= 14) {
    w_.PutU8(static_cast<uint8_t>((size << 4) | t));
  } else {
    w_.PutU8(static_cast<uint8_t>(0xf0 | t));
    w_.PutVarint(size);
  }
}

void ThriftWriter::WriteMapHeader(CType key_type, CType value_type, uint32_t size) {
  if (size == 0) {
    w_.PutU8(0);
    return;
  }
  w_.PutVarint(size);
  auto code = [](CType c) { return static_cast<uint8_t>(IsBoolType(c) ? CType::kBoolTrue : c); };
  w_.PutU8(static_cast<uint8_t>((code(key_type) << 4) | code(value_type)));
}

}  // namespace budget_audit::parquet
