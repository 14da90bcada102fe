#!/usr/bin/env bash
# The Python package's test suite (python/tests) in the venv `make python`
# made. Ends with pytest's summary line; exit 1 when anything failed,
# including "no tests ran" (pytest's exit 5), which must never pass as green.
#
#   BA_TEST_CLI=PATH bash scripts/python-test.sh [VENV] [pytest args...]
set -uo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.venv}"
shift || true
if [[ ! -x "$venv/bin/python" ]]; then
  echo "python-test: no venv at $venv (make python creates it)" >&2
  exit 1
fi
"$venv/bin/python" -m pytest python/tests -q -p no:cacheprovider "$@"
status=$?
if [[ $status -eq 5 ]]; then
  echo "python-test: pytest collected no tests" >&2
  exit 1
fi
exit $status
