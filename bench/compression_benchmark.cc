// Throughput of the page codecs and checksums on a page-like 1 MiB buffer.
//
// The buffer imitates what a column chunk of the audit log holds: PLAIN
// doubles (energy readings quantised to 0.01 and often repeated), PLAIN
// int64 timestamps one minute apart, and bit-packed dictionary indices of
// a skewed 16-entry dictionary. Compression ratio is reported as the
// "ratio" counter (uncompressed / compressed). Bytes/s is uncompressed
// bytes for both directions.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstring>
#include <random>

#include "parquet/compression.h"
#include "util/crc32.h"
#include "util/sha256.h"

namespace budget_audit {
namespace {

using parquet::Codec;

constexpr size_t kPageSize = 1 << 20;

const Bytes& PageBuffer() {
  static const Bytes page = [] {
    std::mt19937_64 rng(20240601);
    Bytes b;
    b.reserve(kPageSize);
    auto put = [&b](const void* p, size_t n) {
      const auto* c = static_cast<const uint8_t*>(p);
      b.insert(b.end(), c, c + n);
    };
    // 512 KiB of doubles: a diurnal curve plus noise, rounded to 0.01 kWh,
    // held for a few slots at a time.
    double v = 0;
    for (size_t i = 0; b.size() < kPageSize / 2; ++i) {
      if (rng() % 3 == 0) {
        double sun = std::max(0.0, std::sin(static_cast<double>(i % 1440) / 1440.0 * 3.14159));
        v = std::round((sun * 250.0 + static_cast<double>(rng() % 500) / 100.0) * 100.0) / 100.0;
      }
      put(&v, 8);
    }
    // 256 KiB of timestamps (ms), one minute apart with occasional jitter.
    int64_t t = 1'717'200'000'000;
    while (b.size() < kPageSize * 3 / 4) {
      t += 60'000 + (rng() % 16 == 0 ? static_cast<int64_t>(rng() % 1000) : 0);
      put(&t, 8);
    }
    // 256 KiB of 4-bit dictionary indices, mostly small values.
    while (b.size() < kPageSize) {
      auto idx = [&rng] {
        uint64_t r = rng() % 100;
        return static_cast<uint8_t>(r < 60 ? 0 : r < 85 ? 1 : r < 95 ? 2 : r % 16);
      };
      b.push_back(static_cast<uint8_t>(idx() | (idx() << 4)));
    }
    return b;
  }();
  return page;
}

void BM_Compress(benchmark::State& state) {
  const auto codec = static_cast<Codec>(state.range(0));
  const int level = static_cast<int>(state.range(1));
  const Bytes& page = PageBuffer();
  Bytes out;
  out.reserve(2 * kPageSize);
  for (auto _ : state) {
    out.clear();
    if (!parquet::CompressInto(codec, page, &out, level).ok()) {
      state.SkipWithError("compress failed");
      return;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.size()));
  state.counters["ratio"] = static_cast<double>(page.size()) / static_cast<double>(out.size());
}

void BM_Decompress(benchmark::State& state) {
  const auto codec = static_cast<Codec>(state.range(0));
  const int level = static_cast<int>(state.range(1));
  const Bytes& page = PageBuffer();
  auto compressed = parquet::Compress(codec, page, level);
  if (!compressed.ok()) {
    state.SkipWithError("compress failed");
    return;
  }
  Bytes out(page.size());
  for (auto _ : state) {
    if (!parquet::DecompressTo(codec, *compressed, out).ok()) {
      state.SkipWithError("decompress failed");
      return;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.size()));
  state.counters["ratio"] = static_cast<double>(page.size()) / static_cast<double>(compressed->size());
}

void CodecArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"codec", "level"});
  b->Args({static_cast<int>(Codec::UNCOMPRESSED), 0});
  b->Args({static_cast<int>(Codec::SNAPPY), 0});
  b->Args({static_cast<int>(Codec::LZ4_RAW), 0});
  b->Args({static_cast<int>(Codec::LZ4), 0});
  b->Args({static_cast<int>(Codec::ZSTD), 1});
  b->Args({static_cast<int>(Codec::ZSTD), 3});
  b->Args({static_cast<int>(Codec::GZIP), 1});
  b->Args({static_cast<int>(Codec::GZIP), 6});
  b->Args({static_cast<int>(Codec::GZIP), 9});
  b->Args({static_cast<int>(Codec::BROTLI), 1});
  b->Args({static_cast<int>(Codec::BROTLI), 5});
  b->Args({static_cast<int>(Codec::BROTLI), 8});
}

BENCHMARK(BM_Compress)->Apply(CodecArgs);
BENCHMARK(BM_Decompress)->Apply(CodecArgs);

void BM_Crc32(benchmark::State& state) {
  const Bytes& page = PageBuffer();
  for (auto _ : state) benchmark::DoNotOptimize(Crc32(page));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.size()));
}
BENCHMARK(BM_Crc32);

void BM_Crc32c(benchmark::State& state) {
  const Bytes& page = PageBuffer();
  for (auto _ : state) benchmark::DoNotOptimize(Crc32c(page));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.size()));
}
BENCHMARK(BM_Crc32c);

void BM_Crc32cPortable(benchmark::State& state) {
  const Bytes& page = PageBuffer();
  for (auto _ : state) {
    benchmark::DoNotOptimize(crc32c_internal::ExtendPortable(0, page.data(), page.size()));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.size()));
}
BENCHMARK(BM_Crc32cPortable);

// Journal-record-sized inputs, where per-call overhead matters.
void BM_Crc32cSmall(benchmark::State& state) {
  const ByteSpan rec = ByteSpan(PageBuffer()).first(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Crc32c(rec));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * rec.size()));
}
BENCHMARK(BM_Crc32cSmall)->Arg(64)->Arg(256)->Arg(4096);

void BM_Sha256(benchmark::State& state) {
  const Bytes& page = PageBuffer();
  for (auto _ : state) benchmark::DoNotOptimize(Sha256(page));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.size()));
}
BENCHMARK(BM_Sha256);

}  // namespace
}  // namespace budget_audit
