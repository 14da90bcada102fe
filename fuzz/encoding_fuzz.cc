// libFuzzer target for the value encodings in parquet/encoding/.
//
// Input: byte 0 selects the decoder (mod kTargets), byte 1 is its
// parameter (bit width, type, max level...), bytes 2..3 a little-endian
// value count n (at most 65535, so no allocation is large), and the rest is
// the encoded data.
// Invariants checked beyond "no crash, no sanitizer report":
//   - a failure is Corruption (ResourceExhausted only where documented),
//     never InvalidArgument or Internal;
//   - whatever decodes, re-encodes with our encoder and decodes back to the
//     same values (PLAIN re-encodes to the very same bytes);
//   - the incremental hybrid decoder agrees with the one-shot one;
//   - nothing is appended to an output on failure.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "parquet/encoding/byte_stream_split.h"
#include "parquet/encoding/delta.h"
#include "parquet/encoding/dictionary.h"
#include "parquet/encoding/plain.h"
#include "parquet/encoding/rle.h"

namespace {

using budget_audit::Bytes;
using budget_audit::ByteSpan;
using budget_audit::ByteWriter;
using budget_audit::Status;
using budget_audit::StatusCode;
namespace pq = budget_audit::parquet;
using pq::ColumnVector;
using pq::Encoding;
using pq::Type;

[[noreturn]] void Fail(const char* what, const Status& st = Status::OK()) {
  std::fprintf(stderr, "encoding_fuzz: %s: %s\n", what, st.ToString().c_str());
  std::abort();
}

// Returns st.ok(); aborts on an error code a decoder must not return.
bool Check(const Status& st, bool resource_ok = false) {
  if (st.ok()) return true;
  if (st.code() == StatusCode::kCorruption) return false;
  if (resource_ok && st.code() == StatusCode::kResourceExhausted) return false;
  Fail("unexpected error code", st);
}

void Expect(bool cond, const char* what) {
  if (!cond) Fail(what);
}

ColumnVector Empty(Type type, int32_t type_length) {
  ColumnVector v;
  v.type = type;
  v.type_length = type == Type::INT96 ? 12 : type_length;
  if (type == Type::BYTE_ARRAY) v.offsets.push_back(0);
  return v;
}

// PLAIN bytes of all values: a type-independent, bitwise comparison.
Bytes PlainOf(const ColumnVector& v) {
  ByteWriter w;
  const size_t n = pq::StoredValueCount(v, v.type);
  if (!pq::EncodePlain(v, 0, n, w).ok()) Fail("EncodePlain of decoded values");
  return w.Release();
}

bool NoValues(const ColumnVector& v) {
  return v.bools.empty() && v.i32.empty() && v.i64.empty() && v.f32.empty() && v.f64.empty() &&
         v.data.empty() && v.fixed.empty() && v.offsets.size() <= 1;
}

void FuzzHybrid(int bw, size_t n, ByteSpan data) {
  std::vector<uint32_t> out(n);
  size_t consumed = 0;
  const bool ok = Check(pq::DecodeRleBitPacked(data, bw, n, out.data(), &consumed));
  // The incremental decoder in uneven chunks must agree.
  {
    pq::RleBitPackedDecoder d(data, bw);
    std::vector<uint32_t> again(n);
    bool ok2 = Check(d.Decode(again.data(), 0));
    for (size_t at = 0, step = 1; at < n && ok2; at += step, step = step * 3 % 17 + 1) {
      ok2 = Check(d.Decode(again.data() + at, std::min(step, n - at)));
    }
    Expect(ok == ok2, "chunked decode disagrees on success");
    if (ok) Expect(again == out, "chunked decode disagrees on values");
  }
  if (bw <= 8) {
    std::vector<uint8_t> narrow(n);
    Expect(Check(pq::DecodeRleBitPacked(data, bw, n, narrow.data())) == ok, "u8 decode differs");
    if (ok) {
      for (size_t i = 0; i < n; ++i) Expect(narrow[i] == out[i], "u8 values differ");
    }
  }
  if (!ok) return;
  Expect(consumed <= data.size(), "consumed past the end");
  for (uint32_t v : out) Expect(bw == 32 || v < (uint32_t{1} << bw), "value wider than bw");
  ByteWriter w;
  pq::EncodeRleBitPacked(out.data(), n, bw, false, w);
  std::vector<uint32_t> back(n);
  Expect(pq::DecodeRleBitPacked(w.bytes(), bw, n, back.data()).ok(), "re-encoded hybrid fails");
  Expect(back == out, "hybrid round trip differs");
}

void FuzzLevels(uint8_t param, size_t n, ByteSpan data) {
  const auto max_level = static_cast<int16_t>(param & 0x1f);
  const Encoding enc = (param & 0x20) ? Encoding::BIT_PACKED : Encoding::RLE;
  const bool prefixed = (param & 0x40) != 0;
  std::vector<int16_t> levels(n);
  size_t consumed = 0;
  const bool ok = Check(pq::DecodeLevels(data, enc, max_level, n, prefixed, levels.data(), &consumed));
  budget_audit::util::PoolVector<uint8_t> flags = {9};
  size_t consumed2 = 0;
  const bool ok2 = Check(pq::DecodeDefinedFlags(data, enc, max_level, n, prefixed, &flags, &consumed2));
  Expect(ok == ok2, "flags and levels disagree");
  if (!ok) {
    Expect(flags.size() == 1, "flags appended on error");
    return;
  }
  Expect(consumed <= data.size() && consumed == consumed2, "levels consumed");
  for (size_t i = 0; i < n; ++i) {
    Expect(levels[i] >= 0 && levels[i] <= max_level, "level out of range");
    Expect(flags[i + 1] == (levels[i] == max_level), "flag mismatch");
  }
  ByteWriter w;
  pq::EncodeLevels(levels.data(), n, max_level, true, w);
  std::vector<int16_t> back(n);
  Expect(pq::DecodeLevels(w.bytes(), Encoding::RLE, max_level, n, true, back.data(), &consumed).ok(),
         "re-encoded levels fail");
  Expect(back == levels, "levels round trip differs");
}

void FuzzRleBooleans(size_t n, ByteSpan data) {
  budget_audit::util::PoolVector<uint8_t> out;
  if (!Check(pq::DecodeRleBooleans(data, n, &out))) {
    Expect(out.empty(), "booleans appended on error");
    return;
  }
  ByteWriter w;
  pq::EncodeRleBooleans(out.data(), n, w);
  budget_audit::util::PoolVector<uint8_t> back;
  Expect(pq::DecodeRleBooleans(w.bytes(), n, &back).ok() && back == out, "booleans round trip");
}

Type TypeOf(uint8_t param) { return static_cast<Type>(param & 7); }
int32_t LengthOf(uint8_t param) { return (param >> 3) % 17; }  // 0 is invalid for FLBA

void FuzzPlain(uint8_t param, size_t n, ByteSpan data) {
  const Type type = TypeOf(param);
  const int32_t len = LengthOf(param);
  ColumnVector out = Empty(type, len);
  size_t consumed = 0;
  if (!Check(pq::DecodePlain(data, type, len, n, &out, &consumed), true)) {
    Expect(NoValues(out), "PLAIN appended on error");
    return;
  }
  Expect(consumed <= data.size(), "PLAIN consumed past the end");
  const Bytes again = PlainOf(out);
  if (type == Type::BOOLEAN) {
    Expect(again.size() == consumed, "PLAIN BOOLEAN size");
  } else {
    Expect(
        again.size() == consumed && (consumed == 0 || std::memcmp(again.data(), data.data(), consumed) == 0),
        "PLAIN re-encoding differs");
  }
}

void FuzzDictionary(uint8_t param, size_t n, ByteSpan data) {
  // The first byte of the data splits it into a dictionary page (PLAIN) of
  // up to 255 values and the index page.
  if (data.size() < 2) return;
  const Type type = TypeOf(param);
  const int32_t len = LengthOf(param);
  const size_t dict_values = data[0];
  const size_t dict_bytes = std::min<size_t>(data[1] * 4u, data.size() - 2);
  ColumnVector dict;
  if (!Check(pq::DecodeDictionaryPage(data.subspan(2, dict_bytes), type, len, dict_values, &dict), true)) {
    return;
  }
  const ByteSpan page = data.subspan(2 + dict_bytes);
  ColumnVector out = Empty(type, len);
  if (!Check(pq::DecodeDictionaryIndices(page, n, dict, &out), true)) {
    Expect(NoValues(out), "dictionary gather appended on error");
    return;
  }
  Expect(pq::StoredValueCount(out, type) == n, "dictionary value count");
  // Re-encode through our dictionary encoder and decode again.
  pq::DictionaryEncoder enc(type, len);
  std::vector<uint32_t> idx;
  Expect(enc.Put(out, 0, n, &idx).ok(), "DictionaryEncoder::Put failed");
  ByteWriter dp, ip;
  enc.EncodeDictionaryPage(dp);
  enc.EncodeIndices(idx.data(), idx.size(), ip);
  ColumnVector dict2, back = Empty(type, len);
  Expect(pq::DecodeDictionaryPage(dp.bytes(), type, len, enc.size(), &dict2).ok() &&
             pq::DecodeDictionaryIndices(ip.bytes(), n, dict2, &back).ok(),
         "dictionary re-decode failed");
  Expect(PlainOf(back) == PlainOf(out), "dictionary round trip differs");
}

template <typename T>
void FuzzDbp(size_t n, ByteSpan data) {
  std::vector<T> out(n);
  size_t consumed = 0;
  if (!Check(pq::DecodeDeltaBinaryPacked(data, n, out.data(), &consumed))) return;
  Expect(consumed <= data.size(), "DBP consumed past the end");
  ByteWriter w;
  pq::EncodeDeltaBinaryPacked(out.data(), n, w);
  std::vector<T> back(n);
  size_t c2 = 0;
  Expect(pq::DecodeDeltaBinaryPacked(w.bytes(), n, back.data(), &c2).ok(), "DBP re-decode");
  Expect(back == out && c2 == w.size(), "DBP round trip differs");
}

void FuzzByteArrays(bool prefixes, uint8_t param, size_t n, ByteSpan data) {
  const bool fixed = prefixes && (param & 1);
  const Type type = fixed ? Type::FIXED_LEN_BYTE_ARRAY : Type::BYTE_ARRAY;
  const int32_t len = (param >> 1) % 9;
  ColumnVector out = Empty(type, len);
  size_t consumed = 0;
  const Status st = prefixes ? pq::DecodeDeltaByteArray(data, type, len, n, &out, &consumed, 1 << 24)
                             : pq::DecodeDeltaLengthByteArray(data, n, &out, &consumed);
  if (!Check(st, true)) {
    Expect(NoValues(out), "delta byte arrays appended on error");
    return;
  }
  Expect(consumed <= data.size(), "delta byte arrays consumed past the end");
  Expect(pq::StoredValueCount(out, type) == n, "delta byte array count");
  ByteWriter w;
  Expect(
      (prefixes ? pq::EncodeDeltaByteArray(out, 0, n, w) : pq::EncodeDeltaLengthByteArray(out, 0, n, w)).ok(),
      "delta byte array encode");
  ColumnVector back = Empty(type, len);
  Expect((prefixes ? pq::DecodeDeltaByteArray(w.bytes(), type, len, n, &back)
                   : pq::DecodeDeltaLengthByteArray(w.bytes(), n, &back))
             .ok(),
         "delta byte array re-decode");
  Expect(PlainOf(back) == PlainOf(out), "delta byte array round trip differs");
}

void FuzzByteStreamSplit(uint8_t param, size_t n, ByteSpan data) {
  const Type type = TypeOf(param);
  const int32_t len = LengthOf(param);
  ColumnVector out = Empty(type, len);
  if (!Check(pq::DecodeByteStreamSplit(data, type, len, n, &out))) {
    Expect(NoValues(out), "BYTE_STREAM_SPLIT appended on error");
    return;
  }
  ByteWriter w;
  Expect(pq::EncodeByteStreamSplit(out, 0, n, w).ok(), "BYTE_STREAM_SPLIT encode");
  ColumnVector back = Empty(type, len);
  Expect(pq::DecodeByteStreamSplit(w.bytes(), type, len, n, &back).ok(), "BSS re-decode");
  Expect(PlainOf(back) == PlainOf(out), "BYTE_STREAM_SPLIT round trip differs");
}

void FuzzMsb(int bw, size_t n, ByteSpan data) {
  std::vector<uint32_t> out(n);
  size_t consumed = 0;
  if (!Check(pq::DecodeBitPackedMsb(data, bw, n, out.data(), &consumed))) return;
  Expect(consumed <= data.size(), "BIT_PACKED consumed past the end");
}

constexpr int kTargets = 12;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const int target = data[0] % kTargets;
  const uint8_t param = data[1];
  const size_t n = size_t{data[2]} | size_t{data[3]} << 8;
  const ByteSpan rest(data + 4, size - 4);
  switch (target) {
    case 0:
      FuzzHybrid(param % 34, n, rest);  // 33 is invalid on purpose
      break;
    case 1: FuzzLevels(param, n, rest); break;
    case 2: FuzzRleBooleans(n, rest); break;
    case 3: FuzzPlain(param, n, rest); break;
    case 4: FuzzDictionary(param, n, rest); break;
    case 5: FuzzDbp<int32_t>(n, rest); break;
    case 6: FuzzDbp<int64_t>(n, rest); break;
    case 7: FuzzByteArrays(false, param, n, rest); break;
    case 8: FuzzByteArrays(true, param, n, rest); break;
    case 9: FuzzByteStreamSplit(param, n, rest); break;
    case 10: FuzzMsb(param % 34, n, rest); break;
    case 11: {
      // Dictionary indices straight into a fixed dictionary of 100 INT64s.
      ColumnVector dict = Empty(Type::INT64, 0);
      for (int64_t i = 0; i < 100; ++i) dict.i64.push_back(i);
      ColumnVector out = Empty(Type::INT64, 0);
      if (Check(pq::DecodeDictionaryIndices(rest, n, dict, &out))) {
        Expect(out.i64.size() == n, "index count");
        for (int64_t v : out.i64) Expect(v >= 0 && v < 100, "gathered value out of range");
      } else {
        Expect(out.i64.empty(), "indices appended on error");
      }
      break;
    }
  }
  return 0;
}
