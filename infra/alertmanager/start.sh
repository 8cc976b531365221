#!/usr/bin/env bash
# Starts Alertmanager on 127.0.0.1:$ALERTMANAGER_PORT (9193; not 9093, which the mock brokers'
# 9092..9094 take) with infra/alertmanager/alertmanager.yml, rendered with the receivers' webhook
# settings (render-config.sh) to .data/alertmanager/alertmanager.yml; silences and notification
# state in .data/alertmanager/data. Single node: cluster listening disabled. Idempotent.
# Binary: ALERTMANAGER_BIN, else Debian's prometheus-alertmanager, else alertmanager.
# Healthy when GET /-/ready answers 200.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ensure_dirs
require_cmd curl
name=alertmanager
logfile="$LOG_DIR/$name.log"
config="$ALERTMANAGER_DIR/alertmanager.yml"
ready_url="http://127.0.0.1:$ALERTMANAGER_PORT/-/ready"

healthy() { http_get "$ready_url" >/dev/null 2>&1; }

if pid="$(component_pid "$name")"; then
  if healthy; then
    log "$name: already running (pid $pid) at http://127.0.0.1:$ALERTMANAGER_PORT"
    exit 0
  fi
  log "$name: pid $pid is running but not ready; waiting"
  wait_healthy "$name" "$logfile" healthy
  exit 0
fi

bin="${ALERTMANAGER_BIN:-}"
if [[ -z "$bin" ]]; then
  if command -v prometheus-alertmanager >/dev/null 2>&1; then bin=prometheus-alertmanager
  elif command -v alertmanager >/dev/null 2>&1; then bin=alertmanager
  else fail "no Alertmanager binary found (prometheus-alertmanager); run infra/scripts/install-deps.sh"
  fi
fi
if ! is_uint "$ALERTMANAGER_PORT" || ((ALERTMANAGER_PORT < 1 || ALERTMANAGER_PORT > 65535)); then
  fail "ALERTMANAGER_PORT must be a port number, got '$ALERTMANAGER_PORT'"
fi

mkdir -p "$ALERTMANAGER_DIR/data"
bash "$INFRA_DIR/alertmanager/render-config.sh" "$INFRA_DIR/alertmanager/alertmanager.yml" "$config" ||
  fail "cannot render the Alertmanager config"
if command -v amtool >/dev/null 2>&1; then
  amtool check-config "$config" >"$LOG_DIR/amtool-check.log" 2>&1 || {
    cat "$LOG_DIR/amtool-check.log" >&2
    fail "invalid Alertmanager config $config"
  }
fi
require_port_free "$ALERTMANAGER_PORT" "Alertmanager"

log "$name: starting on 127.0.0.1:$ALERTMANAGER_PORT"
start_bg "$name" "$logfile" "$bin" \
  --config.file="$config" \
  --storage.path="$ALERTMANAGER_DIR/data" \
  --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" \
  --cluster.listen-address= \
  --log.level=info
wait_healthy "$name" "$logfile" healthy
log "$name: ready (pid $(component_pid "$name")) at http://127.0.0.1:$ALERTMANAGER_PORT"
