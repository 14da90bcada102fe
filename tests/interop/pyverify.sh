#!/usr/bin/env bash
# tools/verify_log.py — the Python verifier written from docs/format.md §2 alone — against the CLI.
#
#   bash tests/interop/pyverify.sh BUDGET_AUDIT_BINARY [--keep DIR]
#
# Builds a log with `BUDGET_AUDIT_BINARY --log DIR log` (five days over two months: sealed month
# files, a late tick, a journal tail of the current day, and from a copy an interrupted seal whose
# journal overlaps sealed records;
# non-UTC offsets, microseconds, non-ASCII text, int64 beyond 2^53, negative zero, subnormal and
# extreme doubles), runs the script with the pyarrow stand-in of tests/interop/pyshim (DuckDB reads
# the Parquet files, never budget-audit's reader) and checks that it reports the record count and
# head that `verify` reports, then that it rejects tampered copies and accepts a torn tail and an
# interrupted seal. Ends with `pyverify: N passed, M failed`; exits 1 when anything failed, 2 on
# bad usage. Installs the pinned node modules (npm ci) when they are missing, as run.sh does.
set -euo pipefail

name=pyverify; tools="python3"
source "$(dirname "${BASH_SOURCE[0]}")/check_common.sh"

# The script under test; prints its output, returns its exit code.
pyverify() { PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$here/pyshim" python3 "$root/tools/verify_log.py" "$1" 2>&1; }
# `verify` of the CLI as "<records> <head>" (empty when it fails).
cli_verify() {
  "$cli" --log "$1" verify 2>&1 | sed -n 's/^head: *seq \([0-9]*\) \([0-9a-f]\{64\}\)$/\1 \2/p'
}
# SQL through DuckDB (the pinned @duckdb/node-api), e.g. COPY (SELECT ...) TO 'f' (FORMAT parquet).
duckdb_sql() {
  (cd "$here" && node --input-type=module -e '
    import { DuckDBInstance } from "@duckdb/node-api";
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    await conn.run(process.argv[1]);
    conn.closeSync(); db.closeSync();' "$1")
}
sql_str() { printf "'%s'" "${1//\'/\'\'}"; }
# Python helpers for the tampering (independent of tools/verify_log.py).
helpers="$work/tamper.py"
cat >"$helpers" <<'EOF'
import hashlib, json, struct, sys
from pathlib import Path

def crc32c(data):  # bitwise CRC-32C, straight from the definition in docs/format.md §2.2
    c = 0xFFFFFFFF
    for byte in data:
        c ^= byte
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
    return c ^ 0xFFFFFFFF

def mask(c):
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF

def frames(b):  # [(offset, payload length)] of a journal file without a torn tail
    out, pos = [], 68
    while pos < len(b):
        n = struct.unpack_from("<I", b, pos + 4)[0]
        out.append((pos, n))
        pos += 9 + n
    return out

def journals(log):
    return sorted((Path(log) / "_journal").glob("*.journal"))

def flip(log, file_index, frame_index, at, fix_crc):
    """Changes one byte of a frame's canonical record; with fix_crc (1), recomputes its CRC."""
    p = journals(log)[file_index]
    b = bytearray(p.read_bytes())
    pos, n = frames(b)[frame_index]
    stored = struct.unpack_from("<I", b, pos)[0]
    if mask(crc32c(b[pos + 4:pos + 9 + n])) != stored:
        sys.exit(f"{p}: the frame's CRC is not the masked CRC-32C of docs/format.md")
    b[pos + 9 + at] ^= 0x01
    if fix_crc == 1:
        struct.pack_into("<I", b, pos, mask(crc32c(b[pos + 4:pos + 9 + n])))
    p.write_bytes(bytes(b))

def cut_last_frame(log):
    p = journals(log)[-1]
    b = p.read_bytes()
    pos, n = frames(b)[-1]
    p.write_bytes(b[:pos + (9 + n) // 2])

def append_zeros(log, count):
    p = journals(log)[-1]
    p.write_bytes(p.read_bytes() + bytes(count))

def rehash(log, name):
    """Puts a sealed file's new SHA-256 into the manifest, and the manifest's checksum after it
    (docs/format.md §2.4: it has no key, so whoever edits the manifest can recompute it)."""
    m = json.loads((Path(log) / "_manifest.json").read_text())
    for f in m["files"]:
        if f["name"] == name:
            f["sha256"] = hashlib.sha256((Path(log) / name).read_bytes()).hexdigest()
    m.pop("checksum", None)
    body = (json.dumps(m, indent=2)[:-2] + ",\n  ").encode()  # without the closing "\n}"
    text = body + b'"checksum": "sha256:' + hashlib.sha256(body).hexdigest().encode() + b'"\n}\n'
    (Path(log) / "_manifest.json").write_bytes(text)

def manifest_field(log, key):
    print(json.loads((Path(log) / "_manifest.json").read_text())[key])

if __name__ == "__main__":
    assert crc32c(b"123456789") == 0xE3069283  # the check value docs/format.md gives
    fn = globals()[sys.argv[1]]
    fn(*[int(a) if a.lstrip("-").isdigit() else a for a in sys.argv[2:]])
EOF
tamper() { PYTHONDONTWRITEBYTECODE=1 python3 "$helpers" "$@"; }

# --- the log: five local days (2026-05-29 .. 2026-06-02), ticks in two batches --------------------
python3 - "$work" <<'EOF'
import json, sys
offsets = ["+02:00", "Z", "-05:00", "+05:30", "-03:30", "+09:45"]
doubles = [-0.0, 5e-324, -2.2250738585072014e-308, 0.30000000000000004, -123.456789012345678,
           1.7976931348623157e308, -1e-300, 1e21, -7e-05, 3.141592653589793, 1 / 3, -2.5]
texts = ["contrôleur-été ☀", "阶段-2 🌱", "Ωmega ∑", "naïve\tquote\" back\\slash", "", "plain"]
def tick(day, hour, minute, k, late=False):
    t = {"timestamp": f"2026-{day}T{hour:02d}:{minute:02d}:{k % 60:02d}"
                      + (f".{k * 37 % 1000000:06d}" if k % 3 else "") + offsets[k % len(offsets)],
         "slot_index": [9007199254740993, -42, k, -1][k % 4],
         "plan_offset_deg": doubles[k % 12], "target_angle": doubles[(k + 5) % 12],
         "energy_cost_kwh": doubles[(k + 7) % 12], "budget_spent_kwh": k * 0.1,
         "budget_remaining_kwh": -k / 7, "live_gate_passed": k % 2 == 0,
         "source": texts[k % 6], "stage_id": texts[(k + 1) % 6] + ("-late" if late else "")}
    if k % 5 == 4:  # a sparse tick: defaults for the missing fields
        t = {"timestamp": t["timestamp"], "slot_index": k}
    return json.dumps(t, ensure_ascii=k % 2 == 0)  # raw UTF-8 and \u escapes both
batch1, batch2, k = [], [], 0
for day in ["05-29", "05-30", "05-31", "06-01"]:
    for hour in (6, 9, 12, 15, 18):  # local times well inside the day, whatever the offset
        k += 1
        batch1.append(tick(day, hour, k % 60, k))
k += 1
batch1.append(tick("05-31", 20, 1, k, late=True))  # late for a sealed day: stays in the journal
for hour in (1, 7, 13, 19):
    k += 1
    batch2.append(tick("06-02", hour, k % 60, k))
for name, lines in (("ticks1.jsonl", batch1), ("ticks2.jsonl", batch2)):
    with open(f"{sys.argv[1]}/{name}", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
EOF

log="$work/log"; rm -rf "$log" "$work/before-seal"
# Both batches logged on 2026-06-01 by the writer's clock (BUDGET_AUDIT_TODAY): opening and closing
# seal only the days that have ended, so the late tick waits in the journal for the day change
# that batch 2's first tick brings. Once that seal has published it, the journal file it was in
# holds only sealed records and is deleted (docs/format.md §2.2): the journal is then batch 2's
# own file. (Journal files overlapping sealed records are the interrupted seal's case, below.)
export BUDGET_AUDIT_TODAY=2026-06-01
if ! out="$("$cli" --log "$log" log <"$work/ticks1.jsonl" 2>&1)"; then fail "CLI log (batch 1)" "$out"; fi
cp -a "$log" "$work/before-seal"   # for the interrupted seal below
if ! out="$("$cli" --log "$log" log <"$work/ticks2.jsonl" 2>&1)"; then fail "CLI log (batch 2)" "$out"; fi
summary="$("$cli" --log "$log" verify 2>&1 || true)"
read -r n head <<<"$(cli_verify "$log")" || true
if [[ "$summary" =~ verified:\ ([0-9]+)\ records\ \(([0-9]+)\ sealed\ in\ ([0-9]+)\ files,\ ([0-9]+)\ in\ ([0-9]+)\ journal ]] &&
   (( BASH_REMATCH[3] >= 2 && BASH_REMATCH[4] >= 3 && BASH_REMATCH[5] >= 1 )) && [[ -n "${head:-}" ]]; then
  pass "log built: $n records, ${BASH_REMATCH[2]} sealed in ${BASH_REMATCH[3]} files, journal tail of ${BASH_REMATCH[4]}"
else
  fail "log built with sealed files over two months and a journal tail" "$summary"
  echo "pyverify: $passed passed, $failed failed"; exit 1
fi

# expect_ok NAME DIR RECORDS HEAD [GREP]: the script prints "OK RECORDS records, head HEAD" (and GREP)
expect_ok() {
  local out rc=0
  out="$(pyverify "$2")" || rc=$?
  if [[ $rc -eq 0 && "$(tail -n 1 <<<"$out")" == "OK $3 records, head $4" ]] &&
     { [[ -z "${5:-}" ]] || grep -qi -- "$5" <<<"$out"; }; then
    pass "$1"
  else
    fail "$1" "exit $rc, expected 'OK $3 records, head $4'${5:+ and '$5'}; got:"$'\n'"$out"
  fi
}
# expect_fail NAME DIR GREP [CLI_EXIT]: the script exits 1 with a FAIL line matching GREP, and the
# CLI's verify exits CLI_EXIT (default 1; "-": only reported)
expect_fail() {
  local out rc=0 cli_rc=0 want="${4:-1}"
  out="$(pyverify "$2")" || rc=$?
  "$cli" --log "$2" verify >/dev/null 2>&1 || cli_rc=$?
  if [[ $rc -eq 1 && "$out" == *FAIL:* ]] && grep -qi -- "$3" <<<"$out" && [[ "$want" == - || $cli_rc -eq $want ]]; then
    pass "$1: $(grep FAIL: <<<"$out")$([[ "$want" != - ]] || echo " (CLI verify: exit $cli_rc)")"
  else
    fail "$1" "script exit $rc (want 1, a FAIL line matching '$3'), CLI verify exit $cli_rc (want $want); script said:"$'\n'"$out"
  fi
}
copy() { rm -rf "$work/$1"; cp -a "$log" "$work/$1"; echo "$work/$1"; }

expect_ok "same record count and head as '$(basename "$cli") verify'" "$log" "$n" "$head"

# The sealed files re-written by DuckDB, the manifest's SHA-256 updated: the same chain.
d="$(copy duckdb-written)"
for f in "$d"/*.parquet; do
  duckdb_sql "COPY (SELECT * FROM read_parquet($(sql_str "$f"))) TO $(sql_str "$f.new") (FORMAT parquet)"
  mv "$f.new" "$f"; tamper rehash "$d" "$(basename "$f")"
done
expect_ok "sealed files re-written by DuckDB (manifest re-hashed): same head" "$d" "$n" "$head"

# (a) one byte of a journal record changed (first frame of the last file, not the tail)
d="$(copy a-journal-byte)"; tamper flip "$d" -1 0 12 0
expect_fail "(a) a byte of a journal record changed" "$d" "CRC"
d="$(copy a-journal-byte-crc)"; tamper flip "$d" -1 0 12 1
# (Whether that record is also sealed depends on when the background seal ran: the verifier then
# says the frame differs from its sealed copy instead.)
expect_fail "(a) a journal record changed, its frame CRC recomputed" "$d" "hash\|sealed copy"
# A journal copy of a sealed record (first frame of the first file), changed and re-CRCed: its
# stored hash no longer fits its content. The CLI's verify compares only the stored hash of such a
# copy with the sealed chain, so its verdict is only reported. The log after batch 1 has such
# copies: its journal file still holds the day not yet sealed, after the days sealed at the close.
# Whether a journal file still overlaps sealed records depends on when the background seal ran
# (a file whose records are all sealed is deleted): the case runs on whichever copy has one.
overlap=""
for src in "$work/before-seal" "$log"; do
  first="$(ls "$src/_journal" | sort | head -n 1)"; first="${first%.journal}"
  if [[ -n "$first" ]] && (( 10#$first <= $(tamper manifest_field "$src" sealed_seq) )); then overlap="$src"; break; fi
done
if [[ -n "$overlap" ]]; then
  d="$work/a-sealed-copy-crc"; rm -rf "$d"; cp -a "$overlap" "$d"; tamper flip "$d" 0 0 12 1
  expect_fail "(a) a journal copy of a sealed record changed, frame CRC recomputed" "$d" "sealed copy" -
else
  echo "note (a) a journal copy of a sealed record: no journal file overlaps sealed records in this run"
fi

# (b) a sealed file re-written by DuckDB with one value changed
change="SELECT * REPLACE (CASE WHEN seq = 3 THEN energy_cost_kwh + 1 ELSE energy_cost_kwh END AS energy_cost_kwh)"
d="$(copy b-sealed-value)"; f="$d/2026-05.parquet"
duckdb_sql "COPY ($change FROM read_parquet($(sql_str "$f"))) TO $(sql_str "$f.new") (FORMAT parquet)"; mv "$f.new" "$f"
expect_fail "(b) a value of a sealed file changed" "$d" "SHA-256"
tamper rehash "$d" 2026-05.parquet
expect_fail "(b) a value of a sealed file changed, the manifest re-hashed" "$d" "sealed_head"

# (c) the journal cut in the middle of its last frame: a torn tail, one record fewer, after a crash
# (no _closed: the writer was killed) ...
d="$(copy c-torn-tail)"; rm -f "$d/_closed"; tamper cut_last_frame "$d"
read -r cn chead <<<"$(cli_verify "$d")" || true
if [[ "${cn:-}" == $((n - 1)) ]]; then
  expect_ok "(c) journal cut inside its last frame: CLI's count and head, torn tail named" "$d" "$cn" "$chead" "torn tail"
else
  fail "(c) journal cut inside its last frame" "CLI verify reports '${cn:-} ${chead:-}', expected $((n - 1)) records"
fi
d="$(copy c-zeros)"; rm -f "$d/_closed"; tamper append_zeros "$d" 100
expect_ok "(c) zeros after the last frame: all records, torn tail named" "$d" "$n" "$head" "torn tail"
# ... and damage after the writer closed cleanly (docs/format.md §2.2): never a torn tail.
d="$(copy c-cut-after-close)"; tamper cut_last_frame "$d"
expect_fail "(c) the same cut after a clean close" "$d" "closed cleanly"
d="$(copy c-zeros-after-close)"; tamper append_zeros "$d" 100
expect_fail "(c) zeros after the last frame after a clean close" "$d" "closed cleanly"

# An interrupted seal: the manifest and journal from before the last seal, month files from after
# it and _seal_intent. Only rows with seq <= sealed_seq count; the result is the earlier log.
d="$work/interrupted-seal"; rm -rf "$d"; cp -a "$work/before-seal" "$d"
cp "$log"/*.parquet "$d"/; echo seal >"$d/_seal_intent"
read -r sn shead <<<"$(cli_verify "$d")" || true
read -r bn bhead <<<"$(cli_verify "$work/before-seal")" || true
if [[ -n "${sn:-}" && "$sn" == "${bn:-}" && "$shead" == "${bhead:-}" ]]; then
  expect_ok "interrupted seal: month files ahead of the manifest, CLI's count and head" "$d" "$sn" "$shead" "interrupted"
else
  fail "interrupted seal" "CLI verify: '${sn:-} ${shead:-}' here, '${bn:-} ${bhead:-}' before the seal"
fi
rm "$d/_seal_intent"
expect_fail "the same without _seal_intent" "$d" "SHA-256"

echo "pyverify: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
