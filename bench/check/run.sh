#!/usr/bin/env bash
# Speed of the offline check (issue 3), natively and in headless Chromium against Papa Parse, on
# the same deterministic GLPI exports. Prints Markdown tables for BENCHMARKS.md.
# Usage: bash bench/check/run.sh [sizes_mb=10,50,200] [runs=5]
set -euo pipefail
cd "$(dirname "$0")/../.."
. "${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}/env.sh" 2>/dev/null || {
  echo "run scripts/bootstrap.sh first (wasm toolchain, wasm-bindgen, Chromium)" >&2; exit 1; }
SIZES=${1:-10,50,200}
RUNS=${2:-5}
PAPAPARSE_VERSION=5.7.1
TOOLS_DIR="${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}"
TARGET="${CARGO_TARGET_DIR:-target}"
WASM_TARGET="${PASSERELLE_WASM_TARGET_DIR:-$TARGET/wasm}"

# Papa Parse, pinned, in the tools cache (never in the repository).
papa="$TOOLS_DIR/bench/node_modules/papaparse"
if [ "$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$papa/package.json" 2>/dev/null)" != "$PAPAPARSE_VERSION" ]; then
  mkdir -p "$TOOLS_DIR/bench"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR/bench" "papaparse@$PAPAPARSE_VERSION" >/dev/null
fi

# Native bench and browser driver; the check as wasm (release, same compiler as the page).
cargo build -q --release --locked -p passerelle-bench-check --bins
RUSTC="$PASSERELLE_WASM_RUSTC" CARGO_TARGET_DIR="$WASM_TARGET" \
  cargo build -q --release --locked --target wasm32-unknown-unknown -p passerelle-bench-check-wasm
pkg="$TARGET/bench-wasm/pkg"
wasm-bindgen --target web --out-dir "$pkg" "$WASM_TARGET/wasm32-unknown-unknown/release/passerelle_bench_check_wasm.wasm"

pin=(); command -v taskset >/dev/null && pin=(taskset -c 0)
echo "## Check speed"
echo
echo "Command: \`bash bench/check/run.sh $SIZES $RUNS\`, $(date -u +%Y-%m-%d); generated GLPI 10.0.11 Computer exports (seeded, \`--bin generate\`)."
echo "Load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows both sides of each comparison alike)."
echo
echo "### Native: read + validate (\`check_owned_files\`, as \`passerelle check\` runs it), one thread pinned to one core, release build"
echo
"${pin[@]}" "$TARGET/release/native" --sizes "$SIZES" --runs "$RUNS"
echo
echo "### Headless Chromium: Papa Parse's parse alone vs Passerelle's check in WebAssembly, same page, same bytes"
echo
# The product page too, as trunk builds it.
bash scripts/build-page.sh >/dev/null 2>&1
"$TARGET/release/browser" --sizes "$SIZES" --runs "$RUNS" --pkg "$pkg" --papaparse "$papa" --data bench/out/check --page dist
