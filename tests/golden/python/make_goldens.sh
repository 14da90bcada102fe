#!/usr/bin/env bash
# Regenerates the expected outputs of the golden report cases by running the Python
# module itself (tests/golden/python/budget_audit_seed.py, the unmodified upstream
# budget_audit.py) on each case's ticks, and rewrites tests/golden/report/cases.txt.
#
#   bash tests/golden/python/make_goldens.sh [--inputs] [CASE...]
#
#   --inputs   first rewrite the inputs (ticks.jsonl, args, BOUNDARIES.md) with gen_ticks.py
#   CASE...    only these cases (default: every directory of tests/golden/report with an args file)
#
# For each case directory: reads `args` (capacity_kw, max_reduction_pct as written, daily =
# dates), deletes default.txt, report.json and daily-*.json, and writes them again with
# run_seed.py. Needs Debian's python3-pandas (installed with apt-get when missing; no pyarrow:
# run_seed.py swaps the module's two parquet calls for pickle). big_minute takes ~5 minutes
# (the module rewrites its whole file on every tick, 10200 times); the others take seconds.
# The expected files are committed, so the tests themselves need no Python.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
report="$(cd "$here/../report" && pwd)"
py=/usr/bin/python3   # Debian's interpreter: a pyenv python3 on PATH has no pandas

inputs=0
cases=()
for arg in "$@"; do
  case "$arg" in
    --inputs) inputs=1 ;;
    -*) echo "usage: bash tests/golden/python/make_goldens.sh [--inputs] [CASE...]" >&2; exit 2 ;;
    *) cases+=("$arg") ;;
  esac
done

if ! "$py" -c 'import pandas, numpy' 2>/dev/null; then
  echo "make_goldens: installing python3-pandas" >&2
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-pandas >&2
fi
"$py" -c 'import pandas, numpy, sys; print(f"make_goldens: Python {sys.version.split()[0]}, pandas {pandas.__version__}, numpy {numpy.__version__}")' >&2

# The copy must still be the upstream module (when ../shared is there to compare with).
seed="$here/budget_audit_seed.py"
upstream="$here/../../../../shared/seed/budget_audit.py"
if [[ -f "$upstream" ]] && ! cmp -s <(tail -n +8 "$seed") "$upstream"; then
  echo "make_goldens: $seed is no longer the upstream module $upstream" >&2
  exit 1
fi

if [[ "$inputs" == 1 ]]; then
  "$py" "$here/gen_ticks.py" "$report"
fi

if [[ ${#cases[@]} -eq 0 ]]; then
  for d in "$report"/*/; do
    [[ -f "$d/args" ]] && cases+=("$(basename "$d")")
  done
fi

# args: `key=value` lines and `#` comments
arg() { sed -n "s/^$2=//p" "$report/$1/args"; }

for c in "${cases[@]}"; do
  dir="$report/$c"
  [[ -f "$dir/args" && -f "$dir/ticks.jsonl" ]] || { echo "make_goldens: no case $c" >&2; exit 1; }
  capacity="$(arg "$c" capacity_kw)"
  pct="$(arg "$c" max_reduction_pct)"
  daily=()
  for d in $(arg "$c" daily); do daily+=(--daily "$d"); done
  rm -f "$dir/default.txt" "$dir/report.json" "$dir"/daily-*.json
  start=$SECONDS
  PYTHONDONTWRITEBYTECODE=1 "$py" "$here/run_seed.py" "$seed" --ticks "$dir/ticks.jsonl" \
    --capacity "$capacity" --pct "$pct" "${daily[@]}" --out "$dir"
  echo "make_goldens: $c ($(wc -l < "$dir/ticks.jsonl") ticks, $((SECONDS - start)) s)" >&2
done

# cases.txt: the budget-audit command lines that must reproduce every expected file
{
  cat <<'EOF'
# The budget-audit command lines that must reproduce each golden file, byte for byte.
# Written by tests/golden/python/make_goldens.sh from each case's args; paths are relative
# to tests/golden/report/. For each case, DIR is a fresh, empty log directory:
#   run:              the command is run (its stdout, the records' seqs, is not compared;
#                     it must exit 0 and log every tick)
#   stdout FILE:      the command's stdout must equal FILE byte for byte, exit status 0
# The numbers after --capacity-kw and --max-reduction-pct are written exactly as the Python
# module's settings were (an int such as 5 or a float such as 5.0, 2.50, 0.00001, 1e23):
# ceiling_pct prints the setting back as Python does (5, 5.0, 2.5, 1e-05).
# How the files were made: README.md beside this file.
EOF
  for d in "$report"/*/; do
    c="$(basename "$d")"
    [[ -f "$d/args" ]] || continue
    base="budget-audit --log DIR --capacity-kw $(arg "$c" capacity_kw) --max-reduction-pct $(arg "$c" max_reduction_pct)"
    echo
    echo "case $c"
    sed -n 's/^# /  about: /p' "$d/args"
    log_flags="$(arg "$c" log_flags)"
    echo "  run: $base --timezone UTC log${log_flags:+ $log_flags} < $c/ticks.jsonl"
    echo "  stdout $c/default.txt: $base"
    echo "  stdout $c/report.json: $base report"
    for day in $(arg "$c" daily); do
      echo "  stdout $c/daily-$day.json: $base daily $day"
    done
  done
} > "$report/cases.txt"
echo "make_goldens: wrote $report/cases.txt" >&2
