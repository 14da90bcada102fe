// The reports inside one process, warm: what `report` and `daily` cost
// without the process around them (exec, dynamic loading, configuration),
// to set beside DuckDB's in-process query times (scripts/bench.sh runs these
// over the log it imported; docs: bench/RESULTS.md §3).
//
//   BM_ReportInProcess   LogSnapshot::Open + WeeklyReport over $BA_BENCH_LOG
//   BM_DailyInProcess    LogSnapshot::Open + DailySummary($BA_BENCH_DATE,
//                        default 2021-12-31) over $BA_BENCH_LOG
//
// Each iteration opens the snapshot afresh (manifest and journal read and
// parsed), as the command does; the files stay in the page cache. Without
// BA_BENCH_LOG both are skipped.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "budget_audit/log_reader.h"
#include "budget_audit/report.h"

namespace budget_audit {
namespace {

const char* BenchLog() { return std::getenv("BA_BENCH_LOG"); }

std::string BenchDate() {
  const char* d = std::getenv("BA_BENCH_DATE");
  return d && *d ? d : "2021-12-31";
}

template <typename Fn>
void RunOverLog(benchmark::State& state, Fn report) {
  const char* dir = BenchLog();
  if (!dir || !*dir) {
    state.SkipWithError("set BA_BENCH_LOG to a log directory");
    return;
  }
  for (auto _ : state) {
    auto snap = LogSnapshot::Open(dir);
    if (!snap.ok()) {
      state.SkipWithError(snap.status().ToString().c_str());
      return;
    }
    auto v = report(**snap);
    if (!v.ok()) {
      state.SkipWithError(v.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(*v);
  }
}

void BM_ReportInProcess(benchmark::State& state) {
  ReportSettings plant;
  plant.capacity_kw = 1000;
  RunOverLog(state, [&](const LogSnapshot& s) { return ComputeWeeklyReport(s, plant); });
}
BENCHMARK(BM_ReportInProcess)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DailyInProcess(benchmark::State& state) {
  const std::string date = BenchDate();
  RunOverLog(state, [&](const LogSnapshot& s) { return ComputeDailySummary(s, date); });
}
BENCHMARK(BM_DailyInProcess)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace budget_audit
