// Whole-file Parquet throughput: writing and reading an audit-log-shaped
// table (the 12 audit columns) through FileWriter / FileReader, per codec
// and data page version, in memory (MemEnv) so the disk is not measured.
#include <benchmark/benchmark.h>

#include <random>

#include "log/sealed_reader.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"

namespace budget_audit {
namespace {

std::vector<log::SeqRecord> MakeRows(size_t n) {
  std::mt19937 rng(7);
  std::vector<log::SeqRecord> rows(n);
  const char* stages[] = {"budbreak", "flowering", "fruit_set", "veraison"};
  for (size_t i = 0; i < n; ++i) {
    SlotRecord& r = rows[i].record;
    rows[i].seq = i + 1;
    r.timestamp_us = 1780099200000000 + static_cast<int64_t>(i) * 60000000;
    r.date = "2026-05-" + std::to_string(1 + (i / 1440) % 28);
    r.slot_index = static_cast<int64_t>(i % 96);
    bool day = (i % 1440) > 360 && (i % 1440) < 1200;
    r.planned_offset_deg = day ? static_cast<double>(rng() % 200) / 10.0 : 0.0;
    r.actual_offset_deg = r.planned_offset_deg + static_cast<double>(rng() % 11) / 100.0;
    r.energy_cost_kwh = day ? static_cast<double>(rng() % 5000) / 1000.0 : 0.0;
    r.budget_spent_kwh = static_cast<double>(i) * 0.5;
    r.budget_remaining_kwh = 50000.0 - r.budget_spent_kwh;
    r.gate_passed = day && rng() % 3 == 0;
    r.source = rng() % 4 == 0 ? "fallback" : "plan";
    r.stage_id = stages[(i / 100000) % 4];
  }
  return rows;
}

constexpr size_t kRows = 100000;

parquet::WriterOptions Options(int codec, bool v2) {
  parquet::WriterOptions o;
  o.codec = static_cast<parquet::Codec>(codec);
  o.data_page_v2 = v2;
  o.delta_columns = {"timestamp", "seq"};
  return o;
}

void BM_WriteAuditFile(benchmark::State& state) {
  auto rows = MakeRows(kRows);
  auto cols = log::AuditColumns(rows);
  auto env = NewMemEnv();
  (void)env->CreateDir("/b");
  uint64_t size = 0;
  for (auto _ : state) {
    auto w = parquet::FileWriter::Open(env.get(), "/b/x.parquet", log::AuditColumnSpecs(),
                                       Options(static_cast<int>(state.range(0)), state.range(1)));
    if (!w.ok() || !(*w)->WriteRowGroup(cols).ok()) state.SkipWithError("write failed");
    size = *(*w)->Close();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
  state.counters["bytes_per_row"] = static_cast<double>(size) / kRows;
}

void BM_ReadAuditFile(benchmark::State& state) {
  auto rows = MakeRows(kRows);
  auto env = NewMemEnv();
  (void)env->CreateDir("/b");
  {
    auto w = parquet::FileWriter::Open(env.get(), "/b/x.parquet", log::AuditColumnSpecs(),
                                       Options(static_cast<int>(state.range(0)), state.range(1)));
    (void)(*w)->WriteRowGroup(log::AuditColumns(rows));
    (void)(*w)->Close();
  }
  parquet::ReadOptions ro;
  ro.decode_threads = static_cast<size_t>(state.range(2));  // 1: serial; 2: a group's chunks on two threads
  for (auto _ : state) {
    auto r = parquet::FileReader::Open(env.get(), "/b/x.parquet", ro);
    if (!r.ok()) state.SkipWithError("open failed");
    std::vector<size_t> all(12);
    for (size_t i = 0; i < 12; ++i) all[i] = i;
    for (int g = 0; g < (*r)->num_row_groups(); ++g) {
      auto data = (*r)->ReadRowGroup(g, all);
      benchmark::DoNotOptimize(data);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}

// Codecs: 0 none, 1 snappy, 2 gzip, 6 zstd, 7 lz4_raw; data page v1 / v2.
#define CODEC_ARGS ->ArgsProduct({{0, 1, 2, 6, 7}, {0, 1}})->Unit(benchmark::kMillisecond)
BENCHMARK(BM_WriteAuditFile) CODEC_ARGS;
BENCHMARK(BM_ReadAuditFile)
    ->ArgsProduct({{0, 1, 2, 6, 7}, {0, 1}, {1, 2}})
    ->ArgNames({"codec", "v2", "threads"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace budget_audit
