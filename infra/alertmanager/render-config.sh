#!/usr/bin/env bash
# render-config.sh IN OUT: writes IN (infra/alertmanager/alertmanager.yml) to OUT with a webhook
# for each receiver whose setting is set (Alertmanager's config does not expand environment
# variables). Receiver `fraud-soc` reads ALERTMANAGER_FRAUD_SOC_WEBHOOK_URL, `pipeline-oncall`
# ALERTMANAGER_PIPELINE_ONCALL_WEBHOOK_URL, `tickets` ALERTMANAGER_TICKETS_WEBHOOK_URL: http(s)
# URLs. A receiver without one stays a null receiver (alerts are routed and shown, sent nowhere).
set -euo pipefail
in="$1" out="$2"

url_of() { # RECEIVER: its webhook URL setting, validated (empty when unset)
  local var url
  var="ALERTMANAGER_$(tr 'a-z-' 'A-Z_' <<<"$1")_WEBHOOK_URL"
  url="${!var:-}"
  [[ -z "$url" ]] && return 0
  if [[ ! "$url" =~ ^https?://[^[:space:]\'\"]+$ ]]; then
    echo "[infra] ERROR: $var must be an http(s) URL without spaces or quotes, got '$url'" >&2
    return 1
  fi
  printf '%s' "$url"
}

tmp="$out.tmp.$$"
: >"$tmp"
while IFS= read -r line || [[ -n "$line" ]]; do
  printf '%s\n' "$line" >>"$tmp"
  if [[ "$line" =~ ^\ \ -\ name:\ ([a-z0-9-]+)$ ]]; then
    url="$(url_of "${BASH_REMATCH[1]}")" || { rm -f "$tmp"; exit 1; }
    [[ -n "$url" ]] && printf "    webhook_configs:\n      - url: '%s'\n        send_resolved: true\n" "$url" >>"$tmp"
  fi
done <"$in"
mv -f "$tmp" "$out"
