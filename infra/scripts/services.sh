#!/usr/bin/env bash
# Starts or stops the pipeline's own services in the background, with the stack's environment
# (.data/env) and each service's defaults. Idempotent like the infra scripts.
#   infra/scripts/services.sh start NAME...       (schema-registry detector alert-sink generator blocker soc)
#   infra/scripts/services.sh wait-ready NAME...
#   infra/scripts/services.sh stop NAME...
# `start` waits until the process is up (/healthz), then says whether it is ready (/readyz) and
# why not: a service that is up but not ready (the alert-sink while ClickHouse is down) keeps
# running and becomes ready by itself. `wait-ready` waits for readiness (INFRA_START_TIMEOUT) and
# fails naming what is not ready, but never stops the service.
# Extra environment for a service: put KEY=VALUE lines in .data/NAME.env (e.g. generator.env).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_dirs

# The local stack's blocker operator token (.data/operator.token, made once): the blocker's
# BLOCKER_OPERATOR_TOKEN and the soc service's SOC_BLOCKER_OPERATOR_TOKEN.
operator_token() {
  local file="$DATA_DIR/operator.token"
  [[ -s "$file" ]] || (umask 077 && od -An -N18 -tx1 /dev/urandom | tr -d ' \n' >"$file")
  cat "$file"
}

start_service() {
  local name="$1" port main="$REPO_ROOT/services/$1/dist/main.js"
  port="$(health_port "$name")"
  if component_pid "$name" >/dev/null; then
    log "$name: already running"
    return 0
  fi
  [[ -f "$main" ]] || fail "$main is missing: run 'make build' first"
  [[ -f "$ENV_FILE" ]] || fail "$ENV_FILE is missing: run 'make up' first"
  require_port_free "$port" "$name"
  local extra="$DATA_DIR/$name.env"
  if [[ ( "$name" == detector || "$name" == blocker ) && ! -f "$extra" ]]; then
    # The local stack's reference data: the demo carrier's (fictional) banks' DNO numbers, allowlist
    # and home network, as the generator's scenarios use them. A carrier points the service at its
    # own files (DETECTOR_REFERENCE_DIR / BLOCKER_REFERENCE_DIR in .data/NAME.env or the environment).
    [[ -f "$DATA_DIR/reference/network.json" ]] ||
      node --input-type=module -e "import('$REPO_ROOT/services/generator/dist/index.js').then((g) => g.writeReferenceDir('$DATA_DIR/reference'))"
    local var=DETECTOR_REFERENCE_DIR
    [[ "$name" == blocker ]] && var=BLOCKER_REFERENCE_DIR
    echo "$var=$DATA_DIR/reference" >"$extra"
    # The operator API on, with the token the soc service lifts blocks with.
    if [[ "$name" == blocker ]]; then (umask 077 && echo "BLOCKER_OPERATOR_TOKEN=$(operator_token)" >>"$extra"); fi
    log "$name: demo reference data in .data/reference (override $var in $extra)"
  fi
  if [[ "$name" == soc && ! -f "$extra" ]]; then
    # The SOC API needs tokens: one per role for the local demo, random, kept in .data/soc.env (never
    # printed here; make demo prints the console's address with the analyst's token).
    local tokens=() role
    for role in viewer analyst operator; do tokens+=("$role:$role:$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')"); done
    (umask 077 && IFS=, && printf 'SOC_TOKENS=%s\nSOC_BLOCKER_URL=http://127.0.0.1:%s\nSOC_BLOCKER_OPERATOR_TOKEN=%s\n' \
      "${tokens[*]}" "$(health_port blocker)" "$(operator_token)" >"$extra")
    log "soc: demo tokens (viewer, analyst, operator) written to .data/soc.env"
  fi
  # The local mock broker needs the delayed assignment when several instances share a group.
  start_bg "$name" "$LOG_DIR/$name.log" env KAFKA_ASSIGNER_DELAY_MS="${KAFKA_ASSIGNER_DELAY_MS:-500}" \
    bash -c 'set -a; source "$0"; [[ -f "$1" ]] && source "$1"; set +a; exec node "$2"' "$ENV_FILE" "$extra" "$main"
  # Up, not ready: not ready is not dead (a dependency down), so it is reported and left running.
  wait_healthy "$name" "$LOG_DIR/$name.log" http_get "http://127.0.0.1:$port/healthz"
  local why
  if why="$(service_not_ready "$port")"; then
    log "$name: up on 127.0.0.1:$port, not ready yet ($why); it keeps running (log: .data/logs/$name.log)"
  else
    log "$name: ready on 127.0.0.1:$port (log: .data/logs/$name.log)"
  fi
}

wait_ready() {
  local name="$1" port why deadline
  port="$(health_port "$name")"
  deadline=$(($(now_ms) + START_TIMEOUT * 1000))
  while why="$(service_not_ready "$port")"; do
    component_pid "$name" >/dev/null || fail "$name is not running (log: .data/logs/$name.log)"
    (($(now_ms) < deadline)) || fail "$name not ready after ${START_TIMEOUT}s ($why); it keeps running (log: .data/logs/$name.log)"
    sleep 0.2
  done
  log "$name: ready on 127.0.0.1:$port"
}

cmd="${1:-}"
shift || true
[[ $# -gt 0 ]] || fail "usage: services.sh start|wait-ready|stop NAME..."
case "$cmd" in
  start) for s in "$@"; do start_service "$s"; done ;;
  wait-ready) for s in "$@"; do wait_ready "$s"; done ;;
  stop) for s in "$@"; do health_port "$s" >/dev/null; stop_pidfile "$PID_DIR/$s.pid" "$s"; done ;;
  *) fail "usage: services.sh start|wait-ready|stop NAME..." ;;
esac
