#!/usr/bin/env bash
# `npm run test:desktop`: the desktop smoke test (tests/desktop), for machines that have Electron's
# binary: the real app under Playwright's Electron support, in Xvfb when there is no display.
# Where the binary is missing it says so and exits 0 WITHOUT running anything (not part of npm test).
# Needs the local stack (`npm run stack:up`; KAFKA_BROKERS, DATABASE_URL, REDIS_URL as for npm test).
set -euo pipefail
cd "$(dirname "$0")/.."

# Electron's own lookup (node_modules/electron/index.js) would try to download a missing binary:
# read where it would be instead. SCT_ELECTRON names another binary.
electron_bin="${SCT_ELECTRON:-}"
if [ -z "$electron_bin" ] && [ -f node_modules/electron/path.txt ]; then
  electron_bin="node_modules/electron/dist/$(cat node_modules/electron/path.txt)"
fi
if [ -z "$electron_bin" ] || [ ! -x "$electron_bin" ]; then
  echo "test:desktop: Electron's binary is not installed (node_modules/electron/dist is missing; it is"
  echo "  downloaded by 'npm install' on a machine that can reach Electron's releases, or set SCT_ELECTRON)."
  echo "test:desktop: SKIPPED, nothing was run."
  exit 0
fi

npm run --silent build:desktop
export SCT_ELECTRON="$electron_bin" SCT_DESKTOP_TEST=1
if [ -z "${DISPLAY:-}" ] && [ "$(uname)" = Linux ]; then
  if ! command -v xvfb-run >/dev/null; then
    echo "test:desktop: no display and no xvfb-run; install it with 'sudo apt-get install xvfb'" >&2
    exit 1
  fi
  exec xvfb-run --auto-servernum --server-args="-screen 0 1280x720x24" npx vitest run --project desktop "$@"
fi
exec npx vitest run --project desktop "$@"
