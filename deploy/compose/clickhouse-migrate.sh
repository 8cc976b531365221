#!/usr/bin/env bash
# The compose stack's ClickHouse job: applies /migrations/NNN_name.sql in order with clickhouse-client
# (in the ClickHouse image). Every statement is idempotent (CREATE ... IF NOT EXISTS), so running
# the job again is a no-op; the local stack's infra/clickhouse/migrate.sh also records what it applied.
set -euo pipefail
db="${CLICKHOUSE_DATABASE:-fraud}"
client=(clickhouse-client --host "${CLICKHOUSE_HOST:-clickhouse}" --user "${CLICKHOUSE_USER:-default}" --password "${CLICKHOUSE_PASSWORD:-}")
"${client[@]}" --query "CREATE DATABASE IF NOT EXISTS $db"
shopt -s nullglob
files=(/migrations/[0-9][0-9][0-9]_*.sql)
((${#files[@]} > 0)) || { echo "no migrations (NNN_name.sql) in /migrations" >&2; exit 1; }
for f in "${files[@]}"; do
  echo "applying $(basename "$f") to $db"
  "${client[@]}" --database "$db" --multiquery <"$f"
done
echo "applied ${#files[@]} migration(s) to $db"
