#!/usr/bin/env bash
# A PostgreSQL cluster of its own for the reliability suite's fault tests
# (tooling/reliability/test/faults-postgres.test.ts): they terminate its
# backends, restart it and freeze it (SIGSTOP), which they must never do to
# the shared test server. Debian's postgresql-common tools; run as root.
#
#   fault-cluster.sh up       create (if missing) and start the cluster; idempotent
#   fault-cluster.sh down     SIGCONT every process of it (a crashed run may have
#                             left it frozen), then stop and drop it; idempotent
#   fault-cluster.sh restart  fast restart (`-m fast`): sessions are cut
#   fault-cluster.sh pids     the postmaster's pid, then its children's, one a line
#
# Settings (environment): ATHENA_FAULT_PG_VERSION (default: the version of the
# cluster on port 5432, else the newest installed), ATHENA_FAULT_PG_PORT (5433).
set -euo pipefail

NAME=athena_fault
PORT=${ATHENA_FAULT_PG_PORT:-5433}

log() { printf '[fault-cluster] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v pg_createcluster >/dev/null 2>&1 ||
  die "pg_createcluster is not available: the fault tests need Debian's postgresql-common"

version() {
  if [ -n "${ATHENA_FAULT_PG_VERSION:-}" ]; then
    echo "$ATHENA_FAULT_PG_VERSION"
    return
  fi
  local main
  main=$(pg_lsclusters --no-header | awk '$3 == 5432 { print $1; exit }')
  if [ -n "$main" ]; then echo "$main"; else ls /usr/lib/postgresql | sort -V | tail -n 1; fi
}
VERSION=$(version)

exists() { pg_lsclusters --no-header | awk -v v="$VERSION" -v n="$NAME" '$1 == v && $2 == n { found = 1 } END { exit !found }'; }

pids() {
  local file=/var/lib/postgresql/$VERSION/$NAME/postmaster.pid postmaster
  [ -r "$file" ] || return 0
  postmaster=$(head -n 1 "$file")
  kill -0 "$postmaster" 2>/dev/null || return 0
  echo "$postmaster"
  pgrep -P "$postmaster" || true
}

up() {
  if ! exists; then
    log "creating cluster $VERSION/$NAME on port $PORT"
    pg_createcluster "$VERSION" "$NAME" --port "$PORT" -- --auth-host=trust --auth-local=trust >/dev/null
  fi
  if ! pg_isready -q -h 127.0.0.1 -p "$PORT"; then
    pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$PORT" && return 0
    sleep 1
  done
  die "cluster $VERSION/$NAME did not accept connections within 30 s"
}

down() {
  exists || return 0
  local pid
  for pid in $(pids); do kill -CONT "$pid" 2>/dev/null || true; done
  log "dropping cluster $VERSION/$NAME"
  pg_dropcluster --stop "$VERSION" "$NAME"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  restart) pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" restart -m fast ;;
  pids) pids ;;
  *) die "usage: fault-cluster.sh up|down|restart|pids" ;;
esac
