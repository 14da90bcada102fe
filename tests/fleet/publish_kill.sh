#!/usr/bin/env bash
# publish killed with SIGKILL at random moments, resumed, with DuckDB reading
# the store after every kill (docs/fleet.md, "Safe to kill at any moment"):
#   - read_parquet('DEST/*/*.parquet', hive_partitioning=true) opens (no
#     partial or temporary file matches the glob) and sees every sealed row
#     once: per site, seqs 1..N each exactly once;
#   - every file DEST/*/_manifest.json names exists, with the manifest's
#     SHA-256 unless _seal_intent is there (a publish was replacing it);
#   - budget-audit fleet verify passes.
# Usage: publish_kill.sh BUDGET_AUDIT_CLI PYTHON_WITH_DUCKDB [ROUNDS]
set -euo pipefail
cli="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
py="$2"
rounds="${3:-60}"
here="$(cd "$(dirname "$0")/../.." && pwd)"
"$py" -c 'import duckdb' 2>/dev/null || { echo "publish_kill: $py has no duckdb module" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/ba_publish_kill.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT  # ours: made just above
export BUDGET_AUDIT_TODAY=2026-12-31  # every logged day has ended: sealed when `log` closes
cat >"$work/site.toml" <<'TOML'
capacity_kw = 500
timezone = "Europe/Berlin"
annual_potential_kwh = 614630
site_id = "kill-test"
TOML
gzip -dc "$here/examples/demo/ticks.jsonl.gz" >"$work/ticks.jsonl"
total=$(wc -l <"$work/ticks.jsonl")
logged=12000
head -n "$logged" "$work/ticks.jsonl" | "$cli" --config "$work/site.toml" --log "$work/log" log --sync none >/dev/null
publish() { "$cli" --config "$work/site.toml" --log "$work/log" publish "$work/store" >/dev/null 2>&1; }

check() {
  [[ -d "$work/store" ]] || return 0  # killed before it made the store: nothing to read yet
  "$py" - "$work/store" <<'PY'
import duckdb, hashlib, json, os, sys
store = sys.argv[1]
bad = []
for site in sorted(os.listdir(store)):
    d = os.path.join(store, site)
    for n in os.listdir(d):
        if n.endswith(".parquet") and not (len(n) == 15 and n[4] == "-"):
            bad.append(f"{site}/{n}: not a month file, yet it matches *.parquet")
    m = os.path.join(d, "_manifest.json")
    if not os.path.exists(m):
        continue
    intent = os.path.exists(os.path.join(d, "_seal_intent"))
    for f in json.load(open(m))["files"]:
        p = os.path.join(d, f["name"])
        if not os.path.exists(p):
            bad.append(f"{site}: the manifest names a missing {f['name']}")
        elif not intent and hashlib.sha256(open(p, "rb").read()).hexdigest() != f["sha256"]:
            bad.append(f"{site}/{f['name']}: SHA-256 differs from the manifest's")
if any(n.endswith(".parquet") for s in os.listdir(store) for n in os.listdir(os.path.join(store, s))):
    rows = duckdb.sql(f"""SELECT site, count(*), count(DISTINCT seq), min(seq), max(seq)
        FROM read_parquet('{store}/*/*.parquet', hive_partitioning = true) GROUP BY site""").fetchall()
    for site, n, distinct, lo, hi in rows:
        if not (n == distinct == hi and lo == 1):
            bad.append(f"{site}: {n} rows, {distinct} distinct seqs, seqs {lo}..{hi}: not every row once")
for b in bad:
    print("publish_kill:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
  "$cli" fleet verify "$work/store" >/dev/null
}

start=$(date +%s%N)
publish
full_us=$((($(date +%s%N) - start) / 1000))
rm -rf -- "$work/store"  # ours: the timing run's
kills=0
for ((round = 0; round < rounds; round++)); do
  ((round % 10 == 9)) && rm -rf -- "$work/store"  # ours: copy everything again, to be killed mid-way
  if ((round % 3 == 1 && logged + 96 <= total)); then  # a new day: the current month file is replaced
    sed -n "$((logged + 1)),$((logged + 96))p" "$work/ticks.jsonl" |
      "$cli" --config "$work/site.toml" --log "$work/log" log --sync none >/dev/null
    logged=$((logged + 96))
  fi
  # The command itself in the background (not a subshell around it), so the kill reaches it.
  "$cli" --config "$work/site.toml" --log "$work/log" publish "$work/store" >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v max="$full_us" -v r="$RANDOM" 'BEGIN { printf "%.6f", (r / 32767) * max * 1.2 / 1e6 }')"
  kill -KILL "$pid" 2>/dev/null || true
  rc=0
  { wait "$pid"; } 2>/dev/null || rc=$?
  ((rc == 137)) && kills=$((kills + 1))
  check || { echo "publish_kill: the store is inconsistent after round $round" >&2; exit 1; }
done
publish
check
cmp "$work/log/_manifest.json" "$work/store/site=kill-test/_manifest.json"
rows=$("$py" -c "import duckdb,sys; print(duckdb.sql(\"SELECT count(*) FROM read_parquet('$work/store/*/*.parquet', hive_partitioning = true)\").fetchall()[0][0])")
sealed=$("$py" -c "import json; print(json.load(open('$work/log/_manifest.json'))['sealed_seq'])")
[[ "$rows" == "$sealed" ]] || { echo "publish_kill: DuckDB sees $rows rows, the log sealed $sealed" >&2; exit 1; }
echo "publish_kill: $rounds rounds, $kills publishes killed mid-way (a full one: ${full_us} us); the store stayed consistent; DuckDB sees the $rows sealed rows once"
