#!/usr/bin/env bash
# Starts the mock Kafka cluster (idempotent). Environment:
#   KAFKA_BROKER_COUNT (3), KAFKA_PORT_BASE (9092; brokers on 9092..9094; 0 = random ports),
#   KAFKA_CONTROL_PORT (9190), KAFKA_TOPICS_FILE (infra/kafka/topics.txt),
#   INFRA_START_TIMEOUT (30 s).
# Writes .data/kafka/bootstrap.txt (bootstrap servers) and .data/kafka/control.txt.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ensure_dirs
mkdir -p "$KAFKA_DIR"
name=kafka-mock-broker
logfile="$LOG_DIR/$name.log"

healthy() {
  [[ -s "$KAFKA_BOOTSTRAP_FILE" && -s "$KAFKA_CONTROL_FILE" ]] &&
    kafka_control "$(cat "$KAFKA_CONTROL_FILE")" ping
}

if pid="$(component_pid "$name")"; then
  if healthy >/dev/null; then
    log "$name: already running (pid $pid) at $(cat "$KAFKA_BOOTSTRAP_FILE")"
    exit 0
  fi
  log "$name: pid $pid is running but not answering; waiting"
  wait_healthy "$name" "$logfile" healthy
  exit 0
fi

if ! is_uint "$KAFKA_CONTROL_PORT" || ((KAFKA_CONTROL_PORT < 1 || KAFKA_CONTROL_PORT > 65535)); then
  fail "KAFKA_CONTROL_PORT must be a port number, got '$KAFKA_CONTROL_PORT'"
fi
is_uint "$KAFKA_PORT_BASE" || fail "KAFKA_PORT_BASE must be a number, got '$KAFKA_PORT_BASE'"
if ! is_uint "$KAFKA_BROKER_COUNT" || ((KAFKA_BROKER_COUNT < 1 || KAFKA_BROKER_COUNT > 32)); then
  fail "KAFKA_BROKER_COUNT must be in 1..32, got '$KAFKA_BROKER_COUNT'"
fi
[[ -f "$KAFKA_TOPICS_FILE" ]] || fail "topics file not found: $KAFKA_TOPICS_FILE"

"$INFRA_DIR/broker/build.sh"

require_port_free "$KAFKA_CONTROL_PORT" "$name control"
if ((KAFKA_PORT_BASE > 0)); then
  for ((i = 0; i < KAFKA_BROKER_COUNT; i++)); do
    require_port_free $((KAFKA_PORT_BASE + i)) "$name broker $((i + 1))"
  done
fi

rm -f "$KAFKA_BOOTSTRAP_FILE"
echo "127.0.0.1:$KAFKA_CONTROL_PORT" >"$KAFKA_CONTROL_FILE"
log "$name: starting $KAFKA_BROKER_COUNT broker(s), control 127.0.0.1:$KAFKA_CONTROL_PORT"
start_bg "$name" "$logfile" "$BROKER_BIN" \
  --brokers "$KAFKA_BROKER_COUNT" \
  --topics "$KAFKA_TOPICS_FILE" \
  --bootstrap-file "$KAFKA_BOOTSTRAP_FILE" \
  --control-port "$KAFKA_CONTROL_PORT" \
  --port-base "$KAFKA_PORT_BASE"
wait_healthy "$name" "$logfile" healthy
log "$name: ready (pid $(component_pid "$name")) at $(cat "$KAFKA_BOOTSTRAP_FILE")"
