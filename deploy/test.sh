#!/usr/bin/env bash
# The whole test suite from nothing: Python deps, PostgreSQL, Kafka, linters, then pytest.
# Extra arguments go to pytest (e.g. `make test ARGS='-m "not e2e"'`).
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/setup.sh
PY=".venv/bin"

if [ -z "${DATABASE_URL:-}" ]; then
  bash deploy/postgres.sh start
  DATABASE_URL="$(bash deploy/postgres.sh url)"
  export DATABASE_URL
fi

# Debian's prometheus: the e2e tier scrapes the services with the real binary.
bash deploy/prometheus.sh

# Debian's chromium: the e2e tier drives the web pages with Playwright on /usr/bin/chromium.
bash deploy/chromium.sh

if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
  export KAFKA_PORT="${KAFKA_PORT:-9092}"
  started_kafka=no
  bash deploy/kafka/kafka.sh status >/dev/null 2>&1 || started_kafka=yes
  bash deploy/kafka/kafka.sh start
  [ "$started_kafka" = yes ] && trap 'bash deploy/kafka/kafka.sh stop' EXIT
  export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:${KAFKA_PORT}"
fi

# The servers were started above: a test that cannot reach one fails, it is never skipped
# (tests/servers.unavailable skips only outside CI, for a developer without them).
export CI="${CI:-true}"

echo "== ruff"; "$PY/ruff" check . && "$PY/ruff" format --check .
echo "== mypy --strict"; "$PY/mypy" .
echo "== import contracts"; "$PY/lint-imports" --no-logo
echo "== committed schemas"; "$PY/python" -m shared.schemas check
echo "== pytest"; "$PY/pytest" "$@"
