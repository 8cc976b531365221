# shellcheck shell=bash disable=SC2034
# Shared helpers for the infra scripts. Source it; do not run it.
#
# Layout (all runtime state lives under the repository's ignored .data/):
#   .data/pids/NAME.pid   one pid per background process
#   .data/logs/NAME.log   its stdout+stderr
#   .data/bin/            built binaries (kafka-mock-broker)
#   .data/env             KEY=VALUE lines written by infra/scripts/up.sh

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/.." && pwd)"
DATA_DIR="$REPO_ROOT/.data"
PID_DIR="$DATA_DIR/pids"
LOG_DIR="$DATA_DIR/logs"
BIN_DIR="$DATA_DIR/bin"
ENV_FILE="$DATA_DIR/env"

# Seconds to wait for a component to become healthy / to exit after SIGTERM.
START_TIMEOUT="${INFRA_START_TIMEOUT:-30}"
STOP_TIMEOUT="${INFRA_STOP_TIMEOUT:-10}"
[[ "$START_TIMEOUT" =~ ^[0-9]+$ && "$STOP_TIMEOUT" =~ ^[0-9]+$ ]] || {
  echo "[infra] ERROR: INFRA_START_TIMEOUT and INFRA_STOP_TIMEOUT must be whole seconds" >&2
  exit 1
}

# Infra components, in start order (down.sh stops them in reverse).
INFRA_COMPONENTS=(kafka-mock-broker clickhouse prometheus)

log() { printf '[infra] %s\n' "$*" >&2; }
fail() {
  printf '[infra] ERROR: %s\n' "$*" >&2
  exit 1
}

ensure_dirs() {
  mkdir -p "$PID_DIR" "$LOG_DIR" "$BIN_DIR"
  # Keep .data out of git even where the root .gitignore does not list it.
  [[ -f "$DATA_DIR/.gitignore" ]] || printf '*\n' >"$DATA_DIR/.gitignore"
}

require_cmd() { # CMD [hint]
  command -v "$1" >/dev/null 2>&1 ||
    fail "'$1' not found${2:+ ($2)}; run infra/scripts/install-deps.sh"
}

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

now_ms() { date +%s%3N; }

# ---------------------------------------------------------------- processes

# True if PID exists and is not a zombie.
pid_alive() {
  local pid="$1" stat
  is_uint "$pid" || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != "Z" ]]
}

# Process start time as epoch seconds (1 s resolution).
proc_start_epoch() {
  local pid="$1" stat btime ticks hz
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  # After "comm)", field 3 (state) is word 1, so starttime (field 22) is word 20.
  ticks="$(awk '{print $20}' <<<"$stat")"
  btime="$(awk '/^btime/{print $2}' /proc/stat)"
  hz="$(getconf CLK_TCK 2>/dev/null || echo 100)"
  echo $((btime + ticks / hz))
}

# Process group id of PID (from /proc: no procps needed).
proc_pgid() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  # After "comm)": state ppid pgrp ...
  local -a f
  read -r -a f <<<"$stat"
  echo "${f[2]}"
}

# Prints the pid recorded in FILE if that process is alive and is the one that
# wrote the file (it started no later than the file's mtime: guards against a
# stale file whose pid was reused by an unrelated process).
pidfile_pid() {
  local file="$1" pid start mtime
  [[ -f "$file" ]] || return 1
  pid="$(head -n1 "$file" 2>/dev/null | tr -d '[:space:]')"
  is_uint "$pid" || return 1
  pid_alive "$pid" || return 1
  start="$(proc_start_epoch "$pid")" || return 1
  mtime="$(stat -c %Y "$file")"
  ((start <= mtime + 2)) || return 1
  echo "$pid"
}

component_pid() { pidfile_pid "$PID_DIR/$1.pid"; }

