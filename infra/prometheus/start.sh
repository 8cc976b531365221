#!/usr/bin/env bash
# Starts Prometheus on 127.0.0.1:$PROMETHEUS_PORT (9090) with
# infra/prometheus/prometheus.yml, TSDB in .data/prometheus/tsdb and
# --web.enable-lifecycle (POST /-/reload re-reads the config). Idempotent.
# Extra scrape targets: drop file_sd JSON files into .data/prometheus/targets.d/. Alerts go to
# the Alertmanager on 127.0.0.1:$ALERTMANAGER_PORT (9193), written to .data/prometheus/alertmanagers.d/.
# Healthy when GET /-/ready answers 200.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ensure_dirs
require_cmd curl
name=prometheus
logfile="$LOG_DIR/$name.log"
config="$INFRA_DIR/prometheus/prometheus.yml"
ready_url="http://127.0.0.1:$PROMETHEUS_PORT/-/ready"

healthy() { http_get "$ready_url" >/dev/null 2>&1; }

mkdir -p "$PROMETHEUS_DIR/tsdb" "$PROMETHEUS_DIR/targets.d" "$PROMETHEUS_DIR/alertmanagers.d"
# Keeps the file_sd glob matching (promtool warns about an empty glob).
[[ -f "$PROMETHEUS_DIR/targets.d/_empty.json" ]] || echo "[]" >"$PROMETHEUS_DIR/targets.d/_empty.json"
if ! is_uint "$ALERTMANAGER_PORT" || ((ALERTMANAGER_PORT < 1 || ALERTMANAGER_PORT > 65535)); then
  fail "ALERTMANAGER_PORT must be a port number, got '$ALERTMANAGER_PORT'"
fi
# Rewritten on every start (also when Prometheus is already running): the port may have changed.
printf '[{ "targets": ["127.0.0.1:%s"] }]\n' "$ALERTMANAGER_PORT" >"$PROMETHEUS_DIR/alertmanagers.d/local.json.tmp"
mv -f "$PROMETHEUS_DIR/alertmanagers.d/local.json.tmp" "$PROMETHEUS_DIR/alertmanagers.d/local.json"

if pid="$(component_pid "$name")"; then
  if healthy; then
    # Picks up changed rules and config (a stack started before a pull or an edit).
    curl -fsS --max-time 5 -X POST "http://127.0.0.1:$PROMETHEUS_PORT/-/reload" >/dev/null ||
      fail "$name: reloading its config failed; see $logfile"
    log "$name: already running (pid $pid) at http://127.0.0.1:$PROMETHEUS_PORT; config reloaded"
    exit 0
  fi
  log "$name: pid $pid is running but not ready; waiting"
  wait_healthy "$name" "$logfile" healthy
  exit 0
fi

require_cmd prometheus
if ! is_uint "$PROMETHEUS_PORT" || ((PROMETHEUS_PORT < 1 || PROMETHEUS_PORT > 65535)); then
  fail "PROMETHEUS_PORT must be a port number, got '$PROMETHEUS_PORT'"
fi
if command -v promtool >/dev/null 2>&1; then
  promtool check config "$config" >"$LOG_DIR/promtool-check.log" 2>&1 || {
    cat "$LOG_DIR/promtool-check.log" >&2
    fail "invalid Prometheus config $config"
  }
fi
require_port_free "$PROMETHEUS_PORT" "Prometheus"

log "$name: starting on 127.0.0.1:$PROMETHEUS_PORT"
start_bg "$name" "$logfile" prometheus \
  --config.file="$config" \
  --storage.tsdb.path="$PROMETHEUS_DIR/tsdb" \
  --storage.tsdb.retention.time=2d \
  --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
  --web.enable-lifecycle \
  --log.level=info
wait_healthy "$name" "$logfile" healthy
log "$name: ready (pid $(component_pid "$name")) at http://127.0.0.1:$PROMETHEUS_PORT"
