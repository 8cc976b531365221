#!/usr/bin/env bash
# Applies the ClickHouse migrations NNN_name.sql in order over ClickHouse's HTTP interface (curl
# POST), recording each applied file in <database>.schema_migrations. Re-running is a no-op.
#
# Two variants, chosen by the server's version (SELECT version()) when a database is first
# migrated, then kept (recorded in schema_migrations.name):
#   legacy   infra/clickhouse/migrations/          portable SQL: ClickHouse 18.16 (the local stack)
#   current  infra/clickhouse/migrations-current/  ClickHouse >= 22: DateTime64(3) `time` columns,
#            LowCardinality, analysts' sort keys, bloom filters, the victims' TTL, a cluster form
#
# Environment:
#   CLICKHOUSE_URL       (http://127.0.0.1:$CLICKHOUSE_HTTP_PORT, port 8123)
#   CLICKHOUSE_DATABASE  (fraud)
#   CLICKHOUSE_USER or CLICKHOUSE_USERNAME, CLICKHOUSE_PASSWORD  (optional, HTTP basic auth)
#   CLICKHOUSE_SCHEMA    auto | legacy | current  (auto: current on ClickHouse >= 22, else legacy)
#   CLICKHOUSE_CLUSTER   cluster name (current only; empty: one server): every table becomes
#                        <name>_local ON CLUSTER with a Replicated* engine, plus a Distributed <name>
#                        that the services read and write (sharded by alert, decision or origin)
#   CLICKHOUSE_REPLICA_PATH  Keeper path of replicated tables (/clickhouse/tables/{shard}/{database}/{table})
#   CLICKHOUSE_VICTIM_RETENTION_DAYS  days victim_exposures rows (victims' numbers) are kept, from
#                        the call's time (current only; 90; 0 = no TTL). Changing it later moves
#                        the TTL of the existing table on the next run.
#   MIGRATIONS_DIR       (the variant's directory)
# `migrate.sh --print` prints the statements it would run (NUL-separated, placeholders filled)
# without contacting a server; it needs CLICKHOUSE_SCHEMA=legacy or current.
#
# Migration files: statements end with ';' at the end of a line; lines that start with '--' are
# comments. Table names are unqualified: every statement runs with ?database=$CLICKHOUSE_DATABASE.
# Statements must be idempotent (CREATE ... IF NOT EXISTS). Current-variant placeholders:
#   {{local}} (''|_local)  {{on_cluster}} (''| ON CLUSTER c)  {{engine XMergeTree(args)}}
#   {{distributed table sharding_key}} (nothing, or the Distributed table)  {{victim_ttl}}
set -euo pipefail
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
require_cmd curl

