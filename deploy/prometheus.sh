#!/usr/bin/env bash
# Debian's Prometheus server, for the test that scrapes the indicators service with it.
# Installs the package when the binary is missing (as root), without letting the package start
# its own service: the test runs the binary itself, with a temporary config and a free port.
# Prints the path of the binary.
set -euo pipefail

if command -v prometheus >/dev/null 2>&1; then
  command -v prometheus
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "prometheus is missing and installing it needs root: sudo bash $0" >&2
  exit 1
fi

# A policy-rc.d that refuses every start keeps the package's own service down while installing.
policy=/usr/sbin/policy-rc.d
created=no
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created=yes
fi
cleanup() { if [ "$created" = yes ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

if ! apt-cache policy prometheus 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
# Whatever the init system did, the packaged service must not hold port 9090 or the data dir.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
  systemctl stop prometheus || true
fi
command -v prometheus
