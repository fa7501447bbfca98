#!/usr/bin/env bash
# Reading the local GLPI (issue 16): the whole prefecture entity migrated by
# `passerelle migrate --from-api` through the proxy, from a real GLPI 10.0.11 loaded with the
# prefecture's database into a fresh one (the suite tests/real-glpi/tests/from_api.rs, ports
# 8099 and 8104). Runs the suite RUNS times (default 3) and prints each first run's line and the
# median items per second. Debug build: the harness runs the workspace's built binaries.
# Usage: bash bench/from-api/run.sh [runs]   (about 2-3 minutes a run)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
cargo build -q --workspace --bins
for _ in $(seq "$RUNS"); do
  cargo test -q -p real-glpi --test from_api -- --test-threads=1 --nocapture 2>&1 | grep 'BENCH'
done | tee /dev/stderr | sed -E 's/.* = ([0-9]+) items\/s.*/\1/' | sort -n |
  awk '{v[NR]=$1} END {print "median items/s: " v[int((NR+1)/2)] " over " NR " runs"}'
