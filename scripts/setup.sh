#!/usr/bin/env bash
# One-time setup on a fresh machine (idempotent): checks Node, Java and Maven, and installs the
# npm packages. Electron's binary is not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD): where it is
# missing, `npm start` serves the console headless instead.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is required ($2)" >&2; exit 1; }; }
need node "Node.js 20.19 or later"
need java "Java 17 or later runs the local Kafka broker"
need mvn "Apache Maven resolves the Kafka broker jars"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("setup: Node.js 20.19+ is required, found "+process.versions.node); process.exit(1) }'

stamp=node_modules/.sct-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "Installing npm packages..."
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
