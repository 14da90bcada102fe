// Throughput of the value encodings (parquet/encoding/) on page-sized
// inputs of 64 Ki values shaped like the audit log: minute timestamps with
// jitter, readings quantised to 0.01, short repeated strings, definition
// levels that are mostly 1 with short null runs, and dictionary indices of
// a skewed 1000-entry dictionary.
//
// Bytes/s counts the encoded bytes (the page side) for both directions;
// items/s counts values.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "parquet/encoding/byte_stream_split.h"
#include "parquet/encoding/delta.h"
#include "parquet/encoding/dictionary.h"
#include "parquet/encoding/plain.h"
#include "parquet/encoding/rle.h"

namespace budget_audit::parquet {
namespace {

constexpr size_t kValues = 64 * 1024;

const ColumnVector& Timestamps() {
  static const ColumnVector v = [] {
    ColumnVector c;
    c.type = Type::INT64;
    std::mt19937_64 rng(1);
    int64_t t = 1'700'000'000'000'000'000;
    for (size_t i = 0; i < kValues; ++i) {
      t += 60'000'000'000 + static_cast<int64_t>(rng() % 1'000'000);
      c.i64.push_back(t);
    }
    return c;
  }();
  return v;
}

const ColumnVector& Readings() {
  static const ColumnVector v = [] {
    ColumnVector c;
    c.type = Type::DOUBLE;
    std::mt19937_64 rng(2);
    for (size_t i = 0; i < kValues; ++i) {
      const double sun = std::max(0.0, std::sin(static_cast<double>(i % 1440) / 1440.0 * 3.14159));
      c.f64.push_back(std::round((sun * 250.0 + static_cast<double>(rng() % 500) / 100.0) * 100) / 100);
    }
    return c;
  }();
  return v;
}

const ColumnVector& Strings() {
  static const ColumnVector v = [] {
    ColumnVector c;
    c.type = Type::BYTE_ARRAY;
    c.offsets.push_back(0);
    std::mt19937_64 rng(3);
    for (size_t i = 0; i < kValues; ++i) {
      const std::string s =
          "plant-" + std::to_string(rng() % 40) + "/inverter-" + std::to_string(rng() % 1000);
      c.data.insert(c.data.end(), s.begin(), s.end());
      c.offsets.push_back(static_cast<uint32_t>(c.data.size()));
    }
    return c;
  }();
  return v;
}

const std::vector<uint8_t>& Levels() {
  static const std::vector<uint8_t> v = [] {
    std::vector<uint8_t> l(kValues, 1);
    std::mt19937_64 rng(4);
    for (size_t i = 0; i < kValues; ++i) {
      if (rng() % 50 == 0) {
        const size_t run = 1 + rng() % 12;
        for (size_t k = i; k < std::min(kValues, i + run); ++k) l[k] = 0;
        i += run;
      }
    }
    return l;
  }();
  return v;
}

const std::vector<uint32_t>& Indices() {
  static const std::vector<uint32_t> v = [] {
    std::vector<uint32_t> idx(kValues);
    std::mt19937_64 rng(5);
    for (auto& x : idx) {
      // Skewed: a few hot entries, a long tail; with runs of repeats.
      x = rng() % 4 == 0 ? static_cast<uint32_t>(rng() % 1000) : static_cast<uint32_t>(rng() % 16);
    }
    for (size_t i = 0; i + 20 < kValues; i += 97) {
      for (size_t k = 1; k < 20; ++k) idx[i + k] = idx[i];
    }
    return idx;
  }();
  return v;
}

Bytes EncodeWith(Status (*enc)(const ColumnVector&, size_t, size_t, ByteWriter&), const ColumnVector& v) {
  ByteWriter w;
  if (!enc(v, 0, kValues, w).ok()) std::abort();
  return w.Release();
}

void Finish(benchmark::State& state, size_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kValues));
}

// ---- PLAIN ----

void PlainDecode(benchmark::State& state, const ColumnVector& v) {
  const Bytes page = EncodeWith(EncodePlain, v);
  for (auto _ : state) {
    ColumnVector out;
    out.type = v.type;
    if (!DecodePlain(page, v.type, 0, kValues, &out).ok()) state.SkipWithError("decode");
    benchmark::DoNotOptimize(out);
  }
  Finish(state, page.size());
}

