#!/usr/bin/env bash
# Debian's Chromium for the browser tests of the web pages (Playwright drives
# /usr/bin/chromium: no browser is ever downloaded). Installed only when missing.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "Chromium is not installed; as root run: apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
echo "Installing Debian's chromium package..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
