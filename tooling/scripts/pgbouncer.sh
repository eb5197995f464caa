#!/usr/bin/env bash
# PgBouncer in front of the test server, for the tests of
# `connectionPooler` (packages/store-postgres/test/pgbouncer.test.ts and the
# conformance suite's run through a transaction pooler): one PgBouncer in
# transaction mode on 127.0.0.1:6434 and one in session mode on 6435, each
# passing every database through to the server of ATHENA_TEST_DATABASE_URL
# (default postgres://athena@127.0.0.1:5432/athena_test) with trust
# authentication. provision-postgres.sh installs Debian's pgbouncer.
#
#   pgbouncer.sh up      (re)start both; waits until they accept connections
#   pgbouncer.sh down    stop both; idempotent
#
# Settings (environment): ATHENA_TEST_DATABASE_URL, ATHENA_PGBOUNCER_PORT
# (6434), ATHENA_PGBOUNCER_SESSION_PORT (the next one), ATHENA_PGBOUNCER_DIR
# (/tmp/athena-pgbouncer: configuration, logs and pid files; the test setup
# gives each run its own, with free ports, so that runs never meet).
set -euo pipefail

TARGET=${ATHENA_TEST_DATABASE_URL:-postgres://athena@127.0.0.1:5432/athena_test}
PORT=${ATHENA_PGBOUNCER_PORT:-6434}
SESSION_PORT=${ATHENA_PGBOUNCER_SESSION_PORT:-$((PORT + 1))}
ROOT=${ATHENA_PGBOUNCER_DIR:-/tmp/athena-pgbouncer}

log() { printf '[pgbouncer] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v pgbouncer >/dev/null 2>&1 ||
  die "pgbouncer is not installed: run tooling/scripts/provision-postgres.sh (Debian: apt-get install pgbouncer)"

url='^postgres(ql)?://(([^:@/]*)(:[^@/]*)?@)?([^:/?]*)(:([0-9]+))?'
[[ $TARGET =~ $url ]] || die "ATHENA_TEST_DATABASE_URL is not a postgres:// URL"
USER_NAME=${BASH_REMATCH[3]:-postgres}
HOST=${BASH_REMATCH[5]:-127.0.0.1}
SERVER_PORT=${BASH_REMATCH[7]:-5432}

# PgBouncer refuses to run as root: run it as the server's OS user.
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop() {
  local mode=$1 pid
  [ -r "$ROOT/$mode/pgbouncer.pid" ] || return 0
  pid=$(cat "$ROOT/$mode/pgbouncer.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$ROOT/$mode/pgbouncer.pid"
}

start() {
  local mode=$1 port=$2 dir=$ROOT/$1
  mkdir -p "$dir"
  chmod 755 "$ROOT"
  printf '"%s" ""\n"postgres" ""\n' "$USER_NAME" >"$dir/users.txt"
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=$HOST port=$SERVER_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
pool_mode = $mode
max_client_conn = 500
default_pool_size = 20
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  [ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"
  as_owner pgbouncer -d "$dir/pgbouncer.ini"
  for _ in $(seq 1 50); do
    pg_isready -q -h 127.0.0.1 -p "$port" -U "$USER_NAME" && return 0
    sleep 0.1
  done
  die "PgBouncer ($mode mode) does not accept connections on port $port: see $dir/pgbouncer.log"
}

case "${1:-}" in
  up)
    stop transaction
    stop session
    start transaction "$PORT"
    start session "$SESSION_PORT"
    ;;
  down)
    stop transaction
    stop session
    ;;
  *) die "usage: pgbouncer.sh up|down" ;;
esac
