#!/usr/bin/env bash
# The demo: with the stack and services up (make services-up), starts the traffic generator with
# ordinary subscribers, legitimate look-alikes and fraud campaigns, then shows alerts arriving, and
# the SOC console's address (service soc) with the analyst's token.
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
# soc: on its first start services.sh writes one random token per role into .data/soc.env.
"$INFRA_DIR/scripts/services.sh" start blocker generator soc

# The console's address carries the analyst's token in its fragment (never sent to the server).
console_token() {
  local line entry
  line="$(sed -n 's/^SOC_TOKENS=//p' "$DATA_DIR/soc.env" 2>/dev/null | tail -n 1)"
  for role in analyst operator viewer; do
    for entry in ${line//,/ }; do
      [[ "$entry" == *:"$role":* ]] && { echo "${entry##*:}"; return 0; }
    done
  done
  return 1
}
if token="$(console_token)"; then
  console_url="http://127.0.0.1:$(health_port soc)/#token=$token"
else
  console_url="http://127.0.0.1:$(health_port soc)/ (no SOC_TOKENS in .data/soc.env: add name:role:token entries)"
fi
echo
echo "Console: $console_url"
echo "         (the analyst's token; the viewer's and the operator's are in .data/soc.env)"

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
