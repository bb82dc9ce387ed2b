#!/usr/bin/env bash
# `npm test`: every test. Type check, unit tests (vitest), a production build, then the API and
# browser tests (Playwright, in Debian's Chromium) against servers on fresh database files.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

bash scripts/ensure-deps.sh || exit 1

# Playwright cannot download its own browser here: use Debian's.
if [ ! -x /usr/bin/chromium ]; then bash scripts/debian.sh chromium || exit 1; fi

# The unit tests start throwaway PostgreSQL clusters (scripts/postgres.sh): install Debian's
# postgresql once here, before vitest's workers start several clusters at once.
bash scripts/postgres.sh install || exit 1

# The multi-instance tests (e2e/cluster/) put Debian's nginx in front of two servers.
bash scripts/nginx.sh install || exit 1

# e2e/api/metrics.spec.ts checks a real scrape with promtool, from Debian's prometheus (whose
# own server the package starts on port 9090: stopped, the tests need only the tool).
bash scripts/debian.sh --stop prometheus prometheus || exit 1

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(String(s.address().port));s.close()})"; }
export E2E_DIR="$PWD/.e2e/run-$(date +%Y%m%d-%H%M%S)-$$"
export E2E_SETUP_PORT=$(free_port) E2E_MAIN_PORT=$(free_port) E2E_PROXIED_PORT=$(free_port) E2E_SMTP_PORT=$(free_port)
export E2E_GOOGLE_PORT=$(free_port) E2E_MICROSOFT_PORT=$(free_port) E2E_GITHUB_PORT=$(free_port)
export E2E_DNS_PORT=$(free_port) E2E_HTTP_CHALLENGE_PORT=$(free_port)
mkdir -p "$E2E_DIR"

status=0
step() { echo; echo "== $1"; }

# The API tests again, with the three servers on databases of a throwaway PostgreSQL cluster
# (e2e/support/databases.ts); the browser tests run on SQLite only. Its report is results-pg.json.
api_on_postgres() {
  local dir="$E2E_DIR/postgres" url rc
  url=$(bash scripts/postgres.sh start "$dir" | tail -n 1) || return 1
  for name in setup main proxied; do
    node -e "const c=new (require('pg').Client)(process.argv[1]);c.connect().then(()=>c.query('create database e2e_'+process.argv[2])).then(()=>c.end())" "$url" "$name" || { bash scripts/postgres.sh stop "$dir"; return 1; }
  done
  E2E_POSTGRES_URL="$url" E2E_REPORT=results-pg.json npx playwright test --project=api
  rc=$?
  bash scripts/postgres.sh stop "$dir"
  return $rc
}

step "Type check"
npx tsc --noEmit -p . || status=1

step "Lint (eslint.config.mjs: promises awaited, no SQLite-only query executors)"
npx eslint . || status=1

step "Unit tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile="$E2E_DIR/unit.json" || status=1

step "Production build"
if npx next build > "$E2E_DIR/build.log" 2>&1; then
  tail -n 30 "$E2E_DIR/build.log"
  step "API and browser tests (Playwright)"
  npx playwright test || status=1
  step "API tests on PostgreSQL (Playwright, project api)"
  api_on_postgres || status=1
else
  cat "$E2E_DIR/build.log"; status=1
fi

# One closing line for the whole run, counted from both runners' JSON reports.
node scripts/summary.mjs "$E2E_DIR/unit.json" "$E2E_DIR/results.json" "$E2E_DIR/results-pg.json" || status=1
exit $status
