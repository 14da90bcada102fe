// Bounds-checked reading and growable writing of little-endian bytes.
//
// ByteReader is the single way untrusted bytes are consumed: every read
// checks the remaining length first and returns Corruption naming the
// offset (relative to the start of the span) instead of reading past it.
// The reader borrows its span; the bytes must outlive the reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "budget_audit/status.h"

namespace budget_audit {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

// Lowercase hexadecimal digits, by value (ToHex, JSON \u escapes).
inline constexpr char kHexDigits[] = "0123456789abcdef";

inline ByteSpan AsSpan(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }
inline std::string_view AsStringView(ByteSpan s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

inline uint32_t LoadU32LE(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // x86-64 and aarch64 Linux are little-endian; checked in CMake.
}
inline uint64_t LoadU64LE(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

class ByteReader {
 public:
  explicit ByteReader(ByteSpan data, uint64_t base_offset = 0) : data_(data), base_(base_offset) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  // Position plus the base offset given at construction (e.g. file offset).
  uint64_t offset() const { return base_ + pos_; }
  bool empty() const { return pos_ == data_.size(); }
  ByteSpan rest() const { return data_.subspan(pos_); }

  Result<uint8_t> ReadU8();
  Result<uint32_t> ReadU32LE();
  Result<uint64_t> ReadU64LE();
  // Unsigned LEB128 varint of at most 10 bytes (64 bits).
  Result<uint64_t> ReadVarint();
  // Zigzag-decoded varint.
  Result<int64_t> ReadZigZag();
  // The next n bytes, borrowed from the underlying span.
  Result<ByteSpan> Take(size_t n);
  Status Skip(size_t n);

  // Corruption status "<what> at offset <offset()>".
  Status Error(std::string_view what) const;

 private:
  ByteSpan data_;
  size_t pos_ = 0;
  uint64_t base_ = 0;
};

class ByteWriter {
 public:
  void PutU8(uint8_t v) { buf_.push_back(v); }
  void PutU32LE(uint32_t v) { PutRaw(&v, 4); }
  void PutU64LE(uint64_t v) { PutRaw(&v, 8); }
  void PutVarint(uint64_t v) {
    while (v >= 0x80) {
      buf_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    buf_.push_back(static_cast<uint8_t>(v));
  }
  void PutZigZag(int64_t v) { PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void PutBytes(ByteSpan s) { buf_.insert(buf_.end(), s.begin(), s.end()); }
  void PutString(std::string_view s) { PutBytes(AsSpan(s)); }
  void PutRaw(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    buf_.insert(buf_.end(), b, b + n);
  }

  size_t size() const { return buf_.size(); }
  const Bytes& bytes() const { return buf_; }
  Bytes& mutable_bytes() { return buf_; }
  Bytes Release() { return std::move(buf_); }
  void Clear() { buf_.clear(); }

 private:
  Bytes buf_;
};

}  // namespace budget_audit
