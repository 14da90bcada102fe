#!/usr/bin/env bash
# Regenerates the demo season with a demo-ticks binary (default options) and
# compares it byte for byte with the committed examples/demo/ticks.jsonl.gz.
# The comparison is on the decompressed text: the generator's output is the
# contract, not the gzip container (whose bytes may differ between gzip
# versions).
#
# Usage: tests/demo/check_demo.sh DEMO_TICKS_BINARY
# Exit:  0 identical, 1 different (or the generator failed), 2 usage error.
set -uo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 DEMO_TICKS_BINARY" >&2
  exit 2
fi
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
expected_gz=$root/examples/demo/ticks.jsonl.gz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ ! -x $bin ]]; then
  echo "check_demo: $bin is not an executable" >&2
  exit 2
fi
if ! gzip -dc "$expected_gz" >"$tmp/expected.jsonl"; then
  echo "FAIL: cannot decompress $expected_gz"
  exit 1
fi
if ! "$bin" -o "$tmp/actual.jsonl"; then
  echo "FAIL: $bin exited with an error"
  exit 1
fi

if cmp -s "$tmp/expected.jsonl" "$tmp/actual.jsonl"; then
  echo "OK: $bin reproduces examples/demo/ticks.jsonl.gz byte for byte" \
    "($(wc -l <"$tmp/actual.jsonl") ticks)"
  exit 0
fi

echo "FAIL: $bin does not reproduce examples/demo/ticks.jsonl.gz"
echo "  expected $(wc -l <"$tmp/expected.jsonl") lines, $(wc -c <"$tmp/expected.jsonl") bytes;" \
  "got $(wc -l <"$tmp/actual.jsonl") lines, $(wc -c <"$tmp/actual.jsonl") bytes"
# The first differing line, from both files ("cmp: EOF on FILE after byte N,
# line L" when one is a prefix of the other).
diff_at=$(cmp "$tmp/expected.jsonl" "$tmp/actual.jsonl" 2>&1)
line=$(sed -n 's/.* line \([0-9]*\).*/\1/p' <<<"$diff_at")
if [[ $diff_at == *EOF* ]]; then
  echo "  one is a prefix of the other: ${diff_at#cmp: }"
elif [[ -n $line ]]; then
  echo "  first difference at line $line:"
  echo "  expected: $(sed -n "${line}p" "$tmp/expected.jsonl")"
  echo "  actual:   $(sed -n "${line}p" "$tmp/actual.jsonl")"
fi
echo "  If the change is intended, regenerate the example (examples/demo/README.md):"
echo "    $bin | gzip -9n > $expected_gz"
exit 1
