#include "parquet/encoding/dictionary.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "parquet/encoding/bit_util.h"
#include "parquet/encoding/plain.h"
#include "parquet/encoding/rle.h"

namespace budget_audit::parquet {

namespace {

constexpr size_t kMaxByteArrayPayload = std::numeric_limits<uint32_t>::max();
constexpr size_t kGatherBatch = 1024;

// Sizes of every value vector, to undo a partial append.
struct AppendMark {
  explicit AppendMark(const ColumnVector& v)
      : bools(v.bools.size()),
        i32(v.i32.size()),
        i64(v.i64.size()),
        f32(v.f32.size()),
        f64(v.f64.size()),
        offsets(v.offsets.size()),
        data(v.data.size()),
        fixed(v.fixed.size()) {}
  void Restore(ColumnVector* v) const {
    v->bools.resize(bools);
    v->i32.resize(i32);
    v->i64.resize(i64);
    v->f32.resize(f32);
    v->f64.resize(f64);
    v->offsets.resize(offsets);
    v->data.resize(data);
    v->fixed.resize(fixed);
  }
  size_t bools, i32, i64, f32, f64, offsets, data, fixed;
};

template <typename T>
void GatherValues(const util::PoolVector<T>& src, const uint32_t* idx, size_t n, util::PoolVector<T>& dst) {
  const size_t old = dst.size();
  dst.resize(old + n);
  T* d = dst.data() + old;
  const T* s = src.data();
  for (size_t i = 0; i < n; ++i) d[i] = s[idx[i]];
}

// A 64-bit finaliser (xor-shift / multiply rounds) to spread keys over the
// table; any bijective mix works, this one is cheap.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}

uint64_t HashBytes(const uint8_t* p, size_t len) {
  uint64_t h = Mix(0x9e3779b97f4a7c15ULL ^ len);
  while (len >= 8) {
    h = Mix(h ^ LoadU64LE(p));
    p += 8;
    len -= 8;
  }
  if (len > 0) {
    uint64_t tail = 0;
    std::memcpy(&tail, p, len);
    h = Mix(h ^ tail ^ 0xff);
  }
  return h;
}

// Sizes the output once rather than growing it batch by batch (each
// reallocation copies and touches fresh pages). BYTE_ARRAY payload is
// estimated from the dictionary's mean value length, capped: the indices
// are not known yet, and hostile ones may point at one huge value.
void ReserveFor(const ColumnVector& dict, size_t n, ColumnVector* out) {
  constexpr size_t kMaxPayloadReserve = size_t{64} << 20;
  switch (dict.type) {
    case Type::BOOLEAN: out->bools.reserve(out->bools.size() + n); break;
    case Type::INT32: out->i32.reserve(out->i32.size() + n); break;
    case Type::INT64: out->i64.reserve(out->i64.size() + n); break;
    case Type::FLOAT: out->f32.reserve(out->f32.size() + n); break;
    case Type::DOUBLE: out->f64.reserve(out->f64.size() + n); break;
    case Type::BYTE_ARRAY: {
      out->offsets.reserve(out->offsets.size() + n + 1);
      const size_t entries = StoredValueCount(dict, dict.type);
      if (entries > 0) {
        const size_t mean = dict.data.size() / entries + 1;
        const size_t want = n > kMaxPayloadReserve / mean ? kMaxPayloadReserve : n * mean;
        out->data.reserve(out->data.size() + want);
      }
      break;
    }
    case Type::INT96:
    case Type::FIXED_LEN_BYTE_ARRAY: {
      const size_t w = FixedValueWidth(dict.type, dict.type_length);
      if (w > 0 && n <= kMaxPayloadReserve / w) out->fixed.reserve(out->fixed.size() + n * w);
      break;
    }
  }
}

}  // namespace

Status DecodeDictionaryPage(ByteSpan data, Type type, int32_t type_length, size_t num_values,
                            ColumnVector* dict) {
  ColumnVector fresh;
  fresh.type = type;
  fresh.type_length = type == Type::INT96 ? 12 : type_length;
  BA_RETURN_IF_ERROR(DecodePlain(data, type, type_length, num_values, &fresh));
  if (type == Type::BYTE_ARRAY && fresh.offsets.empty()) fresh.offsets.push_back(0);
  *dict = std::move(fresh);
  return Status::OK();
}

Status DecodeDictionaryIndexStream(ByteSpan data, size_t n, uint32_t* indices) {
  if (n == 0) return Status::OK();
  if (data.empty()) {
    return Status::Corruption(fmt::format("dictionary indices: empty data for {} values", n));
  }
  const int bw = data[0];
  if (bw > kMaxHybridBitWidth) {
    return Status::Corruption(fmt::format("dictionary index bit width {} exceeds 32", bw));
  }
  return DecodeRleBitPacked(data.subspan(1), bw, n, indices).WithContext("dictionary indices");
}

namespace {

constexpr size_t kSlot = 16;

// The usual dictionary of strings (dates, sources, stage ids: a few short
// values repeated on every row) is gathered without a memcpy call per value:
// each entry is copied into a 16-byte slot of `slots` once (its length in
// `lens`), and every row then copies its whole slot (one 16-byte load and
// store) and advances by the entry's length. False when an entry is longer
// than 16 bytes or the dictionary is not small against the `n` rows.
bool ShortStringSlots(const ColumnVector& dict, size_t n, std::vector<uint8_t>* slots,
                      std::vector<uint8_t>* lens) {
  const size_t dsize = dict.offsets.size() - 1;
  if (dsize > 4096 || dsize > n / 4) return false;
  const uint32_t* off = dict.offsets.data();
  slots->assign(dsize * kSlot, 0);
  lens->resize(dsize);
  for (size_t k = 0; k < dsize; ++k) {
    const uint32_t len = off[k + 1] - off[k];
    if (len > kSlot) return false;
    if (len > 0) std::memcpy(slots->data() + k * kSlot, dict.data.data() + off[k], len);
    (*lens)[k] = static_cast<uint8_t>(len);
  }
  return true;
}

}  // namespace

Status GatherDictionary(const ColumnVector& dict, const uint32_t* indices, size_t n, ColumnVector* out) {
  const size_t dsize = StoredValueCount(dict, dict.type);
  uint32_t max_index = 0;
  for (size_t i = 0; i < n; ++i) max_index = std::max(max_index, indices[i]);
  if (n > 0 && max_index >= dsize) {
    size_t at = 0;
    while (indices[at] < dsize) ++at;
    return Status::Corruption(fmt::format(
        "dictionary index {} (value {} of the page) is out of range for a dictionary of {} values",
        indices[at], at, dsize));
  }
  switch (dict.type) {
    case Type::BOOLEAN: GatherValues(dict.bools, indices, n, out->bools); return Status::OK();
    case Type::INT32: GatherValues(dict.i32, indices, n, out->i32); return Status::OK();
    case Type::INT64: GatherValues(dict.i64, indices, n, out->i64); return Status::OK();
    case Type::FLOAT: GatherValues(dict.f32, indices, n, out->f32); return Status::OK();
    case Type::DOUBLE: GatherValues(dict.f64, indices, n, out->f64); return Status::OK();
    case Type::BYTE_ARRAY: {
      const uint32_t* off = dict.offsets.data();
      uint64_t total = 0;
      for (size_t i = 0; i < n; ++i) total += off[indices[i] + 1] - off[indices[i]];
      if (out->offsets.empty()) out->offsets.push_back(0);
      if (out->data.size() + total > kMaxByteArrayPayload) {
        return Status::ResourceExhausted("dictionary gather: column payload exceeds 4 GiB");
      }
      std::vector<uint8_t> slots, lens;
      const bool slotted = ShortStringSlots(dict, n, &slots, &lens);
      const size_t old_data = out->data.size();
      const size_t old_off = out->offsets.size();
      // Slotted: 16 bytes of slack for the last row's whole-slot copy.
      out->data.resize(old_data + static_cast<size_t>(total) + (slotted ? kSlot : 0));
      out->offsets.resize(old_off + n);
      uint8_t* d = out->data.data();
      uint32_t* o = out->offsets.data() + old_off;
      auto pos = static_cast<uint32_t>(old_data);
      if (slotted) {
        for (size_t i = 0; i < n; ++i) {
          const uint32_t k = indices[i];
          std::memcpy(d + pos, slots.data() + size_t{k} * kSlot, kSlot);
          pos += lens[k];
          o[i] = pos;
        }
        out->data.resize(old_data + static_cast<size_t>(total));
        return Status::OK();
      }
      for (size_t i = 0; i < n; ++i) {
        const uint32_t b = off[indices[i]];
        const uint32_t len = off[indices[i] + 1] - b;
        if (len > 0) std::memcpy(d + pos, dict.data.data() + b, len);
        pos += len;
        o[i] = pos;
      }
      return Status::OK();
    }
    case Type::INT96:
    case Type::FIXED_LEN_BYTE_ARRAY: {
      const size_t w = FixedValueWidth(dict.type, dict.type_length);
      const size_t old = out->fixed.size();
      out->fixed.resize(old + n * w);
      uint8_t* d = out->fixed.data() + old;
      const uint8_t* s = dict.fixed.data();
      for (size_t i = 0; i < n; ++i) std::memcpy(d + i * w, s + indices[i] * w, w);
      return Status::OK();
    }
  }
  return Status::Corruption("dictionary of an unknown physical type");
}

Status DecodeDictionaryIndices(ByteSpan data, size_t n, const ColumnVector& dict, ColumnVector* out) {
  if (n == 0) return Status::OK();
  if (data.empty()) {
    return Status::Corruption(fmt::format("dictionary indices: empty data for {} values", n));
  }
  const int bw = data[0];
  if (bw > kMaxHybridBitWidth) {
    return Status::Corruption(fmt::format("dictionary index bit width {} exceeds 32", bw));
  }
  AppendMark mark(*out);
  ReserveFor(dict, n, out);
  RleBitPackedDecoder decoder(data.subspan(1), bw);
  uint32_t batch[kGatherBatch];
  for (size_t done = 0; done < n;) {
    const size_t k = std::min(kGatherBatch, n - done);
    Status st = decoder.Decode(batch, k);
    if (st.ok()) st = GatherDictionary(dict, batch, k, out);
    if (!st.ok()) {
      mark.Restore(out);
      return st.WithContext("dictionary indices");
    }
    done += k;
  }
  return Status::OK();
}

int DictionaryIndexBitWidth(size_t dict_size) {
  return std::max(1, bit_util::BitWidth(dict_size > 0 ? dict_size - 1 : 0));
}

void EncodeDictionaryIndices(const uint32_t* indices, size_t n, int bit_width, ByteWriter& out) {
  out.PutU8(static_cast<uint8_t>(bit_width));
  EncodeRleBitPacked(indices, n, bit_width, false, out);
}

// ---- DictionaryEncoder ----

DictionaryEncoder::DictionaryEncoder(Type type, int32_t type_length)
    : type_(type),
      type_length_(type == Type::INT96 ? 12 : type_length),
      width_(FixedValueWidth(type, type_length)) {
  Clear();
}

void DictionaryEncoder::Clear() {
  dict_ = ColumnVector{};
  dict_.type = type_;
  dict_.type_length = type_length_;
  if (type_ == Type::BYTE_ARRAY) dict_.offsets.push_back(0);
  count_ = 0;
  byte_size_ = 0;
  slots_.assign(64, 0);
  mask_ = slots_.size() - 1;
  hashes_.clear();
  keys32_.clear();
  keys64_.clear();
}

void DictionaryEncoder::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  mask_ = slots_.size() - 1;
  for (size_t e = 0; e < count_; ++e) {
    uint64_t h;
    switch (type_) {
      case Type::BOOLEAN:
      case Type::INT32:
      case Type::FLOAT: h = Mix(keys32_[e]); break;
      case Type::INT64:
      case Type::DOUBLE: h = Mix(keys64_[e]); break;
      default: h = hashes_[e]; break;
    }
    size_t s = h & mask_;
    while (slots_[s] != 0) s = (s + 1) & mask_;
    slots_[s] = static_cast<uint32_t>(e + 1);
  }
}

