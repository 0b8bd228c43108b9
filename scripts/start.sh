#!/usr/bin/env bash
# `npm start`: set up, bring the local stack up, build, and open the console: the Electron window
# where Electron can run, otherwise the same console headless at a printed loopback URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent stack:up
npm run --silent build

why=""
if ! node -e "require('electron')" >/dev/null 2>&1; then
  why="the Electron binary is not installed on this machine"
elif [ "$(uname)" = "Linux" ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  why="there is no display (DISPLAY is not set)"
fi
if [ -z "$why" ]; then
  npm run --silent build:desktop >/dev/null
  exec npx electron .
fi
echo "Electron cannot start here: $why. Serving the console headless instead."
exec node out/headless/serve.mjs
