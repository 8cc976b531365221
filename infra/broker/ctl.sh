#!/usr/bin/env bash
# Sends one control command to the running mock broker and prints the reply.
#   infra/broker/ctl.sh broker-down 2
#   infra/broker/ctl.sh request-errors Produce NOT_LEADER_FOR_PARTITION 3
# Exit status: 0 for an "ok..." reply, 1 for "error ...", 2 if unreachable.
# The address comes from $KAFKA_CONTROL, else .data/kafka/control.txt.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
(($# > 0)) || { echo "usage: $0 COMMAND [ARGS...]   (try: $0 help)" >&2; exit 2; }
addr="${KAFKA_CONTROL:-}"
if [[ -z "$addr" ]]; then
  [[ -s "$KAFKA_CONTROL_FILE" ]] || { echo "kafka-mock-broker is not running (no $KAFKA_CONTROL_FILE)" >&2; exit 2; }
  addr="$(cat "$KAFKA_CONTROL_FILE")"
fi
kafka_control "$addr" "$@"
