#!/usr/bin/env bash
# Installs the npm packages when node_modules is missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm packages…"
  # `npm install`, not `npm ci`: with this machine's omit-lockfile-registry-resolved setting,
  # npm 11's ci reports the lock's platform-specific optional packages as missing. The lock
  # file still pins every version.
  npm install --no-audit --no-fund
fi