# start_bg NAME LOGFILE CMD [ARGS...]: runs CMD in its own session (setsid),
# detached from the terminal (nohup), from the repo root; the process writes
# its own pid (so the file holds the real daemon's pid) to .data/pids/NAME.pid.
start_bg() {
  local name="$1" logfile="$2"
  shift 2
  local pidfile="$PID_DIR/$name.pid"
  rm -f "$pidfile"
  mark_logs "$logfile"
  printf '\n===== %s starting %s: %s\n' "$(date -u +%FT%TZ)" "$name" "$*" >>"$logfile"
  (
    cd "$REPO_ROOT" || exit 1
    # shellcheck disable=SC2016
    exec setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" \
      >>"$logfile" 2>&1 </dev/null
  ) &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  fail "$name did not record its pid in $pidfile; log: $logfile"
}

# Log sizes noted before a start, so failures show only this run's lines.
declare -A LOG_MARKS=()
mark_logs() { # FILE...
  local f
  for f in "$@"; do LOG_MARKS[$f]="$(stat -c %s "$f" 2>/dev/null || echo 0)"; done
}

show_log_tail() { # FILE...
  local f from
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    from="${LOG_MARKS[$f]:-0}"
    printf '[infra] ---- last lines of %s (this start) ----\n' "$f" >&2
    tail -c +"$((from + 1))" "$f" | tail -n 40 >&2
    printf '[infra] ---- end of %s ----\n' "$f" >&2
  done
}

# wait_healthy NAME "LOGFILE [LOGFILE...]" CHECK_CMD [ARGS...]
# Polls CHECK_CMD until it succeeds. If the process dies or START_TIMEOUT
# passes, stops what is left, prints the log tails and fails.
wait_healthy() {
  local name="$1" logs="$2"
  shift 2
  local deadline=$(($(now_ms) + START_TIMEOUT * 1000)) pid
  # shellcheck disable=SC2206
  local logfiles=($logs)
  while :; do
    if ! pid="$(component_pid "$name")"; then
      log "$name exited during start-up"
      show_log_tail "${logfiles[@]}"
      rm -f "$PID_DIR/$name.pid"
      fail "$name failed to start"
    fi
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    if (($(now_ms) >= deadline)); then
      log "$name (pid $pid) not healthy after ${START_TIMEOUT}s"
      show_log_tail "${logfiles[@]}"
      stop_pidfile "$PID_DIR/$name.pid" "$name" >/dev/null 2>&1 || true
      fail "$name failed to become healthy"
    fi
    sleep 0.2
  done
}

# stop_pidfile FILE [LABEL]: SIGTERM (to the process group when the pid leads
# one), SIGKILL after STOP_TIMEOUT seconds; removes the pid file. A missing,
# stale or dead pid is a no-op success.
stop_pidfile() {
  local file="$1" label="${2:-$(basename "$1" .pid)}" pid pgid target
  if ! pid="$(pidfile_pid "$file")"; then
    [[ -e "$file" ]] && log "$label: not running (removing stale $(basename "$file"))"
    rm -f "$file"
    return 0
  fi
  pgid="$(proc_pgid "$pid")"
  if [[ "$pgid" == "$pid" ]]; then target="-$pid"; else target="$pid"; fi
  log "$label: stopping pid $pid (SIGTERM)"
  kill -TERM -- "$target" 2>/dev/null || true
  local deadline=$(($(now_ms) + STOP_TIMEOUT * 1000))
  while group_alive "$pid" "$target" && (($(now_ms) < deadline)); do
    sleep 0.1
  done
  if group_alive "$pid" "$target"; then
    log "$label: still running after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL -- "$target" 2>/dev/null || true
    deadline=$(($(now_ms) + 5000))
    while group_alive "$pid" "$target" && (($(now_ms) < deadline)); do
      sleep 0.1
    done
    group_alive "$pid" "$target" && fail "$label: pid $pid survived SIGKILL"
  fi
  rm -f "$file"
  log "$label: stopped"
}

# True while PID, or (when TARGET is -PGID) any non-zombie member of the group, lives.
group_alive() {
  local pid="$1" target="$2" p
  pid_alive "$pid" && return 0
  [[ "$target" == -* ]] || return 1
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [[ "$(proc_pgid "$p")" == "${target#-}" ]] && pid_alive "$p" && return 0
  done
  return 1
}

# ------------------------------------------------------------------- network

