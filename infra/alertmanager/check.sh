#!/usr/bin/env bash
# The Alertmanager checks `make rules-test` runs: amtool check-config on the config as committed
# and as rendered with every receiver's webhook set, then the routing of each kind of alert the
# Prometheus rules raise (amtool config routes test --verify.receivers).
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
config="$dir/alertmanager.yml"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

amtool check-config "$config"
ALERTMANAGER_FRAUD_SOC_WEBHOOK_URL=https://soc.example/hooks/alertmanager \
  ALERTMANAGER_PIPELINE_ONCALL_WEBHOOK_URL=https://oncall.example/hooks/alertmanager \
  ALERTMANAGER_TICKETS_WEBHOOK_URL=http://127.0.0.1:1/tickets \
  bash "$dir/render-config.sh" "$config" "$tmp/rendered.yml"
amtool check-config "$tmp/rendered.yml"
[[ "$(grep -c 'webhook_configs:' "$tmp/rendered.yml")" == 3 ]] || {
  echo "render-config.sh did not give each of the 3 receivers its webhook" >&2
  exit 1
}

failed=0
route() { # EXPECTED_RECEIVER LABEL=VALUE...
  local expected="$1"
  shift
  if amtool config routes test --config.file="$config" --verify.receivers="$expected" "$@" >"$tmp/route.out" 2>&1; then
    echo "route ok: {$*} -> $expected"
  else
    echo "route WRONG: {$*} -> $(grep -v '^Warning' "$tmp/route.out" | tr '\n' ' '), expected $expected" >&2
    failed=1
  fi
}
route fraud-soc alertname=FraudAlertsCritical kind=fraud severity=page rule_id=dno-spoofed-cli-trunk
route pipeline-oncall alertname=PipelineServiceDown kind=pipeline severity=page job=detector
route pipeline-oncall alertname=ConsumerStalled kind=pipeline severity=page job=alert-sink
route tickets alertname=DeadLetters kind=pipeline severity=ticket job=detector
route tickets alertname=SomeFraudTrend kind=fraud severity=ticket
route pipeline-oncall alertname=UnlabelledAlert
exit "$failed"
