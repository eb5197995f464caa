#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL cluster, for the read-replica
# tests (packages/store-postgres/test/replicas.test.ts): a second cluster,
# athena_replica on port 5434, made by `pg_basebackup -R` from the primary on
# 127.0.0.1:5432 (provision-postgres.sh allows it replication connections).
# Debian's postgresql-common tools; run as root.
#
#   replica-cluster.sh up        drop any previous replica, clone the primary,
#                                start streaming; waits until it is in recovery
#   replica-cluster.sh down      stop and drop it; idempotent
#   replica-cluster.sh stop      fast shutdown (the tests' "replica down")
#   replica-cluster.sh start     start it again; waits until it accepts reads
#   replica-cluster.sh delay MS  replay commits MS ms late (recovery_min_apply_delay;
#                                0 for none), applied by a reload
#
# Settings (environment): ATHENA_REPLICA_PG_PORT (5434), ATHENA_PRIMARY_PG_PORT (5432).
set -euo pipefail

NAME=athena_replica
PORT=${ATHENA_REPLICA_PG_PORT:-5434}
PRIMARY_PORT=${ATHENA_PRIMARY_PG_PORT:-5432}

log() { printf '[replica-cluster] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v pg_createcluster >/dev/null 2>&1 ||
  die "pg_createcluster is not available: the replica tests need Debian's postgresql-common"
[ "$(id -u)" -eq 0 ] || die "run as root: the replica cluster is created with pg_createcluster"

primary_q() { psql -X -w -qtA -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -c "$1"; }

VERSION=$(pg_lsclusters --no-header | awk -v p="$PRIMARY_PORT" '$3 == p { print $1; exit }')
[ -n "$VERSION" ] || die "no local cluster listens on port $PRIMARY_PORT"
DATA=/var/lib/postgresql/$VERSION/$NAME
CONF=/etc/postgresql/$VERSION/$NAME

exists() { pg_lsclusters --no-header | awk -v v="$VERSION" -v n="$NAME" '$1 == v && $2 == n { found = 1 } END { exit !found }'; }

wait_ready() {
  for _ in $(seq 1 60); do
    if [ "$(psql -X -w -qtA -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c 'select pg_is_in_recovery()' 2>/dev/null)" = t ]; then
      return 0
    fi
    sleep 0.5
  done
  die "the replica on port $PORT is not streaming within 30 s: see /var/log/postgresql/postgresql-$VERSION-$NAME.log"
}

down() {
  exists || return 0
  log "dropping cluster $VERSION/$NAME"
  pg_dropcluster --stop "$VERSION" "$NAME"
}

up() {
  down
  # A hot standby needs these at least as large as on its primary.
  local settings=() name value
  for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
    max_locks_per_transaction shared_preload_libraries; do
    value=$(primary_q "show $name")
    settings+=(-o "$name=$value")
  done
  log "cloning the primary on port $PRIMARY_PORT into $VERSION/$NAME on port $PORT"
  pg_createcluster "$VERSION" "$NAME" --port "$PORT" "${settings[@]}" -- \
    --auth-host=trust --auth-local=trust >/dev/null
  find "$DATA" -mindepth 1 -delete
  runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres \
    -D "$DATA" -R -X stream -c fast
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start
  wait_ready
}

delay() {
  local ms=$1
  [[ $ms =~ ^[0-9]+$ ]] || die "delay takes milliseconds, e.g. delay 500"
  mkdir -p "$CONF/conf.d"
  printf "recovery_min_apply_delay = '%sms'\n" "$ms" >"$CONF/conf.d/athena-apply-delay.conf"
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" reload
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  stop) pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" stop -m fast ;;
  start)
    pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start
    wait_ready
    ;;
  delay) delay "${2:-}" ;;
  *) die "usage: replica-cluster.sh up|down|stop|start|delay MS" ;;
esac
