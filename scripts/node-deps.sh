# Sourced, not run: ensure_node_modules DIR TAG installs the pinned
# @duckdb/node-api of DIR/package.json (from DIR/package-lock.json, npm ci)
# when DIR/node_modules is missing or holds another version. Messages go to
# stderr prefixed with TAG; returns 1 when node/npm are missing or npm fails.
ensure_node_modules() {
  local dir="$1" tag="$2" tool want have
  for tool in node npm; do
    command -v "$tool" >/dev/null ||
      { echo "$tag: $tool is not installed (scripts/install-deps.sh installs nodejs and npm)" >&2; return 1; }
  done
  want="$(node -p "require('$dir/package.json').dependencies['@duckdb/node-api']")"
  have="$(node -p "try { require('$dir/node_modules/@duckdb/node-api/package.json').version } catch (e) { '' }")"
  [[ "$have" == "$want" ]] && return 0
  echo "$tag: installing @duckdb/node-api $want (npm ci in $dir)" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
    { echo "$tag: npm ci failed in $dir" >&2; return 1; }
}
