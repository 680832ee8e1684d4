#!/usr/bin/env bash
# Python environment from the lock file: installs uv if missing, then `uv sync --frozen`.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION="0.13.8"
if ! python3 -m uv --version >/dev/null 2>&1; then
  echo "Installing uv ${UV_VERSION}..."
  python3 -m pip install -q --disable-pip-version-check "uv==${UV_VERSION}"
fi
python3 -m uv sync --frozen --quiet
