#!/usr/bin/env bash
# `make up`: everything from nothing, then the stack on this machine until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/setup.sh
export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:${KAFKA_PORT}"
bash deploy/kafka/kafka.sh start
trap 'bash deploy/kafka/kafka.sh stop' EXIT
.venv/bin/python -m shared.topics_setup
echo "Kafka is up at ${KAFKA_BOOTSTRAP_SERVERS} with the topics of shared/topics.py."
echo "The services and the demo dataset join this command with their issues (3 to 6)."
echo "Ctrl-C stops everything."
while true; do sleep 3600; done
