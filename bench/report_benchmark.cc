// The reports inside one process, warm: what `report` and `daily` cost
// without the process around them (exec, dynamic loading, configuration),
// to set beside DuckDB's in-process query times (scripts/bench.sh runs these
// over the log it imported; docs: bench/RESULTS.md §3).
//
//   BM_ReportInProcess   LogSnapshot::Open + WeeklyReport over $BA_BENCH_LOG
//   BM_DailyInProcess    LogSnapshot::Open + DailySummary($BA_BENCH_DATE,
//                        default 2021-12-31) over $BA_BENCH_LOG
//   BM_ComplianceInProcess
//                        LogSnapshot::Open + ComputeCompliance over
//                        $BA_BENCH_LOG for the plant of the TOML config file
//                        $BA_BENCH_CONFIG (loaded once, as `--config FILE`
//                        with no BUDGET_AUDIT_* variables), the budget year
//                        $BA_BENCH_YEAR through $BA_BENCH_AS_OF (default:
//                        $BA_BENCH_DATE and its year), as `compliance --year
//                        Y --as-of D` does before it renders
//
// Each iteration opens the snapshot afresh (manifest and journal read and
// parsed), as the command does; the files stay in the page cache. Without
// BA_BENCH_LOG (or, for compliance, BA_BENCH_CONFIG) they are skipped.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "budget_audit/compliance.h"
#include "budget_audit/config.h"
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

void BM_ComplianceInProcess(benchmark::State& state) {
  const char* config_file = std::getenv("BA_BENCH_CONFIG");
  if (!config_file || !*config_file) {
    state.SkipWithError("set BA_BENCH_CONFIG to the plant's TOML config file");
    return;
  }
  ConfigOptions config_options;
  config_options.values.config_file = config_file;
  config_options.getenv = nullptr;  // no BUDGET_AUDIT_* variables, as run.mjs runs the command
  auto config = LoadConfig(config_options);
  if (!config.ok()) {
    state.SkipWithError(config.status().ToString().c_str());
    return;
  }
  const CompliancePlant plant = CompliancePlantFromConfig(*config);
  ComplianceOptions options;
  const char* as_of = std::getenv("BA_BENCH_AS_OF");
  options.as_of = as_of && *as_of ? std::string(as_of) : BenchDate();
  const char* year = std::getenv("BA_BENCH_YEAR");
  options.year = year && *year ? std::atoi(year) : std::atoi(options.as_of->substr(0, 4).c_str());
  RunOverLog(state, [&](const LogSnapshot& s) { return ComputeCompliance(s, plant, options); });
  state.SetLabel(plant.timezone + ", " + std::to_string(*options.year) + " through " + *options.as_of);
}
BENCHMARK(BM_ComplianceInProcess)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace budget_audit
