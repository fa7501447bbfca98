#!/usr/bin/env bash
# Installs the repository's npm packages (package.json: the DSFR the page serves, axe-core for the
# browser tests) into node_modules/, exactly as package-lock.json pins them, with `npm ci`; only
# when node_modules does not match the lock (a stamp holds the lock's hash), so it costs nothing
# when up to date. Run by scripts/bootstrap.sh and by scripts/build-page.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.passerelle-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] \
  && [ -f node_modules/@gouvfr/dsfr/dist/dsfr.min.css ] && [ -f node_modules/axe-core/axe.min.js ]; then
  exit 0
fi
echo "[node-modules] npm ci (package-lock.json changed or node_modules missing)" >&2
# .npmrc: ignore-scripts (the DSFR's preinstall wants a project file this repository has not).
npm ci --silent --no-audit --no-fund >/dev/null
echo "$want" >"$stamp"
