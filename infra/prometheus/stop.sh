#!/usr/bin/env bash
# Stops Prometheus (no-op if it is not running). Its TSDB stays in .data/prometheus.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
stop_pidfile "$PID_DIR/prometheus.pid" prometheus
