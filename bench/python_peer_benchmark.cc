// The C++ side of bench/python_bench.py's "log_slot vs AuditLog::Append"
// figure: AuditLog::Append of the same ticks the Python package's
// BudgetAuditLog.log_slot() logs, in blocks that alternate with the Python
// process's blocks, so both see the same disk (this disk's fdatasync latency
// drifts between regimes within minutes; separately timed runs compare
// regimes).
//
//   BM_PythonPeerServer   registered only when $BA_PY_PEER_FDS is set
//                         ("IN,OUT": file descriptors the driving process
//                         passed down); a plain ba_bench run does not list it
//
// A line protocol on those descriptors, one reply line per command:
//   open DIR always|none   AuditLog::Open(DIR) with that SyncMode (the
//                          package's writer's other options: daily seals in
//                          the background, the UTC date as the clock)
//                          -> "ok LAST_SEQ" | "error MESSAGE"
//   append FIRST COUNT     Append of PeerTick(FIRST .. FIRST+COUNT-1), each
//                          timed alone (steady_clock, the records built
//                          before the clock starts)
//                          -> "ok CPU_US US US ..." | "error MESSAGE"
//                          (CPU_US: this thread's CPU time over the
//                          appends, user + system)
//   close                  Close() -> "ok" | "error MESSAGE"
//   quit (or end of input) ends the benchmark
//
// PeerTick(m) is the tick of minute m since the epoch; bench/python_bench.py
// has the same formula (peer_tick / tick_columns) in integer arithmetic and
// correctly rounded divisions only, so both sides produce bit-identical
// records (the driver checks: it loads both logs and compares them).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "budget_audit/audit_log.h"
#include "util/civil_time.h"

namespace budget_audit {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kMinutesPerDay = 1440;
constexpr int64_t kMinuteUs = 60'000'000;

SlotRecord PeerTick(int64_t m) {
  SlotRecord r;
  r.timestamp_us = m * kMinuteUs;
  const int64_t day = FloorDiv(m, kMinutesPerDay);
  const int64_t mod = m - day * kMinutesPerDay;
  r.date = FormatDate(day);
  r.slot_index = mod / 15;
  const int64_t h = static_cast<int64_t>((static_cast<uint64_t>(m) * 2654435761u) % 1000);
  const bool daylight = mod >= 360 && mod < 1200;
  const int64_t tri = daylight ? std::min(mod - 360, 1200 - mod) : 0;  // 0..420, the sun
  if (daylight) {
    const int64_t tenths = 50 + tri * h / 2100;
    r.planned_offset_deg = static_cast<double>(tenths) / 10.0;
    r.actual_offset_deg = r.planned_offset_deg + static_cast<double>(h - 500) / 5000.0;
    r.energy_cost_kwh = static_cast<double>(tri * h / 105) / 10000.0;
  }
  const int64_t minute_of_year = FloorMod(m, 365 * kMinutesPerDay);
  r.budget_spent_kwh = static_cast<double>(minute_of_year) * 0.0137;
  r.budget_remaining_kwh = 25000.0 - r.budget_spent_kwh;
  r.gate_passed = daylight && m % 3 != 0;
  r.source = !daylight ? "night" : m % 53 == 0 ? "fallback" : m % 211 == 0 ? "manual" : "optimizer";
  const int month = std::atoi(r.date.substr(5, 2).c_str());
  r.stage_id = month == 3 || month == 4    ? "budbreak"
               : month == 5 || month == 6  ? "flowering"
               : month == 7 || month == 8  ? "veraison"
               : month == 9 || month == 10 ? "harvest"
                                           : "dormant";
  return r;
}

double ThreadCpuMicros() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

void BM_PythonPeerServer(benchmark::State& state) {
  int in_fd = -1, out_fd = -1;
  if (std::sscanf(std::getenv("BA_PY_PEER_FDS"), "%d,%d", &in_fd, &out_fd) != 2) {
    state.SkipWithError("BA_PY_PEER_FDS: expected IN,OUT");
    return;
  }
  FILE* in = ::fdopen(in_fd, "r");
  FILE* out = ::fdopen(out_fd, "w");
  if (!in || !out) {
    state.SkipWithError("fdopen failed");
    return;
  }
  int64_t appends = 0;
  for (auto _ : state) {
    std::unique_ptr<AuditLog> log;
    std::string line;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, in)) {
      line = buf;
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      std::istringstream cmd(line);
      std::string verb;
      cmd >> verb;
      std::string reply;
      if (verb == "quit") {
        break;
      } else if (verb == "open") {
        std::string dir, sync;
        cmd >> dir >> sync;
        AuditLogOptions o;
        o.sync = sync == "none" ? SyncMode::kNone : SyncMode::kAlways;
        o.holder_info = "ba_bench BM_PythonPeerServer";
        log.reset();
        auto opened = AuditLog::Open(dir, o);
        if (opened.ok()) {
          log = std::move(*opened);
          reply = "ok " + std::to_string(log->last_seq());
        } else {
          reply = "error " + OneLine(opened.status().ToString());
        }
      } else if (verb == "append") {
        int64_t first = 0, count = 0;
        cmd >> first >> count;
        if (!log) {
          reply = "error no log open";
        } else {
          std::vector<SlotRecord> ticks;
          ticks.reserve(static_cast<size_t>(count));
          for (int64_t i = 0; i < count; ++i) ticks.push_back(PeerTick(first + i));
          std::vector<double> us;
          us.reserve(ticks.size());
          std::string error;
          const double cpu0 = ThreadCpuMicros();
          for (const SlotRecord& r : ticks) {
            const auto t0 = Clock::now();
            auto res = log->Append(r);
            us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
            if (!res.ok()) {
              error = res.status().ToString();
              break;
            }
            if (res->duplicate) {
              error = "a duplicate: the tick was logged already";
              break;
            }
            ++appends;
          }
          const double cpu = ThreadCpuMicros() - cpu0;
          if (!error.empty()) {
            reply = "error " + OneLine(error);
          } else {
            std::ostringstream o;
            o.precision(4);
            o << std::fixed << "ok " << cpu;
            for (double x : us) o << ' ' << x;
            reply = o.str();
          }
        }
      } else if (verb == "close") {
        Status s = log ? log->Close() : Status::OK();
        log.reset();
        reply = s.ok() ? "ok" : "error " + OneLine(s.ToString());
      } else {
        reply = "error unknown command: " + OneLine(line);
      }
      std::fputs(reply.c_str(), out);
      std::fputc('\n', out);
      std::fflush(out);
    }
    if (log) (void)log->Close();
  }
  std::fclose(in);
  std::fclose(out);
  state.counters["appends"] = static_cast<double>(appends);
}

// Only when a driver passed its descriptors: otherwise the benchmark would
// wait for commands nobody sends.
const bool kRegistered = [] {
  const char* fds = std::getenv("BA_PY_PEER_FDS");
  if (fds && *fds) {
    benchmark::RegisterBenchmark("BM_PythonPeerServer", BM_PythonPeerServer)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kSecond);
  }
  return true;
}();

}  // namespace
}  // namespace budget_audit
