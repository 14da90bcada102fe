#include "parquet/encoding/plain.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>

#include "parquet/encoding/bit_util.h"

namespace budget_audit::parquet {

namespace {

constexpr size_t kMaxByteArrayPayload = std::numeric_limits<uint32_t>::max();

template <typename T>
Status DecodeFixed(ByteSpan data, size_t n, util::PoolVector<T>& out, size_t* consumed) {
  if (n > data.size() / sizeof(T)) {
    return Status::Corruption(
        fmt::format("PLAIN: {} values of {} bytes need more than the {} bytes "
                    "present",
                    n, sizeof(T), data.size()));
  }
  const size_t old = out.size();
  out.resize(old + n);
  if (n > 0) std::memcpy(out.data() + old, data.data(), n * sizeof(T));
  if (consumed != nullptr) *consumed = n * sizeof(T);
  return Status::OK();
}

Status DecodeBooleans(ByteSpan data, size_t n, util::PoolVector<uint8_t>& out, size_t* consumed) {
  const size_t bytes = n / 8 + (n % 8 != 0);
  if (bytes > data.size()) {
    return Status::Corruption(
        fmt::format("PLAIN BOOLEAN: {} values need {} bytes, {} present", n, bytes, data.size()));
  }
  const size_t old = out.size();
  out.resize(old + n);
  uint8_t* dst = out.data() + old;
  const size_t groups = n / 8;
  bit_util::Unpack(data.data(), 1, groups, dst);
  if (n % 8 != 0) {
    uint8_t tail[8];
    bit_util::Unpack(data.data() + groups, 1, 1, tail);
    std::memcpy(dst + groups * 8, tail, n % 8);
  }
  if (consumed != nullptr) *consumed = bytes;
  return Status::OK();
}

Status DecodeByteArrays(ByteSpan data, size_t n, ColumnVector* out, size_t* consumed) {
  if (n > data.size() / 4) {
    return Status::Corruption(
        fmt::format("PLAIN BYTE_ARRAY: {} values need at least {} bytes, {} "
                    "present",
                    n, uint64_t{n} * 4, data.size()));
  }
  if (out->offsets.empty()) out->offsets.push_back(0);
  const size_t old_offsets = out->offsets.size();
  const size_t old_data = out->data.size();
  const uint8_t* p = data.data();
  const size_t size = data.size();
  // Every value has a 4-byte length, so the payload is at most this; size
  // the outputs once and write through pointers, then trim.
  out->data.resize(old_data + (size - 4 * n));
  out->offsets.resize(old_offsets + n);
  uint8_t* dst = out->data.data();
  uint32_t* off = out->offsets.data() + old_offsets;
  size_t end = old_data;
  size_t pos = 0;
  Status st;
  for (size_t i = 0; i < n; ++i) {
    if (size - pos < 4) {
      st =
          Status::Corruption(fmt::format("PLAIN BYTE_ARRAY: value {} length cut short at offset {}", i, pos));
      break;
    }
    const uint32_t len = LoadU32LE(p + pos);
    pos += 4;
    // The values after this one need their 4-byte lengths too; this keeps
    // the payload within the space sized above.
    const size_t room = size - pos - 4 * (n - i - 1);
    if (len > room) {
      st =
          Status::Corruption(fmt::format("PLAIN BYTE_ARRAY: value {} length {} exceeds the {} "
                                         "bytes left for it at offset {}",
                                         i, len, room, pos - 4));
      break;
    }
    if (end + len > kMaxByteArrayPayload) {
      st = Status::ResourceExhausted("PLAIN BYTE_ARRAY: column payload exceeds 4 GiB");
      break;
    }
    if (len > 0) std::memcpy(dst + end, p + pos, len);
    end += len;
    off[i] = static_cast<uint32_t>(end);
    pos += len;
  }
  if (!st.ok()) {
    out->offsets.resize(old_offsets);
    out->data.resize(old_data);
    return st;
  }
  out->data.resize(end);
  if (consumed != nullptr) *consumed = pos;
  return Status::OK();
}

Status DecodeFixedBytes(ByteSpan data, size_t width, size_t n, util::PoolVector<uint8_t>& out,
                        size_t* consumed) {
  if (n > data.size() / width) {
    return Status::Corruption(
        fmt::format("PLAIN: {} values of {} bytes need more than the {} bytes "
                    "present",
                    n, width, data.size()));
  }
  out.insert(out.end(), data.begin(), data.begin() + static_cast<ptrdiff_t>(n * width));
  if (consumed != nullptr) *consumed = n * width;
  return Status::OK();
}

template <typename T>
void PutFixed(const util::PoolVector<T>& v, size_t begin, size_t end, ByteWriter& out) {
  if (end > begin) out.PutRaw(v.data() + begin, (end - begin) * sizeof(T));
}

}  // namespace

size_t FixedValueWidth(Type type, int32_t type_length) {
  switch (type) {
    case Type::INT32:
    case Type::FLOAT: return 4;
    case Type::INT64:
    case Type::DOUBLE: return 8;
    case Type::INT96: return 12;
    case Type::FIXED_LEN_BYTE_ARRAY: return type_length > 0 ? static_cast<size_t>(type_length) : 0;
    case Type::BOOLEAN:
    case Type::BYTE_ARRAY: return 0;
  }
  return 0;
}

size_t StoredValueCount(const ColumnVector& v, Type type) {
  switch (type) {
    case Type::BOOLEAN: return v.bools.size();
    case Type::INT32: return v.i32.size();
    case Type::INT64: return v.i64.size();
    case Type::FLOAT: return v.f32.size();
    case Type::DOUBLE: return v.f64.size();
    case Type::BYTE_ARRAY: return v.offsets.empty() ? 0 : v.offsets.size() - 1;
    case Type::INT96:
    case Type::FIXED_LEN_BYTE_ARRAY: {
      const size_t w = FixedValueWidth(type, v.type_length);
      return w == 0 ? 0 : v.fixed.size() / w;
    }
  }
  return 0;
}

Status CheckTypeLength(Type type, int32_t type_length) {
  if (type == Type::FIXED_LEN_BYTE_ARRAY && type_length <= 0) {
    return Status::Corruption(
        fmt::format("FIXED_LEN_BYTE_ARRAY with type_length {} (must be > 0)", type_length));
  }
  return Status::OK();
}

Status DecodePlain(ByteSpan data, Type type, int32_t type_length, size_t n, ColumnVector* out,
                   size_t* consumed) {
  switch (type) {
    case Type::BOOLEAN: return DecodeBooleans(data, n, out->bools, consumed);
    case Type::INT32: return DecodeFixed(data, n, out->i32, consumed);
    case Type::INT64: return DecodeFixed(data, n, out->i64, consumed);
    case Type::FLOAT: return DecodeFixed(data, n, out->f32, consumed);
    case Type::DOUBLE: return DecodeFixed(data, n, out->f64, consumed);
    case Type::BYTE_ARRAY: return DecodeByteArrays(data, n, out, consumed);
    case Type::INT96: return DecodeFixedBytes(data, 12, n, out->fixed, consumed);
    case Type::FIXED_LEN_BYTE_ARRAY:
      BA_RETURN_IF_ERROR(CheckTypeLength(type, type_length));
      return DecodeFixedBytes(data, static_cast<size_t>(type_length), n, out->fixed, consumed);
  }
  return Status::Corruption(fmt::format("PLAIN: unknown physical type {}", static_cast<int>(type)));
}

Status EncodePlain(const ColumnVector& values, size_t begin, size_t end, ByteWriter& out) {
  const Type type = values.type;
  if (type == Type::FIXED_LEN_BYTE_ARRAY && values.type_length <= 0) {
    return Status::InvalidArgument(
        fmt::format("FIXED_LEN_BYTE_ARRAY with type_length {}", values.type_length));
  }
  const size_t count = StoredValueCount(values, type);
  if (begin > end || end > count) {
    return Status::InvalidArgument(
        fmt::format("PLAIN: value range [{}, {}) outside the {} values", begin, end, count));
  }
  if (begin == end) return Status::OK();
  switch (type) {
    case Type::BOOLEAN: {
      const size_t n = end - begin;
      const size_t groups = n / 8;
      Bytes& b = out.mutable_bytes();
      const size_t at = b.size();
      b.resize(at + groups + (n % 8 != 0), 0);
      const uint8_t* src = values.bools.data() + begin;
      for (size_t g = 0; g < groups; ++g) {
        uint8_t byte = 0;
        for (int k = 0; k < 8; ++k) byte |= static_cast<uint8_t>((src[g * 8 + k] & 1) << k);
        b[at + g] = byte;
      }
      for (size_t k = groups * 8; k < n; ++k) {
        b[at + groups] |= static_cast<uint8_t>((src[k] & 1) << (k % 8));
      }
      return Status::OK();
    }
    case Type::INT32: PutFixed(values.i32, begin, end, out); return Status::OK();
    case Type::INT64: PutFixed(values.i64, begin, end, out); return Status::OK();
    case Type::FLOAT: PutFixed(values.f32, begin, end, out); return Status::OK();
    case Type::DOUBLE: PutFixed(values.f64, begin, end, out); return Status::OK();
    case Type::BYTE_ARRAY: {
      const uint32_t* off = values.offsets.data();
      Bytes& b = out.mutable_bytes();
      const size_t at = b.size();
      b.resize(at + (end - begin) * 4 + (off[end] - off[begin]));
      uint8_t* dst = b.data() + at;
      for (size_t i = begin; i < end; ++i) {
        const uint32_t len = off[i + 1] - off[i];
        std::memcpy(dst, &len, 4);
        if (len > 0) std::memcpy(dst + 4, values.data.data() + off[i], len);
        dst += 4 + len;
      }
      return Status::OK();
    }
    case Type::INT96:
    case Type::FIXED_LEN_BYTE_ARRAY: {
      const size_t w = FixedValueWidth(type, values.type_length);
      if (end > begin) out.PutRaw(values.fixed.data() + begin * w, (end - begin) * w);
      return Status::OK();
    }
  }
  return Status::InvalidArgument("PLAIN: unknown physical type");
}

size_t PlainEncodedSize(const ColumnVector& values, size_t begin, size_t end) {
  const size_t n = end - begin;
  switch (values.type) {
    case Type::BOOLEAN: return n / 8 + (n % 8 != 0);
    case Type::BYTE_ARRAY: return n == 0 ? 0 : n * 4 + (values.offsets[end] - values.offsets[begin]);
    default: return n * FixedValueWidth(values.type, values.type_length);
  }
}

}  // namespace budget_audit::parquet
