#!/usr/bin/env bash
# `npm run bench`: checks the options first (a mistake or --help installs, starts and builds
# nothing; QA finding: `npm run bench -- --bogus` ran the setup first), then sets up, starts the
# local stack, builds, and runs scripts/bench/bench.ts with the same options. On a fresh clone
# without node_modules the options can only be checked after the setup installed the packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
tsx=node_modules/.bin/tsx
if [ -x "$tsx" ]; then
  set +e
  "$tsx" scripts/bench/bench.ts --check-options "$@"
  rc=$?
  set -e
  case $rc in
    0) ;;          # options fine: go on
    3) exit 0 ;;   # --help printed
    *) exit "$rc" ;;
  esac
fi
bash scripts/setup.sh
npm run --silent stack:up
npm run --silent build >/dev/null
exec "$tsx" scripts/bench/bench.ts "$@"
