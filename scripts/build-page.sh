#!/usr/bin/env bash
# Builds the page (Yew -> wasm) into dist/ with trunk, release mode, wasm-opt on.
set -euo pipefail
cd "$(dirname "$0")/.."
. "${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}/env.sh"
# Debian's rustc knows wasm32; the wasm build gets its own target dir so native builds keep theirs.
RUSTC="$PASSERELLE_WASM_RUSTC" CARGO_TARGET_DIR="${PASSERELLE_WASM_TARGET_DIR:-target/wasm}" \
  trunk build --release "$@"
