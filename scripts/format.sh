#!/usr/bin/env bash
# Formats every C and C++ source of the project with clang-format 14 and the
# repository's .clang-format (make format), or, with --check, lists the files
# that differ from it and fails (make format-check, part of make test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cf=clang-format-14
command -v "$cf" >/dev/null || { echo "format: $cf is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
mapfile -t files < <(git ls-files -- '*.cc' '*.h' '*.c' | grep -v '^tests/data/')
if [[ "${1:-}" == --check ]]; then
  bad=0
  for f in "${files[@]}"; do
    if ! "$cf" --style=file "$f" | cmp -s - "$f"; then
      echo "format: $f differs from .clang-format (run make format)" >&2
      bad=1
    fi
  done
  ((bad == 0)) && echo "format: ${#files[@]} files as .clang-format says" >&2
  exit $bad
fi
"$cf" --style=file -i "${files[@]}"
echo "format: ${#files[@]} files formatted" >&2
