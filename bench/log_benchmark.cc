// The audit log's write path on the real disk (AuditLog over the POSIX Env).
//
//   BM_BareWriteFdatasync      the floor: write() of one journal frame's bytes
//                              to an O_APPEND file, then fdatasync()
//   BM_DurableAppend/<n>       AuditLog::Append with SyncMode::kAlways of
//                              one-minute ticks, into a log already holding n
//                              records (0, 100,000 or 1,000,000)
//   BM_DurableInterleaved/<n>  appends into an empty log and into one of n
//                              records and bare write+fdatasyncs, side by
//                              side in one loop, so their ratios compare the
//                              same disk (see below; scripts/bench.sh uses it)
//   BM_DurableMonth/<bg>       a month of one-minute ticks (31 x 1440 + 1;
//                              $BA_BENCH_MONTH_DAYS days) appended durably
//                              into an empty log beside bare
//                              write+fdatasyncs, the seal on the log's thread
//                              (background:1) or inside the append
//                              (background:0): the first tick of each day and
//                              the tick after its seal against all ticks, and
//                              the tail (p99.9, max) against the bare syncs'
//   BM_BatchIngest/<mode>      Append with SyncMode::kBatch (Sync() every 1000
//                              records) or kNone; items/s = records/s, the
//                              appends that ask for seals included
//                              ("unsealed_rec_per_s" without them,
//                              "sealed_rec_per_s" until the last seal, run
//                              on the log's thread, is done)
//
// Ticks are one minute apart and each record is a pure function of its
// minute, so every run appends the same records. A day change makes the log
// seal the previous day into its month file (the whole month file is
// rewritten), so a real tick stream seals once per 1440 appends. The timed
// loops keep that cost in and run whole days: the durable loops start at
// 2028-01-01T00:00Z and append one day + 1 tick (the last tick seals the
// day), i.e. one seal per 1440 appends, the real rate; the ingest loops run
// a whole month plus one tick (31 seals, the month file growing from 1 to 31
// days). "seals" counts the appends that began a day, "seal_ms" is their
// mean latency (the seal runs on the log's thread, so theirs is the cost of
// asking for it; the seal's own work falls on whatever runs beside it:
// BM_DurableMonth splits it out), "plain_us" the mean of the other appends;
// p50/p99/max are over all appends. The ingest loops wait for the last seal
// in their time. Latencies are wall-clock (UseRealTime).
//
// The 100,000- and 1,000,000-record logs are each filled once per process
// with SyncMode::kNone through the public API (ticks ending one minute before
// 2028-01-01T00:00Z, so appended ticks come strictly after them), sealed and
// flushed, and kept for the process lifetime; each timed run works on a
// fresh copy of it.
// BM_PrefillAppend/<n> is that fill (registered first, so its burst of
// I/O is over before any latency is timed; its time is the fill's wall
// time, cpu_s its CPU time, seal_* the seals it saw -- 694 for 1,000,000:
// mean, early and late in a month, max). BM_DurableAppend/<n> also fills the
// log if BM_PrefillAppend was filtered out.
//
// BM_DurableAppend reports x_bare (to BM_BareWriteFdatasync) and
// BM_DurableAppend/<n > 0> x_empty (to BM_DurableAppend/0) when those ran
// earlier in the same process: of the means and (_p50) of the medians. On a
// shared or throttled disk the fdatasync latency drifts between runs;
// compare runs that saw the same regime (p50_us), or interleave them:
//   --benchmark_repetitions=3 --benchmark_enable_random_interleaving=true
// (each prefilled log is still filled once). scripts/bench.sh (make bench)
// runs these with repetitions and compares them with the Python version's
// strategy (bench/RESULTS.md).
//
// Files go to a fresh directory under $BA_BENCH_DIR if set, else under the
// current directory (not /tmp, which may be tmpfs where fdatasync costs
// nothing); it is removed at exit. The context line "log_bench_fs" names the
// file system (a warning is added for tmpfs).
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include "budget_audit/audit_log.h"
#include "log/journal.h"
#include "log/record.h"
#include "util/civil_time.h"

