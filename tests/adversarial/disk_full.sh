#!/usr/bin/env bash
# Disk full at every point of a seal (issue 11, item 11), on a small tmpfs:
#
#   bash tests/adversarial/disk_full.sh BUDGET_AUDIT WORK_DIR
#
# A log holds one sealed day. The file system is then filled to leave F
# bytes free, for F from 0 up in 4 KiB steps until a run needs no more, and
# a writer logs a second day (its appends, the day-change seal and the
# closing seal each meet the full disk somewhere). Each time:
#   - a failure is exit 1 naming the OS error ("No space left on device"),
#     never a silent exit 0;
#   - no temporary (_tmp.*) is left taking the space;
#   - every acknowledged tick is in the log, and verify passes;
#   - once the space is freed, `seal` and a resend complete the log, and
#     DuckDB's glob sees each tick once.
# Needs root (mount); prints "skipped" and exits 0 otherwise.
set -uo pipefail
cli="$1"
work="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $(id -u) -ne 0 ]]; then
  echo "skipped disk-full: needs root to mount a tmpfs"
  exit 0
fi
mnt="$work/tmpfs"
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=1m tmpfs "$mnt" 2>/dev/null; then
  echo "skipped disk-full: mount -t tmpfs failed (no privilege in this container)"
  exit 0
fi
trap 'umount "$mnt" 2>/dev/null' EXIT

failed=0
check() {  # check CONDITION-EXIT-CODE MESSAGE
  if [[ "$1" -eq 0 ]]; then echo "ok   $2"; else echo "FAIL $2"; failed=$((failed + 1)); fi
}

ticks() {  # ticks DAY: 96 ticks of day DAY (0 = 2026-02-01), one line each
  python3 - "$1" <<'EOF'
import json, sys, datetime
day = int(sys.argv[1])
t0 = datetime.datetime(2026, 2, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(days=day)
for i in range(96):
    t = t0 + datetime.timedelta(minutes=15 * i)
    print(json.dumps({"timestamp": t.isoformat(), "slot_index": i,
                      "energy_cost_kwh": (i % 9) * 0.25, "source": "disk-full " * 8}))
EOF
}
day0="$(ticks 0)"
day1="$(ticks 1)"

free_bytes() { df --output=avail -B1 "$mnt" | tail -1 | tr -d ' '; }

runs=0
for free_kb in $(seq 0 4 400); do
  rm -rf "${mnt:?}"/*
  log="$mnt/log"
  printf '%s\n' "$day0" | "$cli" --log "$log" log > /dev/null 2>&1 ||
    { check 1 "setup: logging day 0 into an empty tmpfs"; break; }
  # Fill up, then give back free_kb KiB.
  dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
  truncate -s "-$((free_kb * 1024))" "$mnt/filler"
  out="$(printf '%s\n' "$day1" | "$cli" --log "$log" log 2> "$work/err")"
  code=$?
  err="$(cat "$work/err")"
  acked=$(printf '%s' "$out" | grep -c . || true)
  runs=$((runs + 1))
  what="free ${free_kb} KiB: exit $code, $acked of 96 acknowledged"
  if [[ $code -ne 0 ]]; then
    grep -q "No space left on device" "$work/err"
    check $? "$what: the failure names the OS error ($(head -c 160 "$work/err" | tr '\n' ' '))"
  fi
  leftovers="$(find "$log" -name '_tmp.*' | wc -l)"
  check $((leftovers != 0)) "$what: no temporary left ($leftovers)"
  # Every acknowledged tick is there (seqs 97.. for day 1).
  rm -f "$mnt/filler"
  "$cli" --log "$log" verify > "$work/verify" 2>&1
  check $? "$what: verify passes with the disk full and then freed"
  have="$("$cli" --log "$log" cat --columns seq 2>/dev/null | grep -c . || true)"
  check $((have < 96 + acked)) "$what: every acknowledged tick is in the log ($have records)"
  # Space freed: seal and resend complete the log.
  "$cli" --log "$log" seal --all > /dev/null 2>&1
  check $? "$what: seal succeeds once space is freed"
  printf '%s\n' "$day1" | "$cli" --log "$log" log > /dev/null 2>&1
  check $? "$what: resending day 1 succeeds"
  counts="$(node "$here/count.mjs" "$log")"
  [[ "$counts" == '{"rows":192,"distinct":192,"max":192}' ]]
  check $? "$what: DuckDB's glob sees each of the 192 ticks once ($counts)"
  if [[ $code -eq 0 && $acked -eq 96 ]]; then break; fi
done
check $((runs < 3)) "disk-full: $runs fill levels tried, up to a run that needed no more space"

# import into a full disk: its counts are what the log holds, one file is one file.
src="$work/import-src"
rm -rf "$src"
for d in 2 3 4 5 6 7 8 9; do ticks "$d"; done | "$cli" --log "$src" log --sync none > /dev/null 2>&1
"$cli" --log "$src" export -o "$work/import.parquet" > /dev/null 2>&1
check $? "import: an export of 768 ticks to import"
for free_kb in 8 48 96; do
  rm -rf "${mnt:?}"/*
  dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
  truncate -s "-$((free_kb * 1024))" "$mnt/filler"
  json="$("$cli" --log "$mnt/log" import --json "$work/import.parquet" 2> "$work/err")"
  code=$?
  rm -f "$mnt/filler"
  appended="$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["appended"])' 2>/dev/null)"
  files="$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["files"])' 2>/dev/null)"
  have="$("$cli" --log "$mnt/log" cat --columns seq 2>/dev/null | grep -c . || true)"
  what="import with ${free_kb} KiB free: exit $code"
  [[ "${appended:-0}" == "$have" ]]  # (no JSON: the log could not even be opened)
  check $? "$what: 'appended' (${appended:-no summary}) is what the log holds ($have)"
  [[ -z "$json" || "$files" == "1" ]]
  check $? "$what: one file is counted once (${files:-no summary})"
  if [[ $code -ne 0 ]]; then
    grep -q "No space left on device" "$work/err"
    check $? "$what: the failure names the OS error"
  fi
done
echo "adversarial disk-full: $([[ $failed -eq 0 ]] && echo "all passed" || echo "$failed failed")"
exit $((failed != 0))
