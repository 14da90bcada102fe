#include "util/bytes.h"

#include <fmt/format.h>

namespace budget_audit {

Status ByteReader::Error(std::string_view what) const {
  return Status::Corruption(fmt::format("{} at offset {}", what, offset()));
}

Result<uint8_t> ByteReader::ReadU8() {
  if (remaining() < 1) return Error("unexpected end of data reading a byte");
  return data_[pos_++];
}

Result<uint32_t> ByteReader::ReadU32LE() {
  if (remaining() < 4) return Error("unexpected end of data reading 4 bytes");
  uint32_t v = LoadU32LE(data_.data() + pos_);
  pos_ += 4;
  return v;
}

Result<uint64_t> ByteReader::ReadU64LE() {
  if (remaining() < 8) return Error("unexpected end of data reading 8 bytes");
  uint64_t v = LoadU64LE(data_.data() + pos_);
  pos_ += 8;
  return v;
}

Result<uint64_t> ByteReader::ReadVarint() {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (pos_ >= data_.size()) return Error("unexpected end of data in a varint");
    uint8_t b = data_[pos_++];
    if (shift == 63 && (b & 0x7e) != 0) return Error("varint longer than 64 bits");
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return result;
  }
  return Error("varint longer than 10 bytes");
}

Result<int64_t> ByteReader::ReadZigZag() {
  BA_ASSIGN_OR_RETURN(uint64_t u, ReadVarint());
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

Result<ByteSpan> ByteReader::Take(size_t n) {
  if (n > remaining()) {
    return Error(fmt::format("length {} exceeds the {} bytes remaining", n, remaining()));
  }
  ByteSpan s = data_.subspan(pos_, n);
  pos_ += n;
  return s;
}

Status ByteReader::Skip(size_t n) {
  if (n > remaining()) {
    return Error(fmt::format("skip of {} exceeds the {} bytes remaining", n, remaining()));
  }
  pos_ += n;
  return Status::OK();
}

}  // namespace budget_audit
