# Sourced by the interop checks (pyverify.sh, import_check.sh), after they set
# `name` (the prefix of their messages) and `tools` (commands they need
# besides node and npm), with the script's arguments: BUDGET_AUDIT_BINARY
# [--keep DIR]. Sets `here`, `root`, `cli` (absolute), `work` (DIR, or a
# temporary directory removed at exit), and defines pass/fail/fail_setup;
# installs the pinned DuckDB for Node when needed.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
usage() { echo "usage: bash tests/interop/$(basename "$0") BUDGET_AUDIT_BINARY [--keep DIR]" >&2; exit 2; }
[[ $# -ge 1 && "$1" != -* ]] || usage
cli="$1"; shift
keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keep) [[ $# -ge 2 ]] || usage; keep="$2"; shift 2 ;;
    *) usage ;;
  esac
done

fail_setup() { echo "$name: $*" >&2; echo "$name: 0 passed, 1 failed"; exit 1; }
[[ -f "$cli" && -x "$cli" ]] || fail_setup "not an executable file: $cli"
cli="$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")"
for tool in $tools; do command -v "$tool" >/dev/null || fail_setup "$tool is not installed"; done
source "$root/scripts/node-deps.sh"
ensure_node_modules "$here" "$name" || fail_setup "the DuckDB oracle could not be installed"

if [[ -n "$keep" ]]; then mkdir -p "$keep"; work="$(cd "$keep" && pwd)"; else
  work="$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")"; trap 'rm -rf "$work"' EXIT; fi

passed=0; failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [[ -z "${2:-}" ]] || head -c 4000 <<<"$2" | sed "s/^/     /"; }
