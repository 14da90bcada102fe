#!/usr/bin/env bash
# Installs the Debian packages budget-audit builds and tests with, only those missing.
# Every make target that needs them calls this script; it is a no-op when all are present.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config ninja-build
  libfmt-dev libcli11-dev nlohmann-json3-dev libsimdjson-dev libtomlplusplus-dev libcctz-dev tzdata
  libzstd-dev libsnappy-dev zlib1g-dev liblz4-dev libbrotli-dev libsodium-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  clang-14 libclang-rt-14-dev clang-format-14
  nodejs npm python3
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# node/npm may come from elsewhere than Debian: accept them if on PATH.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