void PlainEncode(benchmark::State& state, const ColumnVector& v) {
  size_t size = 0;
  for (auto _ : state) {
    ByteWriter w;
    if (!EncodePlain(v, 0, kValues, w).ok()) state.SkipWithError("encode");
    size = w.size();
    benchmark::DoNotOptimize(w);
  }
  Finish(state, size);
}

void BM_PlainDecodeInt64(benchmark::State& s) { PlainDecode(s, Timestamps()); }
void BM_PlainEncodeInt64(benchmark::State& s) { PlainEncode(s, Timestamps()); }
void BM_PlainDecodeDouble(benchmark::State& s) { PlainDecode(s, Readings()); }
void BM_PlainEncodeDouble(benchmark::State& s) { PlainEncode(s, Readings()); }
void BM_PlainDecodeByteArray(benchmark::State& s) { PlainDecode(s, Strings()); }
void BM_PlainEncodeByteArray(benchmark::State& s) { PlainEncode(s, Strings()); }
BENCHMARK(BM_PlainDecodeInt64);
BENCHMARK(BM_PlainEncodeInt64);
BENCHMARK(BM_PlainDecodeDouble);
BENCHMARK(BM_PlainEncodeDouble);
BENCHMARK(BM_PlainDecodeByteArray);
BENCHMARK(BM_PlainEncodeByteArray);

// ---- RLE / bit-packed hybrid ----

void BM_RleDecodeLevels(benchmark::State& state) {
  ByteWriter w;
  EncodeRleBitPacked(Levels().data(), kValues, 1, true, w);
  for (auto _ : state) {
    util::PoolVector<uint8_t> defined;
    size_t consumed = 0;
    if (!DecodeDefinedFlags(w.bytes(), Encoding::RLE, 1, kValues, true, &defined, &consumed).ok()) {
      state.SkipWithError("decode");
    }
    benchmark::DoNotOptimize(defined);
  }
  Finish(state, w.size());
}
BENCHMARK(BM_RleDecodeLevels);

void BM_RleEncodeLevels(benchmark::State& state) {
  size_t size = 0;
  for (auto _ : state) {
    ByteWriter w;
    EncodeRleBitPacked(Levels().data(), kValues, 1, true, w);
    size = w.size();
    benchmark::DoNotOptimize(w);
  }
  Finish(state, size);
}
BENCHMARK(BM_RleEncodeLevels);

void BM_RleDecodeDictIndices(benchmark::State& state) {
  ByteWriter w;
  EncodeDictionaryIndices(Indices().data(), kValues, 10, w);
  std::vector<uint32_t> out(kValues);
  for (auto _ : state) {
    if (!DecodeDictionaryIndexStream(w.bytes(), kValues, out.data()).ok()) {
      state.SkipWithError("decode");
    }
    benchmark::DoNotOptimize(out.data());
  }
  Finish(state, w.size());
}
BENCHMARK(BM_RleDecodeDictIndices);

void BM_RleEncodeDictIndices(benchmark::State& state) {
  size_t size = 0;
  for (auto _ : state) {
    ByteWriter w;
    EncodeDictionaryIndices(Indices().data(), kValues, 10, w);
    size = w.size();
    benchmark::DoNotOptimize(w);
  }
  Finish(state, size);
}
BENCHMARK(BM_RleEncodeDictIndices);

// ---- Dictionary ----

void DictionaryGather(benchmark::State& state, const ColumnVector& v) {
  DictionaryEncoder enc(v.type, 0);
  std::vector<uint32_t> idx;
  if (!enc.Put(v, 0, kValues, &idx).ok()) std::abort();
  ByteWriter dp, ip;
  enc.EncodeDictionaryPage(dp);
  enc.EncodeIndices(idx.data(), idx.size(), ip);
  ColumnVector dict;
  if (!DecodeDictionaryPage(dp.bytes(), v.type, 0, enc.size(), &dict).ok()) std::abort();
  for (auto _ : state) {
    ColumnVector out;
    out.type = v.type;
    if (!DecodeDictionaryIndices(ip.bytes(), kValues, dict, &out).ok()) {
      state.SkipWithError("decode");
    }
    benchmark::DoNotOptimize(out);
  }
  state.counters["dict_entries"] = static_cast<double>(enc.size());
  Finish(state, ip.size());
}

