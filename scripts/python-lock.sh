#!/usr/bin/env bash
# Regenerates python/requirements.lock (exact versions and hashes of every
# package, dependencies included) from python/requirements.in, with pip-tools
# in a throwaway venv. Run it by hand when requirements.in changes; make test
# installs from the lock only.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q pip-tools
"$tmp/venv/bin/pip-compile" -q --generate-hashes --allow-unsafe --strip-extras \
  --output-file python/requirements.lock python/requirements.in
echo "wrote python/requirements.lock"
