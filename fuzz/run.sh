#!/usr/bin/env bash
# Runs every libFuzzer target BUILD_DIR/*_fuzz: first a replay of every file
# under tests/regress/ (each target, every file, once), then SECONDS of fuzzing
# from a fresh seed corpus.
#
#   bash fuzz/run.sh BUILD_DIR SECONDS
#
# Seed corpus of target NAME (built in a temporary directory, so runs do not
# accumulate state): the files in fuzz/seeds/NAME/ when that directory exists,
# else every *.parquet under tests/data plus every file under tests/regress/.
# Each fuzzing run uses -max_total_time=SECONDS -timeout=10 -rss_limit_mb=2048;
# crash, timeout and OOM inputs are written to BUILD_DIR/fuzz-artifacts/.
# A reproducer belongs in tests/regress/ (any name, any subdirectory; *.md and
# dot files there are not replayed).
#
# Exit status: 0 when nothing crashed (also when there are no targets), 1 when
# a target crashed, timed out or ran out of memory, 2 on bad usage.
set -euo pipefail

usage() {
  echo "usage: bash fuzz/run.sh BUILD_DIR SECONDS" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
build_dir="$1"
seconds="$2"
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "fuzz: SECONDS must be a positive integer, got '$seconds'" >&2; usage; }
[[ -d "$build_dir" ]] || { echo "fuzz: build directory not found: $build_dir" >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$(cd "$build_dir" && pwd)"
regress_dir="${FUZZ_REGRESS_DIR:-$root/tests/regress}"  # override for testing this script
artifacts="$build_dir/fuzz-artifacts"

targets=()
for t in "$build_dir"/*_fuzz; do
  [[ -f "$t" && -x "$t" ]] && targets+=("$t")
done
if ((${#targets[@]} == 0)); then
  echo "fuzz: no *_fuzz targets in $build_dir; nothing to do"
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/ba-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"

# Regression inputs, NUL-separated, sorted for stable output.
regress_list="$work/regress.list"
if [[ -d "$regress_dir" ]]; then
  find "$regress_dir" -type f ! -name '.*' ! -name '*.md' -print0 | sort -z >"$regress_list"
else
  : >"$regress_list"
fi
n_regress="$(tr -cd '\0' <"$regress_list" | wc -c)"

passed=0
failed=0
failures=()
common=(-timeout=10 -rss_limit_mb=2048)

# Prints the interesting end of a libFuzzer log.
show_log() {
  local last_input
  last_input="$(grep -E '^Running: ' "$1" | tail -n 1 | sed 's/^Running: //' || true)"
  [[ -n "$last_input" ]] && echo "    input: $last_input"
  grep -E 'ERROR|SUMMARY|runtime error|Test unit written|deadly signal|timeout|out-of-memory' "$1" | tail -n 20 | sed 's/^/    /' || true
}

for target in "${targets[@]}"; do
  name="$(basename "$target")"
  echo "fuzz: == $name"

  # 1. Replay the regression files. libFuzzer runs each file given as an
  #    argument once and exits non-zero on the first failure; xargs batches
  #    them to stay under the argument-length limit.
  if ((n_regress > 0)); then
    log="$work/$name.regress.log"
    t0=$SECONDS
    if xargs -0 -n 200 "$target" "${common[@]}" -artifact_prefix="$artifacts/$name-regress-" \
      <"$regress_list" >"$log" 2>&1; then
      echo "fuzz: $name: replayed $n_regress regression file(s) in $((SECONDS - t0)) s: ok"
      passed=$((passed + 1))
    else
      echo "FAIL $name: a regression file fails"
      show_log "$log"
      failed=$((failed + 1))
      failures+=("$name (regression replay)")
    fi
  else
    echo "fuzz: $name: no regression files under tests/regress/"
  fi

  # 2. Seed corpus.
  corpus="$work/corpus-$name"
  mkdir -p "$corpus"
  if [[ -d "$root/fuzz/seeds/$name" ]]; then
    seed_from="fuzz/seeds/$name"
    find "$root/fuzz/seeds/$name" -type f -print0 | xargs -0 -r cp -t "$corpus" --backup=numbered
  else
    seed_from="tests/data/**/*.parquet + tests/regress/**"
    find "$root/tests/data" -type f -name '*.parquet' -print0 | xargs -0 -r cp -t "$corpus" --backup=numbered
    xargs -0 -r cp -t "$corpus" --backup=numbered <"$regress_list"
  fi
  n_seeds="$(find "$corpus" -type f | wc -l)"

  # 3. Fuzz.
  log="$work/$name.fuzz.log"
  t0=$SECONDS
  if "$target" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$artifacts/$name-" "$corpus" >"$log" 2>&1; then
    stats="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 | tr -s ' \t' ' ' || true)"
    execs="$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' || true)"
    echo "fuzz: $name: $((SECONDS - t0)) s from $n_seeds seeds ($seed_from): ok; ${execs:-?} runs; ${stats:-no stats}"
    passed=$((passed + 1))
  else
    rc=$?
    echo "FAIL $name: fuzzing stopped with exit code $rc after $((SECONDS - t0)) s"
    show_log "$log"
    echo "    reproducer(s) in $artifacts/ — add them to tests/regress/ once fixed"
    failed=$((failed + 1))
    failures+=("$name (fuzzing)")
  fi
done

for f in "${failures[@]+"${failures[@]}"}"; do echo "fuzz: failed: $f"; done
echo "fuzz: ${#targets[@]} target(s), $((seconds)) s each"
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
