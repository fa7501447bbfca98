#!/usr/bin/env bash
# Runs the product: builds the page, starts the proxy on 127.0.0.1:8080 serving it and, unless a
# GLPI is configured (PASSERELLE_GLPI_API_URL, or passerelle.toml / .env naming one), starts the
# GLPI sandbox and points the proxy at it. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
. "${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}/env.sh"

bash scripts/build-page.sh
# Release build of the proxy embeds dist/: one file to deploy.
cargo build --release --locked -p passerelle-proxy -p glpi-sandbox

configured() {
  [ -n "${PASSERELLE_GLPI_API_URL:-}" ] && return 0
  grep -qs '^[[:space:]]*api_url[[:space:]]*=' passerelle.toml && return 0
  grep -qs '^PASSERELLE_GLPI_API_URL=' .env && return 0
  return 1
}

pids=()
cleanup() {
  trap - INT TERM EXIT
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

if ! configured; then
  sandbox_out=$(mktemp)
  target/release/glpi-sandbox --listen "${PASSERELLE_SANDBOX_LISTEN:-127.0.0.1:9080}" \
    --latency realistic >"$sandbox_out" &
  pids+=($!)
  for _ in $(seq 100); do grep -q 'listening on' "$sandbox_out" && break; sleep 0.1; done
  sandbox_url=$(head -n1 "$sandbox_out" | sed -n 's/^GLPI sandbox listening on //p')
  [ -n "$sandbox_url" ] || { echo "Le bac à sable GLPI n'a pas démarré." >&2; cat "$sandbox_out" >&2; exit 1; }
  export PASSERELLE_GLPI_API_URL="$sandbox_url"
  export PASSERELLE_GLPI_APP_TOKEN=passerelle-demo-app-token
  export PASSERELLE_GLPI_SANDBOX=true
  echo "GLPI bac à sable (sandbox) : $sandbox_url"
  tail -n +2 "$sandbox_out"
fi

export PASSERELLE_LISTEN="${PASSERELLE_LISTEN:-127.0.0.1:8080}"
target/release/passerelle-proxy &
pids+=($!)
sleep 0.5
echo
echo "Passerelle : http://$PASSERELLE_LISTEN/   (Ctrl-C pour arrêter / to stop)"
wait -n "${pids[@]}"
