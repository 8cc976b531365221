#!/usr/bin/env bash
# Registers every schema of schemas/topics.json under its subject: the deployment step that lets
# the services only look their schemas up (a locked-down or read-only registry refuses their
# registrations). Idempotent. Arguments go to the CLI (--check, --wait, --schemas-dir; --help), the
# one the image's `register-schemas` job runs. SCHEMA_REGISTRY_URL defaults to the local stack's
# registry; credentials come from SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD. Needs
# `npm run build`.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli="$REPO_ROOT/services/schema-registry/dist/register-schemas-cli.js"
[[ -f "$cli" ]] || fail "not built: $cli (run 'npm run build')"
export SCHEMA_REGISTRY_URL="${SCHEMA_REGISTRY_URL:-http://127.0.0.1:${SCHEMA_REGISTRY_PORT:-8081}}"
exec node "$cli" "$@"