template <typename Key, typename GetKey>
Status DictionaryEncoder::PutNumeric(size_t begin, size_t end, GetKey get, std::vector<uint32_t>* indices,
                                     std::vector<Key>& keys) {
  const size_t old = indices->size();
  indices->resize(old + (end - begin));
  uint32_t* out = indices->data() + old;
  for (size_t i = begin; i < end; ++i) {
    const Key k = get(i);
    size_t s = Mix(k) & mask_;
    uint32_t e;
    while ((e = slots_[s]) != 0 && keys[e - 1] != k) s = (s + 1) & mask_;
    if (e == 0) {
      if (count_ >= std::numeric_limits<uint32_t>::max() - 1) {
        indices->resize(old);
        return Status::ResourceExhausted("dictionary reached 2^32 entries");
      }
      if ((count_ + 1) * 2 > slots_.size()) {
        Grow();
        s = Mix(k) & mask_;
        while (slots_[s] != 0) s = (s + 1) & mask_;
      }
      keys.push_back(k);
      e = static_cast<uint32_t>(++count_);
      slots_[s] = e;
      if constexpr (sizeof(Key) == 4) {
        switch (type_) {
          case Type::BOOLEAN: dict_.bools.push_back(static_cast<uint8_t>(k)); break;
          case Type::INT32: dict_.i32.push_back(static_cast<int32_t>(k)); break;
          default: dict_.f32.push_back(std::bit_cast<float>(k)); break;
        }
      } else {
        if (type_ == Type::INT64) {
          dict_.i64.push_back(static_cast<int64_t>(k));
        } else {
          dict_.f64.push_back(std::bit_cast<double>(k));
        }
      }
      byte_size_ = type_ == Type::BOOLEAN ? (count_ + 7) / 8 : count_ * sizeof(Key);
    }
    out[i - begin] = e - 1;
  }
  return Status::OK();
}

