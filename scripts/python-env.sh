#!/usr/bin/env bash
# Creates (or refreshes) the Python venv the package is built and tested in,
# from python/requirements.lock (exact versions, hashes checked), then builds
# and installs the package into it from this checkout.
#
#   bash scripts/python-env.sh [VENV] [--venv-only]
#       (default .venv; `make python` builds the package too, `make venv` not)
#
# The venv is rebuilt when the lock changes (a stamp file holds its hash).
# The package is built with --no-build-isolation, so scikit-build-core and
# nanobind come from the lock too; its CMake build tree is build-py/, kept
# between runs so a rebuild compiles only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.venv}"
venv_only="${2:-}"
lock=python/requirements.lock
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "python-env: creating $venv from $lock" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$venv/bin/python" -m pip install -q --require-hashes -r "$lock"
  echo "$want" > "$stamp"
fi
[[ "$venv_only" == "--venv-only" ]] && exit 0
echo "python-env: building and installing budget_audit into $venv" >&2
CMAKE_BUILD_PARALLEL_LEVEL="${JOBS:-2}" "$venv/bin/python" -m pip install -q --no-build-isolation --no-deps .
"$venv/bin/python" -c "import budget_audit; print('python-env: budget_audit', budget_audit.__version__, 'in', '$venv')"
