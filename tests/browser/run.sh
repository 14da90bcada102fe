#!/usr/bin/env bash
# Browser test: the compliance report's HTML page (src/report/compliance_html.cc)
# in a real headless Chromium, by check_html.mjs: no console error or warning,
# no network request, charts laid out without overlapping text, screenshots
# at desktop (1280×900) and phone (375×812) widths that are not blank, and
# an A4 PDF.
#
#   bash tests/browser/run.sh [--out DIR] FILE.html...
#   bash tests/browser/run.sh [--out DIR] --from-tests BA_TESTS
#
# --from-tests runs the unit tests' binary (e.g. build-asan/ba_tests) with
# BA_HTML_OUT set, so that the ComplianceHtml tests write their pages
# (typical, empty, hostile, many_stages), and checks those. --out keeps the
# screenshots and PDFs in DIR. Installs Debian's chromium when it is missing
# (apt-get, as root) and the pinned node modules (npm ci) when they are
# missing or of other versions. Ends with `browser: N passed, M failed`;
# exits 1 when anything failed, 2 on bad usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
  echo "usage: bash tests/browser/run.sh [--out DIR] (FILE.html... | --from-tests BA_TESTS)" >&2
  exit 2
}

fail_setup() {
  echo "browser: $*" >&2
  echo "browser: 0 passed, 1 failed"
  exit 1
}

out=""
tests_bin=""
files=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) [[ $# -ge 2 ]] || usage; out="$2"; shift 2 ;;
    --from-tests) [[ $# -ge 2 ]] || usage; tests_bin="$2"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "browser: unknown option $1" >&2; usage ;;
    *) files+=("$1"); shift ;;
  esac
done
if [[ -z "$tests_bin" && ${#files[@]} -eq 0 ]]; then usage; fi

# Debian's chromium (not a browser build of puppeteer's own: nothing is
# downloaded but Debian's package).
if ! command -v chromium >/dev/null; then
  [[ "$(id -u)" -eq 0 ]] || fail_setup "chromium is not installed, and only root can apt-get install it"
  echo "browser: installing chromium (apt-get install chromium)" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; } >&2 ||
    fail_setup "apt-get could not install chromium"
fi
chromium="$(command -v chromium)"

# The pinned puppeteer-core and pngjs (package-lock.json, npm ci), installed
# when node_modules is missing or holds other versions.
for tool in node npm; do
  command -v "$tool" >/dev/null || fail_setup "$tool is not installed (scripts/install-deps.sh installs nodejs and npm)"
done
modules_current() {
  node -e '
    const dir = process.argv[1];
    const deps = require(dir + "/package.json").dependencies;
    for (const [name, want] of Object.entries(deps)) {
      let have = "";
      try { have = require(dir + "/node_modules/" + name + "/package.json").version; } catch (e) {}
      if (have !== want) process.exit(1);
    }' "$here"
}
if ! modules_current; then
  echo "browser: installing puppeteer-core and pngjs (npm ci in $here)" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2 || fail_setup "npm ci failed in $here"
fi

if [[ -n "$tests_bin" ]]; then
  [[ -x "$tests_bin" && ! -d "$tests_bin" ]] ||
    fail_setup "not an executable: $tests_bin (build it first, e.g. cmake --build build-asan --target ba_tests)"
  pages="$(mktemp -d)"
  trap 'rm -rf "$pages"' EXIT
  BA_HTML_OUT="$pages" "$tests_bin" --gtest_filter='ComplianceHtml.*' >&2 ||
    fail_setup "the ComplianceHtml tests failed ($tests_bin)"
  shopt -s nullglob
  files+=("$pages"/*.html)
  shopt -u nullglob
  [[ ${#files[@]} -gt 0 ]] || fail_setup "the ComplianceHtml tests wrote no page"
fi

args=(--chromium "$chromium")
[[ -z "$out" ]] || args+=(--out "$out")
node "$here/check_html.mjs" "${args[@]}" "${files[@]}"
