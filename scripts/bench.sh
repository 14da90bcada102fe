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
# the month of durable ticks, ~180,000 fdatasyncs: BM_DurableMonth);
# progress on stderr.
#
# Environment: BENCH_QUICK=1 (a quick check: small inputs, fewer runs; writes
# BUILD_DIR/RESULTS-quick.md unless BENCH_OUT says otherwise), BENCH_OUT=FILE,
# BENCH_RUNS, BENCH_ROWS, BENCH_SCALING, BENCH_APPEND_SIZES, BENCH_KEEP=1 (see
# bench/peers/run.mjs).
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

start=$SECONDS
node "$peers/run.mjs" --build "$build" --work "$work" --out "$out" --repo "$repo"
echo "bench: done in $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s: $out" >&2
