#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, broker+controller in one JVM) for
# development and integration tests -- no Docker: the broker jars come from
# Maven Central (deploy/kafka/pom.xml) and run on the machine's Java (17+).
#
# Usage: deploy/kafka/kafka.sh {start|stop|restart|status|fetch|version|logs}
#
#   fetch    download the broker jars into the cache (no-op when complete)
#   start    fetch if needed, format storage, start the broker, wait until ready
#            (idempotent: says so and exits 0 when already running)
#   stop     SIGTERM (SIGKILL after 60 s), then delete the run dir entirely
#   restart  stop the running broker the same way but KEEP its run dir (data, topics,
#            committed offsets), then start it again on that data (no re-format);
#            what a broker restart in production looks like (the chaos tests use it)
#   status   exit 0 when running, 1 otherwise
#   version  print the pinned Kafka version
#   logs     print the tail of the broker log
#
# Environment (all optional):
#   KAFKA_VERSION          broker version (default: pinned below)
#   KAFKA_PORT             client listener, 127.0.0.1 only (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener (default KAFKA_PORT+1)
#   KAFKA_CACHE_DIR        jar cache (default ~/.cache/insertion-hours/kafka-$KAFKA_VERSION)
#   KAFKA_RUN_DIR          config, data, logs, pid (default /tmp/insertion-hours-kafka-$KAFKA_PORT)
#   KAFKA_HEAP_OPTS        default "-Xms256m -Xmx1g"
#   KAFKA_START_TIMEOUT    seconds to wait for readiness (default 90)
#   KAFKA_STOP_TIMEOUT     seconds before SIGKILL (default 60)
#
# Broker settings (see write_server_properties): auto.create.topics.enable=true,
# num.partitions=3 for auto-created topics and topics created without an explicit
# count (so tests see more than one partition), replication factor 1 / min ISR 1
# everywhere, group.initial.rebalance.delay.ms=0, 1 partition for the internal
# __consumer_offsets / __transaction_state topics (faster first group join and
# first transaction), retention 24 h or 256 MiB per partition.
set -euo pipefail

# Pinned version: the newest release (checked on Maven Central) that was verified
# with aiokafka 0.14.0: admin client, idempotent producer, consumer group with
# manual commit + resume, transactions (commit/abort, send_offsets_to_transaction),
# read_committed. Kafka 4 removed old protocol versions (KIP-896); 3.9.2 is the
# fallback (KAFKA_VERSION=3.9.2 works with this script too).
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_CACHE_DIR="${KAFKA_CACHE_DIR:-$HOME/.cache/insertion-hours/kafka-$KAFKA_VERSION}"
KAFKA_RUN_DIR="${KAFKA_RUN_DIR:-/tmp/insertion-hours-kafka-$KAFKA_PORT}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-60}"

HOST=127.0.0.1
LIBS_DIR="$KAFKA_CACHE_DIR/libs"
CACHE_MARKER="$KAFKA_CACHE_DIR/.complete"
PID_FILE="$KAFKA_RUN_DIR/kafka.pid"
RUN_MARKER="$KAFKA_RUN_DIR/.insertion-hours-kafka"   # guards rm -rf of the run dir
SERVER_LOG="$KAFKA_RUN_DIR/logs/server.log"
STDOUT_LOG="$KAFKA_RUN_DIR/logs/kafka.out"
# Lock outside the run dir (stop deletes the run dir while holding the lock).
LOCK_FILE="$(dirname "$KAFKA_CACHE_DIR")/kafka-port-$KAFKA_PORT.lock"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
KAFKA_MAJOR="${KAFKA_VERSION%%.*}"

die() { echo "kafka.sh: $*" >&2; exit 1; }

now_ms() { date +%s%3N; }

take_lock() {
    mkdir -p "$(dirname "$LOCK_FILE")"
    exec 9>"$LOCK_FILE"
    flock -w 300 9 || die "timed out waiting for $LOCK_FILE"
}

