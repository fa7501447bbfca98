#!/usr/bin/env bash
# The whole test suite: what .ci/run calls. Installs what is missing first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
. "${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}/env.sh"

# CI builds everything once: incremental caches would only double the target's size on its disk.
export CARGO_INCREMENTAL=0

step() { printf '\n=== %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "page build (trunk, release)"
bash scripts/build-page.sh

step "Debian package of the proxy (page embedded; checked by proxy/tests/package.rs)"
bash scripts/package.sh --no-page

step "native tests (engine, cli, proxy, sandbox, end-to-end in headless Chromium)"
# The end-to-end and real-GLPI tests (tests/e2e, tests/real-glpi) start the real proxy, sandbox and
# `passerelle` binaries, and the page test needs dist/ (built above): build the binaries first.
cargo build --workspace --bins --locked
cargo test --workspace --locked

step "the migration suites again, against the sandbox's GLPI 11 mode (issue 15)"
# Every test that migrates into the sandbox runs in both modes: the sandbox (in-process or the
# binary the end-to-end tests start) takes its default version from this variable.
glpi11() { PASSERELLE_SANDBOX_GLPI_VERSION=11 cargo test --locked "$@"; }
glpi11 -p passerelle-engine --test runner_sandbox --test tickets_faults
glpi11 -p passerelle-native --test runner
glpi11 -p passerelle-cli --test migrate_command --test journal_lock
glpi11 -p passerelle-e2e

step "wasm tests in headless Chromium"
RUSTC="$PASSERELLE_WASM_RUSTC" CARGO_TARGET_DIR="${PASSERELLE_WASM_TARGET_DIR:-target/wasm}" \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown -p passerelle-frontend
