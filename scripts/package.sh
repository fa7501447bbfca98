#!/usr/bin/env bash
# Builds the proxy's Debian package: the page first (it is embedded in the binary), then
# `cargo deb` (release build). Writes ${CARGO_TARGET_DIR:-target}/debian/passerelle.deb and prints
# its path. Usage: bash scripts/package.sh [--no-page]   (--no-page: dist/ is already built)
# PASSERELLE_DIST names another folder than dist/ for the page (both scripts and the build).
set -euo pipefail
cd "$(dirname "$0")/.."
. "${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}/env.sh"
[ "${1:-}" = "--no-page" ] || bash scripts/build-page.sh
dist="${PASSERELLE_DIST:-dist}"   # embedded by the proxy's build (proxy/build.rs)
[ -f "$dist/index.html" ] || { echo "package: $dist/index.html missing: run scripts/build-page.sh" >&2; exit 1; }
out="${CARGO_TARGET_DIR:-target}/debian/passerelle.deb"
mkdir -p "$(dirname "$out")"
cargo deb -p passerelle-proxy --locked --output "$out" >&2
echo "$out"