# Logging flags: log4j2 for Kafka 4.x, reload4j for 3.x (see pom.xml).
logging_opts() {
    if [[ "$KAFKA_MAJOR" -ge 4 ]]; then
        echo "-Dlog4j2.configurationFile=$SCRIPT_DIR/log4j2.yaml"
    else
        echo "-Dlog4j.configuration=file:$SCRIPT_DIR/log4j.properties"
    fi
}

cache_stamp() {
    echo "$KAFKA_VERSION $(sha256sum "$SCRIPT_DIR/pom.xml" | cut -d' ' -f1)"
}

cache_complete() {
    [[ -f "$CACHE_MARKER" && "$(cat "$CACHE_MARKER")" == "$(cache_stamp)" ]]
}

FETCHED=0
fetch() {
    cache_complete && return 0
    command -v mvn >/dev/null || die "mvn not found (needed once to fetch Kafka $KAFKA_VERSION)"
    mkdir -p "$KAFKA_CACHE_DIR"
    local rc=0
    (
        flock -w 600 8 || die "timed out waiting for the fetch lock"
        cache_complete && exit 3   # fetched meanwhile by a concurrent caller
        local tmp="$KAFKA_CACHE_DIR/libs.tmp" logging=log4j2
        [[ "$KAFKA_MAJOR" -ge 4 ]] || logging=reload4j
        rm -rf "$tmp" "$CACHE_MARKER"
        echo "Fetching Kafka $KAFKA_VERSION jars from Maven into $LIBS_DIR ..." >&2
        if ! mvn -B -q -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" \
                dependency:copy-dependencies \
                -Dkafka.version="$KAFKA_VERSION" -Dkafka.logging="$logging" \
                -DoutputDirectory="$tmp" >"$KAFKA_CACHE_DIR/fetch.log" 2>&1; then
            tail -n 40 "$KAFKA_CACHE_DIR/fetch.log" >&2
            die "maven fetch of Kafka $KAFKA_VERSION failed (full log: $KAFKA_CACHE_DIR/fetch.log)"
        fi
        [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] \
            || die "fetch finished but $tmp/kafka_2.13-$KAFKA_VERSION.jar is missing"
        rm -rf "$LIBS_DIR"
        mv "$tmp" "$LIBS_DIR"
        cache_stamp >"$CACHE_MARKER"   # written last: marks the cache complete
    ) 8>"$KAFKA_CACHE_DIR/.fetch.lock" || rc=$?
    case "$rc" in
        0) FETCHED=1 ;;
        3) ;;
        *) exit "$rc" ;;
    esac
}

# Prints the pid of the broker this script started, if it is alive.
running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid state
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    # Guard against pid reuse: must be our kafka.Kafka with our config.
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $KAFKA_RUN_DIR/server.properties" || return 1
    state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo X)"
    [[ "$state" != Z && "$state" != X ]] || return 1   # zombie = exited
    echo "$pid"
}

pid_alive() {
    local state
    [[ -r "/proc/$1/stat" ]] || return 1
    state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || echo X)"
    [[ "$state" != Z && "$state" != X ]]
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

remove_run_dir() {
    [[ -d "$KAFKA_RUN_DIR" ]] || return 0
    if [[ -f "$RUN_MARKER" ]] || [[ -z "$(ls -A "$KAFKA_RUN_DIR")" ]]; then
        rm -rf "$KAFKA_RUN_DIR"
    else
        die "refusing to delete $KAFKA_RUN_DIR: not created by kafka.sh (no $RUN_MARKER)"
    fi
}

broker_version() {
    local v
    v="$(grep -m1 -o 'Kafka version: [^ ]*' "$SERVER_LOG" 2>/dev/null | awk '{print $3}' || true)"
    echo "${v:-$KAFKA_VERSION}"
}

