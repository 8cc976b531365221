#!/usr/bin/env bash
# Installs the Debian packages listed in infra/apt-packages.txt that are
# missing (apt-get update first, only when something must be installed).
# Runs as root, or through sudo when available. Packaged daemons
# (clickhouse-server, prometheus, prometheus-alertmanager) are kept from auto-starting during the
# install, so they do not take the ports the local stack uses.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

list="$INFRA_DIR/apt-packages.txt"
[[ -f "$list" ]] || fail "package list not found: $list"
mapfile -t pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')

missing=()
for p in "${pkgs[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]]; then
    log "apt: $p already installed"
  else
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  log "apt: all ${#pkgs[@]} package(s) present; nothing to do"
  exit 0
fi

sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null 2>&1 || fail "need root (or sudo) to install: ${missing[*]}"
  sudo=(sudo)
fi

# Keep invoke-rc.d / deb-systemd-invoke from starting the packaged services.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  added_policy=1
fi
cleanup() { ((added_policy)) && "${sudo[@]}" rm -f "$policy"; return 0; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
log "apt: missing: ${missing[*]}"
log "apt: running apt-get update"
"${sudo[@]}" apt-get update -q
log "apt: running apt-get install -y --no-install-recommends ${missing[*]}"
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
log "apt: installed ${missing[*]}"
