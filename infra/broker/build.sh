#!/usr/bin/env bash
# Builds .data/bin/kafka-mock-broker from kafka-mock-broker.c (needs gcc and
# librdkafka-dev). Rebuilds only when the source (or this script) is newer.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ensure_dirs

src="$INFRA_DIR/broker/kafka-mock-broker.c"
out="$BROKER_BIN"
if [[ -x "$out" && ! "$src" -nt "$out" && ! "${BASH_SOURCE[0]}" -nt "$out" ]]; then
  log "kafka-mock-broker: binary up to date ($out)"
  exit 0
fi
require_cmd gcc
[[ -f /usr/include/librdkafka/rdkafka_mock.h ]] ||
  fail "librdkafka's rdkafka_mock.h not found: install librdkafka-dev (infra/scripts/install-deps.sh)"
log "kafka-mock-broker: building $out"
# -rdynamic exports the launcher's bind() wrapper so librdkafka's calls reach
# it (used by --port-base to give the mock brokers fixed ports).
gcc -std=gnu11 -O2 -g -Wall -Wextra -rdynamic -o "$out.tmp" "$src" -lrdkafka
mv -f "$out.tmp" "$out"
log "kafka-mock-broker: built"