namespace budget_audit {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int64_t kMinutesPerDay = 1440;
constexpr int64_t kMinuteUs = 60'000'000;
// The first timed tick of every log benchmark: 2028-01-01T00:00Z (minutes
// since the epoch).
const int64_t kStartMinute = DaysFromCivil(2028, 1, 1) * kMinutesPerDay;
// Durable loops: a whole day and the first tick of the next (which seals
// it), so seals happen at the real rate of one per 1440 appends.
constexpr int64_t kDurableAppends = kMinutesPerDay + 1;
// Ingest loops: all of January and the first tick of February (31 seals).
constexpr int64_t kIngestRecords = 31 * kMinutesPerDay + 1;
constexpr int64_t kBatchSize = 1000;

// ---- records ----

// The tick of minute `m` (since the epoch), shaped like a controller's:
// 15-minute slots, shading offsets and energy costs in daylight only, a
// budget spent cumulatively over the year.
SlotRecord Tick(int64_t m) {
  SlotRecord r;
  r.timestamp_us = m * kMinuteUs;
  const int64_t day = FloorDiv(m, kMinutesPerDay);
  const int64_t minute_of_day = m - day * kMinutesPerDay;
  r.date = FormatDate(day);
  r.slot_index = minute_of_day / 15;
  // A cheap deterministic per-minute variation in [0, 1).
  const double jitter = static_cast<double>((static_cast<uint64_t>(m) * 2654435761u) % 1000) / 1000.0;
  const bool daylight = minute_of_day >= 360 && minute_of_day < 1200;
  const double sun =
      daylight ? std::sin(static_cast<double>(minute_of_day - 360) / 840.0 * std::numbers::pi) : 0.0;
  r.planned_offset_deg = daylight ? std::round((5.0 + 20.0 * sun * jitter) * 10.0) / 10.0 : 0.0;
  r.actual_offset_deg = r.planned_offset_deg + (daylight ? (jitter - 0.5) * 0.2 : 0.0);
  r.energy_cost_kwh = daylight ? std::round(sun * jitter * 4000.0) / 1000.0 : 0.0;
  const int64_t minute_of_year = FloorMod(m, 365 * kMinutesPerDay);
  r.budget_spent_kwh = static_cast<double>(minute_of_year) * 0.0137;
  r.budget_remaining_kwh = 25000.0 - r.budget_spent_kwh;
  r.gate_passed = daylight && m % 3 != 0;
  r.source = "optimizer";
  r.stage_id = "stage-2";
  return r;
}

std::vector<SlotRecord> Ticks(int64_t first_minute, int64_t n) {
  std::vector<SlotRecord> v;
  v.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v.push_back(Tick(first_minute + i));
  return v;
}

// The bytes one journal frame of a representative tick (midday) occupies.
Bytes RepresentativeFrame() {
  const SlotRecord r = Tick(kStartMinute + 12 * 60);
  const uint64_t seq = 1'000'721;
  const log::ChainHash hash = log::ChainNext(log::Genesis(log::LogId{}), r, seq);
  ByteWriter w;
  log::EncodeTickFrame(r, seq, hash, w);
  return w.Release();
}

// The log's clock (AuditLogOptions::local_date) in every benchmark: a date
// after every tick. The ticks lie in 2028; to the real clock they would be
// a controller's clock gone wrong (more than a day ahead), which the log
// never lets start a new day, so no day would ever be sealed.
std::string BenchClockDate(int64_t /*utc_us*/) { return "9999-12-30"; }

// ---- where the files go ----

std::string FsTypeName(int64_t magic) {
  switch (static_cast<uint64_t>(magic)) {
    case 0xEF53: return "ext2/3/4";
    case 0x01021994: return "tmpfs";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x794C7630: return "overlayfs";
    case 0x2FC12FC1: return "zfs";
    case 0x6969: return "nfs";
    case 0x65735546: return "fuse";
    case 0x858458F6: return "ramfs";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "fs magic 0x%llx", static_cast<unsigned long long>(magic));
      return buf;
    }
  }
}

// "<type> (<device> on <mount point>) at <path>", from /proc/self/mounts
// (the longest mount point containing the path) and statfs.
std::string DescribeFileSystem(const std::string& path) {
  std::error_code ec;
  const std::string canon = fs::canonical(path, ec).string();
  if (ec) return "cannot use " + path + ": " + ec.message();
  const std::string& p = canon;
  std::string type, device, mount;
  std::ifstream mounts("/proc/self/mounts");
  std::string dev, mnt, fstype, rest;
  while (mounts >> dev >> mnt >> fstype && std::getline(mounts, rest)) {
    const bool contains =
        p == mnt || mnt == "/" ||
        (p.size() > mnt.size() && p.compare(0, mnt.size(), mnt) == 0 && p[mnt.size()] == '/');
    if (contains && mnt.size() >= mount.size()) {
      type = fstype;
      device = dev;
      mount = mnt;
    }
  }
  struct statfs st {};
  if (type.empty() && ::statfs(p.c_str(), &st) == 0) type = FsTypeName(st.f_type);
  std::string d = (type.empty() ? "unknown" : type) + " (" + device + " on " + mount + ") at " + p;
  if (::statfs(p.c_str(), &st) == 0 &&
      (st.f_type == 0x01021994 || st.f_type == static_cast<decltype(st.f_type)>(0x858458F6))) {
    d += " -- WARNING: memory file system, fdatasync is free; set BA_BENCH_DIR to a disk";
  }
  return d;
}

std::string BenchParent() {
  const char* env = std::getenv("BA_BENCH_DIR");
  if (env && *env) return env;
  std::error_code ec;
  return fs::current_path(ec).string();
}

const bool kContextAdded = [] {
  benchmark::AddCustomContext("log_bench_fs", DescribeFileSystem(BenchParent()));
  return true;
}();

