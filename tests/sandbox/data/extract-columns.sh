#!/usr/bin/env bash
# Extracts, from a REAL GLPI database, what the sandbox must know of GLPI's schema and stock data:
#   glpi-10.0.11-columns.tsv        every column of every glpi_* table, in table order:
#                                   table, column, data type (COLUMN_TYPE: int(10) unsigned,
#                                   decimal(20,4)...), default, nullable
#   glpi-10.0.11-profilerights.tsv  the rights of the stock profiles (profile id, right, bits)
# The sandbox loads both with include_str!: it never takes GLPI's schema from the engine it tests.
#
# Usage: bash tests/sandbox/data/extract-columns.sh [DATABASE]   (default: glpi, read with
# `mysql -uroot`, as on the machine where ../shared/glpi-10.0.11/up.sh installed GLPI 10.0.11).
# The default column keeps MariaDB's information_schema spelling: NULL for "DEFAULT NULL",
# quoted 'text' for a text default, current_timestamp() for an expression, \N for no default.
set -euo pipefail
db="${1:-glpi}"
here="$(cd "$(dirname "$0")" && pwd)"
version="$(mysql -uroot -N -B "$db" -e "SELECT value FROM glpi_configs WHERE context='core' AND name='version'")"
[ "$version" = "10.0.11" ] || { echo "extract-columns: $db holds GLPI $version, not 10.0.11" >&2; exit 1; }

{
  printf '# table\tcolumn\tcolumn_type\tdefault\tnullable\n'
  mysql -uroot -N -B -r "$db" -e "
    SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IFNULL(COLUMN_DEFAULT, '\\\\N'), IS_NULLABLE
    FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'glpi\\_%'
    ORDER BY TABLE_NAME, ORDINAL_POSITION"
} > "$here/glpi-10.0.11-columns.tsv.tmp"
mv "$here/glpi-10.0.11-columns.tsv.tmp" "$here/glpi-10.0.11-columns.tsv"

{
  printf '# profiles_id\tright\tbits\n'
  mysql -uroot -N -B -r "$db" -e "
    SELECT profiles_id, name, rights FROM glpi_profilerights
    WHERE profiles_id BETWEEN 1 AND 8 ORDER BY profiles_id, name"
} > "$here/glpi-10.0.11-profilerights.tsv.tmp"
mv "$here/glpi-10.0.11-profilerights.tsv.tmp" "$here/glpi-10.0.11-profilerights.tsv"

echo "extract-columns: $(grep -vc '^#' "$here/glpi-10.0.11-columns.tsv") columns," \
  "$(grep -vc '^#' "$here/glpi-10.0.11-profilerights.tsv") profile rights"
