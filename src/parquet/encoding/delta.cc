#include "parquet/encoding/delta.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "parquet/encoding/bit_util.h"
#include "parquet/encoding/plain.h"

namespace budget_audit::parquet {

using bit_util::BitWidth;
using bit_util::BytesForBits;
using bit_util::ZigZagDecode;

namespace {

// No writer uses blocks anywhere near this; the cap keeps miniblock byte
// counts (values * 64 bits) far from overflow.
constexpr uint64_t kMaxBlockSize = uint64_t{1} << 31;
constexpr size_t kMaxByteArrayPayload = std::numeric_limits<uint32_t>::max();

constexpr size_t kEncodeBlock = 128;
constexpr size_t kEncodeMiniblocks = 4;
constexpr size_t kEncodeMiniblockValues = kEncodeBlock / kEncodeMiniblocks;

Status DeltaError(const ByteReader& r, std::string_view what) {
  return Status::Corruption(fmt::format("DELTA_BINARY_PACKED: {} at offset {}", what, r.offset()));
}

template <typename T>
Status DecodeDbp(ByteSpan data, size_t n, T* out, size_t* consumed) {
  if (n == 0 && data.empty()) {
    if (consumed != nullptr) *consumed = 0;
    return Status::OK();
  }
  ByteReader r(data);
  auto header = [&](std::string_view field) -> Result<uint64_t> {
    auto v = r.ReadVarint();
    if (!v.ok()) return v.status().WithContext(fmt::format("DELTA_BINARY_PACKED {}", field));
    return v;
  };
  BA_ASSIGN_OR_RETURN(const uint64_t block_size, header("block size"));
  BA_ASSIGN_OR_RETURN(const uint64_t miniblocks, header("miniblock count"));
  BA_ASSIGN_OR_RETURN(const uint64_t total, header("value count"));
  BA_ASSIGN_OR_RETURN(const uint64_t first_zz, header("first value"));
  if (block_size == 0 || block_size % 128 != 0 || block_size > kMaxBlockSize) {
    return DeltaError(r, fmt::format("block size {} is not a positive multiple of 128", block_size));
  }
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return DeltaError(r, fmt::format("{} miniblocks do not split a block of {} into multiples of 32",
                                     miniblocks, block_size));
  }
  const uint64_t per_mini = block_size / miniblocks;
  if (total < n) {
    return DeltaError(r, fmt::format("stream holds {} values, {} expected", total, n));
  }

