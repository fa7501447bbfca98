#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test Passerelle (see ../shared/toolchain.md).
# Idempotent: every step checks versions first and skips work already done.
set -euo pipefail

WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
TOOLS_DIR="${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}"
WASM_STD_DIR=/usr/lib/rustlib/wasm32-unknown-unknown/lib

log() { printf '[bootstrap] %s\n' "$*" >&2; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated -eq 0 ]; then
    log "apt-get update"; $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq; apt_updated=1
  fi
  log "apt-get install ${missing[*]}"
  # Waits for another apt (or unattended-upgrades) to release the lock instead of failing.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
}

# 1. A Rust compiler that targets wasm32: rustup's own when it has the target (a laptop),
#    otherwise Debian's rustc-web with a wasm32 std built once from its source.
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "rustup has wasm32-unknown-unknown: using it"
  WASM_RUSTC="$(rustup which rustc)"
else
  apt_install rustc-web cargo-web rust-web-src lld-22
  WASM_RUSTC=/usr/bin/rustc
  stamp="$WASM_STD_DIR/.passerelle-std-for"
  want="$($WASM_RUSTC --version) +bitcode"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! ls "$WASM_STD_DIR"/libstd-*.rlib >/dev/null 2>&1; then
    log "building the wasm32 standard library with $want (about a minute)"
    d=$(mktemp -d); mkdir -p "$d/src"; echo 'pub fn f() {}' > "$d/src/lib.rs"
    printf '[package]\nname="stdbuild"\nversion="0.0.0"\nedition="2021"\n[workspace]\n' > "$d/Cargo.toml"
    # Bitcode is embedded so that release builds with LTO can link against this std.
    (cd "$d" && RUSTC=$WASM_RUSTC RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Cembed-bitcode=yes" /usr/bin/cargo build -q --release \
        --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort,test)
    $SUDO mkdir -p "$WASM_STD_DIR"
    $SUDO rm -f "$WASM_STD_DIR"/*.rlib
    $SUDO cp "$d"/target/wasm32-unknown-unknown/release/deps/*.rlib "$WASM_STD_DIR"/
    $SUDO rm -f "$WASM_STD_DIR"/libstdbuild-*.rlib
    echo "$want" | $SUDO tee "$stamp" >/dev/null
    rm -rf "$d"
    # Artifacts built against the previous std would not link: drop them.
    rm -rf "$(dirname "$0")/../target/wasm"
  fi
fi

# 2. Browser and driver for wasm tests and end-to-end tests; wrk for the proxy benchmark;
#    brotli for the page's precompressed files (scripts/build-page.sh); dpkg-dev and systemd
#    for checking the .deb (dpkg-deb, systemd-analyze verify); debootstrap for the clean root
#    the .deb is installed into (scripts/clean-root.sh).
apt_install chromium chromium-driver wrk brotli dpkg-dev systemd debootstrap
# Node and npm for wasm-opt (5) and the page's npm packages (6): Debian's, unless a node with
# its npm is already installed (NodeSource's nodejs ships npm and conflicts with Debian's).
command -v npm >/dev/null 2>&1 || apt_install nodejs npm

# 3. wasm-bindgen-cli, exactly the version of the wasm-bindgen crate pinned in Cargo.toml.
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# 4. trunk (0.22 needs a newer rustc than this machine's; --locked keeps lightningcss buildable).
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  log "cargo install trunk $TRUNK_VERSION (about 7 minutes)"
  cargo install -q trunk --version "$TRUNK_VERSION" --locked --no-default-features --features rustls --force
fi

# 5. wasm-opt: Debian's binaryen is too old for rustc 1.96 output; npm's binaryen works.
if [ "$("$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -o 'version_[0-9]*')" != "version_$BINARYEN_VERSION" ]; then
  log "npm install binaryen@$BINARYEN_VERSION"
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION" >/dev/null)
fi

# 6. The repository's own npm packages: the DSFR the page serves and axe-core for the browser
#    tests (package.json, pinned by package-lock.json; npm ci only when they do not match).
bash "$(dirname "$0")/node-modules.sh"

# 7. cargo-deb: builds the proxy's Debian package (scripts/package.sh, checked by scripts/test.sh).
CARGO_DEB_VERSION=3.8.0
if [ "$(cargo deb --version 2>/dev/null | awk '{print $2}')" != "$CARGO_DEB_VERSION" ]; then
  log "cargo install cargo-deb $CARGO_DEB_VERSION (about 3 minutes)"
  cargo install -q cargo-deb --version "$CARGO_DEB_VERSION" --locked --force
fi

# What the other scripts need, written where they source it.
mkdir -p "$TOOLS_DIR"
cat > "$TOOLS_DIR/env.sh" <<ENV
export PATH="$TOOLS_DIR/node_modules/.bin:\$HOME/.cargo/bin:\$PATH"
export PASSERELLE_WASM_RUSTC="$WASM_RUSTC"
export CHROMEDRIVER=/usr/bin/chromedriver
export CHROME_BIN=/usr/bin/chromium
ENV
log "ready (wasm rustc: $WASM_RUSTC)"
