#!/usr/bin/env bash
# Stops everything started from .data/pids: first any service pid files other
# scripts left there (.data/pids/*.pid), then Prometheus, Alertmanager, ClickHouse and the
# mock broker. SIGTERM, then SIGKILL after INFRA_STOP_TIMEOUT (10 s). Then
# sweeps for leftover infra processes of this checkout (a lost pid file) and
# fails if anything is still running. Not running is a no-op success.
# Data under .data/ is kept (the mock broker's is in memory and is lost).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

is_infra() {
  local n="$1" c
  for c in "${INFRA_COMPONENTS[@]}"; do [[ "$n" == "$c" ]] && return 0; done
  return 1
}

# 1. Services recorded by other scripts.
shopt -s nullglob
for f in "$PID_DIR"/*.pid; do
  n="$(basename "$f" .pid)"
  is_infra "$n" && continue
  stop_pidfile "$f" "$n"
done

# 2. Infra components, in reverse start order.
"$INFRA_DIR/prometheus/stop.sh"
"$INFRA_DIR/alertmanager/stop.sh"
"$INFRA_DIR/clickhouse/stop.sh"
"$INFRA_DIR/broker/stop.sh"
rm -f "$ENV_FILE"

# 3. Leftovers: our binaries whose command line names this checkout's .data/.
leftovers() {
  local d pid exe
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    [[ "$pid" == "$$" ]] && continue
    exe="$(readlink "$d/exe" 2>/dev/null)" || continue
    case "$(basename "$exe")" in
      kafka-mock-broker | clickhouse-server | clickhouse | prometheus | prometheus-alertmanager | alertmanager) ;;
      *) continue ;;
    esac
    tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF "$DATA_DIR/" || continue
    pid_alive "$pid" && echo "$pid"
  done
  return 0
}
mapfile -t left < <(leftovers)
if ((${#left[@]} > 0)); then
  log "found leftover infra process(es) without pid file: ${left[*]}; stopping"
  for pid in "${left[@]}"; do
    echo "$pid" >"$PID_DIR/leftover-$pid.pid"
    touch -d "@$(proc_start_epoch "$pid")" "$PID_DIR/leftover-$pid.pid" 2>/dev/null || true
    stop_pidfile "$PID_DIR/leftover-$pid.pid" "leftover pid $pid"
  done
fi
mapfile -t left < <(leftovers)
((${#left[@]} == 0)) || fail "still running: ${left[*]}"
log "everything stopped"