// One fresh directory for the process (made on first use, removed at exit),
// with a fresh subdirectory per use.
class BenchDirs {
 public:
  static BenchDirs& Get() {
    static BenchDirs dirs;
    return dirs;
  }
  ~BenchDirs() {
    if (root_.empty()) return;
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  // The process's directory; empty if it cannot be made.
  const std::string& root() const { return root_; }
  // Empty if the directory cannot be made.
  std::string Fresh(const std::string& name) {
    if (root_.empty()) return "";
    std::string d = root_ + "/" + name + "." + std::to_string(++counter_);
    std::error_code ec;
    fs::create_directories(d, ec);
    return ec ? "" : d;
  }

 private:
  BenchDirs() {
    std::string templ = BenchParent() + "/ba_log_bench.XXXXXX";
    if (::mkdtemp(templ.data()) != nullptr) root_ = templ;
  }
  std::string root_;
  int counter_ = 0;
};

// Flushes everything dirty on the file system holding `dir`, so write-back
// left over from setup does not land in a timed loop.
void SyncFileSystem(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::syncfs(fd);
  ::close(fd);
}

// ---- measurements ----

// Per-call latencies, split into calls that sealed and the others.
class Latencies {
 public:
  explicit Latencies(size_t n) { plain_.reserve(n); }
  void Add(double us, bool sealed) { (sealed ? sealed_ : plain_).push_back(us); }

  // Sets the latency counters; returns the median (µs).
  double Report(benchmark::State& state, bool with_seals = true) {
    std::vector<double> all = plain_;
    all.insert(all.end(), sealed_.begin(), sealed_.end());
    if (all.empty()) return 0.0;
    std::sort(all.begin(), all.end());
    auto pct = [&all](double q) {
      const auto k = static_cast<size_t>(q * static_cast<double>(all.size()));
      return all[std::min(all.size() - 1, k)];
    };
    state.counters["p50_us"] = pct(0.50);
    state.counters["p99_us"] = pct(0.99);
    state.counters["max_us"] = all.back();
    if (!with_seals) return pct(0.50);
    state.counters["plain_us"] = Mean(plain_);
    state.counters["seals"] = static_cast<double>(sealed_.size());
    if (!sealed_.empty()) state.counters["seal_ms"] = Mean(sealed_) / 1000.0;
    return pct(0.50);
  }

 private:
  static double Mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / static_cast<double>(v.size());
  }
  std::vector<double> plain_, sealed_;
};

double MicrosSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

double ThreadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Latencies of earlier benchmarks in this process, for the ratio counters.
struct Summary {
  double mean_us = 0;
  double p50_us = 0;
};
std::map<std::string, Summary>& Summaries() {
  static std::map<std::string, Summary> m;
  return m;
}

// x_<name> = mean / the other's mean; x_<name>_p50 = median / the other's
// median (steadier on a shared disk, whose outliers move the mean).
void SetRatios(benchmark::State& state, const Summary& mine, const std::string& other,
               const std::string& name) {
  auto it = Summaries().find(other);
  if (it == Summaries().end() || it->second.mean_us <= 0 || it->second.p50_us <= 0) return;
  state.counters["x_" + name] = mine.mean_us / it->second.mean_us;
  state.counters["x_" + name + "_p50"] = mine.p50_us / it->second.p50_us;
}

// ---- the 1,000,000-record log ----

struct Prefilled {
  std::string dir;  // empty: the fill failed (error says why)
  std::string error;
  double fill_seconds = 0;         // Open + every Append + final Seal + flush
  double fill_cpu_seconds = 0;     // CPU time of the same (this thread)
  double seal_seconds = 0;         // appends that sealed
  double rows_rewritten = 0;       // rows written into month files by all seals
  std::vector<double> seal_ms;     // per seal
  std::vector<unsigned> seal_day;  // day of month of the sealed day
};

