#!/usr/bin/env bash
# Builds the page (Yew -> wasm) into dist/ with trunk, release mode, wasm-opt on; then hashes the
# worker (trunk copies it as is) and precompresses every file (brotli and gzip, once, here: the
# proxy only picks the file the browser accepts).
set -euo pipefail
cd "$(dirname "$0")/.."
. "${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}/env.sh"
# The page goes to dist/, or to $PASSERELLE_DIST (the proxy's build embeds the same folder).
dist="${PASSERELLE_DIST:-dist}"
# The DSFR files trunk copies come from node_modules/ (a no-op when it matches the lock).
bash scripts/node-modules.sh
# The DSFR's core and the components the page draws, in one file (index.html links it).
bash scripts/dsfr-css.sh
# Debian's rustc knows wasm32; the wasm build gets its own target dir so native builds keep theirs.
# The standard library is built with the page, with panic=immediate-abort: a panic in the page
# already ended in a trap with no message (wasm32-unknown-unknown has no stderr, and the page
# installs no hook), so the panic messages, their source locations and the formatting behind
# them were bytes the page never showed (-40 KB of wasm, -18 KB of brotli; BENCHMARKS.md, "panics
# that abort").
# Built so, the standard library also takes its smaller forms (`optimize_for_size`: a plain
# merge sort and heapsort, still n log n; smaller number formatting), and no caller location is
# kept for the panics that print nothing (`-Zlocation-detail=none`): -42 KB of wasm, -11 KB of
# brotli together (BENCHMARKS.md, "the standard library for size"). The page's check time was
# measured against the page before any of the size work: no slower (same section).
# The flags are unstable, hence RUSTC_BOOTSTRAP (bootstrap.sh builds the wasm sysroot the same
# way); the wasm tests keep the prebuilt standard library.
RUSTC="$PASSERELLE_WASM_RUSTC" CARGO_TARGET_DIR="${PASSERELLE_WASM_TARGET_DIR:-target/wasm}" \
  RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
  CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
  trunk build --release --dist "$dist" "$@"

# The worker: a content hash in its name like trunk's files (so it can be cached as immutable),
# written into the page's <meta name="passerelle-app" data-worker=…> (frontend/src/worker.rs).
if [ -f "$dist/worker.js" ]; then
  hash=$(sha256sum "$dist/worker.js" | cut -c1-16)
  rm -f "$dist"/worker-*.js
  mv "$dist/worker.js" "$dist/worker-$hash.js"
  # Only the meta trunk wrote (it has data-js="…"), not the comment describing it.
  sed -i "/data-js=\"/ s|<meta name=\"passerelle-app\" |<meta name=\"passerelle-app\" data-worker=\"/worker-$hash.js\" |" "$dist/index.html"
  [ "$(grep -c "data-worker=\"/worker-$hash.js\"" "$dist/index.html")" = 1 ] \
    || { echo "build-page: could not write the worker's name into index.html" >&2; exit 1; }
fi
# Precompressed copies, best ratio (built once per build, never at request time).
find "$dist" -maxdepth 1 -type f \( -name '*.br' -o -name '*.gz' \) -delete
for f in "$dist"/*.html "$dist"/*.js "$dist"/*.css "$dist"/*.wasm; do
  [ -f "$f" ] || continue
  brotli -q 11 -f -k -o "$f.br" "$f"
  gzip -9 -n -c "$f" >"$f.gz"
done
