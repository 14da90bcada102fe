#include "parquet/encoding/rle.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "parquet/encoding/bit_util.h"

namespace budget_audit::parquet {

using bit_util::BytesForBits;
using bit_util::LowMask;

// A bit-packed header can claim up to 2^63 groups; with bit width 0 they
// cost no bytes. Capping the value count keeps the arithmetic in range and
// is still far beyond any page.
constexpr uint64_t kMaxRunGroups = uint64_t{1} << 58;

RleBitPackedDecoder::RleBitPackedDecoder(ByteSpan data, int bit_width) : data_(data), bit_width_(bit_width) {}

Status RleBitPackedDecoder::Decode(uint8_t* out, size_t n) { return DecodeImpl(out, n); }
Status RleBitPackedDecoder::Decode(uint16_t* out, size_t n) { return DecodeImpl(out, n); }
Status RleBitPackedDecoder::Decode(uint32_t* out, size_t n) { return DecodeImpl(out, n); }

template <typename T>
Status RleBitPackedDecoder::DecodeImpl(T* out, size_t n) {
  if (bit_width_ < 0 || bit_width_ > kMaxHybridBitWidth) {
    return Status::Corruption(fmt::format("RLE/bit-packed bit width {} is not in 0..32", bit_width_));
  }
  if (static_cast<size_t>(bit_width_) > 8 * sizeof(T)) {
    return Status::Corruption(
        fmt::format("RLE/bit-packed bit width {} is too wide for {}-bit values", bit_width_, 8 * sizeof(T)));
  }
  size_t done = 0;
  while (done < n) {
    if (run_left_ == 0) {
      BA_RETURN_IF_ERROR(NextRun(done, n));
      continue;
    }
    const size_t k = static_cast<size_t>(std::min<uint64_t>(n - done, run_left_));
    if (rle_) {
      std::fill_n(out + done, k, static_cast<T>(rle_value_));
    } else {
      BA_RETURN_IF_ERROR(TakePacked(out + done, k));
    }
    done += k;
    run_left_ -= k;
  }
  return Status::OK();
}

Status RleBitPackedDecoder::NextRun(size_t decoded, size_t wanted) {
  if (pos_ >= data_.size()) {
    return Status::Corruption(
        fmt::format("RLE/bit-packed stream ends after {} of {} values at offset {}", decoded, wanted, pos_));
  }
  run_start_ = pos_;
  ByteReader r(data_.subspan(pos_), pos_);
  BA_ASSIGN_OR_RETURN(uint64_t header, r.ReadVarint());
  pos_ = static_cast<size_t>(r.offset());
  const uint64_t count = header >> 1;
  const size_t remaining = data_.size() - pos_;
  const auto bw = static_cast<uint64_t>(bit_width_);
  if (header & 1) {
    rle_ = false;
    // count > remaining implies count * bw > remaining for bw >= 1, and
    // avoids the overflow of the product.
    size_t avail = 0;
    if (bw > 0) avail = count > remaining ? remaining : std::min<size_t>(count * bw, remaining);
    run_left_ = std::min(count, kMaxRunGroups) * 8;
    packed_ = data_.data() + pos_;
    packed_bytes_ = avail;
    packed_index_ = 0;
    packed_present_ = bw == 0 ? run_left_ : avail * 8 / bw;
    pos_ += avail;
    return Status::OK();
  }
  rle_ = true;
  const size_t nbytes = static_cast<size_t>(BytesForBits(bw));
  if (remaining < nbytes) {
    return Status::Corruption(fmt::format("RLE run at offset {} needs a {}-byte value but {} bytes remain",
                                          run_start_, nbytes, remaining));
  }
  uint32_t v = 0;
  for (size_t i = 0; i < nbytes; ++i) v |= uint32_t{data_[pos_ + i]} << (8 * i);
  if (v > LowMask(bit_width_)) {
    return Status::Corruption(
        fmt::format("RLE run at offset {} repeats {}, wider than bit width {}", run_start_, v, bit_width_));
  }
  pos_ += nbytes;
  rle_value_ = v;
  run_left_ = count;
  return Status::OK();
}

template <typename T>
Status RleBitPackedDecoder::TakePacked(T* out, size_t k) {
  if (packed_index_ + k > packed_present_) {
    return Status::Corruption(fmt::format(
        "bit-packed run at offset {} is cut short: {} bytes hold {} values but value {} is needed",
        run_start_, packed_bytes_, packed_present_, packed_index_ + k));
  }
  const auto bw = static_cast<size_t>(bit_width_);
  size_t i = 0;
  const size_t in_group = static_cast<size_t>(packed_index_ % 8);
  if (in_group != 0) {
    const size_t take = std::min(k, 8 - in_group);
    for (size_t j = 0; j < take; ++j) out[j] = static_cast<T>(group_[in_group + j]);
    i = take;
    packed_index_ += take;
  }
  // Whole groups are wholly present: every value in them is below
  // packed_present_.
  if (const size_t whole = (k - i) / 8; whole > 0) {
    bit_util::Unpack(packed_ + (packed_index_ / 8) * bw, bit_width_, whole, out + i);
    i += whole * 8;
    packed_index_ += whole * 8;
  }
  if (i < k) {
    const size_t off = static_cast<size_t>(packed_index_ / 8) * bw;
    if (off + bw <= packed_bytes_) {
      bit_util::Unpack(packed_ + off, bit_width_, 1, group_);
    } else {
      uint8_t tmp[kMaxHybridBitWidth] = {};
      std::memcpy(tmp, packed_ + off, packed_bytes_ - off);
      bit_util::Unpack(tmp, bit_width_, 1, group_);
    }
    const size_t take = k - i;
    for (size_t j = 0; j < take; ++j) out[i + j] = static_cast<T>(group_[j]);
    packed_index_ += take;
  }
  return Status::OK();
}

namespace {

template <typename T>
Status DecodeHybrid(ByteSpan data, int bit_width, size_t n, T* out, size_t* consumed) {
  RleBitPackedDecoder d(data, bit_width);
  BA_RETURN_IF_ERROR(d.Decode(out, n));
  if (consumed != nullptr) *consumed = d.bytes_consumed();
  return Status::OK();
}

template <typename T>
Status DecodeMsb(ByteSpan data, int bit_width, size_t n, T* out, size_t* consumed) {
  if (bit_width < 0 || static_cast<size_t>(bit_width) > 8 * sizeof(T) || bit_width > 32) {
    return Status::Corruption(fmt::format("BIT_PACKED bit width {} out of range", bit_width));
  }
  if (bit_width == 0) {
    std::fill_n(out, n, T{0});
    if (consumed != nullptr) *consumed = 0;
    return Status::OK();
  }
  const auto bw = static_cast<size_t>(bit_width);
  if (n > data.size() * 8 / bw) {
    return Status::Corruption(
        fmt::format("BIT_PACKED levels: {} values of {} bits need {} bytes, "
                    "{} remain",
                    n, bw, BytesForBits(uint64_t{n} * bw), data.size()));
  }
  const size_t bytes = static_cast<size_t>(BytesForBits(n * bw));
  const uint8_t* p = data.data();
  for (size_t i = 0; i < n; ++i) {
    const size_t bit = i * bw;
    const size_t byte = bit / 8;
    uint64_t w;
    if (byte + 8 <= bytes) {
      w = __builtin_bswap64(LoadU64LE(p + byte));
    } else {
      uint8_t tmp[8] = {};
      std::memcpy(tmp, p + byte, bytes - byte);
      w = __builtin_bswap64(LoadU64LE(tmp));
    }
    out[i] = static_cast<T>((w << (bit % 8)) >> (64 - bw));
  }
  if (consumed != nullptr) *consumed = bytes;
  return Status::OK();
}

}  // namespace

Status DecodeRleBitPacked(ByteSpan data, int bit_width, size_t n, uint8_t* out, size_t* consumed) {
  return DecodeHybrid(data, bit_width, n, out, consumed);
}
Status DecodeRleBitPacked(ByteSpan data, int bit_width, size_t n, uint16_t* out, size_t* consumed) {
  return DecodeHybrid(data, bit_width, n, out, consumed);
}
Status DecodeRleBitPacked(ByteSpan data, int bit_width, size_t n, uint32_t* out, size_t* consumed) {
  return DecodeHybrid(data, bit_width, n, out, consumed);
}
Status DecodeRleBitPacked(ByteSpan data, int bit_width, size_t n, std::vector<uint32_t>* out,
                          size_t* consumed) {
  const size_t old = out->size();
  out->resize(old + n);
  Status st = DecodeHybrid(data, bit_width, n, out->data() + old, consumed);
  if (!st.ok()) out->resize(old);
  return st;
}

Result<ByteSpan> TakeLengthPrefixed(ByteSpan data, size_t* consumed) {
  ByteReader r(data);
  BA_ASSIGN_OR_RETURN(uint32_t len, r.ReadU32LE());
  if (len > r.remaining()) {
    return Status::Corruption(
        fmt::format("length prefix {} exceeds the {} bytes that follow it", len, r.remaining()));
  }
  *consumed = 4 + size_t{len};
  return data.subspan(4, len);
}

Status DecodeBitPackedMsb(ByteSpan data, int bit_width, size_t n, uint16_t* out, size_t* consumed) {
  return DecodeMsb(data, bit_width, n, out, consumed);
}
Status DecodeBitPackedMsb(ByteSpan data, int bit_width, size_t n, uint32_t* out, size_t* consumed) {
  return DecodeMsb(data, bit_width, n, out, consumed);
}

int LevelBitWidth(int16_t max_level) {
  return max_level <= 0 ? 0 : bit_util::BitWidth(static_cast<uint64_t>(max_level));
}

namespace {

// Levels as unsigned 16-bit values (levels are never negative); the stream
// can only hold values < 2^bw, so only a max_level that is not 2^bw - 1
// needs a range check.
template <typename T>
Status DecodeLevelsRaw(ByteSpan data, Encoding encoding, int16_t max_level, size_t n, bool length_prefixed,
                       T* out, size_t* consumed) {
  if (max_level < 0) return Status::Corruption(fmt::format("negative max level {}", max_level));
  if (max_level == 0) {
    std::fill_n(out, n, T{0});
    *consumed = 0;
    return Status::OK();
  }
  const int bw = LevelBitWidth(max_level);
  if (encoding == Encoding::RLE) {
    ByteSpan stream = data;
    size_t prefixed = 0;
    if (length_prefixed) {
      auto block = TakeLengthPrefixed(data, &prefixed);
      if (!block.ok()) return block.status().WithContext("levels");
      stream = *block;
    }
    size_t used = 0;
    BA_RETURN_IF_ERROR(DecodeHybrid(stream, bw, n, out, &used).WithContext("levels"));
    *consumed = length_prefixed ? prefixed : used;
  } else if (encoding == Encoding::BIT_PACKED) {
    if constexpr (sizeof(T) == 1) {
      return Status::Internal("BIT_PACKED levels decoded into bytes");
    } else {
      BA_RETURN_IF_ERROR(DecodeMsb(data, bw, n, out, consumed).WithContext("levels"));
    }
  } else {
    return Status::Corruption(
        fmt::format("level encoding {} is not RLE or BIT_PACKED", static_cast<int>(encoding)));
  }
  if (static_cast<uint64_t>(max_level) != LowMask(bw)) {
    for (size_t i = 0; i < n; ++i) {
      if (out[i] > static_cast<T>(max_level)) {
        return Status::Corruption(
            fmt::format("level {} at index {} exceeds the maximum {}", out[i], i, max_level));
      }
    }
  }
  return Status::OK();
}

}  // namespace

Status DecodeLevels(ByteSpan data, Encoding encoding, int16_t max_level, size_t n, bool length_prefixed,
                    int16_t* out, size_t* consumed) {
  // int16_t and uint16_t may alias; levels are never negative.
  return DecodeLevelsRaw(data, encoding, max_level, n, length_prefixed, reinterpret_cast<uint16_t*>(out),
                         consumed);
}

Status DecodeDefinedFlags(ByteSpan data, Encoding encoding, int16_t max_level, size_t n, bool length_prefixed,
                          util::PoolVector<uint8_t>* defined, size_t* consumed) {
  const size_t old = defined->size();
  defined->resize(old + n);
  uint8_t* out = defined->data() + old;
  Status st;
  if (max_level == 1 && encoding == Encoding::RLE) {
    // Bit width 1: the levels are already the flags.
    st = DecodeLevelsRaw(data, encoding, max_level, n, length_prefixed, out, consumed);
  } else {
    std::vector<uint16_t> levels(n);
    st = DecodeLevelsRaw(data, encoding, max_level, n, length_prefixed, levels.data(), consumed);
    if (st.ok()) {
      const auto max = static_cast<uint16_t>(max_level);
      for (size_t i = 0; i < n; ++i) out[i] = levels[i] == max ? 1 : 0;
    }
  }
  if (!st.ok()) defined->resize(old);
  return st;
}

Status DecodeRleBooleans(ByteSpan data, size_t n, util::PoolVector<uint8_t>* out, size_t* consumed) {
  size_t prefixed = 0;
  auto block = TakeLengthPrefixed(data, &prefixed);
  if (!block.ok()) return block.status().WithContext("RLE booleans");
  const size_t old = out->size();
  out->resize(old + n);
  Status st = DecodeHybrid(*block, 1, n, out->data() + old, nullptr);
  if (!st.ok()) {
    out->resize(old);
    return st.WithContext("RLE booleans");
  }
  if (consumed != nullptr) *consumed = prefixed;
  return Status::OK();
}

// ---- Encoder ----

// 63 groups keep the bit-packed header to one byte.
constexpr size_t kMaxLiteralGroups = 63;

RleBitPackedEncoder::RleBitPackedEncoder(int bit_width)
    : bit_width_(std::clamp(bit_width, 0, kMaxHybridBitWidth)) {
  literal_.reserve(kMaxLiteralGroups * 8);
}

void RleBitPackedEncoder::Put(uint32_t value) {
  value &= static_cast<uint32_t>(LowMask(bit_width_));
  if (rle_count_ > 0) {
    if (value == rle_value_) {
      ++rle_count_;
      return;
    }
    EmitRle();
  }
  if (num_pending_ > 0 && value != pending_[num_pending_ - 1]) pending_same_ = false;
  pending_[num_pending_++] = value;
  if (num_pending_ == 8) CommitGroup();
}

template <typename T>
void RleBitPackedEncoder::PutBatchImpl(const T* values, size_t n) {
  const auto mask = static_cast<uint32_t>(LowMask(bit_width_));
  size_t i = 0;
  while (i < n) {
    if (rle_count_ > 0) {
      const uint32_t v = rle_value_;
      size_t j = i;
      while (j < n && (static_cast<uint32_t>(values[j]) & mask) == v) ++j;
      rle_count_ += j - i;
      i = j;
      if (i == n) break;
    }
    Put(static_cast<uint32_t>(values[i++]));
  }
}

void RleBitPackedEncoder::PutBatch(const uint8_t* values, size_t n) { PutBatchImpl(values, n); }
void RleBitPackedEncoder::PutBatch(const uint16_t* values, size_t n) { PutBatchImpl(values, n); }
void RleBitPackedEncoder::PutBatch(const uint32_t* values, size_t n) { PutBatchImpl(values, n); }

void RleBitPackedEncoder::CommitGroup() {
  if (pending_same_) {
    EmitLiteral();
    rle_value_ = pending_[0];
    rle_count_ = 8;
  } else {
    literal_.insert(literal_.end(), pending_, pending_ + 8);
    if (literal_.size() >= kMaxLiteralGroups * 8) EmitLiteral();
  }
  num_pending_ = 0;
  pending_same_ = true;
}

void RleBitPackedEncoder::EmitRle() {
  buf_.PutVarint(rle_count_ << 1);
  const auto nbytes = static_cast<size_t>(BytesForBits(static_cast<uint64_t>(bit_width_)));
  for (size_t i = 0; i < nbytes; ++i) buf_.PutU8(static_cast<uint8_t>(rle_value_ >> (8 * i)));
  rle_count_ = 0;
}

void RleBitPackedEncoder::EmitLiteral() {
  if (literal_.empty()) return;
  const size_t groups = literal_.size() / 8;
  buf_.PutVarint((uint64_t{groups} << 1) | 1);
  Bytes& b = buf_.mutable_bytes();
  const size_t at = b.size();
  b.resize(at + groups * static_cast<size_t>(bit_width_));
  bit_util::Pack32(literal_.data(), bit_width_, groups, b.data() + at);
  literal_.clear();
}

void RleBitPackedEncoder::Finish(ByteWriter& out) {
  if (rle_count_ > 0) EmitRle();
  if (num_pending_ > 0) {
    if (literal_.empty() && pending_same_) {
      rle_value_ = pending_[0];
      rle_count_ = static_cast<uint64_t>(num_pending_);
      EmitRle();
    } else {
      std::fill(pending_ + num_pending_, pending_ + 8, 0u);
      literal_.insert(literal_.end(), pending_, pending_ + 8);
      EmitLiteral();
    }
  } else {
    EmitLiteral();
  }
  num_pending_ = 0;
  pending_same_ = true;
  out.PutBytes(buf_.bytes());
  buf_.Clear();
}

namespace {

template <typename T>
void EncodeHybrid(const T* values, size_t n, int bit_width, bool length_prefixed, ByteWriter& out) {
  size_t at = 0;
  if (length_prefixed) {
    out.PutU32LE(0);
    at = out.size();
  }
  RleBitPackedEncoder enc(bit_width);
  enc.PutBatch(values, n);
  enc.Finish(out);
  if (length_prefixed) {
    const auto len = static_cast<uint32_t>(out.size() - at);
    std::memcpy(out.mutable_bytes().data() + at - 4, &len, 4);
  }
}

}  // namespace

void EncodeRleBitPacked(const uint8_t* values, size_t n, int bit_width, bool length_prefixed,
                        ByteWriter& out) {
  EncodeHybrid(values, n, bit_width, length_prefixed, out);
}
void EncodeRleBitPacked(const uint16_t* values, size_t n, int bit_width, bool length_prefixed,
                        ByteWriter& out) {
  EncodeHybrid(values, n, bit_width, length_prefixed, out);
}
void EncodeRleBitPacked(const uint32_t* values, size_t n, int bit_width, bool length_prefixed,
                        ByteWriter& out) {
  EncodeHybrid(values, n, bit_width, length_prefixed, out);
}

void EncodeLevels(const int16_t* levels, size_t n, int16_t max_level, bool length_prefixed, ByteWriter& out) {
  EncodeHybrid(reinterpret_cast<const uint16_t*>(levels), n, LevelBitWidth(max_level), length_prefixed, out);
}

void EncodeRleBooleans(const uint8_t* values, size_t n, ByteWriter& out) {
  EncodeHybrid(values, n, 1, true, out);
}

}  // namespace budget_audit::parquet
