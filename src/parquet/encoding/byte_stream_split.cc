#include "parquet/encoding/byte_stream_split.h"

#include <fmt/format.h>

#include <cstring>

#include "parquet/encoding/plain.h"

namespace budget_audit::parquet {

namespace {

// Eight values at a time: one 8-byte load per stream, then a byte
// transpose through a stack block. Fixed widths let the compiler unroll.
template <size_t W>
void DecodeWidth(const uint8_t* s, size_t stride, size_t n, uint8_t* dst) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint8_t block[8][W];
    for (size_t k = 0; k < W; ++k) {
      const uint64_t v = LoadU64LE(s + k * stride + i);
      for (size_t j = 0; j < 8; ++j) block[j][k] = static_cast<uint8_t>(v >> (8 * j));
    }
    std::memcpy(dst + i * W, block, sizeof(block));
  }
  for (; i < n; ++i) {
    for (size_t k = 0; k < W; ++k) dst[i * W + k] = s[k * stride + i];
  }
}

template <size_t W>
void EncodeWidth(const uint8_t* v, size_t n, uint8_t* s) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint8_t block[8][W];
    std::memcpy(block, v + i * W, sizeof(block));
    for (size_t k = 0; k < W; ++k) {
      uint64_t word = 0;
      for (size_t j = 0; j < 8; ++j) word |= uint64_t{block[j][k]} << (8 * j);
      std::memcpy(s + k * n + i, &word, 8);
    }
  }
  for (; i < n; ++i) {
    for (size_t k = 0; k < W; ++k) s[k * n + i] = v[i * W + k];
  }
}

size_t SplitWidth(Type type, int32_t type_length) {
  switch (type) {
    case Type::FLOAT:
    case Type::DOUBLE:
    case Type::INT32:
    case Type::INT64:
    case Type::FIXED_LEN_BYTE_ARRAY: return FixedValueWidth(type, type_length);
    default: return 0;
  }
}

template <typename Vec>
uint8_t* Grow(Vec& v, size_t n) {
  const size_t old = v.size();
  v.resize(old + n);
  return reinterpret_cast<uint8_t*>(v.data() + old);
}

}  // namespace

void ByteStreamSplitDecode(const uint8_t* streams, size_t width, size_t stride, size_t n, uint8_t* dst) {
  switch (width) {
    case 4: return DecodeWidth<4>(streams, stride, n, dst);
    case 8: return DecodeWidth<8>(streams, stride, n, dst);
    default:
      for (size_t i = 0; i < n; ++i) {
        for (size_t k = 0; k < width; ++k) dst[i * width + k] = streams[k * stride + i];
      }
  }
}

void ByteStreamSplitEncode(const uint8_t* values, size_t width, size_t n, uint8_t* streams) {
  switch (width) {
    case 4: return EncodeWidth<4>(values, n, streams);
    case 8: return EncodeWidth<8>(values, n, streams);
    default:
      for (size_t i = 0; i < n; ++i) {
        for (size_t k = 0; k < width; ++k) streams[k * n + i] = values[i * width + k];
      }
  }
}

Status DecodeByteStreamSplit(ByteSpan data, Type type, int32_t type_length, size_t n, ColumnVector* out) {
  if (type == Type::FIXED_LEN_BYTE_ARRAY) BA_RETURN_IF_ERROR(CheckTypeLength(type, type_length));
  const size_t width = SplitWidth(type, type_length);
  if (width == 0) {
    return Status::Corruption(
        fmt::format("BYTE_STREAM_SPLIT is not valid for physical type {}", static_cast<int>(type)));
  }
  if (data.size() % width != 0) {
    return Status::Corruption(fmt::format(
        "BYTE_STREAM_SPLIT: {} bytes are not a whole number of {}-byte values", data.size(), width));
  }
  const size_t stride = data.size() / width;
  if (n > stride) {
    return Status::Corruption(fmt::format("BYTE_STREAM_SPLIT: {} values expected, {} present", n, stride));
  }
  uint8_t* dst = nullptr;
  switch (type) {
    case Type::FLOAT: dst = Grow(out->f32, n); break;
    case Type::DOUBLE: dst = Grow(out->f64, n); break;
    case Type::INT32: dst = Grow(out->i32, n); break;
    case Type::INT64: dst = Grow(out->i64, n); break;
    default: dst = Grow(out->fixed, n * width); break;
  }
  ByteStreamSplitDecode(data.data(), width, stride, n, dst);
  return Status::OK();
}

Status EncodeByteStreamSplit(const ColumnVector& values, size_t begin, size_t end, ByteWriter& out) {
  const size_t width = SplitWidth(values.type, values.type_length);
  if (width == 0) {
    return Status::InvalidArgument(
        fmt::format("BYTE_STREAM_SPLIT is not valid for type {}", static_cast<int>(values.type)));
  }
  const size_t count = StoredValueCount(values, values.type);
  if (begin > end || end > count) {
    return Status::InvalidArgument(
        fmt::format("BYTE_STREAM_SPLIT: value range [{}, {}) outside the {} values", begin, end, count));
  }
  const size_t n = end - begin;
  if (n == 0) return Status::OK();
  const uint8_t* src = nullptr;
  switch (values.type) {
    case Type::FLOAT: src = reinterpret_cast<const uint8_t*>(values.f32.data() + begin); break;
    case Type::DOUBLE: src = reinterpret_cast<const uint8_t*>(values.f64.data() + begin); break;
    case Type::INT32: src = reinterpret_cast<const uint8_t*>(values.i32.data() + begin); break;
    case Type::INT64: src = reinterpret_cast<const uint8_t*>(values.i64.data() + begin); break;
    default: src = values.fixed.data() + begin * width; break;
  }
  Bytes& b = out.mutable_bytes();
  const size_t at = b.size();
  b.resize(at + n * width);
  ByteStreamSplitEncode(src, width, n, b.data() + at);
  return Status::OK();
}

}  // namespace budget_audit::parquet
