#!/usr/bin/env bash
# Proxy overhead, side by side in one run: the same GLPI call sent to the sandbox directly and
# through the proxy, with wrk (release builds, same machine). Prints a Markdown section for
# BENCHMARKS.md. Usage: bash bench/proxy/run.sh [duration_seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
. "${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}/env.sh" 2>/dev/null || true
DURATION=${1:-10}
command -v wrk >/dev/null || { echo "wrk is missing: bash scripts/bootstrap.sh installs it" >&2; exit 1; }
cargo build -q --release --locked -p glpi-sandbox -p passerelle-proxy

out=$(mktemp -d)
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$out"; }
pids=()
trap cleanup EXIT

"${CARGO_TARGET_DIR:-target}"/release/glpi-sandbox --listen 127.0.0.1:0 >"$out/sandbox" &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$out/sandbox" 2>/dev/null && break; sleep 0.1; done
api=$(head -n1 "$out/sandbox" | sed 's/^GLPI sandbox listening on //')

# The ceiling of calls to GLPI off: this measures what the proxy adds to a call, not the ceiling
# (bench/deploy measures that).
PASSERELLE_LISTEN=127.0.0.1:0 PASSERELLE_GLPI_API_URL="$api" PASSERELLE_GLPI_APP_TOKEN=passerelle-demo-app-token \
  PASSERELLE_UPSTREAM_MAX_IN_FLIGHT=0 PASSERELLE_UPSTREAM_MAX_CALLS_PER_SECOND=0 \
  PASSERELLE_LOG=warn "${CARGO_TARGET_DIR:-target}"/release/passerelle-proxy >"$out/proxy" 2>/dev/null &
proxy_pid=$!
pids+=($proxy_pid)
for _ in $(seq 50); do grep -q listening "$out/proxy" 2>/dev/null && break; sleep 0.1; done
proxy=$(head -n1 "$out/proxy" | sed 's/^Passerelle proxy listening on //')

token=$(curl -s -H "App-Token: passerelle-demo-app-token" -H "Authorization: user_token passerelle-demo-user-token" "$api/initSession" | sed 's/.*"session_token":"\([^"]*\)".*/\1/')
# A representative read: one Computer, as a migration's reconciliation does.
curl -s -o /dev/null -X POST -H "App-Token: passerelle-demo-app-token" -H "Session-Token: $token" \
  -d '{"input":{"name":"bench-pc","serial":"BENCH1"}}' "$api/Computer"

run() { # name url conns extra-header...
  local name=$1 url=$2 conns=$3; shift 3
  local threads=$(( conns < 2 ? 1 : 2 ))
  wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -H "Session-Token: $token" "$@" "$url" >"$out/$name"
}
run direct1 "$api/Computer/1" 1 -H "App-Token: passerelle-demo-app-token"
run proxy1 "$proxy/api/Computer/1" 1
run direct100 "$api/Computer/1" 100 -H "App-Token: passerelle-demo-app-token"
run proxy100 "$proxy/api/Computer/1" 100
# The same at 100 connections with an upstream that takes time like a GLPI does: the sandbox's
# realistic model (2 ms per call), then 20 ms per call (a real GLPI 10 read is 20-40 ms of PHP).
upstream() { curl -s -o /dev/null -X POST -d "{\"latency_ms\": $1}" "${api%/apirest.php}/sandbox/faults"; }
upstream 2
run direct100r "$api/Computer/1" 100 -H "App-Token: passerelle-demo-app-token"
run proxy100r "$proxy/api/Computer/1" 100
upstream 20
run direct100g "$api/Computer/1" 100 -H "App-Token: passerelle-demo-app-token"
run proxy100g "$proxy/api/Computer/1" 100
upstream 0

p50() { awk '/ 50%/ {print $2}' "$out/$1"; }
p99() { awk '/ 99%/ {print $2}' "$out/$1"; }
rps() { awk '/Requests\/sec/ {print $2}' "$out/$1"; }
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/,"",v); print v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v); print v+0 } else { sub(/s$/,"",v); print v*1000 } }'; }
rss=$(awk '/VmHWM/ {print $2}' /proc/$proxy_pid/status)
d50=$(to_ms "$(p50 direct1)"); x50=$(to_ms "$(p50 proxy1)")
added=$(awk -v a="$x50" -v b="$d50" 'BEGIN { printf "%.3f", a-b }')
pct() { awk -v a="$(rps "$1")" -v b="$(rps "$2")" 'BEGIN { printf "%.1f", 100*a/b }'; }
ratio=$(pct proxy100 direct100)
ratio_r=$(pct proxy100r direct100r)
ratio_g=$(pct proxy100g direct100g)
cpu=$(lscpu | awk -F: '/Model name/ {gsub(/^ +/,"",$2); print $2; exit}')

cat <<MD
## Proxy

Command: \`bash bench/proxy/run.sh $DURATION\` (wrk, ${DURATION}s per run, release builds, $(nproc) cores, $cpu), $(date -u +%Y-%m-%d).
Call: \`GET Computer/1\` with a session token, to the sandbox directly (the peer) and through the proxy, in the same run.

| run | connections | p50 | p99 | requests/s |
| --- | --- | --- | --- | --- |
| direct | 1 | $(p50 direct1) | $(p99 direct1) | $(rps direct1) |
| proxy | 1 | $(p50 proxy1) | $(p99 proxy1) | $(rps proxy1) |
| direct | 100 | $(p50 direct100) | $(p99 direct100) | $(rps direct100) |
| proxy | 100 | $(p50 proxy100) | $(p99 proxy100) | $(rps proxy100) |
| direct, upstream 2 ms | 100 | $(p50 direct100r) | $(p99 direct100r) | $(rps direct100r) |
| proxy, upstream 2 ms | 100 | $(p50 proxy100r) | $(p99 proxy100r) | $(rps proxy100r) |
| direct, upstream 20 ms | 100 | $(p50 direct100g) | $(p99 direct100g) | $(rps direct100g) |
| proxy, upstream 20 ms | 100 | $(p50 proxy100g) | $(p99 proxy100g) | $(rps proxy100g) |

- Added p50 latency (1 connection): **${added} ms** (goal < 0.5 ms).
- Throughput through the proxy at 100 connections: **${ratio}%** of direct with the in-memory
  sandbox answering in microseconds; **${ratio_r}%** with the sandbox's realistic model (2 ms per
  call); **${ratio_g}%** with 20 ms per call, a GLPI-like read (goal > 90%).
- Proxy peak memory (VmHWM) after all runs: **$((rss / 1024)) MiB**.
MD
