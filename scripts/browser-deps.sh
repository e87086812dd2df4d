#!/usr/bin/env bash
# What the browser tests (tests/browser/) need besides the Python packages:
# Debian's Chromium (never a downloaded browser build) and axe-core from the npm
# registry, kept in .cache/browser-deps (gitignored). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_CORE_VERSION=4.14.1
AXE_DIR=.cache/browser-deps

if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi
/usr/bin/chromium --version 2>/dev/null | head -1

if [ ! -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ] ||
  ! grep -q "\"version\": \"$AXE_CORE_VERSION\"" "$AXE_DIR/node_modules/axe-core/package.json"; then
  if ! command -v npm >/dev/null; then
    echo "installing npm (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends npm
  fi
  echo "installing axe-core $AXE_CORE_VERSION (npm)"
  mkdir -p "$AXE_DIR"
  npm install --silent --no-audit --no-fund --no-save --no-package-lock --prefix "$AXE_DIR" \
    "axe-core@$AXE_CORE_VERSION"
fi
echo "axe-core $AXE_CORE_VERSION in $AXE_DIR/node_modules/axe-core"
