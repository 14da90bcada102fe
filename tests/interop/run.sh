#!/usr/bin/env bash
# Interop suite: budget-audit's `cat` against DuckDB as the oracle (see
# suite.mjs for the checks and expectations.txt for what is skipped and why).
#
#   bash tests/interop/run.sh CLI_PATH [--only REGEX] [--keep DIR] [--verbose]
#
# CLI_PATH is the budget-audit binary (make test passes build-asan/budget-audit).
# To check the suite itself without the CLI, pass the DuckDB stand-in:
#   bash tests/interop/run.sh tests/interop/duckdb_cat.mjs
# Installs the pinned node modules (npm ci) when they are missing. Ends with
# `interop: N passed, M failed`; exits 1 when anything failed, 2 on bad usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -lt 1 || "$1" == -* ]]; then
  echo "usage: bash tests/interop/run.sh CLI_PATH [--only REGEX] [--keep DIR] [--verbose]" >&2
  exit 2
fi
cli="$1"
shift

fail_setup() {
  echo "interop: $*" >&2
  echo "interop: 0 passed, 1 failed"
  exit 1
}

if [[ ! -e "$cli" ]]; then
  fail_setup "CLI not found: $cli (build it first, e.g. 'make unit' builds build-asan/budget-audit)"
fi
if [[ -d "$cli" || ! -x "$cli" ]]; then
  fail_setup "CLI is not an executable file: $cli"
fi
cli="$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")"

# The pinned @duckdb/node-api, installed from package-lock.json when missing
# or when node_modules holds another version.
source "$here/../../scripts/node-deps.sh"
ensure_node_modules "$here" interop || fail_setup "the DuckDB oracle could not be installed"

status=0
node "$here/suite.mjs" --cli "$cli" "$@" || status=1
# tools/verify_log.py (the independent Python verifier of docs/format.md §2)
# against logs the CLI wrote, with DuckDB behind a pyarrow stand-in.
bash "$here/pyverify.sh" "$cli" || status=1
# import: files from pandas-style and DuckDB writers, checked against DuckDB.
bash "$here/import_check.sh" "$cli" || status=1
exit $status
