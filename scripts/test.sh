#!/usr/bin/env bash
# `npm test`: everything the tests need, then all of them: setup, Chromium (Debian package) for
# the end-to-end tests, the local stack, a build, type checks, lint, and the unit, integration
# and end-to-end suites against the real Kafka, PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

if [ ! -x "${SCT_CHROMIUM:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Chromium (Debian package) for the end-to-end tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test: Chromium is missing; install it with 'sudo apt-get install chromium'" >&2
    exit 1
  fi
fi

npm run --silent stack:up
npm run --silent build
npm run --silent typecheck
npm run --silent lint
mkdir -p test-output
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/vitest.json "$@" || status=$?
# One plain closing line for CI readers: "tests: N passed, N failed".
node -e 'const r=require("./test-output/vitest.json"); console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' || true
exit $status
