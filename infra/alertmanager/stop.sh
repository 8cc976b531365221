#!/usr/bin/env bash
# Stops Alertmanager (no-op if it is not running). Its silences stay in .data/alertmanager.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
stop_pidfile "$PID_DIR/alertmanager.pid" alertmanager
