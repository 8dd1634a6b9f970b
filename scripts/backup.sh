#!/usr/bin/env bash
# npm run backup — one backup of Mahalleh's database, then rotation. See docs/deploy/backups.md.
#
# With DATABASE_URL (PostgreSQL): `pg_dump --format=custom` into BACKUP_DIR as
#   mahalleh-YYYYMMDDTHHMMSSZ.dump (+ .sha256), written under a temporary name, checked with
#   `pg_restore --list`, then renamed, so a file with the final name is always a whole, readable
#   archive. Then only the newest BACKUP_KEEP archives are kept.
# Without DATABASE_URL (embedded PGlite in DATA_DIR): scripts/backup-pglite.ts (the server must be
#   stopped; it says so and changes nothing otherwise).
#
# Environment: DATABASE_URL, BACKUP_DIR (./backups), BACKUP_KEEP (14), PG_DUMP (pg_dump on PATH),
# DATA_DIR (./data, PGlite only). Exit status is non-zero on any failure (for cron/systemd to report).
set -euo pipefail
cd "$(dirname "$0")/.."

BACKUP_DIR="${BACKUP_DIR:-./backups}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"
if ! [[ "$BACKUP_KEEP" =~ ^[1-9][0-9]*$ ]]; then
  echo "BACKUP_KEEP must be a whole number of at least 1 (got '$BACKUP_KEEP')" >&2
  exit 78
fi

if [ -z "${DATABASE_URL:-}" ]; then
  exec node --import tsx scripts/backup-pglite.ts backup
fi

PG_DUMP="${PG_DUMP:-pg_dump}"
PG_RESTORE="${PG_RESTORE:-$(dirname "$(command -v "$PG_DUMP")")/pg_restore}"
command -v "$PG_DUMP" >/dev/null || { echo "pg_dump not found: apt-get install postgresql-client (same major version as the server, or newer)" >&2; exit 69; }

mkdir -p "$BACKUP_DIR"
# One backup at a time (a slow night must not overlap the next one).
exec 9>"$BACKUP_DIR/.backup.lock"
if ! flock -n 9; then
  echo "another backup is running in $BACKUP_DIR" >&2
  exit 75
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
final="$BACKUP_DIR/mahalleh-$stamp.dump"
partial="$final.partial"
trap 'rm -f "$partial"' EXIT

started=$(date +%s)
# Custom format: compressed, restorable table by table, in parallel (pg_restore -j), and into a
# database of another name. A consistent snapshot: the app keeps serving while it runs.
"$PG_DUMP" --format=custom --compress=6 --no-password --file="$partial" "$DATABASE_URL"
# A dump that pg_restore cannot list is not a backup.
"$PG_RESTORE" --list "$partial" >/dev/null
mv "$partial" "$final"
(cd "$BACKUP_DIR" && sha256sum "$(basename "$final")" > "$(basename "$final").sha256")
trap - EXIT

size=$(stat -c %s "$final")
echo "backup written: $final ($size bytes, $(( $(date +%s) - started )) s)"

# Rotation: keep the newest BACKUP_KEEP archives (names sort by time), remove older ones.
mapfile -t all < <(ls -1 "$BACKUP_DIR"/mahalleh-*.dump 2>/dev/null | sort)
remove=$(( ${#all[@]} - BACKUP_KEEP ))
for (( i = 0; i < remove; i++ )); do
  rm -f "${all[$i]}" "${all[$i]}.sha256"
  echo "rotated out: ${all[$i]}"
done
