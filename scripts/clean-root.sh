#!/usr/bin/env bash
# A clean Debian 12 root in DIR, for proxy/tests/deb_install.rs to install the .deb into (issue 14):
# debootstrap's minbase (the packages every Debian has) plus adduser, which the package depends
# on, as an administrator's fresh server would have them. Built once with debootstrap (about a
# minute, from the machine's Debian mirror) and kept as a tarball under ~/.cache; later calls
# only unpack it (a few seconds). Needs root (debootstrap, chroot). Usage: bash scripts/clean-root.sh DIR
set -euo pipefail
dir=${1:?usage: clean-root.sh DIR}
suite=bookworm
include=adduser
cache="${XDG_CACHE_HOME:-$HOME/.cache}/passerelle-clean-root"
tarball="$cache/$suite-minbase-$include.tar.gz"
[ "$(id -u)" = 0 ] || { echo "clean-root: needs root (debootstrap, chroot)" >&2; exit 1; }

if [ ! -s "$tarball" ]; then
  command -v debootstrap >/dev/null || {
    echo "clean-root: debootstrap missing (scripts/bootstrap.sh installs it)" >&2; exit 1; }
  mkdir -p "$cache"
  build=$(mktemp -d "$cache/build.XXXXXX")
  trap 'rm -rf "$build"' EXIT
  echo "[clean-root] debootstrap --variant=minbase $suite (once, about a minute)" >&2
  debootstrap --variant=minbase --include="$include" "$suite" "$build/root" \
    http://deb.debian.org/debian >"$build/log" 2>&1 \
    || { tail -20 "$build/log" >&2; echo "clean-root: debootstrap failed" >&2; exit 1; }
  # The downloaded packages are not part of an installed system.
  rm -f "$build"/root/var/cache/apt/archives/*.deb
  tar -C "$build/root" -czf "$build/root.tar.gz" .
  mv "$build/root.tar.gz" "$tarball"   # atomic: a concurrent call sees all of it or nothing
fi
mkdir -p "$dir"
tar -C "$dir" -xzf "$tarball"
