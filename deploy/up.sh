#!/usr/bin/env bash
# `make up`: everything from nothing, then the whole stack on this machine until Ctrl-C.
#
# Python deps, a local Kafka (deploy/kafka/kafka.sh), the topics, the three services on
# SQLite (state, logs and development secrets in .run/, git-ignored), Prometheus when the
# binary is installed; then the reference dataset through ingest's entry points, a wait
# until the indicators have caught up, where to look, and the 2023 social indicators.
# Kafka's data is deleted when it stops, so every run starts from empty databases too.
#
# Environment: KAFKA_PORT (9092), INGEST_PORT (8001), CLAUSES_PORT (8002),
# INDICATORS_PORT (8003), PROMETHEUS_PORT (9090), UP_SEED (2023), UP_DIR (.run).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - t0) / 1000000000 ))"; }

export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:${KAFKA_PORT}"
INGEST_PORT="${INGEST_PORT:-8001}"
CLAUSES_PORT="${CLAUSES_PORT:-8002}"
INDICATORS_PORT="${INDICATORS_PORT:-8003}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
RUN="${UP_DIR:-.run}"
PY=.venv/bin/python
INGEST="http://127.0.0.1:${INGEST_PORT}"
CLAUSES="http://127.0.0.1:${CLAUSES_PORT}"
INDICATORS="http://127.0.0.1:${INDICATORS_PORT}"

bash deploy/setup.sh

mkdir -p "$RUN/logs"
if [ -s "$RUN/up.pid" ] && kill -0 "$(cat "$RUN/up.pid")" 2>/dev/null; then
  echo "make up already runs (pid $(cat "$RUN/up.pid")): Ctrl-C it first." >&2
  exit 1
fi
echo $$ >"$RUN/up.pid"

# A broker left running on this port by an earlier `make up` (killed, not stopped) is ours
# to restart; any other one holds data we must not mix with the dataset's.
if bash deploy/kafka/kafka.sh status >/dev/null 2>&1; then
  if [ "$(cat "$RUN/kafka.port" 2>/dev/null)" = "$KAFKA_PORT" ]; then
    bash deploy/kafka/kafka.sh stop
  else
    echo "A Kafka broker already runs on port $KAFKA_PORT; its topics would mix with the dataset's." >&2
    echo "Stop it (KAFKA_PORT=$KAFKA_PORT bash deploy/kafka/kafka.sh stop) or choose another port" >&2
    echo "(KAFKA_PORT=39092 make up)." >&2
    rm -f "$RUN/up.pid"
    exit 1
  fi
fi

rm -rf "$RUN/data" "$RUN/prometheus/data"
mkdir -p "$RUN/data"
"$PY" -m deploy.stack.dev_secrets "$RUN"

pids=()
names=()
stopping=no
cleanup() {
  [ "$stopping" = yes ] && return
  stopping=yes
  echo
  echo "Stopping..."
  local i
  for i in "${!pids[@]}"; do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for i in "${!pids[@]}"; do
    for _ in $(seq 150); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "${pids[$i]}" 2>/dev/null; then kill -KILL "${pids[$i]}" 2>/dev/null || true; fi
    echo "  ${names[$i]} stopped"
  done
  bash deploy/kafka/kafka.sh stop | sed 's/^/  /'
  rm -f "$RUN/kafka.port" "$RUN/up.pid"
}
trap cleanup EXIT
trap 'exit 0' INT TERM  # Ctrl-C is how this command ends: a clean stop is a success

# start NAME command...: a background process in its own session (Ctrl-C comes to us only).
start() {
  local name=$1
  shift
  setsid "$@" >"$RUN/logs/$name.log" 2>&1 </dev/null &
  pids+=("$!")
  names+=("$name")
}

healthy() {  # NAME URL: 0 once GET URL answers 200; 1 when the process dies or 120 s pass
  local name=$1 url=$2 i
  for i in "${!names[@]}"; do [ "${names[$i]}" = "$name" ] && break; done
  for _ in $(seq 600); do
    "$PY" deploy/healthcheck.py "$url" 2>/dev/null && return 0
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "$name exited during startup; the end of $RUN/logs/$name.log:" >&2
      tail -n 30 "$RUN/logs/$name.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "$name did not answer $url within 120 s (see $RUN/logs/$name.log)" >&2
  return 1
}

echo "$KAFKA_PORT" >"$RUN/kafka.port"
bash deploy/kafka/kafka.sh start
"$PY" -m shared.topics_setup >/dev/null

