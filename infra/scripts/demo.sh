#!/usr/bin/env bash
# The demo: with the stack and services up (make services-up), starts the traffic generator with
# ordinary subscribers, legitimate look-alikes and fraud campaigns, then shows alerts arriving.
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
"$INFRA_DIR/scripts/services.sh" start blocker generator

ch() { curl -fsS --max-time 5 "$CLICKHOUSE_URL/" --data-binary "$1" 2>/dev/null || echo "(ClickHouse not answering)"; }
metric() { curl -fsS --max-time 2 "http://127.0.0.1:$1/metrics" 2>/dev/null | awk -v m="$2" '$1 ~ "^"m {s+=$NF} END {printf "%d", s}'; }

started=$(date +%s)
trap 'echo; echo "Tally stopped; services keep running. Stop everything with: make down"; exit 0' INT
while (($(date +%s) - started < seconds)); do
  clear 2>/dev/null || true
  echo "Telecom fraud pipeline demo: $(( $(date +%s) - started ))s of ${seconds}s (Ctrl-C ends the tally, services keep running)"
  echo
  echo "events consumed by the detector: $(metric 9101 fraud_events_consumed_total)   dead-lettered: $(metric 9101 fraud_events_rejected_total)   alert records emitted: $(metric 9101 fraud_alerts_emitted_total)"
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
echo "Demo tally finished; the pipeline keeps running. Stop everything with: make down"