  uint64_t last = static_cast<uint64_t>(ZigZagDecode(first_zz));
  size_t produced = 0;
  if (n > 0) out[produced++] = static_cast<T>(last);
  uint64_t left = total == 0 ? 0 : total - 1;
  uint64_t deltas[32];
  while (left > 0) {
    auto min_zz = r.ReadVarint();
    if (!min_zz.ok()) return min_zz.status().WithContext("DELTA_BINARY_PACKED min delta");
    const auto min_delta = static_cast<uint64_t>(ZigZagDecode(*min_zz));
    if (r.remaining() < miniblocks) {
      return DeltaError(
          r, fmt::format("{} miniblock bit widths but {} bytes remain", miniblocks, r.remaining()));
    }
    const uint8_t* widths = r.rest().data();
    BA_RETURN_IF_ERROR(r.Skip(static_cast<size_t>(miniblocks)));
    for (uint64_t m = 0; m < miniblocks && left > 0; ++m) {
      const int bw = widths[m];
      if (bw > 64) return DeltaError(r, fmt::format("miniblock bit width {} exceeds 64", bw));
      const uint64_t in_mini = std::min(per_mini, left);
      const auto full = static_cast<size_t>(per_mini * static_cast<uint64_t>(bw) / 8);
      ByteSpan mb;
      if (r.remaining() >= full) {
        mb = r.rest().first(full);
      } else if (in_mini == left && r.remaining() >= BytesForBits(in_mini * static_cast<uint64_t>(bw))) {
        // The stream's last miniblock without its padding: every value is
        // there, so accept it.
        mb = r.rest();
      } else {
        return DeltaError(r, fmt::format("miniblock of {} values at {} bits needs {} bytes, {} "
                                         "remain",
                                         per_mini, bw, full, r.remaining()));
      }
      BA_RETURN_IF_ERROR(r.Skip(mb.size()));
      const auto emit = static_cast<size_t>(std::min<uint64_t>(in_mini, n - produced));
      const auto ubw = static_cast<size_t>(bw);
      for (size_t c = 0; c < emit; c += 32) {
        const size_t cnt = std::min<size_t>(32, emit - c);
        if (bw == 0) {
          std::fill_n(deltas, 32, uint64_t{0});
        } else {
          const size_t off = c / 8 * ubw;
          if (off + 4 * ubw <= mb.size()) {
            bit_util::Unpack(mb.data() + off, bw, 4, deltas);
          } else {
            uint8_t tmp[4 * 64] = {};
            std::memcpy(tmp, mb.data() + off, mb.size() - off);
            bit_util::Unpack(tmp, bw, 4, deltas);
          }
        }
        for (size_t i = 0; i < cnt; ++i) {
          last += min_delta + deltas[i];
          out[produced++] = static_cast<T>(last);
        }
      }
      left -= in_mini;
    }
  }
  if (consumed != nullptr) *consumed = r.position();
  return Status::OK();
}

template <typename T>
void EncodeDbp(const T* v, size_t n, ByteWriter& out) {
  using UT = std::make_unsigned_t<T>;
  out.PutVarint(kEncodeBlock);
  out.PutVarint(kEncodeMiniblocks);
  out.PutVarint(n);
  out.PutZigZag(n > 0 ? v[0] : 0);
  UT deltas[kEncodeBlock];
  uint64_t adjusted[kEncodeBlock];
  for (size_t start = 1; start < n; start += kEncodeBlock) {
    const size_t cnt = std::min(kEncodeBlock, n - start);
    T min_delta = std::numeric_limits<T>::max();
    for (size_t i = 0; i < cnt; ++i) {
      deltas[i] = static_cast<UT>(static_cast<UT>(v[start + i]) - static_cast<UT>(v[start + i - 1]));
      min_delta = std::min(min_delta, static_cast<T>(deltas[i]));
    }
    out.PutZigZag(min_delta);
    for (size_t i = 0; i < kEncodeBlock; ++i) {
      adjusted[i] = i < cnt ? static_cast<UT>(deltas[i] - static_cast<UT>(min_delta)) : 0;
    }
    const size_t used = (cnt + kEncodeMiniblockValues - 1) / kEncodeMiniblockValues;
    int widths[kEncodeMiniblocks] = {};
    for (size_t m = 0; m < used; ++m) {
      uint64_t acc = 0;
      for (size_t i = 0; i < kEncodeMiniblockValues; ++i) {
        acc |= adjusted[m * kEncodeMiniblockValues + i];
      }
      widths[m] = BitWidth(acc);
    }
    for (int w : widths) out.PutU8(static_cast<uint8_t>(w));
    Bytes& b = out.mutable_bytes();
    for (size_t m = 0; m < used; ++m) {
      const size_t at = b.size();
      b.resize(at + kEncodeMiniblockValues / 8 * static_cast<size_t>(widths[m]));
      bit_util::Pack64(adjusted + m * kEncodeMiniblockValues, widths[m], kEncodeMiniblockValues / 8,
                       b.data() + at);
    }
  }
}

// The lengths stream and the payload of a DELTA_LENGTH_BYTE_ARRAY section.
Status SplitLengths(ByteSpan data, size_t n, std::vector<int32_t>& lengths, ByteSpan* payload,
                    size_t* consumed, std::string_view what) {
  lengths.resize(n);
  size_t used = 0;
  BA_RETURN_IF_ERROR(DecodeDbp(data, n, lengths.data(), &used).WithContext(what));
  uint64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    if (lengths[i] < 0) {
      return Status::Corruption(fmt::format("{}: value {} has negative length {}", what, i, lengths[i]));
    }
    total += static_cast<uint64_t>(lengths[i]);
  }
  if (total > data.size() - used) {
    return Status::Corruption(fmt::format("{}: lengths total {} bytes but {} remain at offset {}", what,
                                          total, data.size() - used, used));
  }
  *payload = data.subspan(used, static_cast<size_t>(total));
  *consumed = used + static_cast<size_t>(total);
  return Status::OK();
}

Status CheckRange(const ColumnVector& values, size_t begin, size_t end, const char* what) {
  const size_t count = StoredValueCount(values, values.type);
  if (begin > end || end > count) {
    return Status::InvalidArgument(
        fmt::format("{}: value range [{}, {}) outside the {} values", what, begin, end, count));
  }
  return Status::OK();
}

}  // namespace

Status DecodeDeltaBinaryPacked(ByteSpan data, size_t n, int32_t* out, size_t* consumed) {
  return DecodeDbp(data, n, out, consumed);
}
Status DecodeDeltaBinaryPacked(ByteSpan data, size_t n, int64_t* out, size_t* consumed) {
  return DecodeDbp(data, n, out, consumed);
}

