#!/usr/bin/env bash
# The adversarial suite's end-to-end part (issue 11): what needs DuckDB,
# real processes killed mid-seal, or a full disk. The rest of the trial runs
# in ctest (tests/README.md lists where each case lives).
#
#   bash tests/adversarial/run.sh CLI_PATH
#
# Ends with "adversarial: all passed" or "adversarial: N failed" (exit 1).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="${1:?usage: bash tests/adversarial/run.sh CLI_PATH}"
cli="$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")"

source "$here/../../scripts/node-deps.sh"
ensure_node_modules "$here/../interop" adversarial ||
  { echo "adversarial: the DuckDB oracle could not be installed"; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/ba-adversarial.XXXXXX")"
trap 'rm -rf "$work"' EXIT
status=0
echo "== DuckDB's glob while a writer seals, and after kills mid-seal"
node "$here/seals.mjs" --cli "$cli" --work "$work" || status=1
node "$here/replace_race.mjs" "$work" 3 || status=1
echo "== disk full at every point of a seal (tmpfs)"
bash "$here/disk_full.sh" "$cli" "$work" || status=1
echo "adversarial: $([[ $status -eq 0 ]] && echo "all passed" || echo "some failed")"
exit $status
