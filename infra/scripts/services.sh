#!/usr/bin/env bash
# Starts or stops the pipeline's own services in the background, with the stack's environment
# (.data/env) and each service's defaults. Idempotent like the infra scripts.
#   infra/scripts/services.sh start NAME...   (schema-registry detector alert-sink generator blocker)
#   infra/scripts/services.sh stop NAME...
# Extra environment for a service: put KEY=VALUE lines in .data/NAME.env (e.g. generator.env).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_dirs

health_port() {
  case "$1" in
    schema-registry) echo "${SCHEMA_REGISTRY_PORT:-8081}" ;;
    detector) echo "${DETECTOR_HTTP_PORT:-9101}" ;;
    alert-sink) echo "${ALERT_SINK_HTTP_PORT:-9102}" ;;
    generator) echo "${GENERATOR_HTTP_PORT:-9103}" ;;
    blocker) echo "${BLOCKER_HTTP_PORT:-9104}" ;;
    *) fail "unknown service $1 (schema-registry, detector, alert-sink, generator, blocker)" ;;
  esac
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
    log "$name: demo reference data in .data/reference (override $var in $extra)"
  fi
  # The local mock broker needs the delayed assignment when several instances share a group.
  start_bg "$name" "$LOG_DIR/$name.log" env KAFKA_ASSIGNER_DELAY_MS="${KAFKA_ASSIGNER_DELAY_MS:-500}" \
    bash -c 'set -a; source "$0"; [[ -f "$1" ]] && source "$1"; set +a; exec node "$2"' "$ENV_FILE" "$extra" "$main"
  wait_healthy "$name" "$LOG_DIR/$name.log" http_get "http://127.0.0.1:$port/readyz"
  log "$name: ready on 127.0.0.1:$port (log: .data/logs/$name.log)"
}

cmd="${1:-}"
shift || true
[[ $# -gt 0 ]] || fail "usage: services.sh start|stop NAME..."
case "$cmd" in
  start) for s in "$@"; do start_service "$s"; done ;;
  stop) for s in "$@"; do health_port "$s" >/dev/null; stop_pidfile "$PID_DIR/$s.pid" "$s"; done ;;
  *) fail "usage: services.sh start|stop NAME..." ;;
esac