Status DecodeDeltaBinaryPacked(ByteSpan data, Type type, size_t n, ColumnVector* out, size_t* consumed) {
  auto run = [&](auto& vec) {
    const size_t old = vec.size();
    vec.resize(old + n);
    Status st = DecodeDbp(data, n, vec.data() + old, consumed);
    if (!st.ok()) vec.resize(old);
    return st;
  };
  if (type == Type::INT32) return run(out->i32);
  if (type == Type::INT64) return run(out->i64);
  return Status::Corruption(
      fmt::format("DELTA_BINARY_PACKED is not valid for physical type {}", static_cast<int>(type)));
}

void EncodeDeltaBinaryPacked(const int32_t* values, size_t n, ByteWriter& out) { EncodeDbp(values, n, out); }
void EncodeDeltaBinaryPacked(const int64_t* values, size_t n, ByteWriter& out) { EncodeDbp(values, n, out); }

Status EncodeDeltaBinaryPacked(const ColumnVector& values, size_t begin, size_t end, ByteWriter& out) {
  if (values.type != Type::INT32 && values.type != Type::INT64) {
    return Status::InvalidArgument("DELTA_BINARY_PACKED needs INT32 or INT64 values");
  }
  BA_RETURN_IF_ERROR(CheckRange(values, begin, end, "DELTA_BINARY_PACKED"));
  if (values.type == Type::INT32) {
    EncodeDbp(values.i32.data() + begin, end - begin, out);
  } else {
    EncodeDbp(values.i64.data() + begin, end - begin, out);
  }
  return Status::OK();
}

Status DecodeDeltaLengthByteArray(ByteSpan data, size_t n, ColumnVector* out, size_t* consumed) {
  std::vector<int32_t> lengths;
  ByteSpan payload;
  size_t used = 0;
  BA_RETURN_IF_ERROR(SplitLengths(data, n, lengths, &payload, &used, "DELTA_LENGTH_BYTE_ARRAY"));
  if (out->data.size() + payload.size() > kMaxByteArrayPayload) {
    return Status::ResourceExhausted("DELTA_LENGTH_BYTE_ARRAY: column payload exceeds 4 GiB");
  }
  if (out->offsets.empty()) out->offsets.push_back(0);
  const size_t old = out->offsets.size();
  out->offsets.resize(old + n);
  auto pos = static_cast<uint32_t>(out->data.size());
  for (size_t i = 0; i < n; ++i) {
    pos += static_cast<uint32_t>(lengths[i]);
    out->offsets[old + i] = pos;
  }
  out->data.insert(out->data.end(), payload.begin(), payload.end());
  if (consumed != nullptr) *consumed = used;
  return Status::OK();
}

Status DecodeDeltaByteArray(ByteSpan data, Type type, int32_t type_length, size_t n, ColumnVector* out,
                            size_t* consumed, size_t max_output_bytes) {
  const bool fixed = type == Type::FIXED_LEN_BYTE_ARRAY;
  if (!fixed && type != Type::BYTE_ARRAY) {
    return Status::Corruption(
        fmt::format("DELTA_BYTE_ARRAY is not valid for physical type {}", static_cast<int>(type)));
  }
  if (fixed) BA_RETURN_IF_ERROR(CheckTypeLength(type, type_length));
  std::vector<int32_t> prefixes(n);
  size_t prefix_bytes = 0;
  BA_RETURN_IF_ERROR(
      DecodeDbp(data, n, prefixes.data(), &prefix_bytes).WithContext("DELTA_BYTE_ARRAY prefix lengths"));
  std::vector<int32_t> suffixes;
  ByteSpan payload;
  size_t suffix_bytes = 0;
  BA_RETURN_IF_ERROR(SplitLengths(data.subspan(prefix_bytes), n, suffixes, &payload, &suffix_bytes,
                                  "DELTA_BYTE_ARRAY suffixes"));

  // Pass 1: validate every length and size the output, before writing.
  const size_t old_data = (fixed ? out->fixed : out->data).size();
  const size_t limit =
      fixed ? max_output_bytes
            : std::min(max_output_bytes, kMaxByteArrayPayload - std::min(kMaxByteArrayPayload, old_data));
  size_t prev_len = 0;
  size_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    const int32_t p = prefixes[i];
    if (p < 0 || static_cast<size_t>(p) > prev_len) {
      return Status::Corruption(
          fmt::format("DELTA_BYTE_ARRAY: value {} has prefix length {} but the previous value has {} bytes",
                      i, p, prev_len));
    }
    const size_t len = static_cast<size_t>(p) + static_cast<size_t>(suffixes[i]);
    if (fixed && len != static_cast<size_t>(type_length)) {
      return Status::Corruption(
          fmt::format("DELTA_BYTE_ARRAY: value {} has {} bytes in a FIXED_LEN_BYTE_ARRAY({}) column", i, len,
                      type_length));
    }
    if (len > limit - total) {
      return Status::ResourceExhausted(
          fmt::format("DELTA_BYTE_ARRAY: values exceed the {}-byte output limit", limit));
    }
    total += len;
    prev_len = len;
  }

  // Pass 2: copy. Each value starts with the previous one's prefix, which
  // ends where this value starts, so the copies never overlap.
  auto& dst = fixed ? out->fixed : out->data;
  dst.resize(old_data + total);
  uint8_t* d = dst.data();
  uint32_t* off = nullptr;
  if (!fixed) {
    if (out->offsets.empty()) out->offsets.push_back(0);
    const size_t old_offsets = out->offsets.size();
    out->offsets.resize(old_offsets + n);
    off = out->offsets.data() + old_offsets;
  }
  size_t pos = old_data;
  size_t prev_start = pos;
  size_t suffix_pos = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto p = static_cast<size_t>(prefixes[i]);
    const auto s = static_cast<size_t>(suffixes[i]);
    if (p > 0) std::memcpy(d + pos, d + prev_start, p);
    if (s > 0) std::memcpy(d + pos + p, payload.data() + suffix_pos, s);
    suffix_pos += s;
    prev_start = pos;
    pos += p + s;
    if (!fixed) off[i] = static_cast<uint32_t>(pos);
  }
  if (consumed != nullptr) *consumed = prefix_bytes + suffix_bytes;
  return Status::OK();
}

