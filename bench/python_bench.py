"""The Python package's benchmark rows (section 6 of bench/RESULTS.md; make bench runs this after
the rest of the suite, see scripts/bench.sh).

    .venv/bin/python bench/python_bench.py --build DIR --work DIR --out RESULTS.md --repo DIR
    .venv/bin/python bench/python_bench.py ... --render-from python_results.json

Every figure is a ratio ours : peer, both measured in this run on this machine:

1. ``BudgetAuditLog.log_slot`` per tick, durable (sync="always", the default), against the Python
   version's ``log_slot`` (python/tests/seed/budget_audit.py, unmodified: pandas + pyarrow read the
   whole Parquet file, append the row, write it all again, no fsync) with the log already holding
   0, 10,000 and 100,000 rows. The Python version's starting file is written once by pandas
   (``to_parquet``, as its ``log_slot`` writes it); ours is a log holding the same records
   (``budget-audit import`` of that file). One untimed tick each first (ours opens its writer
   there), then the same ticks to both.
2. ``log_slot`` against C++ ``AuditLog::Append`` of the same ticks (ba_bench
   ``BM_PythonPeerServer``, bench/python_peer_benchmark.cc, driven over a pipe): blocks of ticks
   alternating between the two processes, on the same file system, both logs fresh; once with
   sync "always" / SyncMode::kAlways (the target) and once with "none" / kNone (the package's own
   cost per tick, with nothing to hide it). Both logs are loaded and compared at the end.
3. ``load()`` of 1M and 5M records against the Python version's ``load()``
   (``pd.read_parquet`` of its one file, written by pandas) -- ours a log imported from that
   file; the two DataFrames compared once (pandas.testing.assert_frame_equal); warm page cache;
   rounds alternating which goes first; medians. Plus where the time goes (the Arrow C stream
   into a pyarrow Table, then ``to_pandas``; pyarrow's Parquet reader, then ``to_pandas``).
4. ``weekly_report()`` over the same logs against the Python version's (which loads the file).

Ticks: one a minute from 2016-01-01T00:00Z, UTC-aware datetimes, each a pure function of its
minute (``peer_tick`` / ``tick_frame`` here, ``PeerTick`` in bench/python_peer_benchmark.cc) in
integer arithmetic and correctly rounded divisions, so Python, numpy and C++ produce the same
doubles: daylight shading offsets and energy costs, a budget spent over the year, interventions
on two daylight minutes in three, source and stage_id strings.

Files go under WORK/python/ (the Python version's inputs stay there for the next run; the logs
are removed at the end unless BENCH_KEEP=1). Writes WORK/python_results.json and, in --out, the
section "## 6. The Python package" (replacing an earlier one) and its rows in the summary table.

Environment: BENCH_QUICK=1 (small sizes, fewer runs), BENCH_KEEP=1, BENCH_PY_RUNS=N (load and
report rounds), BENCH_PY_LOAD_SIZES=a,b (records for load/weekly_report),
BENCH_PY_TICK_SIZES=a,b,c (rows already logged for the log_slot figure).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.util
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace as Tick

# Nothing from the caller's environment decides the package's settings.
for _var in [v for v in os.environ if v.startswith("BUDGET_AUDIT_")]:
    del os.environ[_var]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pandas.testing as pdt  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.dataset as pads  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import budget_audit  # noqa: E402

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
HISTORY_START = 24_193_440  # 2016-01-01T00:00Z in minutes since the epoch
CAPACITY_KW = 500.0
MAX_REDUCTION_PCT = 5
INPUT_VERSION = "v1"  # bump when the tick formula changes: the kept inputs are regenerated

QUICK = os.environ.get("BENCH_QUICK") == "1"
KEEP = os.environ.get("BENCH_KEEP") == "1"


def _sizes(var, default):
    text = os.environ.get(var)
    if not text:
        return default
    return sorted({int(x) for x in text.split(",") if x.strip()})


CFG = {
    "quick": QUICK,
    "tick_sizes": _sizes("BENCH_PY_TICK_SIZES", [0, 10_000, 100_000]),
    # The Python version's ticks per size (after one untimed), ours per size.
    "seed_ticks": {0: 15, 10_000: 12, 100_000: 8} if QUICK else {0: 50, 10_000: 40, 100_000: 25},
    "ours_ticks": 100 if QUICK else 300,
    # Interleaved blocks: (blocks, ticks per block) per sync mode. Durable: a day and the tick
    # that begins the next (one seal), as ba_bench's BM_DurableInterleaved.
    # Small blocks: the two sides take turns every few ticks, as BM_DurableInterleaved rotates
    # every tick (the pipe's round trip between blocks is not timed).
    "peer_blocks": {"always": (90, 4) if QUICK else (360, 4), "none": (20, 100) if QUICK else (100, 100)},
    "load_sizes": _sizes("BENCH_PY_LOAD_SIZES", [200_000, 500_000] if QUICK else [1_000_000, 5_000_000]),
    "runs": int(os.environ.get("BENCH_PY_RUNS") or (3 if QUICK else 5)),
    "breakdown_runs": 2 if QUICK else 3,
}

COLUMNS = ("timestamp", "date", "slot_index", "planned_offset_deg", "actual_offset_deg", "energy_cost_kwh",
           "budget_spent_kwh", "budget_remaining_kwh", "gate_passed", "source", "stage_id")
STAGES = {3: "budbreak", 4: "budbreak", 5: "flowering", 6: "flowering", 7: "veraison", 8: "veraison",
          9: "harvest", 10: "harvest"}


def log(msg):
    print(f"python bench: {msg}", file=sys.stderr, flush=True)


# ---- ticks ----

def peer_tick(m):
    """The tick of minute m (since the epoch) as a controller hands it over: PeerTick(m) of
    bench/python_peer_benchmark.cc, attribute for attribute."""
    mod = m % 1440
    h = (m * 2654435761) % 1000
    daylight = 360 <= mod < 1200
    ts = EPOCH + dt.timedelta(minutes=m)
    if daylight:
        tri = min(mod - 360, 1200 - mod)
        planned = (50 + tri * h // 2100) / 10.0
        actual = planned + (h - 500) / 5000.0
        energy = (tri * h // 105) / 10000.0
    else:
        planned = actual = energy = 0.0
    spent = (m % (365 * 1440)) * 0.0137
    source = "night" if not daylight else "fallback" if m % 53 == 0 else "manual" if m % 211 == 0 else "optimizer"
    return Tick(timestamp=ts, slot_index=mod // 15, plan_offset_deg=planned, target_angle=actual,
                energy_cost_kwh=energy, budget_spent_kwh=spent, budget_remaining_kwh=25000.0 - spent,
                live_gate_passed=daylight and m % 3 != 0, source=source,
                stage_id=STAGES.get(ts.month, "dormant"))


def tick_frame(minutes):
    """The Python version's DataFrame of the ticks of `minutes` (an int64 array): its columns,
    order and dtypes, as its log_slot builds them (checked against it in sanity_check)."""
    m = np.asarray(minutes, dtype=np.int64)
    day = m // 1440
    mod = m - day * 1440
    h = (m * 2654435761) % 1000
    daylight = (mod >= 360) & (mod < 1200)
    tri = np.where(daylight, np.minimum(mod - 360, 1200 - mod), 0)
    planned = np.where(daylight, (50 + tri * h // 2100) / 10.0, 0.0)
    actual = np.where(daylight, planned + (h - 500) / 5000.0, 0.0)
    energy = np.where(daylight, (tri * h // 105) / 10000.0, 0.0)
    spent = (m % (365 * 1440)) * 0.0137
    source = np.select([~daylight, m % 53 == 0, m % 211 == 0], [0, 1, 2], 3).astype(np.int32)
    # Dates and months per distinct day (a few thousand), then spread.
    days, inverse = np.unique(day, return_inverse=True)
    day_dates = days.astype("datetime64[D]")
    month = (day_dates.astype("datetime64[M]").astype(np.int64) % 12 + 1)[inverse]
    stage = np.zeros(len(m), dtype=np.int32)
    stage_names = ["dormant"]
    for name in dict.fromkeys(STAGES.values()):
        stage_names.append(name)
        stage[np.isin(month, [mo for mo, nm in STAGES.items() if nm == name])] = len(stage_names) - 1

    def text(codes, names):  # strings without a Python object each
        return pc.take(pa.array(names, pa.large_string()), pa.array(codes))

    table = pa.table({
        "timestamp": pa.array(m * 60_000_000, pa.timestamp("us", tz="UTC")),
        "date": text(inverse.astype(np.int32), np.datetime_as_string(day_dates, unit="D").tolist()),
        "slot_index": mod // 15,
        "planned_offset_deg": planned,
        "actual_offset_deg": actual,
        "energy_cost_kwh": energy,
        "budget_spent_kwh": spent,
        "budget_remaining_kwh": 25000.0 - spent,
        "gate_passed": daylight & (m % 3 != 0),
        "source": text(source, ["night", "fallback", "manual", "optimizer"]),
        "stage_id": text(stage, stage_names),
    })
    return table.to_pandas()


# ---- the two implementations ----

def load_seed(repo):
    """The Python version (tests/seed/budget_audit.py, unmodified) as module seed_budget_audit,
    with its config.settings stub, as python/tests/conftest.py loads it."""
    seed_dir = repo / "python" / "tests" / "seed"
    sys.path.insert(0, str(seed_dir))
    try:
        spec = importlib.util.spec_from_file_location("seed_budget_audit", seed_dir / "budget_audit.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["seed_budget_audit"] = module
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(seed_dir))
    module.SYSTEM_CAPACITY_KW = CAPACITY_KW
    module.MAX_ENERGY_REDUCTION_PCT = MAX_REDUCTION_PCT
    return module


def ours(path, sync="always"):
    return budget_audit.BudgetAuditLog(path, capacity_kw=CAPACITY_KW, max_reduction_pct=MAX_REDUCTION_PCT,
                                       sync=sync)


class Ctx:
    def __init__(self, args):
        self.repo = Path(args.repo).resolve()
        self.build = Path(args.build).resolve()
        self.work = Path(args.work).resolve()
        self.root = self.work / "python"
        self.inputs = self.root / "inputs"
        self.logs = self.root / "logs"
        self.cli = self.build / "budget-audit"
        self.ba_bench = self.build / "ba_bench"
        self.no_data = self.root / "no-data-dir"  # never created: no config file is found
        self.seed = None


def stats(xs):
    v = sorted(xs)
    n = len(v)
    return {
        "n": n,
        "mean": sum(v) / n,
        "p50": statistics.median(v),
        "p99": v[min(n - 1, n * 99 // 100)],
        "max": v[-1],
    }


def sync_disk():
    subprocess.run(["sync"], check=False)


# ---- inputs ----

def seed_file(ctx, n):
    return ctx.inputs / f"seed-{INPUT_VERSION}-{n}.parquet"


def make_inputs(ctx, sizes):
    """The Python version's file holding the first n ticks of the history, for each n (kept)."""
    ctx.inputs.mkdir(parents=True, exist_ok=True)
    missing = [n for n in sizes if n > 0 and not seed_file(ctx, n).exists()]
    if not missing:
        return
    top = max(missing)
    log(f"generating the Python version's files ({', '.join(f'{n:,}' for n in missing)} rows; kept for later runs)…")
    t0 = time.perf_counter()
    df = tick_frame(np.arange(HISTORY_START, HISTORY_START + top, dtype=np.int64))
    for n in sorted(missing):
        tmp = seed_file(ctx, n).with_suffix(".tmp")
        # What the Python version's log_slot does with its DataFrame, every tick.
        (df if n == top else df.iloc[:n]).to_parquet(tmp, index=False)
        os.replace(tmp, seed_file(ctx, n))
    del df
    gc.collect()
    sync_disk()
    log(f"inputs written in {time.perf_counter() - t0:.1f} s")


