#!/usr/bin/env bash
# `npm start`: the console at http://localhost:3000 (PORT to change), on the embedded SQLite
# database, or on the PostgreSQL database a postgres:// DATABASE_URL names. Installs packages
# and builds when needed, so it works on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
bash scripts/ensure-deps.sh
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components lib db proxy.ts next.config.mjs package-lock.json -newer .next/BUILD_ID -print -quit)" ]; then
  echo "Building the console (next build)…"
  npx next build
fi
export NODE_ENV=production
exec npx tsx scripts/server.ts
