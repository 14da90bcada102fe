#!/usr/bin/env bash
# `budget-audit import` of files written by DuckDB, checked against DuckDB's own view of the rows.
#
#   bash tests/interop/import_check.sh BUDGET_AUDIT_BINARY [--keep DIR]
#
# DuckDB (the pinned @duckdb/node-api) writes two files with COPY ... TO 'x.parquet':
#   native.parquet    the audit columns in DuckDB's natural types: TIMESTAMP WITH TIME ZONE
#                     (INT64 TIMESTAMP(MICROS, UTC)), VARCHAR date (the date at +02:00, as the
#                     Python version wrote it), BIGINT, DOUBLE, BOOLEAN, VARCHAR; several row
#                     groups, two months
#   variants.parquet  TIMESTAMP_NS (naive), DATE, INTEGER, FLOAT, DECIMAL(9,3), INTEGER for a
#                     double, no budget_spent_kwh column, NULLs, extra columns seq and note
# It imports both into a fresh log, and compares `cat` of the log (JSON lines, the 11 columns)
# with DuckDB's reading (duckdb_rows.mjs) of what the import must give: native.parquet as is,
# and a query over variants.parquet that applies the documented conversions and defaults. Then
# checks a re-import adds nothing, the --json summary's counts, and `verify`.
# Ends with `import-check: N passed, M failed`; exits 1 when anything failed, 2 on bad usage.
set -euo pipefail

name=import-check; tools=""
source "$(dirname "${BASH_SOURCE[0]}")/check_common.sh"
[[ -z "$keep" ]] || rm -rf "$work/log"