def import_log(ctx, src, dest):
    """Our log holding the rows of the Python version's file `src` (budget-audit import)."""
    shutil.rmtree(dest, ignore_errors=True)
    t0 = time.perf_counter()
    r = subprocess.run([str(ctx.cli), "--data-dir", str(ctx.no_data), "--log", str(dest), "import", "--json", str(src)],
                       capture_output=True, text=True, cwd=ctx.root)
    if r.returncode != 0:
        raise RuntimeError(f"budget-audit import {src} exited {r.returncode}: {r.stderr[-2000:]}")
    return json.loads(r.stdout), time.perf_counter() - t0


def sanity_check(ctx):
    """tick_frame() is what the Python version's log_slot makes of peer_tick()'s ticks (values
    and dtypes), and ours logs the same records from them."""
    minutes = [HISTORY_START + k for k in (0, 359, 360, 361, 600, 780, 1199, 1200)]
    minutes += [HISTORY_START + 1440 * d + 700 + d * 7 for d in range(0, 366, 9)]  # months, m % 53, ...
    minutes += [m for m in range(HISTORY_START + 360, HISTORY_START + 360 + 1440 * 3) if m % 53 == 0 or m % 211 == 0][:12]
    d = ctx.root / "sanity"
    shutil.rmtree(d, ignore_errors=True)
    s = ctx.seed.BudgetAuditLog(d / "seed" / "slot_log.parquet")
    o = ours(d / "ours", sync="none")
    for m in minutes:
        t = peer_tick(m)
        s.log_slot(t)
        if o.log_slot(t) is None:
            raise RuntimeError(f"log_slot refused the tick of minute {m}")
    o.close()
    expected = tick_frame(np.array(minutes, dtype=np.int64))
    pdt.assert_frame_equal(s.load(), expected)
    pdt.assert_frame_equal(ours(d / "ours").load(), expected)
    shutil.rmtree(d, ignore_errors=True)
    log(f"sanity: {len(minutes)} ticks give the same DataFrame from the Python version, tick_frame() and ours")


