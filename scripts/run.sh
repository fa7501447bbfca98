#!/usr/bin/env bash
# Runs the product: builds the page, starts the proxy on 127.0.0.1:8080 serving it and, unless a
# GLPI is configured (PASSERELLE_GLPI_API_URL, or passerelle.toml / .env naming one), starts the
# GLPI sandbox and points the proxy at it. The processes it started live and die together: when
# one stops, the others are stopped and the reason is printed. Ctrl-C stops everything.
# Nothing holding a token is left on disk: the sandbox's startup lines (its demo tokens) go
# through a private temporary folder removed as soon as they are read.
# PASSERELLE_RUN_SKIP_BUILD=1 uses the binaries already in PASSERELLE_BIN_DIR (tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${PASSERELLE_BIN_DIR:-${CARGO_TARGET_DIR:-target}/release}"
if [ -z "${PASSERELLE_RUN_SKIP_BUILD:-}" ]; then
  bash scripts/bootstrap.sh
  . "${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}/env.sh"
  bash scripts/build-page.sh
  # Release build of the proxy embeds dist/: one file to deploy.
  cargo build --release --locked -p passerelle-proxy -p glpi-sandbox
fi

configured() {
  [ -n "${PASSERELLE_GLPI_API_URL:-}" ] && return 0
  grep -qs '^[[:space:]]*api_url[[:space:]]*=' passerelle.toml && return 0
  grep -qs '^PASSERELLE_GLPI_API_URL=' .env && return 0
  return 1
}

pids=()
names=()
tmp=""
stopping=""
cleanup() {
  trap - INT TERM EXIT
  [ -n "$tmp" ] && rm -rf "$tmp"
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
on_signal() {
  stopping=1
  echo "Passerelle : arrêt demandé, arrêt de tout ce que ce script a lancé. / Stop requested: stopping everything this script started." >&2
  cleanup
  exit 130
}
trap on_signal INT TERM
trap cleanup EXIT

# Waits for "$2" at the start of the first line of file $1 written by process $3 (10 s).
first_line() {
  local file=$1 prefix=$2 pid=$3
  for _ in $(seq 100); do
    grep -q "^$prefix" "$file" 2>/dev/null && { head -n1 "$file" | sed "s|^$prefix||"; return 0; }
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

tmp=$(mktemp -d)   # 0700: only this user reads it
if ! configured; then
  "$bin/glpi-sandbox" --listen "${PASSERELLE_SANDBOX_LISTEN:-127.0.0.1:9080}" \
    --latency realistic >"$tmp/sandbox" &
  pids+=($!); names+=("le bac à sable GLPI / the GLPI sandbox")
  sandbox_url=$(first_line "$tmp/sandbox" "GLPI sandbox listening on " "${pids[-1]}") || {
    echo "Le bac à sable GLPI n'a pas démarré. / The GLPI sandbox did not start." >&2; exit 1; }
  demo=$(tail -n +2 "$tmp/sandbox")
  rm -rf "$tmp"; tmp=""
  export PASSERELLE_GLPI_API_URL="$sandbox_url"
  export PASSERELLE_GLPI_APP_TOKEN=passerelle-demo-app-token
  export PASSERELLE_GLPI_SANDBOX=true
  echo "GLPI bac à sable (sandbox) : $sandbox_url"
  echo "$demo"
  tmp=$(mktemp -d)
fi

export PASSERELLE_LISTEN="${PASSERELLE_LISTEN:-127.0.0.1:8080}"
"$bin/passerelle-proxy" >"$tmp/proxy" &
pids+=($!); names+=("le proxy Passerelle / the Passerelle proxy")
proxy_url=$(first_line "$tmp/proxy" "Passerelle proxy listening on " "${pids[-1]}") || {
  echo "Le proxy Passerelle n'a pas démarré (voir ci-dessus). / The Passerelle proxy did not start (see above)." >&2; exit 1; }
rm -rf "$tmp"; tmp=""
echo
echo "Passerelle : $proxy_url/   (Ctrl-C pour arrêter / to stop)"

# The first to stop takes the others with it, saying which and why.
set +e
wait -n "${pids[@]}"
code=$?
set -e
[ -n "$stopping" ] && exit 130
for i in "${!pids[@]}"; do
  if ! kill -0 "${pids[$i]}" 2>/dev/null; then
    echo "Passerelle : ${names[$i]} s'est arrêté (code $code) ; arrêt du reste. / stopped (exit code $code): stopping the rest." >&2
    break
  fi
done
exit 1