Prefilled FillLog(int64_t records) {
  Prefilled p;
  p.dir = BenchDirs::Get().Fresh("prefilled_" + std::to_string(records));
  if (p.dir.empty()) {
    p.error = "cannot make the benchmark directory";
    return p;
  }
  const int64_t first = kStartMinute - records;
  const auto start = Clock::now();
  const double cpu_start = ThreadCpuSeconds();
  {
    AuditLogOptions o;
    o.sync = SyncMode::kNone;
    o.seal_policy = SealPolicy::kMonthly;  // each month file written once
    o.local_date = BenchClockDate;
    o.background_sealing = false;  // seal_ms: each seal inside its append
    auto log = AuditLog::Open(p.dir, o);
    if (!log.ok()) {
      p.error = "open: " + log.status().ToString();
      p.dir.clear();
      return p;
    }
    std::string prev_date;
    int64_t month_rows = 0;  // records so far in prev_date's month
    for (int64_t m = first; m < kStartMinute; ++m) {
      const SlotRecord r = Tick(m);
      const bool day_change = !prev_date.empty() && r.date != prev_date;
      if (day_change) {
        // The seal rewrites prev_date's month file with every row so far.
        p.rows_rewritten += static_cast<double>(month_rows);
        if (r.date.compare(0, 7, prev_date, 0, 7) != 0) month_rows = 0;
      }
      ++month_rows;
      const auto t0 = Clock::now();
      auto seq = (*log)->Append(r);
      if (!seq.ok()) {
        p.error = "append: " + seq.status().ToString();
        p.dir.clear();
        return p;
      }
      if (day_change) {
        const double us = MicrosSince(t0);
        p.seal_seconds += us / 1e6;
        p.seal_ms.push_back(us / 1000.0);
        auto d = ParseDate(prev_date);
        p.seal_day.push_back(d ? CivilFromDays(*d).day : 0);
      }
      prev_date = r.date;
    }
    // The partial last day too, so a timed run starts from a sealed log
    // (as it would after the day change a real tick stream brings).
    p.rows_rewritten += static_cast<double>(month_rows);
    Status s = (*log)->Seal();
    if (!s.ok() || !(*log)->last_seal_status().ok()) {
      p.error = "seal: " + (s.ok() ? (*log)->last_seal_status() : s).ToString();
      p.dir.clear();
      return p;
    }
    if ((*log)->last_seq() != static_cast<uint64_t>(records)) {
      p.error = "the filled log has the wrong number of records";
      p.dir.clear();
      return p;
    }
  }
  SyncFileSystem(p.dir);
  p.fill_seconds = MicrosSince(start) / 1e6;
  p.fill_cpu_seconds = ThreadCpuSeconds() - cpu_start;
  return p;
}

const Prefilled& PrefilledLog(int64_t records) {
  static std::map<int64_t, Prefilled> cache;
  auto it = cache.find(records);
  if (it == cache.end()) it = cache.emplace(records, FillLog(records)).first;
  return it->second;
}

// A fresh log holding `records` records, the last one minute before
// kStartMinute; empty on failure (error set).
std::string LogWithRecords(int64_t records, std::string* error) {
  if (records == 0) {
    std::string d = BenchDirs::Get().Fresh("empty");
    if (d.empty()) *error = "cannot make the benchmark directory";
    SyncFileSystem(d);
    return d;
  }
  const Prefilled& p = PrefilledLog(records);
  if (p.dir.empty()) {
    *error = p.error;
    return "";
  }
  std::string d = BenchDirs::Get().Fresh("copy_" + std::to_string(records));
  std::error_code ec;
  if (!d.empty()) fs::copy(p.dir, d, fs::copy_options::recursive, ec);
  if (d.empty() || ec) {
    *error = "cannot copy the prefilled log: " + ec.message();
    return "";
  }
  SyncFileSystem(d);
  return d;
}

// A log of `records` records (LogWithRecords) opened for durable appends,
// its directory in *dir; null when that fails, with the benchmark skipped.
std::unique_ptr<AuditLog> OpenDurableLog(benchmark::State& state, int64_t records, std::string* dir) {
  std::string error;
  *dir = LogWithRecords(records, &error);
  if (dir->empty()) {
    state.SkipWithError(error.c_str());
    return nullptr;
  }
  AuditLogOptions o;
  o.sync = SyncMode::kAlways;
  o.local_date = BenchClockDate;
  auto log = AuditLog::Open(*dir, o);
  if (!log.ok()) {
    state.SkipWithError(log.status().ToString().c_str());
    return nullptr;
  }
  if ((*log)->last_seq() != static_cast<uint64_t>(records)) {
    state.SkipWithError("the log does not hold the expected number of records");
    return nullptr;
  }
  return std::move(*log);
}

// The fill of the log BM_DurableAppend/<n> appends to, timed (the first
// call in the process does it; later calls report the same figures).
void BM_PrefillAppend(benchmark::State& state) {
  const Prefilled* p = nullptr;
  for (auto _ : state) {
    p = &PrefilledLog(state.range(0));
    state.SetIterationTime(p->fill_seconds);
  }
  if (!p || p->dir.empty()) {
    state.SkipWithError(p ? p->error.c_str() : "not run");
    return;
  }
  state.SetItemsProcessed(state.range(0));
  state.counters["cpu_s"] = p->fill_cpu_seconds;
  state.counters["seals"] = static_cast<double>(p->seal_ms.size());
  state.counters["rows_rewritten"] = p->rows_rewritten;
  if (p->seal_ms.empty()) return;
  state.counters["seal_s"] = p->seal_seconds;
  // Mean seal cost when the month file holds few days vs. a whole month.
  double early = 0, late = 0, max = 0;
  int n_early = 0, n_late = 0;
  for (size_t i = 0; i < p->seal_ms.size(); ++i) {
    max = std::max(max, p->seal_ms[i]);
    if (p->seal_day[i] <= 3) {
      early += p->seal_ms[i];
      ++n_early;
    }
    if (p->seal_day[i] >= 28) {
      late += p->seal_ms[i];
      ++n_late;
    }
  }
  state.counters["seal_ms"] = p->seal_seconds * 1000.0 / static_cast<double>(p->seal_ms.size());
  if (n_early) state.counters["seal_ms_day1_3"] = early / n_early;
  if (n_late) state.counters["seal_ms_day28_31"] = late / n_late;
  state.counters["seal_ms_max"] = max;
}