# ---- 1. log_slot against the Python version's ----

def bench_log_slot(ctx):
    res = {}
    for n in CFG["tick_sizes"]:
        first = HISTORY_START + n
        k_seed = CFG["seed_ticks"].get(n, 10 if n > 100_000 else 25)
        k_ours = CFG["ours_ticks"]
        # Ours: a log of the same n records, durable (the default sync).
        odir = ctx.logs / f"log_slot-ours-{n}"
        if n > 0:
            import_log(ctx, seed_file(ctx, n), odir)
        else:
            shutil.rmtree(odir, ignore_errors=True)
        sync_disk()
        log(f"log_slot into {n:,} records: ours, durable, 1 + {k_ours} ticks…")
        ticks = [peer_tick(first + i) for i in range(k_ours + 1)]
        a = ours(odir)
        if a.log_slot(ticks[0]) != n + 1:  # opens the writer
            raise RuntimeError("ours: the first tick was not logged as expected")
        lat = []
        for i, t in enumerate(ticks[1:], start=2):
            t0 = time.perf_counter()
            seq = a.log_slot(t)
            lat.append((time.perf_counter() - t0) * 1e6)
            if seq != n + i:
                raise RuntimeError(f"ours: log_slot returned {seq}, expected {n + i}")
        a.close()
        ours_stats = stats(lat)
        # The Python version: its file starting with the same n rows.
        sdir = ctx.logs / f"log_slot-seed-{n}"
        shutil.rmtree(sdir, ignore_errors=True)
        sdir.mkdir(parents=True)
        spath = sdir / "slot_log.parquet"
        if n > 0:
            shutil.copyfile(seed_file(ctx, n), spath)
        sync_disk()
        log(f"log_slot into {n:,} records: the Python version (pandas + pyarrow), 1 + {k_seed} ticks…")
        s = ctx.seed.BudgetAuditLog(spath)
        s.log_slot(ticks[0])
        slat = []
        for t in ticks[1:k_seed + 1]:
            t0 = time.perf_counter()
            s.log_slot(t)
            slat.append((time.perf_counter() - t0) * 1e3)
        rows = pq.ParquetFile(spath).metadata.num_rows
        if rows != n + 1 + k_seed:  # it swallows every error: check it did the work
            raise RuntimeError(f"the Python version's file holds {rows} rows, expected {n + 1 + k_seed}")
        seed_stats = stats(slat)
        res[n] = {
            "ours_us": ours_stats,
            "seed_ms": seed_stats,
            "seed_file_mb": spath.stat().st_size / 1e6,
            "x_mean": ours_stats["mean"] / 1000 / seed_stats["mean"],
            "x_p50": ours_stats["p50"] / 1000 / seed_stats["p50"],
        }
        shutil.rmtree(sdir, ignore_errors=True)
        shutil.rmtree(odir, ignore_errors=True)
    return res


# ---- 2. log_slot against C++ AuditLog::Append, interleaved ----

class CppPeer:
    """ba_bench's BM_PythonPeerServer, spoken to over two pipes."""

    def __init__(self, ctx):
        cmd_r, self._cmd_w = os.pipe()
        self._rep_r, rep_w = os.pipe()
        env = dict(os.environ, BA_PY_PEER_FDS=f"{cmd_r},{rep_w}")
        self.log_path = ctx.root / "ba_bench_peer.log"
        with open(self.log_path, "w") as err:
            self.proc = subprocess.Popen([str(ctx.ba_bench), "--benchmark_filter=^BM_PythonPeerServer/"], env=env,
                                         pass_fds=(cmd_r, rep_w), stdout=err, stderr=err, cwd=ctx.root)
        os.close(cmd_r)
        os.close(rep_w)
        self._w = os.fdopen(self._cmd_w, "w")
        self._r = os.fdopen(self._rep_r, "r")

    def call(self, line):
        self._w.write(line + "\n")
        self._w.flush()
        reply = self._r.readline()
        if not reply:
            raise RuntimeError(f"ba_bench BM_PythonPeerServer ended (exit {self.proc.wait()}); is it built? "
                               f"(bench/python_peer_benchmark.cc, -DBA_BENCH=ON); its output: {self.log_path}")
        reply = reply.rstrip("\n")
        if not reply.startswith("ok"):
            raise RuntimeError(f"ba_bench: {line}: {reply}")
        return reply[3:]

    def close(self):
        try:
            self._w.write("quit\n")
            self._w.flush()
            self._w.close()
        except OSError:
            pass
        self.proc.wait(timeout=60)
        self._r.close()