url="${CLICKHOUSE_URL:-http://127.0.0.1:$CLICKHOUSE_HTTP_PORT}"
url="${url%/}"
db="${CLICKHOUSE_DATABASE:-fraud}"
schema="${CLICKHOUSE_SCHEMA:-auto}"
cluster="${CLICKHOUSE_CLUSTER:-}"
default_replica_path='/clickhouse/tables/{shard}/{database}/{table}'
replica_path="${CLICKHOUSE_REPLICA_PATH:-$default_replica_path}"
retention_days="${CLICKHOUSE_VICTIM_RETENTION_DAYS:-90}"
print_only=false
[[ "${1:-}" == --print ]] && print_only=true
[[ "$db" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "CLICKHOUSE_DATABASE must match [A-Za-z_][A-Za-z0-9_]*, got '$db'"
[[ "$schema" =~ ^(auto|legacy|current)$ ]] || fail "CLICKHOUSE_SCHEMA must be auto, legacy or current, got '$schema'"
[[ -z "$cluster" || "$cluster" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "CLICKHOUSE_CLUSTER must match [A-Za-z_][A-Za-z0-9_]*, got '$cluster'"
[[ "$replica_path" =~ ^[A-Za-z0-9_/{}.-]+$ ]] || fail "CLICKHOUSE_REPLICA_PATH may hold only letters, digits, _ / . - and {macros}, got '$replica_path'"
[[ "$retention_days" =~ ^[0-9]+$ ]] || fail "CLICKHOUSE_VICTIM_RETENTION_DAYS must be a whole number of days (0 = keep), got '$retention_days'"

# expand FILE: the file with the current variant's placeholders filled in (legacy files have none).
expand() {
  local on_cluster="" local_suffix="" ttl=""
  ((retention_days > 0)) && ttl="TTL toDateTime(time) + INTERVAL $retention_days DAY"
  if [[ -n "$cluster" ]]; then
    on_cluster=" ON CLUSTER $cluster"
    local_suffix="_local"
    sed -E \
      -e "s|\{\{engine ([A-Za-z]+)\(\)\}\}|Replicated\1('$replica_path', '{replica}')|" \
      -e "s|\{\{engine ([A-Za-z]+)\((.+)\)\}\}|Replicated\1('$replica_path', '{replica}', \2)|" \
      -e "s|\{\{distributed ([a-z_]+) (.+)\}\}|CREATE TABLE IF NOT EXISTS \1$on_cluster AS \1$local_suffix ENGINE = Distributed($cluster, $db, \1$local_suffix, \2)|" \
      -e "s|\{\{local\}\}|$local_suffix|g; s|\{\{on_cluster\}\}|$on_cluster|g; s|\{\{victim_ttl\}\}|$ttl|g" "$1"
  else
    sed -E \
      -e "s|\{\{engine (.+)\}\}|\1|" -e "s|\{\{distributed [^}]*\}\}||" \
      -e "s|\{\{local\}\}||g; s|\{\{on_cluster\}\}||g; s|\{\{victim_ttl\}\}|$ttl|g" "$1"
  fi
}

# statements FILE: the expanded file's statements, NUL-separated: split on ';' at end of line,
# '--' comment lines dropped.
statements() {
  expand "$1" | awk '
    /^[[:space:]]*--/ { next }
    { buf = buf $0 "\n" }
    /;[[:space:]]*$/ { sub(/;[[:space:]]*\n$/, "\n", buf); printf "%s%c", buf, 0; buf = "" }
    END { if (buf ~ /[^[:space:]]/) printf "%s%c", buf, 0 }
  '
}

migration_files() {
  shopt -s nullglob
  files=("$dir"/[0-9][0-9][0-9]_*.sql)
  ((${#files[@]} > 0)) || fail "no migrations (NNN_name.sql) in $dir"
}

if $print_only; then
  [[ "$schema" != auto ]] || fail "--print needs CLICKHOUSE_SCHEMA=legacy or current"
  [[ "$schema" == current || -z "$cluster" ]] || fail "CLICKHOUSE_CLUSTER needs the current schema (ClickHouse >= 22)"
  dir="${MIGRATIONS_DIR:-$INFRA_DIR/clickhouse/$([[ "$schema" == current ]] && echo migrations-current || echo migrations)}"
  migration_files
  for f in "${files[@]}"; do
    while IFS= read -r -d '' stmt; do
      [[ "$stmt" =~ [^[:space:]] ]] && printf '%s\0' "$stmt"
    done < <(statements "$f")
  done
  exit 0
fi

auth=()
user="${CLICKHOUSE_USER:-${CLICKHOUSE_USERNAME:-}}"
[[ -n "$user" ]] && auth=(-u "$user:${CLICKHOUSE_PASSWORD:-}")

body="$(mktemp)"
trap 'rm -f "$body"' EXIT

# ch SQL [DATABASE]: runs one statement, prints the response body; on an HTTP
# error prints ClickHouse's message and fails.
ch() {
  local sql="$1" qs="" code
  [[ -n "${2:-}" ]] && qs="?database=$2"
  code="$(curl -sS "${auth[@]}" --max-time 60 -o "$body" -w '%{http_code}' \
    -X POST --data-binary @- "$url/$qs" <<<"$sql")" || {
    fail "cannot reach ClickHouse at $url (is it running? infra/clickhouse/start.sh)"
  }
  if [[ "$code" != 200 ]]; then
    printf '[infra] ClickHouse answered HTTP %s to:\n%s\n[infra] ---- response ----\n' "$code" "$sql" >&2
    cat "$body" >&2
    return 1
  fi
  cat "$body"
}

[[ "$(curl -sS "${auth[@]}" --max-time 5 "$url/ping" 2>/dev/null)" == "Ok." ]] ||
  fail "ClickHouse at $url does not answer /ping (start it with infra/clickhouse/start.sh)"

ch "CREATE DATABASE IF NOT EXISTS $db" >/dev/null
ch "CREATE TABLE IF NOT EXISTS schema_migrations
(
    version    UInt32,
    name       String,
    checksum   String,
    applied_at DateTime
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY (version)" "$db" >/dev/null

declare -A applied=()
while IFS=$'\t' read -r v sum; do
  [[ -n "$v" ]] && applied[$v]="$sum"
done < <(ch "SELECT version, any(checksum) FROM schema_migrations GROUP BY version FORMAT TabSeparated" "$db")

# The variant: the one this database was migrated with (current names start with 'current/'),
# else by the server's version.
recorded="$(ch "SELECT countIf(name LIKE 'current/%'), count() FROM schema_migrations FORMAT TabSeparated" "$db")"
read -r recorded_current recorded_all <<<"$recorded"
major="$(ch "SELECT version() FORMAT TabSeparated")"
major="${major%%.*}"
if ((recorded_all > 0)); then
  variant=legacy
  ((recorded_current > 0)) && variant=current
  [[ "$schema" == auto || "$schema" == "$variant" ]] ||
    fail "database $db was migrated with the $variant schema; CLICKHOUSE_SCHEMA=$schema cannot change it (migrate into a new database)"
elif [[ "$schema" == auto ]]; then
  variant=legacy
  ((major >= 22)) && variant=current
else
  variant="$schema"
fi
[[ "$variant" == legacy || "$major" -ge 22 ]] || fail "the current schema needs ClickHouse >= 22, the server is $major"
[[ "$variant" == current || -z "$cluster" ]] || fail "CLICKHOUSE_CLUSTER needs the current schema (ClickHouse >= 22; database $db uses $variant)"
dir="${MIGRATIONS_DIR:-$INFRA_DIR/clickhouse/$([[ "$variant" == current ]] && echo migrations-current || echo migrations)}"
[[ -d "$dir" ]] || fail "migrations directory not found: $dir"
prefix=""
[[ "$variant" == current ]] && prefix="current/"
log "clickhouse: server $major.x, $variant schema${cluster:+ on cluster $cluster}"
migration_files

declare -A seen=()
count=0
for f in "${files[@]}"; do
  base="$(basename "$f" .sql)"
  version=$((10#${base%%_*}))
  [[ -z "${seen[$version]:-}" ]] || fail "two migrations share version $version: ${seen[$version]} and $base"
  seen[$version]="$base"
  sum="$(sha256sum "$f" | cut -c1-64)"
  if [[ -n "${applied[$version]:-}" ]]; then
    [[ "${applied[$version]}" == "$sum" ]] ||
      log "WARNING: migration $base changed after it was applied (checksum differs); not re-applied. Add a new migration instead."
    continue
  fi
  log "clickhouse: applying migration $base to database $db"
  n=0
  # Split on ';' at end of line, dropping '--' comment lines.
  while IFS= read -r -d '' stmt; do
    [[ "$stmt" =~ [^[:space:]] ]] || continue
    ch "$stmt" "$db" >/dev/null || fail "migration $base failed (statement $((n + 1)))"
    n=$((n + 1))
  done < <(statements "$f")
  ch "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($version, '$prefix$base', '$sum', now())" "$db" >/dev/null
  log "clickhouse: applied $base ($n statement(s))"
  count=$((count + 1))
done
if ((count == 0)); then
  log "clickhouse: database $db is up to date (${#files[@]} migration(s) already applied)"
else
  log "clickhouse: applied $count migration(s) to database $db"
fi

# The victims' retention follows CLICKHOUSE_VICTIM_RETENTION_DAYS: a table created with another
# value has its TTL moved (rows already past the new TTL go at the next merges).
if [[ "$variant" == current ]]; then
  table="victim_exposures${cluster:+_local}"
  on_cluster="${cluster:+ ON CLUSTER $cluster}"
  create="$(ch "SELECT create_table_query FROM system.tables WHERE database = '$db' AND name = '$table' FORMAT TabSeparatedRaw")"
  if ((retention_days > 0)); then
    if ! grep -Eq "TTL toDateTime\(time\) \+ (toIntervalDay\($retention_days\)|INTERVAL $retention_days DAY)" <<<"$create"; then
      ch "ALTER TABLE $table$on_cluster MODIFY TTL toDateTime(time) + INTERVAL $retention_days DAY" "$db" >/dev/null
      log "clickhouse: victim_exposures rows now expire $retention_days day(s) after the call"
    fi
  elif grep -q ' TTL ' <<<"$create"; then
    ch "ALTER TABLE $table$on_cluster REMOVE TTL" "$db" >/dev/null
    log "clickhouse: victim_exposures rows no longer expire (CLICKHOUSE_VICTIM_RETENTION_DAYS=0)"
  fi
fi