Status DictionaryEncoder::PutBytes(const ColumnVector& values, size_t begin, size_t end,
                                   std::vector<uint32_t>* indices) {
  const bool var = type_ == Type::BYTE_ARRAY;
  const size_t old = indices->size();
  indices->resize(old + (end - begin));
  uint32_t* out = indices->data() + old;
  // The previous value (columns such as dates and sources come in runs):
  // a value equal to it takes its index without hashing.
  const uint8_t* prev = nullptr;
  size_t prev_len = 0;
  for (size_t i = begin; i < end; ++i) {
    const uint8_t* p;
    size_t len;
    if (var) {
      p = values.data.data() + values.offsets[i];
      len = values.offsets[i + 1] - values.offsets[i];
    } else {
      p = values.fixed.data() + i * width_;
      len = width_;
    }
    if (prev != nullptr && len == prev_len && (len == 0 || std::memcmp(p, prev, len) == 0)) {
      out[i - begin] = out[i - begin - 1];
      continue;
    }
    prev = p;
    prev_len = len;
    const uint64_t h = HashBytes(p, len);
    size_t s = h & mask_;
    uint32_t e;
    while ((e = slots_[s]) != 0) {
      if (hashes_[e - 1] == h) {
        const size_t idx = e - 1;
        const uint8_t* q;
        size_t qlen;
        if (var) {
          q = dict_.data.data() + dict_.offsets[idx];
          qlen = dict_.offsets[idx + 1] - dict_.offsets[idx];
        } else {
          q = dict_.fixed.data() + idx * width_;
          qlen = width_;
        }
        if (qlen == len && (len == 0 || std::memcmp(p, q, len) == 0)) break;
      }
      s = (s + 1) & mask_;
    }
    if (e == 0) {
      if (count_ >= std::numeric_limits<uint32_t>::max() - 1) {
        indices->resize(old);
        return Status::ResourceExhausted("dictionary reached 2^32 entries");
      }
      if (var && dict_.data.size() + len > kMaxByteArrayPayload) {
        indices->resize(old);
        return Status::ResourceExhausted("dictionary BYTE_ARRAY payload exceeds 4 GiB");
      }
      if ((count_ + 1) * 2 > slots_.size()) {
        Grow();
        s = h & mask_;
        while (slots_[s] != 0) s = (s + 1) & mask_;
      }
      hashes_.push_back(h);
      e = static_cast<uint32_t>(++count_);
      slots_[s] = e;
      if (var) {
        dict_.data.insert(dict_.data.end(), p, p + len);
        dict_.offsets.push_back(static_cast<uint32_t>(dict_.data.size()));
        byte_size_ += 4 + len;
      } else {
        dict_.fixed.insert(dict_.fixed.end(), p, p + len);
        byte_size_ += len;
      }
    }
    out[i - begin] = e - 1;
  }
  return Status::OK();
}

