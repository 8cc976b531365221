#!/usr/bin/env bash
# Starts a local ClickHouse server on 127.0.0.1 (idempotent). Environment:
#   CLICKHOUSE_HTTP_PORT (8123), CLICKHOUSE_TCP_PORT (9000),
#   CLICKHOUSE_SERVER_BIN (auto: clickhouse-server, else `clickhouse server`),
#   INFRA_START_TIMEOUT (30 s).
# Data in .data/clickhouse; rendered config in .data/clickhouse/etc.
# Healthy when GET http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/ping answers "Ok.".
set -euo pipefail
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ensure_dirs
require_cmd curl
name=clickhouse
logfile="$LOG_DIR/$name.log"
ping_url="http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/ping"

healthy() { [[ "$(http_get "$ping_url" 2>/dev/null)" == "Ok." ]]; }

if pid="$(component_pid "$name")"; then
  if healthy; then
    log "$name: already running (pid $pid) at http://127.0.0.1:$CLICKHOUSE_HTTP_PORT"
    exit 0
  fi
  log "$name: pid $pid is running but not answering; waiting"
  wait_healthy "$name" "$logfile $LOG_DIR/clickhouse-server.err.log" healthy
  exit 0
fi

for p in "$CLICKHOUSE_HTTP_PORT" "$CLICKHOUSE_TCP_PORT"; do
  if ! is_uint "$p" || ((p < 1 || p > 65535)); then fail "invalid ClickHouse port '$p'"; fi
done

# Pick the server binary: Debian's 18.16 ships /usr/sbin/clickhouse-server
# (often not on a non-root PATH); modern packages ship `clickhouse server`.
server_cmd=()
if [[ -n "${CLICKHOUSE_SERVER_BIN:-}" ]]; then
  server_cmd=("$CLICKHOUSE_SERVER_BIN")
elif command -v clickhouse-server >/dev/null 2>&1; then
  server_cmd=("$(command -v clickhouse-server)")
elif [[ -x /usr/sbin/clickhouse-server ]]; then
  server_cmd=(/usr/sbin/clickhouse-server)
elif command -v clickhouse >/dev/null 2>&1; then
  server_cmd=("$(command -v clickhouse)" server)
else
  fail "no ClickHouse server binary found; run infra/scripts/install-deps.sh"
fi

require_port_free "$CLICKHOUSE_HTTP_PORT" "ClickHouse HTTP"
require_port_free "$CLICKHOUSE_TCP_PORT" "ClickHouse native TCP"

mkdir -p "$CLICKHOUSE_DIR"/{etc,data,tmp,user_files,format_schemas}
render() { # TEMPLATE OUT
  sed -e "s|@DATA_DIR@|$CLICKHOUSE_DIR|g" -e "s|@LOG_DIR@|$LOG_DIR|g" \
    -e "s|@HTTP_PORT@|$CLICKHOUSE_HTTP_PORT|g" -e "s|@TCP_PORT@|$CLICKHOUSE_TCP_PORT|g" \
    "$1" >"$2.tmp"
  mv -f "$2.tmp" "$2"
}
render "$INFRA_DIR/clickhouse/config.xml" "$CLICKHOUSE_DIR/etc/config.xml"
render "$INFRA_DIR/clickhouse/users.xml" "$CLICKHOUSE_DIR/etc/users.xml"

log "$name: starting ${server_cmd[*]} on 127.0.0.1:$CLICKHOUSE_HTTP_PORT (http) / :$CLICKHOUSE_TCP_PORT (native)"
mark_logs "$LOG_DIR/clickhouse-server.err.log"
start_bg "$name" "$logfile" "${server_cmd[@]}" --config-file="$CLICKHOUSE_DIR/etc/config.xml"
wait_healthy "$name" "$logfile $LOG_DIR/clickhouse-server.err.log" healthy
log "$name: ready (pid $(component_pid "$name")) at http://127.0.0.1:$CLICKHOUSE_HTTP_PORT"