Status EncodeDeltaLengthByteArray(const ColumnVector& values, size_t begin, size_t end, ByteWriter& out) {
  if (values.type != Type::BYTE_ARRAY) {
    return Status::InvalidArgument("DELTA_LENGTH_BYTE_ARRAY needs BYTE_ARRAY values");
  }
  BA_RETURN_IF_ERROR(CheckRange(values, begin, end, "DELTA_LENGTH_BYTE_ARRAY"));
  std::vector<int32_t> lengths(end - begin);
  for (size_t i = begin; i < end; ++i) {
    lengths[i - begin] = static_cast<int32_t>(values.offsets[i + 1] - values.offsets[i]);
  }
  EncodeDbp(lengths.data(), lengths.size(), out);
  if (end > begin) {
    out.PutRaw(values.data.data() + values.offsets[begin], values.offsets[end] - values.offsets[begin]);
  }
  return Status::OK();
}

Status EncodeDeltaByteArray(const ColumnVector& values, size_t begin, size_t end, ByteWriter& out) {
  const bool fixed = values.type == Type::FIXED_LEN_BYTE_ARRAY;
  if (!fixed && values.type != Type::BYTE_ARRAY) {
    return Status::InvalidArgument("DELTA_BYTE_ARRAY needs BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY");
  }
  if (fixed && values.type_length <= 0) {
    return Status::InvalidArgument("DELTA_BYTE_ARRAY: FIXED_LEN_BYTE_ARRAY without a width");
  }
  BA_RETURN_IF_ERROR(CheckRange(values, begin, end, "DELTA_BYTE_ARRAY"));
  const size_t n = end - begin;
  const auto w = static_cast<size_t>(values.type_length);
  auto value = [&](size_t i) -> ByteSpan {
    if (fixed) return {values.fixed.data() + i * w, w};
    return {values.data.data() + values.offsets[i], values.offsets[i + 1] - values.offsets[i]};
  };
  std::vector<int32_t> prefixes(n), suffixes(n);
  ByteSpan prev;
  for (size_t i = 0; i < n; ++i) {
    const ByteSpan cur = value(begin + i);
    const size_t max = std::min(prev.size(), cur.size());
    size_t p = 0;
    while (p < max && prev[p] == cur[p]) ++p;
    prefixes[i] = static_cast<int32_t>(p);
    suffixes[i] = static_cast<int32_t>(cur.size() - p);
    prev = cur;
  }
  EncodeDbp(prefixes.data(), n, out);
  EncodeDbp(suffixes.data(), n, out);
  for (size_t i = 0; i < n; ++i) {
    const ByteSpan cur = value(begin + i);
    out.PutBytes(cur.subspan(static_cast<size_t>(prefixes[i])));
  }
  return Status::OK();
}

}  // namespace budget_audit::parquet