# Runs SQL statements (one per argument) in one DuckDB session with TimeZone UTC.
duckdb_sql() {
  (cd "$here" && node --input-type=module -e '
    import { DuckDBInstance } from "@duckdb/node-api";
    const db = await DuckDBInstance.create(":memory:", { threads: "1" });
    const conn = await db.connect();
    await conn.run("SET TimeZone = '"'"'UTC'"'"'");
    for (const sql of process.argv.slice(1)) await conn.run(sql);
    conn.closeSync(); db.closeSync();' "$@")
}

cols="timestamp,date,slot_index,planned_offset_deg,actual_offset_deg,energy_cost_kwh,budget_spent_kwh,budget_remaining_kwh,gate_passed,source,stage_id"
native="$work/native.parquet"
variants="$work/variants.parquet"
expected_variants="$work/expected-variants.parquet"
log="$work/log"

# 20000 ticks every 5 minutes from 2026-01-31 22:00Z (into February), 4096-row row groups.
# 6000 ticks every 5 minutes from 2026-05-01 00:00 (naive nanoseconds, whole microseconds).
if ! out="$(duckdb_sql \
  "CREATE TABLE n AS SELECT
     TIMESTAMPTZ '2026-01-31 22:00:00+00' + i * INTERVAL 5 MINUTE AS timestamp,
     strftime(TIMESTAMP '2026-01-31 22:00:00' + i * INTERVAL 5 MINUTE + INTERVAL 2 HOUR, '%Y-%m-%d') AS date,
     (i % 96)::BIGINT AS slot_index,
     round(sin(i / 10.0) * 30, 3)::DOUBLE AS planned_offset_deg,
     (round(sin(i / 10.0) * 31, 4) / 3)::DOUBLE AS actual_offset_deg,
     (CASE WHEN i % 3 = 0 THEN 0.0 ELSE (i % 17) * 0.125 + 1e-9 * i END)::DOUBLE AS energy_cost_kwh,
     (i * 0.5)::DOUBLE AS budget_spent_kwh,
     (5000.0 - i * 0.5)::DOUBLE AS budget_remaining_kwh,
     i % 3 <> 0 AS gate_passed,
     CASE i % 4 WHEN 0 THEN 'manual' WHEN 1 THEN 'fallback' WHEN 2 THEN 'plan' ELSE 'réglage ☀' END AS source,
     CASE WHEN i < 10000 THEN 'budbreak' ELSE 'flowering' END AS stage_id
   FROM range(0, 20000) t(i)" \
  "COPY n TO '$native' (FORMAT parquet, ROW_GROUP_SIZE 4096)" \
  "CREATE TABLE v AS SELECT
     i + 1000 AS seq,
     CAST(TIMESTAMP '2026-05-01 00:00:00' + i * INTERVAL 5 MINUTE AS TIMESTAMP_NS) AS timestamp,
     CAST(TIMESTAMP '2026-05-01 00:00:00' + i * INTERVAL 5 MINUTE AS DATE) AS date,
     (i % 96)::INTEGER AS slot_index,
     (i % 40 - 20)::FLOAT / 8 + 0.1::FLOAT AS planned_offset_deg,
     ((i % 1000) / 7.0)::DECIMAL(9,3) AS actual_offset_deg,
     (i % 5)::INTEGER AS energy_cost_kwh,
     CASE WHEN i % 7 = 0 THEN NULL ELSE 4000.0 - i END AS budget_remaining_kwh,
     CASE WHEN i % 11 = 0 THEN NULL ELSE i % 2 = 0 END AS gate_passed,
     'plan' AS source,
     CASE WHEN i % 5 = 0 THEN NULL ELSE 'veraison' END AS stage_id,
     'n' || i AS note
   FROM range(0, 6000) t(i)" \
  "COPY v TO '$variants' (FORMAT parquet, ROW_GROUP_SIZE 1000)" \
  "COPY (SELECT
     strftime(timestamp, '%Y-%m-%dT%H:%M:%SZ') AS timestamp,
     strftime(date, '%Y-%m-%d') AS date,
     slot_index::BIGINT AS slot_index,
     planned_offset_deg::DOUBLE AS planned_offset_deg,
     actual_offset_deg::DOUBLE AS actual_offset_deg,
     energy_cost_kwh::DOUBLE AS energy_cost_kwh,
     0.0::DOUBLE AS budget_spent_kwh,
     coalesce(budget_remaining_kwh::DOUBLE, 0.0) AS budget_remaining_kwh,
     coalesce(gate_passed, false) AS gate_passed,
     source,
     coalesce(stage_id, 'unknown') AS stage_id
   FROM read_parquet('$variants')) TO '$expected_variants' (FORMAT parquet)" 2>&1)"; then
  fail_setup "DuckDB could not write the test files: $out"
fi

# Import.
if out="$("$cli" --log "$log" import --json "$native" "$variants" 2>"$work/import.err")"; then
  pass "import (exit 0)"
else
  fail "import (exit $?)" "$(cat "$work/import.err")"
fi
check_json() {  # name, node expression over j that must be true
  if node -e "const j = JSON.parse(require('fs').readFileSync(0, 'utf8')); if (!($2)) process.exit(1)" <<<"$out"; then
    pass "$1"
  else
    fail "$1" "$out"
  fi
}
check_json "summary counts" \
  "j.files === 2 && j.rows_read === 26000 && j.appended === 26000 && j.already_present === 0 && j.conflicts === 0 && j.refused === 0"
check_json "summary defaults and extras" \
  "j.defaults.budget_spent_kwh.missing_column === 6000 && j.defaults.budget_remaining_kwh.null === 858 && j.defaults.gate_passed.null === 546 && j.defaults.stage_id.null === 1200 && j.extra_columns.seq === 1 && j.extra_columns.note === 1"
if grep -q "variants.parquet: timestamp is INT64 TIMESTAMP(NANOS) without isAdjustedToUTC" "$work/import.err"; then
  pass "naive timestamps are reported as read as UTC"
else
  fail "naive timestamps are reported as read as UTC" "$(cat "$work/import.err")"
fi

# The log's rows against DuckDB's.
"$cli" --log "$log" cat --columns "$cols" >"$work/log.jsonl" 2>"$work/cat.err" || fail "cat of the log" "$(cat "$work/cat.err")"
{
  (cd "$here" && node duckdb_rows.mjs "$native")
  (cd "$here" && node duckdb_rows.mjs "$expected_variants")
} >"$work/duckdb.jsonl" 2>"$work/duckdb.err" || fail_setup "DuckDB could not read the files back: $(cat "$work/duckdb.err")"
if diffs="$(node "$here/compare.mjs" "$work/log.jsonl" "$work/duckdb.jsonl" 2>&1)"; then
  pass "log rows equal DuckDB's rows ($(wc -l <"$work/duckdb.jsonl") rows)"
else
  fail "log rows equal DuckDB's rows" "$diffs"
fi

# Sealed month files exist (readable by DuckDB directly).
if n="$(cd "$here" && node --input-type=module -e '
    import { DuckDBInstance } from "@duckdb/node-api";
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const r = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet(${JSON.stringify(process.argv[1] + "/*.parquet").replace(/"/g, "'"'"'")})`);
    console.log(r.getRowObjectsJS()[0].n);
    conn.closeSync(); db.closeSync();' "$log" 2>&1)" && [[ "$n" == "26000" ]]; then
  pass "sealed month files hold every record (DuckDB counts $n)"
else
  fail "sealed month files hold every record" "$n"
fi

# Re-import: nothing added.
if out="$("$cli" --log "$log" import --json "$variants" "$native" 2>"$work/again.err")"; then
  pass "re-import (exit 0)"
else
  fail "re-import (exit $?)" "$(cat "$work/again.err")"
fi
check_json "re-import adds nothing" "j.appended === 0 && j.already_present === 26000 && j.last_seq === 26000"

if v="$("$cli" --log "$log" verify 2>&1)"; then pass "verify"; else fail "verify" "$v"; fi

echo "import-check: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