BENCHMARK(BM_PrefillAppend)
    ->ArgName("records")
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

// ---- the floor: write + fdatasync ----

void BM_BareWriteFdatasync(benchmark::State& state) {
  const Bytes frame = RepresentativeFrame();
  // Beside the logs' directories, in the same directory.
  const std::string dir = BenchDirs::Get().root();
  if (dir.empty()) {
    state.SkipWithError("cannot make the benchmark directory");
    return;
  }
  static int runs = 0;
  const std::string path = dir + "/bare." + std::to_string(++runs) + ".journal";
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    state.SkipWithError("open failed");
    return;
  }
  SyncFileSystem(dir);
  Latencies lat(static_cast<size_t>(state.max_iterations));
  const auto start = Clock::now();
  for (auto _ : state) {
    const auto t0 = Clock::now();
    if (::write(fd, frame.data(), frame.size()) != static_cast<ssize_t>(frame.size()) ||
        ::fdatasync(fd) != 0) {
      state.SkipWithError("write or fdatasync failed");
      break;
    }
    lat.Add(MicrosSince(t0), false);
  }
  const double secs = MicrosSince(start) / 1e6;
  ::close(fd);
  const double p50 = lat.Report(state, /*with_seals=*/false);
  state.counters["frame_bytes"] = static_cast<double>(frame.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * frame.size()));
  if (state.iterations() > 0) {
    Summaries()["bare"] = {secs * 1e6 / static_cast<double>(state.iterations()), p50};
  }
}
BENCHMARK(BM_BareWriteFdatasync)->Iterations(kDurableAppends)->UseRealTime()->Unit(benchmark::kMicrosecond);

// ---- durable appends ----

void BM_DurableAppend(benchmark::State& state) {
  const int64_t existing = state.range(0);
  std::string dir;
  std::unique_ptr<AuditLog> log = OpenDurableLog(state, existing, &dir);
  if (!log) return;
  const auto ticks = Ticks(kStartMinute, static_cast<int64_t>(state.max_iterations));
  Latencies lat(ticks.size());
  size_t i = 0;
  const auto start = Clock::now();
  for (auto _ : state) {
    const SlotRecord& r = ticks[i];
    const bool day_change = i > 0 && r.date != ticks[i - 1].date;
    const auto t0 = Clock::now();
    auto seq = log->Append(r);
    if (!seq.ok()) {
      state.SkipWithError(seq.status().ToString().c_str());
      break;
    }
    lat.Add(MicrosSince(t0), day_change);
    ++i;
  }
  const double secs = MicrosSince(start) / 1e6;
  if (!log->last_seal_status().ok()) {
    state.SkipWithError(("seal: " + log->last_seal_status().ToString()).c_str());
  }
  if (log->last_seq() != static_cast<uint64_t>(existing) + i) {
    state.SkipWithError("appends were not all new records");
  }
  log.reset();
  const double p50 = lat.Report(state);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  if (state.iterations() == 0) return;
  const Summary mine{secs * 1e6 / static_cast<double>(state.iterations()), p50};
  Summaries()["durable/" + std::to_string(existing)] = mine;
  SetRatios(state, mine, "bare", "bare");
  if (existing > 0) SetRatios(state, mine, "durable/0", "empty");
}
BENCHMARK(BM_DurableAppend)
    ->ArgName("records")
    ->Arg(0)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(kDurableAppends)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// ---- durable appends interleaved with the floor ----

