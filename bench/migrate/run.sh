#!/usr/bin/env bash
# Migration throughput, side by side in one run: a seed-style loop (one sequential POST per row),
# Passerelle (plan + journal + adaptive bulk batches, as `passerelle migrate`) and the same bulk
# POSTs sent raw, against the in-process sandbox with its realistic GLPI 10 latency model.
# Release build. Prints a Markdown section for BENCHMARKS.md (per-run lines go to stderr).
# Usage: bash bench/migrate/run.sh [rows] [runs]   (defaults: 2000 rows, 3 runs; about 5 minutes)
#
# Real-GLPI mode: bash bench/migrate/run.sh --real-glpi [rows] [runs]   (defaults: 2000 rows,
# 3 runs; about 1 h with today's runner): the sample migration and a generated one through the
# real proxy into a freshly reset real GLPI 10.0.11 (../shared/glpi-10.0.11/up.sh, instances
# `bench` on port 8097 and `bench-source` on 8098), Passerelle (the real command) against raw bulk
# POSTs of the same objects, alternated, both checked in the database; then the real server's
# latency probes and the differential check against the sandbox's model.
set -euo pipefail
cd "$(dirname "$0")/../.."
. "${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}/env.sh" 2>/dev/null || true
if [ "${1:-}" = "--real-glpi" ]; then
  shift
  ROWS=${1:-2000}
  RUNS=${2:-3}
  cargo build -q --release --locked -p passerelle-bench-migrate -p passerelle-cli -p passerelle-proxy
  out=$(mktemp)
  trap 'rm -f "$out"' EXIT
  "${CARGO_TARGET_DIR:-target}"/release/passerelle-bench-migrate --real-glpi --rows "$ROWS" --runs "$RUNS" >"$out"
  cpu=$(awk -F: '/model name/ {gsub(/^ +/,"",$2); print $2; exit}' /proc/cpuinfo)
  ram=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
  cat <<MD
## Migration against a real GLPI 10.0.11

Command: \`bash bench/migrate/run.sh --real-glpi $ROWS $RUNS\` (release build, $(nproc) cores, $cpu, $ram RAM), $(date -u +%Y-%m-%d).
GLPI 10.0.11 from \`../shared/glpi-10.0.11/up.sh\` (PHP 8.2 \`php -S\` with 4 workers, MariaDB 10.11) on
the same machine, reset before each measured run; Passerelle and raw bulk alternated, $RUNS runs each.

$(cat "$out")
MD
  exit 0
fi
ROWS=${1:-2000}
RUNS=${2:-3}
cargo build -q --release --locked -p passerelle-bench-migrate

out=$(mktemp)
trap 'rm -f "$out"' EXIT
"${CARGO_TARGET_DIR:-target}"/release/passerelle-bench-migrate --rows "$ROWS" --runs "$RUNS" >"$out"

cpu=$(awk -F: '/model name/ {gsub(/^ +/,"",$2); print $2; exit}' /proc/cpuinfo)
ram=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)

cat <<MD
## Migration

Command: \`bash bench/migrate/run.sh $ROWS $RUNS\` (release build, $(nproc) cores, $cpu, $ram RAM), $(date -u +%Y-%m-%d).
Work: $ROWS computers (name, serial, inventory number, comment, root entity) into an empty sandbox
with \`Faults::realistic()\` (2 ms per request, 40 ms per single create, 5 ms per item of a bulk
create), fresh sandbox for each measured run, the three contenders alternated, $RUNS runs each;
each run is checked against the sandbox's dump (exactly $ROWS computers, the expected fields).

$(cat "$out")
MD