void DictionaryPut(benchmark::State& state, const ColumnVector& v) {
  size_t entries = 0;
  for (auto _ : state) {
    DictionaryEncoder enc(v.type, 0);
    std::vector<uint32_t> idx;
    if (!enc.Put(v, 0, kValues, &idx).ok()) state.SkipWithError("put");
    entries = enc.size();
    benchmark::DoNotOptimize(idx);
  }
  state.counters["dict_entries"] = static_cast<double>(entries);
  Finish(state, PlainEncodedSize(v, 0, kValues));
}

void BM_DictionaryGatherDouble(benchmark::State& s) { DictionaryGather(s, Readings()); }
void BM_DictionaryGatherByteArray(benchmark::State& s) { DictionaryGather(s, Strings()); }
void BM_DictionaryPutDouble(benchmark::State& s) { DictionaryPut(s, Readings()); }
void BM_DictionaryPutByteArray(benchmark::State& s) { DictionaryPut(s, Strings()); }
BENCHMARK(BM_DictionaryGatherDouble);
BENCHMARK(BM_DictionaryGatherByteArray);
BENCHMARK(BM_DictionaryPutDouble);
BENCHMARK(BM_DictionaryPutByteArray);

// ---- DELTA_BINARY_PACKED ----

void BM_DeltaDecodeTimestamps(benchmark::State& state) {
  const Bytes page = EncodeWith(EncodeDeltaBinaryPacked, Timestamps());
  std::vector<int64_t> out(kValues);
  for (auto _ : state) {
    if (!DecodeDeltaBinaryPacked(page, kValues, out.data()).ok()) state.SkipWithError("decode");
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes_per_value"] = static_cast<double>(page.size()) / kValues;
  Finish(state, page.size());
}
BENCHMARK(BM_DeltaDecodeTimestamps);

void BM_DeltaEncodeTimestamps(benchmark::State& state) {
  size_t size = 0;
  for (auto _ : state) {
    ByteWriter w;
    EncodeDeltaBinaryPacked(Timestamps().i64.data(), kValues, w);
    size = w.size();
    benchmark::DoNotOptimize(w);
  }
  Finish(state, size);
}
BENCHMARK(BM_DeltaEncodeTimestamps);

void BM_DeltaByteArrayDecode(benchmark::State& state) {
  const Bytes page = EncodeWith(EncodeDeltaByteArray, Strings());
  for (auto _ : state) {
    ColumnVector out;
    if (!DecodeDeltaByteArray(page, Type::BYTE_ARRAY, 0, kValues, &out).ok()) {
      state.SkipWithError("decode");
    }
    benchmark::DoNotOptimize(out);
  }
  Finish(state, page.size());
}
BENCHMARK(BM_DeltaByteArrayDecode);

// ---- BYTE_STREAM_SPLIT ----

void BM_ByteStreamSplitDecodeDouble(benchmark::State& state) {
  const Bytes page = EncodeWith(EncodeByteStreamSplit, Readings());
  for (auto _ : state) {
    ColumnVector out;
    if (!DecodeByteStreamSplit(page, Type::DOUBLE, 0, kValues, &out).ok()) {
      state.SkipWithError("decode");
    }
    benchmark::DoNotOptimize(out);
  }
  Finish(state, page.size());
}
BENCHMARK(BM_ByteStreamSplitDecodeDouble);

void BM_ByteStreamSplitEncodeDouble(benchmark::State& state) {
  size_t size = 0;
  for (auto _ : state) {
    ByteWriter w;
    if (!EncodeByteStreamSplit(Readings(), 0, kValues, w).ok()) state.SkipWithError("encode");
    size = w.size();
    benchmark::DoNotOptimize(w);
  }
  Finish(state, size);
}
BENCHMARK(BM_ByteStreamSplitEncodeDouble);

}  // namespace
}  // namespace budget_audit::parquet
