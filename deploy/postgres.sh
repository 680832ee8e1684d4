#!/usr/bin/env bash
# PostgreSQL for tests and the production-like stack: Debian's package, the default cluster,
# a role and a database named "insertion". Usage: postgres.sh install|start|stop|url
set -euo pipefail

PG_USER="${PG_USER:-insertion}"
PG_PASSWORD="${PG_PASSWORD:-insertion}"
PG_DATABASE="${PG_DATABASE:-insertion}"
PG_PORT="${PG_PORT:-5432}"

url() { echo "postgresql+psycopg://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/${PG_DATABASE}"; }

pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1; }

install() {
  if [ -n "$(pg_version)" ] && [ -x "/usr/lib/postgresql/$(pg_version)/bin/postgres" ]; then
    return 0
  fi
  if [ "$(id -u)" != "0" ]; then
    echo "PostgreSQL is not installed; as root run: apt-get install -y postgresql" >&2
    exit 1
  fi
  echo "Installing Debian's postgresql package..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

as_postgres() { runuser -u postgres -- "$@"; }

start() {
  install
  local version; version="$(pg_version)"
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
    pg_createcluster "$version" main --port "$PG_PORT" >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -qx online; then
    pg_ctlcluster "$version" main start
  fi
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.5
  done
  pg_isready -h 127.0.0.1 -p "$PG_PORT" >/dev/null
  as_postgres psql -q -p "$PG_PORT" -v ON_ERROR_STOP=1 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_USER}') THEN
    CREATE ROLE ${PG_USER} LOGIN PASSWORD '${PG_PASSWORD}' CREATEDB;
  END IF;
END \$\$;
SET client_min_messages TO warning;  -- no NOTICE when the role is already a member
-- DROP DATABASE ... WITH (FORCE) of a test database must be able to end an autovacuum
-- worker that started on it (no role of its own: PostgreSQL asks for pg_signal_backend).
GRANT pg_signal_backend TO ${PG_USER};
SQL
  if ! as_postgres psql -p "$PG_PORT" -tAc "SELECT 1 FROM pg_database WHERE datname='${PG_DATABASE}'" | grep -q 1; then
    as_postgres createdb -p "$PG_PORT" -O "$PG_USER" "$PG_DATABASE"
  fi
  echo "PostgreSQL $version ready: $(url)"
}

stop() {
  local version; version="$(pg_version)"
  [ -n "$version" ] && pg_ctlcluster "$version" main stop 2>/dev/null || true
  echo "PostgreSQL stopped"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  url) url ;;
  *) echo "usage: $0 install|start|stop|restart|url" >&2; exit 2 ;;
esac