def bench_vs_cpp(ctx):
    res = {}
    peer = CppPeer(ctx)
    try:
        for mode in ("always", "none"):
            blocks, per = CFG["peer_blocks"][mode]
            pdir = ctx.logs / f"peer-python-{mode}"
            cdir = ctx.logs / f"peer-cpp-{mode}"
            for d in (pdir, cdir):
                shutil.rmtree(d, ignore_errors=True)
            sync_disk()
            log(f"log_slot vs C++ Append, sync {mode}: {blocks} blocks of {per} ticks each, alternating…")
            first = HISTORY_START
            py = ours(pdir, sync=mode)
            if py.log_slot(peer_tick(first)) != 1:  # opens the writer, untimed
                raise RuntimeError("ours: the first tick was not logged")
            if int(peer.call(f"open {cdir} {mode}")) != 0:
                raise RuntimeError("C++: the fresh log is not empty")
            peer.call(f"append {first} 1")
            lat_py, lat_cpp, block_means = [], [], []
            cpu = [0.0, 0.0]  # CPU time of the timed calls (this thread; ba_bench's thread), µs
            for b in range(blocks):
                start = first + 1 + b * per
                ticks = [peer_tick(start + i) for i in range(per)]

                def run_py():
                    out = []
                    cpu0 = time.thread_time()
                    for i, t in enumerate(ticks):
                        t0 = time.perf_counter()
                        seq = py.log_slot(t)
                        out.append((time.perf_counter() - t0) * 1e6)
                        if seq != start - first + 1 + i:
                            raise RuntimeError(f"ours: log_slot returned {seq}")
                    cpu[0] += (time.thread_time() - cpu0) * 1e6
                    return out

                def run_cpp():
                    reply = [float(x) for x in peer.call(f"append {start} {per}").split()]
                    cpu[1] += reply[0]
                    return reply[1:]

                if b % 2 == 0:
                    p, c = run_py(), run_cpp()
                else:
                    c, p = run_cpp(), run_py()
                lat_py += p
                lat_cpp += c
                block_means.append((sum(p) / len(p), sum(c) / len(c)))
            py.close()
            peer.call("close")
            # Of the package's cost: the tick's JSON alone (budget_audit._ticks.to_json), same ticks.
            from budget_audit import _ticks
            json_us = []
            for b in range(blocks):
                for t in [peer_tick(first + 1 + b * per + i) for i in range(per)]:
                    t0 = time.perf_counter()
                    _ticks.to_json(t)
                    json_us.append((time.perf_counter() - t0) * 1e6)
            # The same records on both sides.
            pdt.assert_frame_equal(ours(pdir).load(), ours(cdir).load())
            sp, sc = stats(lat_py), stats(lat_cpp)
            # Thirds of the blocks, as repetitions.
            thirds = []
            for j in range(3):
                part = block_means[j * blocks // 3:(j + 1) * blocks // 3]
                if part:
                    thirds.append(sum(x for x, _ in part) / sum(y for _, y in part))
            res[mode] = {
                "blocks": blocks,
                "per_block": per,
                "ticks": len(lat_py),
                "python_us": sp,
                "cpp_us": sc,
                "x_mean": sp["mean"] / sc["mean"],
                "x_p50": sp["p50"] / sc["p50"],
                "overhead_mean_us": sp["mean"] - sc["mean"],
                "overhead_p50_us": sp["p50"] - sc["p50"],
                "x_thirds": thirds,
                # CPU time per tick (the calling thread's, user + system): what waiting for a
                # busy CPU or the disk does not inflate.
                "python_cpu_us": cpu[0] / len(lat_py),
                "cpp_cpu_us": cpu[1] / len(lat_cpp),
                "x_cpu": cpu[0] / cpu[1] if cpu[1] > 0 else float("nan"),
                "same_records": True,
                "to_json_us": stats(json_us),
            }
            for d in (pdir, cdir):
                shutil.rmtree(d, ignore_errors=True)
    finally:
        peer.close()
    return res


# ---- 3. and 4. load() and weekly_report() ----

def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bench_reads(ctx):
    res = {}
    for n in CFG["load_sizes"]:
        src = seed_file(ctx, n)
        odir = ctx.logs / f"read-ours-{n}"
        log(f"{n:,} records: budget-audit import of the Python version's file…")
        summary, import_s = import_log(ctx, src, odir)
        if summary.get("appended") != n:
            raise RuntimeError(f"import appended {summary.get('appended')} of {n} rows")
        sync_disk()
        seed = ctx.seed.BudgetAuditLog(src)
        one = {"import_s": import_s, "file_mb": src.stat().st_size / 1e6}

        # load(): warm-up of each (page cache, imports), the two DataFrames compared once.
        log(f"{n:,} records: load(), warm-up and equality check…")
        a = ours(odir).load()
        b = seed.load()
        pdt.assert_frame_equal(a, b)
        one["load_equal"] = True
        del a, b
        gc.collect()
        o_runs, s_runs = [], []
        for i in range(CFG["runs"]):
            log(f"{n:,} records: load() round {i + 1}/{CFG['runs']}…")
            order = [("ours", lambda: ours(odir).load()), ("seed", seed.load)]
            if i % 2:
                order.reverse()
            for who, fn in order:
                t, df = timed(fn)
                if len(df) != n:
                    raise RuntimeError(f"{who} load() gave {len(df)} rows")
                (o_runs if who == "ours" else s_runs).append(t)
                del df
                gc.collect()
        one["load"] = {"ours_s": o_runs, "seed_s": s_runs, "ours_median_s": statistics.median(o_runs),
                       "seed_median_s": statistics.median(s_runs)}
        one["load"]["x"] = one["load"]["ours_median_s"] / one["load"]["seed_median_s"]
        one["load_breakdown"] = load_breakdown(ctx, odir, src, n)

        # weekly_report(): a fresh BudgetAuditLog per call (settings read again), as a report job.
        log(f"{n:,} records: weekly_report(), warm-up and equality check…")
        ro = ours(odir).weekly_report()
        rs = seed.weekly_report()
        one["report_equal"] = ro == rs
        one["report_values"] = {"ours": ro, "seed": rs}
        if ro != rs:
            log(f"WARNING: weekly_report() differs: ours {ro} vs the Python version's {rs}")
            one["report_diff"] = {k: [ro.get(k), rs.get(k)] for k in dict.fromkeys([*ro, *rs]) if ro.get(k) != rs.get(k)}
            # The unrounded sum each way: pandas' (pairwise, in float) and the exact one.
            e = pq.read_table(src, columns=["energy_cost_kwh"]).column(0).to_numpy()
            one["energy_sums"] = {"pandas_sum": float(pd.Series(e).sum()), "math_fsum": math.fsum(e)}
        o_runs, s_runs = [], []
        for i in range(CFG["runs"]):
            order = [("ours", lambda: ours(odir).weekly_report()), ("seed", seed.weekly_report)]
            if i % 2:
                order.reverse()
            for who, fn in order:
                t, _ = timed(fn)
                (o_runs if who == "ours" else s_runs).append(t)
                gc.collect()
        one["report"] = {"ours_s": o_runs, "seed_s": s_runs, "ours_median_s": statistics.median(o_runs),
                         "seed_median_s": statistics.median(s_runs)}
        one["report"]["x"] = one["report"]["ours_median_s"] / one["report"]["seed_median_s"]
        res[n] = one
        if not KEEP:
            shutil.rmtree(odir, ignore_errors=True)
    return res


def load_breakdown(ctx, odir, src, n):
    """Where load()'s time goes, each step timed alone (medians of a few runs): ours -- the
    snapshot opened (manifest, journal), the Arrow C stream read into a pyarrow Table (the C++
    decode: sealed files and journal through the snapshot cursor into Arrow arrays), to_pandas;
    the Python version -- pyarrow's Parquet reader (multi-threaded, as read_parquet uses it, and
    on one thread), to_pandas."""
    log(f"{n:,} records: where load()'s time goes…")
    k = CFG["breakdown_runs"]
    steps = {k_: [] for k_ in ("ours_snapshot", "ours_stream", "ours_to_pandas", "ours_stream_1thread_to_pandas",
                               "seed_read_table", "seed_read_table_1thread", "seed_to_pandas",
                               "pyarrow_our_files", "pyarrow_our_files_1thread")}
    # Our sealed month files (the whole log after an import: the journal is empty), as pyarrow's
    # own reader reads them: what a columnar decode of the same bytes costs.
    sealed = sorted(str(p) for p in Path(odir).glob("*.parquet"))
    chunks = {}
    for _ in range(k):
        log_ = ours(odir)
        t, snap = timed(lambda: log_.snapshot(seq=False))
        steps["ours_snapshot"].append(t)
        t, table = timed(lambda: pa.RecordBatchReader.from_stream(snap).read_all())
        steps["ours_stream"].append(t)
        chunks["ours"] = table.column(0).num_chunks
        t, df = timed(table.to_pandas)
        steps["ours_to_pandas"].append(t)
        del df
        t, df = timed(lambda: table.to_pandas(use_threads=False))
        steps["ours_stream_1thread_to_pandas"].append(t)
        chunks["ours_schema"] = str(table.schema).replace("\n", "; ")
        del df, table, snap
        gc.collect()
        t, table = timed(lambda: pq.read_table(src))
        steps["seed_read_table"].append(t)
        chunks["seed"] = table.column(0).num_chunks
        t, df = timed(table.to_pandas)
        steps["seed_to_pandas"].append(t)
        chunks["seed_schema"] = str(table.schema.remove_metadata()).replace("\n", "; ")
        del df, table
        gc.collect()
        t, table = timed(lambda: pq.read_table(src, use_threads=False))
        steps["seed_read_table_1thread"].append(t)
        del table
        gc.collect()
        for key, threads in (("pyarrow_our_files", True), ("pyarrow_our_files_1thread", False)):
            t, table = timed(lambda: pads.dataset(sealed, format="parquet").to_table(columns=list(COLUMNS),
                                                                                    use_threads=threads))
            if table.num_rows != n:
                raise RuntimeError(f"our sealed files hold {table.num_rows} rows, expected {n}")
            steps[key].append(t)
            del table
            gc.collect()
    out = {k_: statistics.median(v) for k_, v in steps.items()}
    out["runs"] = steps
    out["chunks"] = chunks
    out["sealed_files"] = len(sealed)
    return out


# ---- rendering ----

def f_ms(s):
    return f"{s:.0f}" if s >= 10 else f"{s:.1f}" if s >= 1 else f"{s:.2f}"


f_us = f_ms


def f_ratio(x):
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 0.1:
        return f"{x:.2f}"
    return f"{x:.2g}"


def f_s(s):
    return f_ms(s * 1000)


def short_n(n):
    return f"{n / 1e6:g}M" if n >= 1e6 else f"{n / 1e3:g}k" if n >= 1e3 else str(n)


def verdict(ok):
    return "met" if ok else "**missed**"


def summary_rows(r):
    rows = []
    for n, d in sorted(r["log_slot"].items(), key=lambda kv: int(kv[0])):
        n = int(n)
        into = "an empty log" if n == 0 else f"{n:,} records"
        rows.append([f"6. `log_slot` into {into}, durable, mean per tick vs the Python version's `log_slot` "
                     "(pandas + pyarrow rewrite, no fsync)",
                     f"{f_us(d['ours_us']['mean'])} µs", f"{f_ms(d['seed_ms']['mean'])} ms", f_ratio(d["x_mean"]),
                     "report", "—"])
    vc = r["vs_cpp"]
    if "always" in vc:
        d = vc["always"]
        rows.append(["6. `log_slot` (Python) vs C++ `AuditLog::Append`, both durable (sync always), mean per tick, "
                     "interleaved", f"{f_us(d['python_us']['mean'])} µs", f"{f_us(d['cpp_us']['mean'])} µs",
                     f_ratio(d["x_mean"]), "≤ 1.2", verdict(d["x_mean"] <= 1.2)])
    if "none" in vc:
        d = vc["none"]
        rows.append(["6. `log_slot` (Python) vs C++ `AuditLog::Append`, both without sync (none / kNone): the "
                     "package's own cost per tick, mean, interleaved", f"{f_us(d['python_us']['mean'])} µs",
                     f"{f_us(d['cpp_us']['mean'])} µs", f_ratio(d["x_mean"]),
                     "report", f"— (+{f_us(d['overhead_mean_us'])} µs a tick)"])
    for n, d in sorted(r["reads"].items(), key=lambda kv: int(kv[0])):
        n = int(n)
        x = d["load"]["x"]
        rows.append([f"6. `load()` of {short_n(n)} records vs the Python version's `load()` (`pd.read_parquet`), "
                     "median, warm", f"{f_s(d['load']['ours_median_s'])} ms", f"{f_s(d['load']['seed_median_s'])} ms",
                     f_ratio(x), "≤ 1.0", verdict(x <= 1.0)])
    for n, d in sorted(r["reads"].items(), key=lambda kv: int(kv[0])):
        n = int(n)
        x = d["report"]["x"]
        same = "—" if d["report_equal"] else (
            "— **the dicts differ**: " + "; ".join(f"{k} {a} vs {b}" for k, (a, b) in d.get("report_diff", {}).items())
            + " (see 6.4)")
        rows.append([f"6. `weekly_report()` over {short_n(n)} records vs the Python version's, median, warm",
                     f"{f_s(d['report']['ours_median_s'])} ms", f"{f_s(d['report']['seed_median_s'])} ms",
                     f_ratio(x), "report", same])
    return rows


def render_section(r):
    m = r["machine"]
    cfg = r["config"]
    L = []
    row = lambda *cells: L.append("| " + " | ".join(str(c) for c in cells) + " |")  # noqa: E731
    L.append("## 6. The Python package")
    L.append("")
    busy = max(m["loadavg_start"][0], r["loadavg_end"][0]) > 0.5 * m["cores"]
    L.append(
        f"Generated by `bench/python_bench.py` (scripts/bench.sh runs it after the suite above) on "
        f"{m['date'][:10]} ({m['date'][11:16]} UTC)"
        + (" in **quick mode** (BENCH_QUICK=1: small sizes, fewer runs; not the figures to quote)" if cfg["quick"] else "")
        + f". Python {m['python']}, pandas {m['pandas']}, pyarrow {m['pyarrow']}, numpy {m['numpy']}; "
        f"budget_audit {m['budget_audit']} (installed into the venv from this checkout by scripts/python-env.sh). "
        f"Bench directory: {m['fs']}. Load average (1/5/15 min) at start {' / '.join(map(str, m['loadavg_start']))}, "
        f"at end {' / '.join(map(str, r['loadavg_end']))}"
        + (" — **the machine was busy with other work; absolute times are inflated, ratios less so**" if busy else "")
        + f". Section wall time: {r['seconds'] / 60:.1f} min. Every ratio is ours : peer, measured in this run."
    )
    L.append("")
    L.append(
        "Ticks: one a minute from 2016-01-01T00:00Z, UTC-aware datetimes, each a pure function of its minute "
        "(bench/python_bench.py `peer_tick`, bench/python_peer_benchmark.cc `PeerTick`, the same doubles): daylight "
        "shading offsets and energy costs, a budget spent over the year, interventions on two daylight minutes in "
        "three, `source` night/optimizer/fallback/manual, `stage_id` by season. The Python version is "
        "python/tests/seed/budget_audit.py, unmodified (capacity 500 kW, ceiling 5 %), on pandas + pyarrow."
    )
    L.append("")

    # 6.1
    L.append("### 6.1 `log_slot` per tick against the Python version's")
    L.append("")
    L.append(
        "Ours: `BudgetAuditLog(dir).log_slot(tick)` with the default sync=\"always\" (each tick durable: a journal "
        "frame and an fdatasync), into a log already holding N records (`budget-audit import` of the Python "
        "version's starting file), one untimed tick first (it opens the writer), then "
        f"{cfg['ours_ticks']} timed. The Python version: its `log_slot` on its one Parquet file, starting with the same "
        "N rows (written once by pandas `to_parquet`, as its `log_slot` writes it): read it all, concat the row, "
        "write it all again, no fsync; one untimed tick, then the ticks below, the same ticks as ours' first ones. "
        "Each call timed alone (`time.perf_counter`)."
    )
    L.append("")
    row("Log holds", "ours ticks", "ours mean µs", "ours median µs", "ours p99 µs", "Python version ticks",
        "mean ms", "median ms", "max ms", "its file MB at end", "ours : Python version (mean)", "(median)")
    row("---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:")
    for n, d in sorted(r["log_slot"].items(), key=lambda kv: int(kv[0])):
        o, s = d["ours_us"], d["seed_ms"]
        row(f"{int(n):,}", o["n"], f_us(o["mean"]), f_us(o["p50"]), f_us(o["p99"]), s["n"], f_ms(s["mean"]),
            f_ms(s["p50"]), f_ms(s["max"]), f"{d['seed_file_mb']:.2f}", f_ratio(d["x_mean"]), f_ratio(d["x_p50"]))
    L.append("")

    # 6.2
    vc = r["vs_cpp"]
    L.append("### 6.2 `log_slot` against C++ `AuditLog::Append`, interleaved")
    L.append("")
    L.append(
        "The package's cost over the library's: `BudgetAuditLog.log_slot` (attributes read, the tick written as JSON, "
        "parsed by the library, `AuditLog::LogSlot`) in this process against `AuditLog::Append` of the same ticks "
        "as ready `SlotRecord`s in ba_bench (`BM_PythonPeerServer`, bench/python_peer_benchmark.cc, driven over a "
        "pipe; each call timed alone, outside the pipe), both into fresh logs in the same directory with the same "
        "options (daily seals in the background). Blocks of ticks alternate between the two processes (the order "
        "swapped every block), because this disk's fdatasync latency drifts between regimes within minutes. "
        "Durable: sync=\"always\" / `SyncMode::kAlways`, a day of ticks and the one that starts the next (one "
        "seal), as `BM_DurableInterleaved`; the target (≤ 1.2) applies to it. No sync: sync=\"none\" / "
        "`SyncMode::kNone`, where nothing hides the package's own cost. Both logs are loaded at the end and "
        "compared (assert_frame_equal): the same records. \"CPU µs per tick\": the calling thread's CPU time "
        "(user + system, `time.thread_time` / `CLOCK_THREAD_CPUTIME_ID`) over the timed calls, which time spent "
        "waiting — for the disk, or for a core while other work runs on this machine — does not inflate; on a busy "
        "machine the wall-clock ratios above move with the load, this one much less."
    )
    L.append("")
    row("Sync", "ticks (blocks × ticks)", "who", "mean µs", "median µs", "p99 µs", "max µs",
        "Python : C++ (mean)", "(median)", "mean : C++ per third of the blocks", "Python's extra µs per tick (mean / median)",
        "CPU µs per tick", "CPU Python : C++")
    row("---", "---:", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---", "---:", "---:", "---:")
    for mode, label in (("always", "durable (always / kAlways)"), ("none", "none (none / kNone)")):
        if mode not in vc:
            continue
        d = vc[mode]
        p, c = d["python_us"], d["cpp_us"]
        row(label, f"{d['ticks']:,} ({d['blocks']} × {d['per_block']})", "`log_slot` (Python)", f_us(p["mean"]),
            f_us(p["p50"]), f_us(p["p99"]), f_us(p["max"]), f_ratio(d["x_mean"]), f_ratio(d["x_p50"]),
            ", ".join(f_ratio(x) for x in d["x_thirds"]),
            f"{f_us(d['overhead_mean_us'])} / {f_us(d['overhead_p50_us'])}",
            f_us(d["python_cpu_us"]) if "python_cpu_us" in d else "", f_ratio(d["x_cpu"]) if "x_cpu" in d else "")
        row("", "", "`AuditLog::Append` (C++)", f_us(c["mean"]), f_us(c["p50"]), f_us(c["p99"]), f_us(c["max"]),
            "1", "1", "", "", f_us(d["cpp_cpu_us"]) if "cpp_cpu_us" in d else "", "1" if "x_cpu" in d else "")
    L.append("")
    if "none" in vc and "to_json_us" in vc["none"]:
        d = vc["none"]
        L.append(
            f"The package's cost per tick without sync is {f_us(d['overhead_p50_us'])} µs median "
            f"({f_us(d['overhead_mean_us'])} mean); writing the tick as JSON alone (`budget_audit._ticks.to_json`, "
            f"timed by itself over the same ticks afterwards) takes {f_us(d['to_json_us']['p50'])} µs median "
            f"({f_us(d['to_json_us']['mean'])} mean)"
            + (": most of it" if d["to_json_us"]["p50"] >= 0.5 * d["overhead_p50_us"] else "")
            + ". The rest is the call into the library (nanobind, the JSON parsed into a tick, the lock) and "
            "`LogSlot`'s checks. Durably, the calling thread's CPU time per tick "
            "grows by more than that cost (see the CPU column): after each fdatasync the thread resumes with "
            "cold caches, which the interpreter's larger working set feels more than the C++ loop."
        )
        L.append("")

    # 6.3
    reads = r["reads"]
    L.append("### 6.3 `load()` against the Python version's `load()`")
    L.append("")
    L.append(
        "The Python version's file: the first N ticks of the history, written once by pandas (`to_parquet`, "
        "snappy, pyarrow's row groups of 2^20 rows: what its `log_slot` would have left); its `load()` is "
        "`pd.read_parquet` of it. Ours: a log imported from that file (`budget-audit import`: sealed month files, "
        "an empty journal), `BudgetAuditLog(dir).load()` (a fresh object per call). One untimed call of each "
        "first (page cache warm for both), whose two DataFrames are compared with "
        "`pandas.testing.assert_frame_equal` (columns, dtypes, values); then "
        f"{cfg['runs']} rounds, which one goes first alternating; medians."
    )
    L.append("")
    row("records", "its file MB", "ours median ms", "ours runs (ms)", "Python version median ms", "runs (ms)",
        "ours : Python version", "equal DataFrames")
    row("---:", "---:", "---:", "---", "---:", "---", "---:", "---")
    for n, d in sorted(reads.items(), key=lambda kv: int(kv[0])):
        lo = d["load"]
        row(f"{int(n):,}", f"{d['file_mb']:.1f}", f_s(lo["ours_median_s"]), ", ".join(f_s(x) for x in lo["ours_s"]),
            f_s(lo["seed_median_s"]), ", ".join(f_s(x) for x in lo["seed_s"]), f_ratio(lo["x"]),
            "yes" if d["load_equal"] else "**no**")
    L.append("")
    L.append(
        f"Where the time goes (each step timed alone, medians of {cfg['breakdown_runs']}): ours — the snapshot "
        "opened (`snapshot()`: manifest and journal read), its Arrow C stream (src/capi/arrow_stream.cc: the "
        "sealed files decoded through the snapshot cursor into Arrow batches of 131,072 rows) read into a "
        "`pyarrow.Table`, then `Table.to_pandas()`; the Python version — `pyarrow.parquet.read_table` (with its "
        "threads, as `read_parquet` uses it, and on one thread), then `to_pandas()`. The two `load()` medians "
        "from the table above for scale. Last two columns: pyarrow's own Parquet reader on *our* sealed month "
        "files (`pyarrow.dataset`, the 11 columns), with its threads and on one — what a columnar decode of the "
        "very bytes our C stream decodes costs."
    )
    L.append("")
    row("records", "ours: snapshot ms", "ours: C stream → Table ms", "ours: to_pandas ms",
        "ours: to_pandas, 1 thread ms", "ours load() ms", "Python version: read_table ms", "read_table, 1 thread ms",
        "Python version: to_pandas ms", "its load() ms", "C stream : read_table", "C stream : read_table, 1 thread",
        "to_pandas : to_pandas", "pyarrow on our sealed files ms (files)", "the same, 1 thread ms")
    row(*(["---:"] * 15))
    for n, d in sorted(reads.items(), key=lambda kv: int(kv[0])):
        b = d["load_breakdown"]
        row(f"{int(n):,}", f_s(b["ours_snapshot"]), f_s(b["ours_stream"]), f_s(b["ours_to_pandas"]),
            f_s(b["ours_stream_1thread_to_pandas"]), f_s(d["load"]["ours_median_s"]), f_s(b["seed_read_table"]),
            f_s(b["seed_read_table_1thread"]), f_s(b["seed_to_pandas"]), f_s(d["load"]["seed_median_s"]),
            f_ratio(b["ours_stream"] / b["seed_read_table"]), f_ratio(b["ours_stream"] / b["seed_read_table_1thread"]),
            f_ratio(b["ours_to_pandas"] / b["seed_to_pandas"]),
            f"{f_s(b['pyarrow_our_files'])} ({b.get('sealed_files', '?')})" if "pyarrow_our_files" in b else "—",
            f_s(b["pyarrow_our_files_1thread"]) if "pyarrow_our_files_1thread" in b else "—")
    L.append("")
    any_b = next(iter(reads.values()), None)
    if any_b:
        ch = any_b["load_breakdown"]["chunks"]
        L.append(f"Arrow schemas as read: ours `{ch.get('ours_schema', '?')}`; the Python version's file "
                 f"`{ch.get('seed_schema', '?')}`. Chunks per column at {short_n(int(next(iter(reads))))}: ours "
                 f"{ch.get('ours')}, pyarrow {ch.get('seed')}.")
        L.append("")
    notes = r.get("notes", {}).get("load")
    if notes:
        L.append(notes)
        L.append("")

    # 6.4
    L.append("### 6.4 `weekly_report()` against the Python version's")
    L.append("")
    L.append(
        "The same logs and file as 6.3. Ours: `BudgetAuditLog(dir, capacity_kw=500, max_reduction_pct=5)"
        ".weekly_report()`, a fresh object per call (its settings resolved again, the snapshot opened, the "
        "report computed from the sealed files' summaries); the Python version: its `weekly_report()` (which "
        f"loads the whole file with `pd.read_parquet`). One untimed call of each, whose dicts are compared, then "
        f"{cfg['runs']} rounds alternating which goes first; medians."
    )
    L.append("")
    row("records", "ours median ms", "ours runs (ms)", "Python version median ms", "runs (ms)", "ours : Python version",
        "same dict")
    row("---:", "---:", "---", "---:", "---", "---:", "---")
    for n, d in sorted(reads.items(), key=lambda kv: int(kv[0])):
        rp = d["report"]
        row(f"{int(n):,}", f_s(rp["ours_median_s"]), ", ".join(f_s(x) for x in rp["ours_s"]), f_s(rp["seed_median_s"]),
            ", ".join(f_s(x) for x in rp["seed_s"]), f_ratio(rp["x"]), "yes" if d["report_equal"] else "**no**")
    L.append("")
    for n, d in sorted(reads.items(), key=lambda kv: int(kv[0])):
        if d["report_equal"]:
            continue
        diff = "; ".join(f"`{k}` ours {a!r}, the Python version {b!r}" for k, (a, b) in d.get("report_diff", {}).items())
        es = d.get("energy_sums")
        L.append(
            f"**The dicts differ at {int(n):,} records**: {diff}."
            + (f" The unrounded sum of `energy_cost_kwh`: pandas' `Series.sum()` (pairwise, in floating point, what "
               f"the Python version rounds) {es['pandas_sum']!r}, `math.fsum` (exact, correctly rounded) "
               f"{es['math_fsum']!r}: the sum sits on a rounding tie of `round(x, 3)` and the two sums fall on "
               "either side of it." if es else "")
        )
        L.append("")
    L.append(f"Raw figures: {r['results_file']} (the logs under its python/ directory are removed unless BENCH_KEEP=1; "
             "the Python version's files are kept for the next run).")
    L.append("")
    return "\n".join(L)


SECTION = "## 6. The Python package"


def write_results(out_path, r):
    """Puts section 6 at the end of out_path (replacing an earlier one) and its rows at the end of
    the summary table (replacing earlier "6." rows)."""
    text = out_path.read_text() if out_path.exists() else ""
    if not text:
        text = ("# Comparative benchmarks (`make bench`)\n\n## Summary\n\n"
                "| Figure | Ours | Peer | Ratio ours : peer | Target | Result |\n"
                "| --- | ---: | ---: | ---: | --- | --- |\n\n")
    lines = text.split("\n")
    # Drop an earlier section 6 (up to the next "## " heading or the closing "Raw figures" line).
    if SECTION in lines:
        i = lines.index(SECTION)
        j = i + 1
        while j < len(lines) and not lines[j].startswith("## ") and not (
                lines[j].startswith("Raw figures:") and "python_results" not in lines[j]):
            j += 1
        del lines[i:j]
    # Summary rows.
    lines = [ln for ln in lines if not ln.startswith("| 6. ")]
    rows = ["| " + " | ".join(c) + " |" for c in summary_rows(r)]
    if "## Summary" in lines:
        i = lines.index("## Summary")
        j = i + 1
        while j < len(lines) and not lines[j].startswith("|"):
            j += 1
        while j < len(lines) and lines[j].startswith("|"):
            j += 1
        lines[j:j] = rows
    # The section: at the end, after the suite's closing "Raw figures" line.
    while lines and lines[-1] == "":
        lines.pop()
    lines += [""] + render_section(r).split("\n")
    out = "\n".join(lines)
    if not out.endswith("\n"):
        out += "\n"
    out_path.write_text(out)


def machine(ctx):
    def sh(*argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    fs = sh("findmnt", "-n", "-o", "FSTYPE,SOURCE,TARGET", "-T", str(ctx.work)).split()
    fs_text = f"{fs[0]} ({fs[1]} on {fs[2]})" if len(fs) == 3 else "unknown"
    return {
        "date": dt.datetime.now(UTC).isoformat(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "pyarrow": pa.__version__,
        "numpy": np.__version__,
        "budget_audit": budget_audit.__version__,
        "budget_audit_path": os.path.dirname(budget_audit.__file__),
        "git_rev": sh("git", "-C", str(ctx.repo), "rev-parse", "--short=12", "HEAD"),
        "fs": fs_text,
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def load_notes(r):
    """A sentence on load()'s verdict from the breakdown, for the section."""
    def pyarrow_on_ours(b):
        # pyarrow's own reader over the very files our C stream decodes.
        vs_1 = b["ours_stream"] / b["pyarrow_our_files_1thread"]
        vs_n = b["ours_stream"] / b["pyarrow_our_files"]
        text = (f" pyarrow's reader takes {f_s(b['pyarrow_our_files'])} ms over our own sealed files "
                f"({f_s(b['pyarrow_our_files_1thread'])} on one thread): our C stream takes {f_ratio(vs_n)}× "
                f"the first and {f_ratio(vs_1)}× the second for the same bytes")
        if vs_n > 1.0:
            return text + (", so what is left to gain is in the path from the decoded columns to the Arrow buffers "
                           "and in decoding files in parallel, not in the file format.")
        return text + "."

    out = []
    for n, d in sorted(r["reads"].items(), key=lambda kv: int(kv[0])):
        b = d["load_breakdown"]
        x = d["load"]["x"]
        ours_total = b["ours_snapshot"] + b["ours_stream"] + b["ours_to_pandas"]
        seed_total = b["seed_read_table"] + b["seed_to_pandas"]
        out.append(
            f"At {short_n(int(n))}: ours {f_s(ours_total)} ms in the steps ({b['ours_stream'] / ours_total * 100:.0f} % "
            f"the C stream, {b['ours_to_pandas'] / ours_total * 100:.0f} % to_pandas) against the Python version's "
            f"{f_s(seed_total)} ms ({b['seed_read_table'] / seed_total * 100:.0f} % read_table, "
            f"{b['seed_to_pandas'] / seed_total * 100:.0f} % to_pandas); load() ratio {f_ratio(x)} "
            f"({'met' if x <= 1.0 else 'missed'})."
            + (pyarrow_on_ours(b) if "pyarrow_our_files_1thread" in b else "")
        )
    return " ".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--repo", default=str(Path(__file__).resolve().parents[1]))
    ap.add_argument("--render-from", help="write the section again from an earlier run's JSON, measuring nothing")
    args = ap.parse_args()
    out_path = Path(args.out).resolve()
    if args.render_from:
        r = json.loads(Path(args.render_from).read_text())
        write_results(out_path, r)
        log(f"wrote section 6 of {out_path} from {args.render_from}")
        return
    ctx = Ctx(args)
    for exe in (ctx.cli, ctx.ba_bench):
        if not os.access(exe, os.X_OK):
            sys.exit(f"python bench: {exe} is missing (make bench builds it)")
    t_start = time.perf_counter()
    ctx.root.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(ctx.logs, ignore_errors=True)
    ctx.logs.mkdir(parents=True)
    os.chdir(ctx.root)  # no ./data: no config file is found
    ctx.seed = load_seed(ctx.repo)
    r = {"config": {k: (v if not isinstance(v, dict) else {str(a): b for a, b in v.items()}) for k, v in CFG.items()}}
    r["machine"] = machine(ctx)
    log(f"budget_audit {r['machine']['budget_audit']} from {r['machine']['budget_audit_path']}; pandas "
        f"{pd.__version__}, pyarrow {pa.__version__}; {ctx.root}{' (quick mode)' if QUICK else ''}")
    sanity_check(ctx)
    make_inputs(ctx, [n for n in CFG["tick_sizes"] if n > 0] + CFG["load_sizes"])
    # Durable appends first, while the disk is quiet.
    r["vs_cpp"] = bench_vs_cpp(ctx)
    r["log_slot"] = bench_log_slot(ctx)
    r["reads"] = bench_reads(ctx)
    r["notes"] = {"load": load_notes(r)}
    r["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    r["seconds"] = time.perf_counter() - t_start
    results_file = ctx.work / "python_results.json"
    try:
        r["results_file"] = str(results_file.relative_to(ctx.repo))
    except ValueError:
        r["results_file"] = str(results_file)
    # JSON keys are strings; the renderer sorts them as numbers.
    r["log_slot"] = {str(k): v for k, v in r["log_slot"].items()}
    r["reads"] = {str(k): v for k, v in r["reads"].items()}
    results_file.write_text(json.dumps(r, indent=1, default=str) + "\n")
    write_results(out_path, r)
    if not KEEP:
        shutil.rmtree(ctx.logs, ignore_errors=True)
    log(f"wrote section 6 of {out_path} ({r['seconds'] / 60:.1f} min)")


if __name__ == "__main__":
    main()
