#!/usr/bin/env bash
# npm run restore -- FILE [TARGET_URL] — puts a backup made by `npm run backup` back.
# See docs/deploy/backups.md.
#
# PostgreSQL (FILE ends in .dump): restores into TARGET_URL (or RESTORE_DATABASE_URL), which must
#   be an EMPTY database (create it first: `createdb mahalleh_restored`); a database that already
#   has tables is refused, so a restore never lands on top of live data. The archive's checksum
#   (FILE.sha256) is checked when it is there. Everything is restored in one transaction: it all
#   lands, or nothing does. Then point DATABASE_URL at the restored database and start the app.
# PGlite (FILE ends in .tar.gz): scripts/backup-pglite.ts restore (the server must be stopped).
set -euo pipefail
cd "$(dirname "$0")/.."

file="${1:-}"
target="${2:-${RESTORE_DATABASE_URL:-}}"
if [ -z "$file" ]; then
  echo "usage: npm run restore -- FILE [TARGET_URL]   (TARGET_URL: an empty PostgreSQL database; PGlite archives need none)" >&2
  exit 64
fi
[ -f "$file" ] || { echo "no such file: $file" >&2; exit 66; }

case "$file" in
  *.tar.gz) exec node --import tsx scripts/backup-pglite.ts restore "$file" ;;
esac

[ -n "$target" ] || { echo "say where to restore: npm run restore -- $file postgres://user@host/empty_database" >&2; exit 64; }
PG_RESTORE="${PG_RESTORE:-pg_restore}"
PSQL="${PSQL:-$(dirname "$(command -v "$PG_RESTORE")")/psql}"

if [ -f "$file.sha256" ]; then
  (cd "$(dirname "$file")" && sha256sum --check --quiet "$(basename "$file").sha256") || { echo "checksum mismatch: $file is damaged" >&2; exit 65; }
fi

tables=$("$PSQL" --no-psqlrc -At -d "$target" -c "select count(*) from pg_tables where schemaname not in ('pg_catalog','information_schema')")
if [ "$tables" != "0" ]; then
  echo "refused: the target database already has $tables tables. Restore into a new, empty database (createdb), then switch DATABASE_URL to it." >&2
  exit 73
fi

started=$(date +%s)
# --no-owner: the restored objects belong to whoever restores them (the app's role on the new server).
"$PG_RESTORE" --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$target" "$file"
echo "restored $file in $(( $(date +%s) - started )) s"
"$PSQL" --no-psqlrc -At -d "$target" -F ' ' -c "
  select 'users', count(*) from users union all
  select 'councils', count(*) from councils union all
  select 'proposals', count(*) from proposals union all
  select 'ballots', count(*) from ballots union all
  select 'thread_messages', count(*) from thread_messages union all
  select 'audit_log', count(*) from audit_log" | while read -r name n; do echo "  $name: $n"; done