// On a shared disk the fdatasync latency moves between regimes (p50 of
// 0.2 ms and of 4 ms were both seen on the same machine minutes apart), so
// the ratio of two separately timed runs may compare two regimes. This
// loop times three operations side by side: an append into an empty log
// (growing to one day), an append into a log of n records, and a bare
// write+fdatasync of one frame, rotating their order every iteration so
// each sees the same disk and each position equally. Counters: each one's
// mean (seal included) and median in µs (empty_*, full_*, bare_*) and the
// ratios of the means and of the medians (x_full_bare, x_empty_bare,
// x_full_empty; *_p50). Its time per iteration is the three together.
void BM_DurableInterleaved(benchmark::State& state) {
  const int64_t existing = state.range(0);
  std::string empty_dir, full_dir;
  std::unique_ptr<AuditLog> empty_log = OpenDurableLog(state, 0, &empty_dir);
  if (!empty_log) return;
  std::unique_ptr<AuditLog> full_log = OpenDurableLog(state, existing, &full_dir);
  if (!full_log) return;
  const auto ticks = Ticks(kStartMinute, static_cast<int64_t>(state.max_iterations));
  const Bytes frame = RepresentativeFrame();
  const std::string bare_path = empty_dir + "/bare.journal";
  const int fd = ::open(bare_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    state.SkipWithError("open failed");
    return;
  }
  SyncFileSystem(empty_dir);
  enum { kEmpty = 0, kFull = 1, kBare = 2 };
  std::vector<double> lat[3];
  for (auto& v : lat) v.reserve(ticks.size());
  size_t i = 0;
  bool failed = false;
  for (auto _ : state) {
    for (size_t k = 0; k < 3 && !failed; ++k) {
      const size_t which = (i + k) % 3;
      const auto t0 = Clock::now();
      if (which == kBare) {
        if (::write(fd, frame.data(), frame.size()) != static_cast<ssize_t>(frame.size()) ||
            ::fdatasync(fd) != 0) {
          state.SkipWithError("write or fdatasync failed");
          failed = true;
        }
      } else {
        auto seq = (which == kEmpty ? empty_log : full_log)->Append(ticks[i]);
        if (!seq.ok()) {
          state.SkipWithError(seq.status().ToString().c_str());
          failed = true;
        }
      }
      lat[which].push_back(MicrosSince(t0));
    }
    if (failed) break;
    ++i;
  }
  ::close(fd);
  if (failed) return;
  for (AuditLog* l : {empty_log.get(), full_log.get()}) {
    if (!l->last_seal_status().ok()) {
      state.SkipWithError(("seal: " + l->last_seal_status().ToString()).c_str());
    }
  }
  if (full_log->last_seq() != static_cast<uint64_t>(existing) + i || empty_log->last_seq() != i) {
    state.SkipWithError("appends were not all new records");
  }
  empty_log.reset();
  full_log.reset();
  if (i == 0) return;  // lat[*] each hold i latencies
  double mean[3], p50[3];
  const char* names[3] = {"empty", "full", "bare"};
  for (int w = 0; w < 3; ++w) {
    std::vector<double>& v = lat[w];
    double sum = 0;
    for (double x : v) sum += x;
    mean[w] = sum / static_cast<double>(v.size());
    std::sort(v.begin(), v.end());
    p50[w] = v[v.size() / 2];
    const std::string n = names[w];
    state.counters[n + "_us"] = mean[w];
    state.counters[n + "_p50_us"] = p50[w];
    state.counters[n + "_p99_us"] = v[std::min(v.size() - 1, v.size() * 99 / 100)];
    state.counters[n + "_max_us"] = v.back();
  }
  state.counters["x_full_bare"] = mean[kFull] / mean[kBare];
  state.counters["x_empty_bare"] = mean[kEmpty] / mean[kBare];
  state.counters["x_full_empty"] = mean[kFull] / mean[kEmpty];
  state.counters["x_full_bare_p50"] = p50[kFull] / p50[kBare];
  state.counters["x_empty_bare_p50"] = p50[kEmpty] / p50[kBare];
  state.counters["x_full_empty_p50"] = p50[kFull] / p50[kEmpty];
  state.counters["frame_bytes"] = static_cast<double>(frame.size());
}
BENCHMARK(BM_DurableInterleaved)
    ->ArgName("records")
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(kDurableAppends)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// ---- a month of durable ticks: where the seal's cost lands ----

// Days of one-minute ticks BM_DurableMonth appends: $BA_BENCH_MONTH_DAYS
// (make bench's quick mode passes 3), else all of January.
int64_t MonthDays() {
  const char* env = std::getenv("BA_BENCH_MONTH_DAYS");
  const long d = env && *env ? std::strtol(env, nullptr, 10) : 0;
  return d > 0 && d <= 31 ? d : 31;
}
const int64_t kMonthDays = MonthDays();

double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  const auto k = static_cast<size_t>(q * static_cast<double>(sorted.size()));
  return sorted[std::min(sorted.size() - 1, k)];
}