show_log_tail() {
    local f
    for f in "$KAFKA_RUN_DIR/logs/format.log" "$SERVER_LOG" "$STDOUT_LOG"; do
        [[ -s "$f" ]] || continue
        echo "----- tail of $f -----" >&2
        tail -n 40 "$f" >&2
    done
    if grep -qE '^\[[^]]*\] (ERROR|FATAL) ' "$SERVER_LOG" 2>/dev/null; then
        echo "----- ERROR/FATAL lines of $SERVER_LOG -----" >&2
        grep -E '^\[[^]]*\] (ERROR|FATAL) ' "$SERVER_LOG" | tail -n 10 >&2
    fi
}

write_server_properties() {
    {
        echo "# Generated by deploy/kafka/kafka.sh -- single-node KRaft broker+controller, 127.0.0.1 only."
        cat <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_RUN_DIR/data

# Topics: auto-created (and created without an explicit count) with 3 partitions.
auto.create.topics.enable=true
num.partitions=3
default.replication.factor=1
min.insync.replicas=1

# Internal topics: single replica; 1 partition each (one broker, faster creation).
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0

# Retention: a dev/test broker, keep a day or 256 MiB per partition.
log.retention.hours=24
log.retention.bytes=268435456
log.segment.bytes=67108864
log.retention.check.interval.ms=300000
EOF
        if [[ "$KAFKA_MAJOR" -ge 4 ]]; then
            cat <<EOF

# Share groups (Kafka 4.x): single replica for their state topic.
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
EOF
        fi
    } >"$KAFKA_RUN_DIR/server.properties"
}

# Short-lived tool JVM (StorageTool): small heap, fast JIT start.
run_tool() {
    # shellcheck disable=SC2046
    "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
        -Dkafka.logs.dir="$KAFKA_RUN_DIR/logs" $(logging_opts) \
        -cp "$LIBS_DIR/*" "$@"
}

# Starts the JVM on the run dir as it is and waits until the broker is ready.
launch() {
    local pid
    # shellcheck disable=SC2046,SC2086
    setsid nohup "$JAVA" $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -Djava.awt.headless=true -Dkafka.logs.dir="$KAFKA_RUN_DIR/logs" $(logging_opts) \
        -cp "$LIBS_DIR/*" kafka.Kafka "$KAFKA_RUN_DIR/server.properties" \
        >"$STDOUT_LOG" 2>&1 </dev/null 9>&- &   # 9>&-: the broker must not inherit the lock
    pid=$!
    echo "$pid" >"$PID_FILE"

    local deadline=$(( $(date +%s) + KAFKA_START_TIMEOUT ))
    while :; do
        if ! pid_alive "$pid"; then
            show_log_tail
            die "Kafka exited during startup (pid $pid); run dir kept for inspection: $KAFKA_RUN_DIR"
        fi
        if grep -q 'Kafka Server started' "$SERVER_LOG" 2>/dev/null && port_open "$KAFKA_PORT"; then
            break
        fi
        if (( $(date +%s) >= deadline )); then
            show_log_tail
            kill -KILL "$pid" 2>/dev/null || true
            die "Kafka not ready on $HOST:$KAFKA_PORT after ${KAFKA_START_TIMEOUT}s (killed pid $pid); run dir kept: $KAFKA_RUN_DIR"
        fi
        sleep 0.2
    done
}

cmd_start() {
    take_lock
    local pid
    if pid="$(running_pid)"; then
        echo "Kafka already running on $HOST:$KAFKA_PORT (pid $pid)"
        return 0
    fi
    local t0 mode=warm
    t0="$(now_ms)"
    local p
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
        ! port_open "$p" || die "port $HOST:$p is already in use by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT)"
    done

    fetch
    [[ "$FETCHED" == 1 ]] && mode=cold

    # A run dir without a live broker is left over from a crash or a failed start.
    remove_run_dir
    mkdir -p "$KAFKA_RUN_DIR/logs" "$KAFKA_RUN_DIR/data"
    : >"$RUN_MARKER"
    write_server_properties

    local cluster_id
    cluster_id="$(run_tool kafka.tools.StorageTool random-uuid 2>>"$KAFKA_RUN_DIR/logs/format.log" | tail -n 1)"
    [[ -n "$cluster_id" ]] || { show_log_tail; die "StorageTool random-uuid failed"; }
    if ! run_tool kafka.tools.StorageTool format -t "$cluster_id" \
            -c "$KAFKA_RUN_DIR/server.properties" >>"$KAFKA_RUN_DIR/logs/format.log" 2>&1; then
        show_log_tail
        die "formatting KRaft storage failed"
    fi

    launch
    local elapsed_ms=$(( $(now_ms) - t0 ))
    printf 'Kafka %s ready on %s:%s in %d.%01d s (%s)\n' "$(broker_version)" "$HOST" "$KAFKA_PORT" \
        $((elapsed_ms / 1000)) $(((elapsed_ms % 1000) / 100)) "$mode"
}

