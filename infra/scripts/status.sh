#!/usr/bin/env bash
# Shows each component's state and health, and any other pid files in
# .data/pids: the pipeline's services as ready or not ready, with the failing
# readiness checks. Exit status: 0 if all infra components are running and
# healthy, 3 otherwise (a service not ready does not change it).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Addresses: from .data/env when up.sh wrote it, else the defaults/environment.
ch_url="http://127.0.0.1:$CLICKHOUSE_HTTP_PORT"
prom_url="http://127.0.0.1:$PROMETHEUS_PORT"
if [[ -f "$ENV_FILE" ]]; then
  v="$(sed -n 's/^CLICKHOUSE_URL=//p' "$ENV_FILE")" && [[ -n "$v" ]] && ch_url="$v"
  v="$(sed -n 's/^PROMETHEUS_URL=//p' "$ENV_FILE")" && [[ -n "$v" ]] && prom_url="$v"
fi

rc=0
row() { printf '%-18s %-9s %-8s %s\n' "$@"; }
row COMPONENT STATE PID DETAIL

check() { # NAME HEALTH_DESC HEALTH_CMD...
  local name="$1" desc="$2" pid
  shift 2
  if pid="$(component_pid "$name")"; then
    if "$@" >/dev/null 2>&1; then
      row "$name" healthy "$pid" "$desc"
    else
      row "$name" unhealthy "$pid" "$desc (health check failed)"
      rc=3
    fi
  else
    row "$name" stopped - "$desc"
    rc=3
  fi
}

ctl_addr="$(cat "$KAFKA_CONTROL_FILE" 2>/dev/null || echo "127.0.0.1:$KAFKA_CONTROL_PORT")"
check kafka-mock-broker \
  "brokers $(cat "$KAFKA_BOOTSTRAP_FILE" 2>/dev/null || echo '?'); control $ctl_addr" \
  kafka_control "$ctl_addr" ping
# shellcheck disable=SC2016
check clickhouse "$ch_url" \
  bash -c '[[ "$(curl -fsS --max-time 2 "$1")" == "Ok." ]]' _ "$ch_url/ping"
check prometheus "$prom_url" http_get "$prom_url/-/ready"

shopt -s nullglob
for f in "$PID_DIR"/*.pid; do
  n="$(basename "$f" .pid)"
  case " ${INFRA_COMPONENTS[*]} " in *" $n "*) continue ;; esac
  if pid="$(pidfile_pid "$f")"; then
    case "$n" in
      schema-registry | detector | alert-sink | generator | blocker | soc)
        # Up but not ready (a dependency down) is a state of its own, with the reason from /readyz.
        port="$(health_port "$n")"
        if why="$(service_not_ready "$port")"; then
          row "$n" "not ready" "$pid" "127.0.0.1:$port: $why"
        else
          row "$n" ready "$pid" "127.0.0.1:$port"
        fi
        ;;
      *) row "$n" running "$pid" "(service pid file)" ;;
    esac
  else
    row "$n" stale - "(service pid file; process gone)"
  fi
done

if [[ -f "$ENV_FILE" ]]; then
  echo
  echo "$ENV_FILE:"
  sed 's/^/  /' "$ENV_FILE"
fi
exit "$rc"
