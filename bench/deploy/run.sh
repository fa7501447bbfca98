#!/usr/bin/env bash
# Deployment figures for BENCHMARKS.md (issue 14), printed as a Markdown section:
#  1. the page's bytes on the wire: every file the page loads, fetched from a release proxy
#     (the page embedded, as the .deb ships it) with Accept-Encoding br, gzip, and none;
#     against the budget (wasm at most 1 MB, the whole page at most 400 KB of brotli);
#  2. the upstream ceiling under load: proxy/tests/ceiling_load.rs (four migrations at once
#     through a proxy limited to 3 calls in flight and 20 per second), RUNS times, medians.
# Usage: bash bench/deploy/run.sh [RUNS] [--no-build] [--twiggy]
#   --no-build  use dist/ and the release proxy as they are
#   --twiggy    also list the 25 largest functions of the wasm (installs twiggy if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
. "${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}/env.sh" 2>/dev/null || true
RUNS=3; BUILD=1; TWIGGY=0
for a in "$@"; do
  case "$a" in
    --no-build) BUILD=0 ;;
    --twiggy) TWIGGY=1 ;;
    *) RUNS=$a ;;
  esac
done
target="${CARGO_TARGET_DIR:-target}"
if [ $BUILD = 1 ]; then
  bash scripts/build-page.sh >&2
  cargo build -q --release --locked -p passerelle-proxy >&2
fi
cargo build -q --locked -p passerelle-cli -p passerelle-proxy --tests >&2

out=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT
dead=127.0.0.1:9   # no GLPI needed to serve the page
proxy_bin=$(realpath "$target/release/passerelle-proxy")
# Run from an empty folder: no passerelle.toml or .env of the repository's.
( cd "$out" && PASSERELLE_LISTEN=127.0.0.1:0 PASSERELLE_GLPI_API_URL="http://$dead/apirest.php" \
  PASSERELLE_GLPI_APP_TOKEN=bench PASSERELLE_LOG=warn exec "$proxy_bin" >"$out/proxy" 2>/dev/null ) &
pid=$!
for _ in $(seq 50); do grep -q listening "$out/proxy" 2>/dev/null && break; sleep 0.1; done
base=$(head -n1 "$out/proxy" | sed 's/^Passerelle proxy listening on //')
[ -n "$base" ] || { echo "bench/deploy: the release proxy did not start" >&2; exit 1; }

size() { curl -s -o /dev/null -H "Accept-Encoding: $2" -w '%{size_download}' "$base$1"; }
html=$(curl -s "$base/")
paths=$( { echo /; echo "$html" | grep -o 'data-\(js\|wasm\|worker\)="[^"]*"' | sed 's/.*="\(.*\)"/\1/';
           echo "$html" | grep -o '\(src\|href\)="/[^"]*"' | sed 's/.*="\(.*\)"/\1/'; } | awk '!seen[$0]++')
rows=""; tot_id=0; tot_gz=0; tot_br=0; wasm_id=0
for p in $paths; do
  id=$(size "$p" identity); gz=$(size "$p" gzip); br=$(size "$p" br)
  tot_id=$((tot_id + id)); tot_gz=$((tot_gz + gz)); tot_br=$((tot_br + br))
  case "$p" in *.wasm) wasm_id=$id ;; esac
  name=$p; [ "$p" = / ] && name="/ (index.html)"
  rows+="| \`$name\` | $id | $gz | $br |"$'\n'
done
verdict() { [ "$1" -le "$2" ] && echo "met" || echo "NOT met"; }

# The ceiling under load: the test prints one LOAD line per run.
loads=()
for _ in $(seq "$RUNS"); do
  line=$(PASSERELLE_LOAD_REPORT=1 cargo test -q --locked -p passerelle-proxy --test ceiling_load -- --nocapture 2>&1 | grep '^LOAD ') \
    || { echo "bench/deploy: the load test failed: cargo test -p passerelle-proxy --test ceiling_load" >&2; exit 1; }
  loads+=("$line")
done
field() { printf '%s\n' "${loads[@]}" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
max() { sort -n | tail -1; }
cpu=$(lscpu | awk -F: '/Model name/ {gsub(/^ +/,"",$2); print $2; exit}')

cat <<MD
## Deployment: the page on the wire and the upstream ceiling (issue 14)

Command: \`bash bench/deploy/run.sh $RUNS\` ($(nproc) cores, $cpu, $(date -u +%Y-%m-%d)); the page built by
\`scripts/build-page.sh\` (trunk release, wasm-opt -Oz, brotli -q 11, gzip -9), served by the release
proxy with the page embedded; each file fetched with curl once per encoding (sizes do not vary
between runs of one build).

| file | identity (B) | gzip (B) | brotli (B) |
| --- | --- | --- | --- |
${rows}| **whole page** | **$tot_id** | **$tot_gz** | **$tot_br** |

- wasm, uncompressed: **$wasm_id B** (budget 1,000,000 B: $(verdict "$wasm_id" 1000000))
- whole page on the wire with brotli: **$tot_br B** (budget 400,000 B: $(verdict "$tot_br" 400000)); with gzip: $tot_gz B

Upstream ceiling under load (\`proxy/tests/ceiling_load.rs\`, $RUNS runs): $(field migrations | head -1) migrations of
$(field rows_each | head -1) computers each at once (\`passerelle migrate\`, default options) through one proxy limited to
$(field ceiling_in_flight | head -1) calls in flight and $(field ceiling_per_second | head -1) per second, into the sandbox (20 ms per call, 2 ms per bulk item)
measured at its door:

| figure | median | worst of the runs |
| --- | --- | --- |
| calls reaching GLPI | $(field calls_reaching_glpi | median) | $(field calls_reaching_glpi | max) |
| peak calls in flight at GLPI (ceiling $(field ceiling_in_flight | head -1)) | $(field peak_in_flight | median) | $(field peak_in_flight | max) |
| peak calls started in any second (ceiling $(field ceiling_per_second | head -1)) | $(field peak_calls_in_1s | median) | $(field peak_calls_in_1s | max) |
| calls refused with 429 (then sent again) | $(field refused_429 | median) | $(field refused_429 | max) |
| all four migrations, wall time (s) | $(field total_s | median) | $(field total_s | max) |

Every run: every migration exits 0 and every computer is in the sandbox exactly once.
MD

if [ $TWIGGY = 1 ]; then
  command -v twiggy >/dev/null || cargo install -q twiggy --locked >&2
  raw=$(ls -t "${PASSERELLE_WASM_TARGET_DIR:-target/wasm}"/wasm32-unknown-unknown/*/passerelle-frontend.wasm | head -1)
  echo; echo "Largest items of $raw (before wasm-bindgen and wasm-opt, names kept):"; echo '```'
  twiggy top -n 25 "$raw" | sed -E 's/^(.{0,160}).*/\1/'
  echo '```'
fi
