#!/usr/bin/env bash
# The comparative benchmark suite (make bench): budget-audit against its peers
# -- the Python version's append strategy, a bare write+fdatasync, DuckDB --
# on the same data in the same run; writes bench/RESULTS.md. What is measured
# and how: bench/peers/run.mjs and the notes in RESULTS.md itself.
#
#   bash scripts/bench.sh BUILD_DIR
#
# BUILD_DIR holds budget-audit and ba_bench (Release, -DBA_BENCH=ON; make bench
# builds build-bench). Files go under $BA_BENCH_DIR/budget-audit-bench if set,
# else BUILD_DIR/bench-work -- on the disk whose fdatasync is measured, so not
# a tmpfs. Generated inputs stay there for the next run (~0.6 GB in a full
# run); logs are removed at the end. Takes ~15-20 minutes (of which 5-8 are
# the month of durable ticks, ~180,000 fdatasyncs: BM_DurableMonth), then a
# few minutes for the Python package's section (bench/python_bench.py, in the
# venv of scripts/python-env.sh; its generated inputs, ~0.2 GB, are kept
# too); progress on stderr.
#
# Environment: BENCH_QUICK=1 (a quick check: small inputs, fewer runs; writes
# BUILD_DIR/RESULTS-quick.md unless BENCH_OUT says otherwise), BENCH_OUT=FILE,
# BENCH_RUNS, BENCH_ROWS, BENCH_SCALING, BENCH_APPEND_SIZES, BENCH_KEEP=1,
# BENCH_SECTIONS=a,b,... (only those sections: appends, month,
# python-strategy, import, reports, compliance, size, scaling, python, fleet;
# e.g. BENCH_QUICK=1 BENCH_SECTIONS=compliance for a look at one figure; see
# bench/peers/run.mjs); BENCH_PYTHON=0 (no Python section), BENCH_VENV=DIR,
# BENCH_PY_RUNS, BENCH_PY_LOAD_SIZES, BENCH_PY_TICK_SIZES (see
# bench/python_bench.py).
#
# The fleet section (§7: a generated fleet of 100 sites × a year of one-minute
# ticks published to a store; `fleet compliance` against DuckDB's SQL of
# docs/spark.md and the Spark job on a local 2-worker cluster; publish per
# day) is not in the default set: it adds ~15-25 minutes (the Spark job ~8,
# generating the store ~5 the first time; the store, ~0.5 GB, is kept under
# the bench directory). Run it with BENCH_SECTIONS=fleet (or a list naming
# it); BENCH_FLEET_SITES, BENCH_FLEET_DAYS, BENCH_FLEET_PUBLISH_SITES (see
# bench/peers/run.mjs). It needs the venv (pyspark, numpy, pyarrow,
# budget_audit; scripts/python-env.sh makes it when missing) and Java
# (scripts/spark-cluster.sh installs Debian's when missing).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers="$repo/bench/peers"

if [[ $# -ne 1 || "$1" == -* ]]; then
  echo "usage: bash scripts/bench.sh BUILD_DIR" >&2
  exit 2
fi
build="$(cd "$1" 2>/dev/null && pwd)" || { echo "bench: no build directory $1" >&2; exit 1; }
for bin in budget-audit ba_bench; do
  if [[ ! -x "$build/$bin" ]]; then
    echo "bench: $build/$bin is missing (configure with -DBA_BENCH=ON and build; make bench does)" >&2
    exit 1
  fi
done

# /usr/bin/time (peak RSS of our commands): Debian's "time" package.
if [[ ! -x /usr/bin/time ]]; then
  echo "bench: installing time (for /usr/bin/time)" >&2
  if [[ $(id -u) -ne 0 ]]; then sudo=sudo; else sudo=; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends time >&2 ||
    { DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends time >&2; }
fi

# The pinned @duckdb/node-api, from package-lock.json, when node_modules is
# missing or holds another version.
source "$repo/scripts/node-deps.sh"
ensure_node_modules "$peers" bench || exit 1

if [[ -n "${BA_BENCH_DIR:-}" ]]; then
  work="$BA_BENCH_DIR/budget-audit-bench"
else
  work="$build/bench-work"
fi
mkdir -p "$work"
work="$(cd "$work" && pwd)"
fstype="$(findmnt -n -o FSTYPE -T "$work" 2>/dev/null || stat -f -c %T "$work")"
if [[ "$fstype" == tmpfs || "$fstype" == ramfs ]]; then
  echo "bench: WARNING: $work is on $fstype, where fdatasync costs nothing; set BA_BENCH_DIR to a directory on a disk" >&2
fi

if [[ -n "${BENCH_OUT:-}" ]]; then
  out="$BENCH_OUT"
elif [[ "${BENCH_QUICK:-}" == 1 ]]; then
  out="$build/RESULTS-quick.md"
else
  out="$repo/bench/RESULTS.md"
fi

# The fleet section: the venv it runs tools/fleet_gen.py and the Spark job
# with, and the Spark cluster it starts stopped whatever happens (run.mjs
# stops it too; this covers a kill of node itself).
fleet_section=0
if [[ ",${BENCH_SECTIONS// /}," == *,fleet,* ]]; then
  fleet_section=1
  venv="${BENCH_VENV:-$repo/.venv}"
  export BENCH_VENV="$venv"
  if ! "$venv/bin/python" -c 'import budget_audit.spark, pyspark, numpy, pyarrow' 2>/dev/null; then
    echo "bench: the fleet section needs the venv: scripts/python-env.sh $venv…" >&2
    bash "$repo/scripts/python-env.sh" "$venv" >&2
  fi
  stop_cluster() {
    if compgen -G "$work/spark-cluster/pids/*.pid" >/dev/null; then
      VENV="$venv" bash "$repo/scripts/spark-cluster.sh" stop "$work/spark-cluster" >&2 || true
    fi
  }
  trap stop_cluster EXIT
fi

start=$SECONDS
node "$peers/run.mjs" --build "$build" --work "$work" --out "$out" --repo "$repo"

# 6. The Python package (bench/python_bench.py): its log_slot, load() and
# weekly_report() against the Python version on pandas + pyarrow and against
# the C++ library, appended to $out as section 6 and summary rows. Run by the
# venv's python; scripts/python-env.sh creates the venv if needed and
# (re)installs the package from this checkout first, so the figures are of
# this source. BENCH_PYTHON=0 skips it, as does a BENCH_SECTIONS without
# "python"; BENCH_VENV=DIR uses another venv.
python_section=1
if [[ "${BENCH_PYTHON:-1}" == 0 ]]; then
  python_section=0
elif [[ -n "${BENCH_SECTIONS:-}" && ",${BENCH_SECTIONS// /}," != *,python,* ]]; then
  python_section=0
fi
if [[ "$python_section" == 1 ]]; then
  venv="${BENCH_VENV:-$repo/.venv}"
  echo "bench: the Python package: installing it into $venv (scripts/python-env.sh)…" >&2
  bash "$repo/scripts/python-env.sh" "$venv" >&2
  "$venv/bin/python" "$repo/bench/python_bench.py" --build "$build" --work "$work" --out "$out" --repo "$repo"
fi
echo "bench: done in $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s: $out" >&2
