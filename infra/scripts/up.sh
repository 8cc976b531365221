#!/usr/bin/env bash
# Starts the local stack (idempotent): builds and starts the mock Kafka
# cluster, starts ClickHouse, applies the migrations, starts Alertmanager and Prometheus, and
# writes .data/env. Each step waits until healthy or fails with the log tail.
# Ports and paths: see infra/README.md.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_dirs

"$INFRA_DIR/broker/start.sh"
"$INFRA_DIR/clickhouse/start.sh"
CLICKHOUSE_URL="http://127.0.0.1:$CLICKHOUSE_HTTP_PORT" "$INFRA_DIR/clickhouse/migrate.sh"
"$INFRA_DIR/alertmanager/start.sh"
"$INFRA_DIR/prometheus/start.sh"

# KEY=VALUE lines, no quotes: `set -a; source .data/env; set +a` in bash,
# or any dotenv reader.
tmp="$ENV_FILE.tmp.$$"
{
  echo "KAFKA_BROKERS=$(cat "$KAFKA_BOOTSTRAP_FILE")"
  echo "KAFKA_CONTROL=$(cat "$KAFKA_CONTROL_FILE")"
  # The mock broker holds an empty fetch for the consumer's whole max wait, even when records
  # arrive meanwhile (real brokers answer at once): a short wait keeps that out of the latency.
  echo "KAFKA_FETCH_MAX_WAIT_MS=${KAFKA_FETCH_MAX_WAIT_MS:-20}"
  echo "CLICKHOUSE_URL=http://127.0.0.1:$CLICKHOUSE_HTTP_PORT"
  echo "CLICKHOUSE_DATABASE=${CLICKHOUSE_DATABASE:-fraud}"
  echo "PROMETHEUS_URL=http://127.0.0.1:$PROMETHEUS_PORT"
  echo "ALERTMANAGER_URL=http://127.0.0.1:$ALERTMANAGER_PORT"
} >"$tmp"
mv -f "$tmp" "$ENV_FILE"
# The local Schema Registry stands in for Confluent's; it keeps its schemas in the broker's _schemas topic.
if [[ -f "$REPO_ROOT/services/schema-registry/dist/main.js" ]]; then
  "$INFRA_DIR/scripts/services.sh" start schema-registry
  # Everything after the stack needs the registry answering, not only up.
  "$INFRA_DIR/scripts/services.sh" wait-ready schema-registry
  echo "SCHEMA_REGISTRY_URL=http://127.0.0.1:${SCHEMA_REGISTRY_PORT:-8081}" >>"$ENV_FILE"
  # The services only look schemas up: registering them is the deployment step.
  SCHEMA_REGISTRY_URL="http://127.0.0.1:${SCHEMA_REGISTRY_PORT:-8081}" "$INFRA_DIR/scripts/register-schemas.sh" >/dev/null ||
    fail "registering the schemas failed (infra/scripts/register-schemas.sh)"
  log "schema-registry: schemas registered"
else
  log "schema-registry not built yet (run 'make build'); starting without it"
fi
log "stack is up; environment in $ENV_FILE:"
sed 's/^/  /' "$ENV_FILE" >&2
