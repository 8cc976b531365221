#!/usr/bin/env bash
# Applies infra/clickhouse/migrations/NNN_name.sql in order over ClickHouse's
# HTTP interface (curl POST), recording each applied file in
# <database>.schema_migrations. Re-running is a no-op. Environment:
#   CLICKHOUSE_URL       (http://127.0.0.1:$CLICKHOUSE_HTTP_PORT, port 8123)
#   CLICKHOUSE_DATABASE  (fraud)
#   CLICKHOUSE_USER / CLICKHOUSE_PASSWORD  (optional, HTTP basic auth)
#   MIGRATIONS_DIR       (infra/clickhouse/migrations)
#
# Migration files: statements end with ';' at the end of a line; lines that
# start with '--' are comments. Table names are unqualified: every statement
# runs with ?database=$CLICKHOUSE_DATABASE. Statements must be idempotent
# (CREATE ... IF NOT EXISTS) and portable (ClickHouse 18.16 and modern).
set -euo pipefail
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
require_cmd curl

url="${CLICKHOUSE_URL:-http://127.0.0.1:$CLICKHOUSE_HTTP_PORT}"
url="${url%/}"
db="${CLICKHOUSE_DATABASE:-fraud}"
dir="${MIGRATIONS_DIR:-$INFRA_DIR/clickhouse/migrations}"
[[ "$db" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "CLICKHOUSE_DATABASE must match [A-Za-z_][A-Za-z0-9_]*, got '$db'"
[[ -d "$dir" ]] || fail "migrations directory not found: $dir"

auth=()
[[ -n "${CLICKHOUSE_USER:-}" ]] && auth=(-u "$CLICKHOUSE_USER:${CLICKHOUSE_PASSWORD:-}")

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

shopt -s nullglob
files=("$dir"/[0-9][0-9][0-9]_*.sql)
((${#files[@]} > 0)) || fail "no migrations (NNN_name.sql) in $dir"

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
  done < <(awk '
    /^[[:space:]]*--/ { next }
    { buf = buf $0 "\n" }
    /;[[:space:]]*$/ { sub(/;[[:space:]]*\n$/, "\n", buf); printf "%s%c", buf, 0; buf = "" }
    END { if (buf ~ /[^[:space:]]/) printf "%s%c", buf, 0 }
  ' "$f")
  ch "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($version, '$base', '$sum', now())" "$db" >/dev/null
  log "clickhouse: applied $base ($n statement(s))"
  count=$((count + 1))
done
if ((count == 0)); then
  log "clickhouse: database $db is up to date (${#files[@]} migration(s) already applied)"
else
  log "clickhouse: applied $count migration(s) to database $db"
fi