start ingest env DATABASE_URL="sqlite:///$RUN/data/ingest.db" \
  INGEST_PSEUDONYMISATION_KEY="$(cat "$RUN/pseudonymisation.key")" \
  INGEST_TOKENS_FILE="$RUN/tokens.json" INGEST_PORT="$INGEST_PORT" \
  INGEST_CLAUSES_URL="http://127.0.0.1:$CLAUSES_PORT" "$PY" -m services.ingest
start clauses env CLAUSES_DATABASE_URL="sqlite:///$RUN/data/clauses.db" \
  CLAUSES_HTTP_PORT="$CLAUSES_PORT" "$PY" -m services.clauses
start indicators env INDICATORS_PORT="$INDICATORS_PORT" "$PY" -m services.indicators

prometheus_line="Prometheus|not installed, so not started (Debian: bash deploy/prometheus.sh)"
if command -v prometheus >/dev/null 2>&1; then
  mkdir -p "$RUN/prometheus/data"
  cp deploy/prometheus/alerts.yml "$RUN/prometheus/alerts.yml"
  sed -e "s/\"ingest:8001\"/\"127.0.0.1:$INGEST_PORT\"/" \
      -e "s/\"clauses:8002\"/\"127.0.0.1:$CLAUSES_PORT\"/" \
      -e "s/\"indicators:8003\"/\"127.0.0.1:$INDICATORS_PORT\"/" \
      -e "s/\"localhost:9090\"/\"127.0.0.1:$PROMETHEUS_PORT\"/" \
      deploy/prometheus/prometheus.yml >"$RUN/prometheus/prometheus.yml"
  start prometheus prometheus --config.file="$RUN/prometheus/prometheus.yml" \
    --storage.tsdb.path="$RUN/prometheus/data" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT"
  prometheus_line="Prometheus: targets, alerts|http://127.0.0.1:$PROMETHEUS_PORT/targets"
fi

healthy ingest "$INGEST/health" || exit 1
healthy clauses "$CLAUSES/health" || exit 1
healthy indicators "$INDICATORS/health" || exit 1
if [ "${names[-1]}" = prometheus ] && ! healthy prometheus "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"; then
  prometheus_line="Prometheus|failed to start (see $RUN/logs/prometheus.log): running without it"
  kill -KILL "${pids[-1]}" 2>/dev/null || true
  unset 'pids[-1]' 'names[-1]'
fi
echo "Services up in $(elapsed) s; loading the reference dataset (seed ${UP_SEED:-2023}) through ingest:"

"$PY" -m reference_dataset.loader --ingest "$INGEST" --token "$(cat "$RUN/facilitator.token")" \
  --seed "${UP_SEED:-2023}" --kafka "$KAFKA_BOOTSTRAP_SERVERS"
"$PY" -m deploy.stack.settle --kafka "$KAFKA_BOOTSTRAP_SERVERS" \
  --clauses "$CLAUSES" --indicators "$INDICATORS"

look() { printf '  %-46s %s\n' "$1" "$2"; }
echo
echo "Where to look"
look "ingest: submit JSON, CSV, DECP (API docs)" "$INGEST/docs"
look "pages for facilitators (sign in with a token)" "$INGEST/ui/"
look "clauses: hours, counts, clause status (docs)" "$CLAUSES/docs"
look "indicators: API docs" "$INDICATORS/docs"
look "indicators of 2023" "$INDICATORS/v1/indicators?year=2023"
look "the assessment, social axis" "$INDICATORS/v1/assessment/2023"
look "metrics (Prometheus format)" "$INGEST/metrics  $CLAUSES/metrics  $INDICATORS/metrics"
look "${prometheus_line%%|*}" "${prometheus_line#*|}"
look "Grafana" "not started here: docker compose up runs it with the dashboards (docs/deploy.md)"
look "logs, databases, development token" "$RUN/logs/  $RUN/data/  $RUN/facilitator.token"
echo
"$PY" -m deploy.stack.table --indicators "$INDICATORS" --year 2023
echo
echo "Ready in $(elapsed) s. Ctrl-C stops everything."

while true; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "${names[$i]} stopped unexpectedly; the end of $RUN/logs/${names[$i]}.log:" >&2
      tail -n 30 "$RUN/logs/${names[$i]}.log" >&2
      exit 1
    fi
  done
  sleep 2 &
  wait $! || true
done