Status DictionaryEncoder::Put(const ColumnVector& values, size_t begin, size_t end,
                              std::vector<uint32_t>* indices) {
  if (values.type != type_) {
    return Status::InvalidArgument("dictionary encoder: values of another physical type");
  }
  if (type_ == Type::FIXED_LEN_BYTE_ARRAY && (type_length_ <= 0 || values.type_length != type_length_)) {
    return Status::InvalidArgument(
        fmt::format("dictionary encoder: type_length {} (encoder {})", values.type_length, type_length_));
  }
  const size_t count = StoredValueCount(values, type_);
  if (begin > end || end > count) {
    return Status::InvalidArgument(
        fmt::format("dictionary encoder: value range [{}, {}) outside the {} values", begin, end, count));
  }
  switch (type_) {
    case Type::BOOLEAN:
      return PutNumeric<uint32_t>(
          begin, end, [&](size_t i) { return static_cast<uint32_t>(values.bools[i] != 0); }, indices,
          keys32_);
    case Type::INT32:
      return PutNumeric<uint32_t>(
          begin, end, [&](size_t i) { return static_cast<uint32_t>(values.i32[i]); }, indices, keys32_);
    case Type::FLOAT:
      return PutNumeric<uint32_t>(
          begin, end, [&](size_t i) { return std::bit_cast<uint32_t>(values.f32[i]); }, indices, keys32_);
    case Type::INT64:
      return PutNumeric<uint64_t>(
          begin, end, [&](size_t i) { return static_cast<uint64_t>(values.i64[i]); }, indices, keys64_);
    case Type::DOUBLE:
      return PutNumeric<uint64_t>(
          begin, end, [&](size_t i) { return std::bit_cast<uint64_t>(values.f64[i]); }, indices, keys64_);
    case Type::BYTE_ARRAY:
    case Type::INT96:
    case Type::FIXED_LEN_BYTE_ARRAY: return PutBytes(values, begin, end, indices);
  }
  return Status::InvalidArgument("dictionary encoder: unknown physical type");
}

void DictionaryEncoder::EncodeDictionaryPage(ByteWriter& out) const {
  // The range is the whole dictionary, so this cannot fail.
  EncodePlain(dict_, 0, count_, out).IgnoreError();
}

void DictionaryEncoder::EncodeIndices(const uint32_t* indices, size_t n, ByteWriter& out) const {
  EncodeDictionaryIndices(indices, n, index_bit_width(), out);
}

}  // namespace budget_audit::parquet