# True if something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Fails loudly if 127.0.0.1:PORT is already taken (by someone else).
require_port_free() { # PORT WHAT
  if port_open "$1"; then
    local who=""
    command -v ss >/dev/null 2>&1 && who="$(ss -ltnpH "( sport = :$1 )" 2>/dev/null | head -n 3)"
    fail "port 127.0.0.1:$1 needed for $2 is already in use${who:+: $who}"
  fi
}

http_get() { # URL
  curl -fsS --max-time 2 "$1"
}

# ------------------------------------------------------------ pipeline services

# The HTTP port of a pipeline service (/healthz, /readyz, /metrics).
health_port() { # NAME
  case "$1" in
    schema-registry) echo "${SCHEMA_REGISTRY_PORT:-8081}" ;;
    detector) echo "${DETECTOR_HTTP_PORT:-9101}" ;;
    alert-sink) echo "${ALERT_SINK_HTTP_PORT:-9102}" ;;
    generator) echo "${GENERATOR_HTTP_PORT:-9103}" ;;
    blocker) echo "${BLOCKER_HTTP_PORT:-9104}" ;;
    soc) echo "${SOC_HTTP_PORT:-9105}" ;;
    *) fail "unknown service $1 (schema-registry, detector, alert-sink, generator, blocker, soc)" ;;
  esac
}

# Succeeds, printing why, while the service on PORT is not ready: the failing checks of its
# /readyz body ({"status":"not ready","checks":{"clickhouse":false,...}}), or that it does not answer.
service_not_ready() { # PORT
  local body code failing
  body="$(curl -sS --max-time 2 -w '\n%{http_code}' "http://127.0.0.1:$1/readyz" 2>/dev/null)" || {
    echo "not answering on 127.0.0.1:$1"
    return 0
  }
  code="${body##*$'\n'}"
  [[ "$code" == 200 ]] && return 1
  failing="$(grep -o '"[A-Za-z0-9_ -]*":false' <<<"${body%$'\n'*}" | sed 's/"//g; s/:false//' | paste -sd, - || true)"
  if [[ -n "$failing" ]]; then echo "failing checks: $failing"; else echo "/readyz answered $code"; fi
  return 0
}

# ------------------------------------------------------------- component data

KAFKA_DIR="$DATA_DIR/kafka"
KAFKA_BOOTSTRAP_FILE="$KAFKA_DIR/bootstrap.txt"
KAFKA_CONTROL_FILE="$KAFKA_DIR/control.txt"
KAFKA_CONTROL_PORT="${KAFKA_CONTROL_PORT:-9190}"
KAFKA_PORT_BASE="${KAFKA_PORT_BASE:-9092}"
KAFKA_BROKER_COUNT="${KAFKA_BROKER_COUNT:-3}"
KAFKA_TOPICS_FILE="${KAFKA_TOPICS_FILE:-$INFRA_DIR/kafka/topics.txt}"
BROKER_BIN="$BIN_DIR/kafka-mock-broker"

CLICKHOUSE_HTTP_PORT="${CLICKHOUSE_HTTP_PORT:-8123}"
CLICKHOUSE_TCP_PORT="${CLICKHOUSE_TCP_PORT:-9000}"
CLICKHOUSE_DIR="$DATA_DIR/clickhouse"

PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
PROMETHEUS_DIR="$DATA_DIR/prometheus"

# Sends one line to the broker's control port; prints the reply line.
# Succeeds only when the reply starts with "ok".
kafka_control() { # ADDR COMMAND...
  local addr="$1" host port line
  shift
  host="${addr%:*}"
  port="${addr##*:}"
  if ! { exec {fd}<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
    echo "error cannot connect to control port $addr"
    return 2
  fi
  printf '%s\n' "$*" >&"$fd"
  if ! IFS= read -r -t 5 line <&"$fd"; then
    exec {fd}>&-
    echo "error no reply from $addr"
    return 2
  fi
  { printf 'quit\n' >&"$fd"; } 2>/dev/null || true
  exec {fd}>&-
  echo "$line"
  [[ "$line" == ok* ]]
}