double MeanOf(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

// kMonthDays days of one-minute ticks from 2028-01-01 and the first tick of
// the next day (kMonthDays seals), appended with SyncMode::kAlways into an
// empty log, each beside a bare write+fdatasync of one frame (their order
// alternating), so the append's tail compares with the disk's own in the
// same minutes. background:1 seals on the log's seal thread (the default),
// background:0 inside the append that begins the day (as before).
//
// Every append falls in one class:
//   first   the first tick of a day: the one that asks for (or runs) the seal
//   during  appended while that seal still ran (background only: the loop
//           appends back to back, where real ticks come a minute apart and
//           the seal is long done before the next)
//   after   the first tick appended once the seal was seen done: the one that
//           starts a new journal file (the old one holds only sealed records)
//   plain   the others
// Counters: each class's mean (first_us, during_us, after_us, plain_us) and
// the mean of all appends (all_us); x_first_all and x_after_all, their
// ratios to all_us; during_ticks, the appends per seal that overlapped it;
// seal_ms, from the start of the first tick to the check (before each
// append) that saw sealed_seq() reach the previous day (background: an
// upper bound, to within one append); the percentiles of all appends
// (p50/p99/p999/max_us) and of the bare syncs (bare_*), and x_mean_bare,
// x_p50_bare, x_p99_bare, x_p999_bare, x_max_bare, the appends' figure to
// the bare one's; loop_s, the loop's wall time. BM_DurableMonth/background:1
// adds x_first_before (its first_us to background:0's), when that ran first.
void BM_DurableMonth(benchmark::State& state) {
  const bool background = state.range(0) != 0;
  const std::string dir = BenchDirs::Get().Fresh(background ? "month_bg" : "month_fg");
  if (dir.empty()) {
    state.SkipWithError("cannot make the benchmark directory");
    return;
  }
  AuditLogOptions o;
  o.sync = SyncMode::kAlways;
  o.local_date = BenchClockDate;
  o.background_sealing = background;
  auto opened = AuditLog::Open(dir, o);
  if (!opened.ok()) {
    state.SkipWithError(opened.status().ToString().c_str());
    return;
  }
  std::unique_ptr<AuditLog> log = std::move(*opened);
  const auto ticks = Ticks(kStartMinute, static_cast<int64_t>(state.max_iterations));
  const Bytes frame = RepresentativeFrame();
  const std::string bare_path = dir + "/bare.journal";
  const int fd = ::open(bare_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    state.SkipWithError("open failed");
    return;
  }
  SyncFileSystem(dir);
  std::vector<double> all, bare, first, during, after, plain, seal_ms, during_ticks;
  all.reserve(ticks.size());
  bare.reserve(ticks.size());
  uint64_t pending = 0;  // a seal up to this seq was asked for and not seen done
  Clock::time_point seal_start{};
  int64_t overlapped = 0;
  size_t i = 0;
  bool failed = false;
  const auto loop_start = Clock::now();
  for (auto _ : state) {
    const SlotRecord& r = ticks[i];
    const bool day_change = i > 0 && r.date != ticks[i - 1].date;
    bool after_seal = false;
    if (pending != 0 && log->sealed_seq() >= pending) {
      seal_ms.push_back(MicrosSince(seal_start) / 1000.0);
      during_ticks.push_back(static_cast<double>(overlapped));
      pending = 0;
      after_seal = true;
    }
    for (int k = 0; k < 2 && !failed; ++k) {
      const bool do_bare = (static_cast<int>(i % 2) + k) % 2 == 1;
      const auto t0 = Clock::now();
      if (do_bare) {
        if (::write(fd, frame.data(), frame.size()) != static_cast<ssize_t>(frame.size()) ||
            ::fdatasync(fd) != 0) {
          state.SkipWithError("write or fdatasync failed");
          failed = true;
          break;
        }
        bare.push_back(MicrosSince(t0));
        continue;
      }
      const uint64_t before = log->last_seq();
      auto res = log->Append(r);
      const double us = MicrosSince(t0);
      if (!res.ok() || res->duplicate || !res->seal_status.ok()) {
        state.SkipWithError(!res.ok()        ? res.status().ToString().c_str()
                            : res->duplicate ? "a tick was taken for a duplicate"
                                             : ("seal: " + res->seal_status.ToString()).c_str());
        failed = true;
        break;
      }
      all.push_back(us);
      if (day_change) {
        first.push_back(us);
        if (pending != 0) {
          // The previous seal was not seen done before this day began.
          state.SkipWithError("a seal ran for a whole day of appends");
          failed = true;
          break;
        }
        pending = before;
        seal_start = t0;
        overlapped = 0;
      } else if (after_seal) {
        after.push_back(us);
      } else if (pending != 0) {
        during.push_back(us);
        ++overlapped;
      } else {
        plain.push_back(us);
      }
    }
    if (failed) break;
    ++i;
  }
  const double loop_s = MicrosSince(loop_start) / 1e6;
  ::close(fd);
  if (failed) return;
  // The last tick asked for the seal of every day before it.
  Status s = log->WaitForSeals();
  if (!s.ok()) {
    state.SkipWithError(("seal: " + s.ToString()).c_str());
    return;
  }
  if (pending != 0 && log->sealed_seq() >= pending) {
    seal_ms.push_back(MicrosSince(seal_start) / 1000.0);
    during_ticks.push_back(static_cast<double>(overlapped));
  }
  if (log->last_seq() != i || log->sealed_seq() + 1 != i) {
    state.SkipWithError("the log does not hold the ticks sealed up to the last day");
    return;
  }
  if (Status c = log->Close(); !c.ok()) {
    state.SkipWithError(("close: " + c.ToString()).c_str());
    return;
  }
  log.reset();
  if (all.empty() || bare.empty()) return;
  auto& c = state.counters;
  const double all_us = MeanOf(all), bare_us = MeanOf(bare);
  c["all_us"] = all_us;
  c["first_us"] = MeanOf(first);
  c["during_us"] = MeanOf(during);
  c["after_us"] = MeanOf(after);
  c["plain_us"] = MeanOf(plain);
  c["x_first_all"] = MeanOf(first) / all_us;
  c["x_after_all"] = MeanOf(after) / all_us;
  c["seals"] = static_cast<double>(seal_ms.size());
  c["seal_ms"] = MeanOf(seal_ms);
  c["seal_max_ms"] = seal_ms.empty() ? 0.0 : *std::max_element(seal_ms.begin(), seal_ms.end());
  c["during_ticks"] = MeanOf(during_ticks);
  c["days"] = static_cast<double>(kMonthDays);
  c["loop_s"] = loop_s;
  c["frame_bytes"] = static_cast<double>(frame.size());
  std::sort(all.begin(), all.end());
  std::sort(bare.begin(), bare.end());
  const struct {
    const char* name;
    double q;
  } qs[] = {{"p50", 0.5}, {"p99", 0.99}, {"p999", 0.999}};
  for (const auto& q : qs) {
    const double a = Percentile(all, q.q), b = Percentile(bare, q.q);
    c[std::string(q.name) + "_us"] = a;
    c[std::string("bare_") + q.name + "_us"] = b;
    c[std::string("x_") + q.name + "_bare"] = b > 0 ? a / b : 0.0;
  }
  c["max_us"] = all.back();
  c["bare_max_us"] = bare.back();
  c["x_max_bare"] = all.back() / bare.back();
  c["bare_us"] = bare_us;
  c["x_mean_bare"] = all_us / bare_us;
  const Summary mine{MeanOf(first), 0.0};
  Summaries()[background ? "month_first/bg" : "month_first/fg"] = mine;
  if (background) {
    auto it = Summaries().find("month_first/fg");
    if (it != Summaries().end() && it->second.mean_us > 0) {
      c["x_first_before"] = mine.mean_us / it->second.mean_us;
    }
  }
}
// background:0 first, so background:1 can report x_first_before.
BENCHMARK(BM_DurableMonth)
    ->ArgName("background")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(kMonthDays* kMinutesPerDay + 1)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// ---- bulk ingest ----

void BM_BatchIngest(benchmark::State& state, SyncMode mode) {
  const std::string dir = BenchDirs::Get().Fresh("ingest");
  if (dir.empty()) {
    state.SkipWithError("cannot make the benchmark directory");
    return;
  }
  const auto ticks = Ticks(kStartMinute, static_cast<int64_t>(state.max_iterations));
  AuditLogOptions o;
  o.sync = mode;
  o.local_date = BenchClockDate;
  auto log = AuditLog::Open(dir, o);
  if (!log.ok()) {
    state.SkipWithError(log.status().ToString().c_str());
    return;
  }
  SyncFileSystem(dir);
  size_t i = 0;
  double seal_us = 0;
  int seals = 0, syncs = 0;
  const auto start = Clock::now();
  for (auto _ : state) {
    const SlotRecord& r = ticks[i];
    const bool day_change = i > 0 && r.date != ticks[i - 1].date;
    const auto t0 = day_change ? Clock::now() : Clock::time_point{};
    auto seq = (*log)->Append(r);
    if (!seq.ok()) {
      state.SkipWithError(seq.status().ToString().c_str());
      break;
    }
    if (day_change) {
      seal_us += MicrosSince(t0);
      ++seals;
    }
    ++i;
    if (mode == SyncMode::kBatch && (i % kBatchSize == 0 || i == ticks.size())) {
      if (Status s = (*log)->Sync(); !s.ok()) {
        state.SkipWithError(s.ToString().c_str());
        break;
      }
      ++syncs;
    }
  }
  const double total_us = MicrosSince(start);
  // The seals the loop asked for run on the log's thread, beside it; the
  // time until the last is done as well: sealed_rec_per_s.
  (void)(*log)->WaitForSeals();  // its result: last_seal_status() below
  const double sealed_us = MicrosSince(start);
  if (!(*log)->last_seal_status().ok()) {
    state.SkipWithError(("seal: " + (*log)->last_seal_status().ToString()).c_str());
  }
  log->reset();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  // Records/s with the sealing appends' time taken out: the journal path.
  if (total_us > seal_us) {
    state.counters["unsealed_rec_per_s"] = static_cast<double>(i) / ((total_us - seal_us) / 1e6);
  }
  state.counters["sealed_rec_per_s"] = static_cast<double>(i) / (sealed_us / 1e6);
  state.counters["seals"] = seals;
  state.counters["syncs"] = syncs;
  if (seals > 0) {
    state.counters["seal_ms"] = seal_us / 1000.0 / seals;
    state.counters["seal_s"] = seal_us / 1e6;
  }
}
BENCHMARK_CAPTURE(BM_BatchIngest, kBatch, SyncMode::kBatch)
    ->Iterations(kIngestRecords)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BatchIngest, kNone, SyncMode::kNone)
    ->Iterations(kIngestRecords)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace budget_audit
