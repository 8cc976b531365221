#!/usr/bin/env bash
# The demo: with the stack and services up (make services-up), starts the traffic generator with
# ordinary subscribers, legitimate look-alikes and fraud campaigns, then shows alerts arriving, and
# the SOC console (service soc) with an operator token in its address.
#   DEMO_SECONDS   how long the live tally runs (default 180; services keep running afterwards)
#   DEMO_RATE      background events per second (default 300)
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_dirs
set -a
# shellcheck disable=SC1090
source "$ENV_FILE"
set +a

seconds="${DEMO_SECONDS:-180}"

# A random token of 48 hex characters.
new_token() { node -e "process.stdout.write(require('node:crypto').randomBytes(24).toString('hex'))"; }

# The console's role tokens (services.sh hands .data/soc.env to the soc service), made once and
# kept: a console tab left open stays signed in across demos. The operator's block lifts reach the
# blocker's operator API with a token of their own, shared through blocker.env.
soc_env="$DATA_DIR/soc.env"
if ! grep -q '^SOC_TOKENS=' "$soc_env" 2>/dev/null; then
  echo "SOC_TOKENS=demo-viewer:viewer:$(new_token),demo-analyst:analyst:$(new_token),demo-operator:operator:$(new_token)" >>"$soc_env"
  chmod 600 "$soc_env"
  log "soc: role tokens written to .data/soc.env (SOC_TOKENS)"
fi
if ! grep -q '^SOC_BLOCKER_OPERATOR_TOKEN=' "$soc_env"; then
  echo "SOC_BLOCKER_OPERATOR_TOKEN=$(new_token)" >>"$soc_env"
fi
console_token="$(sed -n 's/^SOC_TOKENS=.*demo-operator:operator:\([0-9a-f]*\).*/\1/p' "$soc_env")"
[[ -n "$console_token" ]] || console_token="$(sed -n 's/^SOC_TOKENS=[^:]*:[^:]*:\([^,]*\).*/\1/p' "$soc_env")"
console_url="http://127.0.0.1:${SOC_HTTP_PORT:-9105}/#token=$console_token"

"$INFRA_DIR/scripts/services.sh" start detector alert-sink
# A new detector group starts at the end of the topics: it must have joined before traffic starts.
"$INFRA_DIR/scripts/services.sh" wait-ready detector
cat >"$DATA_DIR/generator.env" <<ENV
GENERATOR_RATE=${DEMO_RATE:-300}
GENERATOR_SCENARIOS=${DEMO_SCENARIOS:-all}
GENERATOR_CAMPAIGN_START_S=${DEMO_CAMPAIGN_START_S:-20}
GENERATOR_DURATION_S=0
GENERATOR_LABELS_FILE=$DATA_DIR/demo-labels.json
ENV
blocker_env="$DATA_DIR/blocker.env"
# services.sh writes this reference line itself when blocker.env is absent; the token goes beside it.
[[ -f "$blocker_env" ]] || echo "BLOCKER_REFERENCE_DIR=$DATA_DIR/reference" >"$blocker_env"
grep -q '^BLOCKER_OPERATOR_TOKEN=' "$blocker_env" ||
  echo "BLOCKER_OPERATOR_TOKEN=$(sed -n 's/^SOC_BLOCKER_OPERATOR_TOKEN=//p' "$soc_env")" >>"$blocker_env"
grep -q '^SOC_BLOCKER_URL=' "$soc_env" || echo "SOC_BLOCKER_URL=http://127.0.0.1:$(health_port blocker)" >>"$soc_env"
"$INFRA_DIR/scripts/services.sh" start blocker generator soc
echo
echo "Console: $console_url"
echo "         (operator token; viewer and analyst tokens are in .data/soc.env)"

ch() { curl -fsS --max-time 5 "$CLICKHOUSE_URL/" --data-binary "$1" 2>/dev/null || echo "(ClickHouse not answering)"; }
metric() { curl -fsS --max-time 2 "http://127.0.0.1:$1/metrics" 2>/dev/null | awk -v m="$2" '$1 ~ "^"m {s+=$NF} END {printf "%d", s}'; }
detector_port="$(health_port detector)"

started=$(date +%s)
trap 'echo; echo "Tally stopped; services keep running. Console: $console_url"; echo "Stop everything with: make down"; exit 0' INT
while (($(date +%s) - started < seconds)); do
  clear 2>/dev/null || true
  echo "Telecom fraud pipeline demo: $(( $(date +%s) - started ))s of ${seconds}s (Ctrl-C ends the tally, services keep running)"
  echo "SOC console: $console_url"
  echo
  echo "events consumed by the detector: $(metric "$detector_port" fraud_events_consumed_total)   dead-lettered: $(metric "$detector_port" fraud_events_rejected_total)   alert records emitted: $(metric "$detector_port" fraud_alerts_emitted_total)"
  echo
  echo "Alerts in ClickHouse (fraud.alerts FINAL), by rule and severity:"
  ch "SELECT rule_id, severity, count() AS alerts, uniqExact(entity) AS entities, max(value) AS max_value FROM fraud.alerts FINAL GROUP BY rule_id, severity ORDER BY rule_id, severity FORMAT PrettyCompactMonoBlock"
  echo "Latest alerts:"
  ch "SELECT toDateTime(intDiv(ts, 1000)) AS at, rule_id, severity, entity_type, entity, value FROM fraud.alerts FINAL ORDER BY ts DESC LIMIT 8 FORMAT PrettyCompactMonoBlock"
  echo "Victim exposures (callees connected > 60 s to a flagged origin): $(ch 'SELECT count() FROM fraud.victim_exposures FINAL')"
  echo "Blocker decisions (dry-run: recorded, nothing sent):"
  ch "SELECT action, result, count() AS decisions, uniqExact(entity) AS entities FROM fraud.block_audit FINAL GROUP BY action, result ORDER BY action, result FORMAT PrettyCompactMonoBlock"
  echo
  echo "Query yourself:  curl $CLICKHOUSE_URL/ --data-binary 'SELECT * FROM fraud.alerts FINAL ORDER BY ts DESC LIMIT 10 FORMAT Vertical'"
  echo "Prometheus:      $PROMETHEUS_URL/graph?g0.expr=sum%20by%20(rule_id)%20(fraud_alerts_emitted_total)"
  echo "Replay a file:   npm run -s replay -- --calls CALLS.jsonl --out OUTDIR   (see README)"
  sleep 2
done
echo
echo "Demo tally finished; the pipeline keeps running. Console: $console_url"
echo "Stop everything with: make down"
