#!/usr/bin/env bash
# The DSFR's CSS the page serves (issue 14, page size budget): its core and only the components
# the page draws, instead of the whole dsfr.min.css (728 KB, 62 KB of brotli: about 60% of it
# styles components the page never shows). Written to node_modules/.passerelle/dsfr-page.css,
# which index.html links; run by scripts/build-page.sh before trunk.
#
# The parts are concatenated in dsfr.min.css's own order (the cascade stays the same), their
# url()s made relative to the page's root like dsfr.min.css's (fonts/…, icons/…). Then every
# `fr-…` class the page's sources name that dsfr.min.css defines must be defined here too: a
# component drawn without its part fails the build, naming the class.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/@gouvfr/dsfr/dist
out=node_modules/.passerelle/dsfr-page.css
# Components in dsfr.min.css's order; add one here when the page starts drawing it.
components="upload badge logo button form stepper link callout alert radio checkbox input skiplink select footer table header"

mkdir -p "$(dirname "$out")"
{
  cat "$src/core/core.min.css"
  for c in $components; do
    echo
    cat "$src/component/$c/$c.min.css"
  done
} | sed -e 's#url(\.\./\.\./icons/#url(icons/#g' -e 's#url(\.\./icons/#url(icons/#g' \
        -e 's#url(\.\./fonts/#url(fonts/#g' >"$out.tmp"

# Classes defined by a stylesheet: every `.fr-…` selector in it.
defined() { grep -oE '\.fr-[a-zA-Z0-9_-]+' "$1" | cut -c2- | sort -u; }
full=$(defined "$src/dsfr.min.css")
have=$(defined "$out.tmp")
used=$(grep -rhoE 'fr-[a-z0-9_-]+' frontend/src frontend/styles index.html | sort -u)
missing=""
for u in $used; do
  case "$u" in
    *-) want=$(grep -E "^${u}" <<<"$full" || true) ;;   # a prefix completed at run time
    *) want=$(grep -xF -- "$u" <<<"$full" || true) ;;
  esac
  for w in $want; do
    grep -qxF -- "$w" <<<"$have" || missing+=" $w"
  done
done
if [ -n "$missing" ]; then
  echo "dsfr-css: the page uses DSFR classes that $out lacks:$missing" >&2
  echo "dsfr-css: add their component to \$components in scripts/dsfr-css.sh" >&2
  rm -f "$out.tmp"
  exit 1
fi
mv "$out.tmp" "$out"
