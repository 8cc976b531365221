#!/usr/bin/env bash
# Stops the local ClickHouse server (no-op if it is not running). Data stays in .data/clickhouse.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
stop_pidfile "$PID_DIR/clickhouse.pid" clickhouse
