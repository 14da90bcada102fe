#!/usr/bin/env bash
# make run: logs the demo plant's season (examples/demo/ticks.jsonl.gz) into a
# fresh data directory, checks it, and prints the rollup as a table and as JSON.
set -euo pipefail
build="${1:-build}"
cli="$build/budget-audit"
data="$build/demo-data"
here="$(cd "$(dirname "$0")/.." && pwd)"

rm -rf "$data"
mkdir -p "$data"
cp "$here/examples/demo/budget_audit.toml" "$data/budget_audit.toml"
ticks=$(gzip -dc "$here/examples/demo/ticks.jsonl.gz" | wc -l)
echo "== logging the demo season: $ticks ticks into $data/budget_audit/slot_log"
start=$(date +%s.%N)
gzip -dc "$here/examples/demo/ticks.jsonl.gz" | "$cli" --data-dir "$data" log --sync batch >/dev/null
end=$(date +%s.%N)
awk -v n="$ticks" -v s="$start" -v e="$end" 'BEGIN { printf "   %d ticks in %.2f s (%.0f ticks/s, durable in batches)\n", n, e - s, n / (e - s) }'
echo "== verify"
"$cli" --data-dir "$data" verify
echo
echo "== the rollup (budget-audit --data-dir $data report --format table)"
"$cli" --data-dir "$data" report --format table
echo
echo "== the same as JSON, as the Python version printed it (budget-audit --data-dir $data)"
"$cli" --data-dir "$data"
echo
echo "== the hottest day (budget-audit --data-dir $data daily 2026-07-01 --format table)"
"$cli" --data-dir "$data" daily 2026-07-01 --format table
echo
echo "== compliance over the season against the plant's real potential and its seasons"
echo "   (budget-audit --data-dir $data compliance --year 2026 --as-of 2026-09-30 --format table)"
"$cli" --data-dir "$data" compliance --year 2026 --as-of 2026-09-30 --format table
"$cli" --data-dir "$data" compliance --year 2026 --as-of 2026-09-30 --format html -o "$data/compliance-2026.html"
echo
echo "The compliance report as a page (charts, findings, provenance): $data/compliance-2026.html"
echo "The sealed history is plain Parquet: $data/budget_audit/slot_log/*.parquet"