# SIGTERM the broker (SIGKILL after KAFKA_STOP_TIMEOUT) and wait until it is gone.
terminate() {
    local pid="$1"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$(( $(date +%s) + KAFKA_STOP_TIMEOUT ))
    while pid_alive "$pid"; do
        if (( $(date +%s) >= deadline )); then
            echo "kafka.sh: pid $pid still alive after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null || true
            local _
            for _ in $(seq 50); do pid_alive "$pid" || break; sleep 0.1; done
            break
        fi
        sleep 0.2
    done
    if pid_alive "$pid"; then die "could not stop Kafka (pid $pid)"; fi
}

cmd_stop() {
    take_lock
    local pid
    if ! pid="$(running_pid)"; then
        remove_run_dir
        echo "Kafka is not running on $HOST:$KAFKA_PORT (nothing to stop)"
        return 0
    fi
    terminate "$pid"
    remove_run_dir
    echo "Kafka stopped"
}

cmd_restart() {
    take_lock
    local pid t0
    t0="$(now_ms)"
    pid="$(running_pid)" || die "Kafka is not running on $HOST:$KAFKA_PORT (nothing to restart)"
    [[ -f "$RUN_MARKER" && -f "$KAFKA_RUN_DIR/server.properties" ]] \
        || die "no run dir of kafka.sh at $KAFKA_RUN_DIR"
    terminate "$pid"
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
        local _
        for _ in $(seq 100); do port_open "$p" || break; sleep 0.1; done
    done
    mv "$SERVER_LOG" "$SERVER_LOG.before-restart" 2>/dev/null || true
    launch
    local elapsed_ms=$(( $(now_ms) - t0 ))
    printf 'Kafka %s restarted on %s:%s on the same data in %d.%01d s\n' "$(broker_version)" \
        "$HOST" "$KAFKA_PORT" $((elapsed_ms / 1000)) $(((elapsed_ms % 1000) / 100))
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        echo "Kafka $(broker_version) running on $HOST:$KAFKA_PORT (pid $pid, run dir $KAFKA_RUN_DIR)"
        return 0
    fi
    echo "Kafka not running on $HOST:$KAFKA_PORT"
    return 1
}

cmd_logs() {
    [[ -f "$SERVER_LOG" ]] || die "no broker log at $SERVER_LOG"
    tail -n "${1:-100}" "$SERVER_LOG"
}

case "${1:-}" in
    fetch)
        t0="$(now_ms)"; fetch
        if [[ "$FETCHED" == 1 ]]; then
            echo "Fetched Kafka $KAFKA_VERSION into $LIBS_DIR in $(( ($(now_ms) - t0) / 1000 )) s"
        else
            echo "Kafka $KAFKA_VERSION already cached in $LIBS_DIR"
        fi ;;
    start)   cmd_start ;;
    stop)    cmd_stop ;;
    restart) cmd_restart ;;
    status)  cmd_status ;;
    version) echo "$KAFKA_VERSION" ;;
    logs)    shift; cmd_logs "$@" ;;
    *)       echo "usage: $0 {start|stop|restart|status|fetch|version|logs [N]}" >&2; exit 2 ;;
esac
