#!/usr/bin/env bash
# Stops the mock Kafka cluster (no-op if it is not running). Its data is lost.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
stop_pidfile "$PID_DIR/kafka-mock-broker.pid" kafka-mock-broker
rm -f "$KAFKA_BOOTSTRAP_FILE" "$KAFKA_CONTROL_FILE"
