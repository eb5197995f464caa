#!/usr/bin/env bash
# Provision a local PostgreSQL with pgvector for Athena's tests.
#
# Idempotent and fast when everything is already in place:
#   1. start the local cluster if it is down (Debian's pg_ctlcluster);
#   2. install pgvector when `CREATE EXTENSION vector` is not possible
#      (Debian bookworm: build trixie's pgvector source package against
#      postgresql-server-dev-N; elsewhere print the instruction and fail);
#   3. create the test role and database.
#
# Settings (environment): PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres),
# ATHENA_TEST_DB (athena_test), ATHENA_TEST_ROLE (athena).
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
TEST_DB=${ATHENA_TEST_DB:-athena_test}
TEST_ROLE=${ATHENA_TEST_ROLE:-athena}
PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
export PGHOST PGPORT PGUSER PGOPTIONS

log() { printf '[provision-postgres] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
psql_q() { psql -X -v ON_ERROR_STOP=1 -qtA -d postgres "$@"; }

server_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }

start_cluster() {
  server_up && return 0
  command -v pg_lsclusters >/dev/null 2>&1 ||
    die "PostgreSQL is not reachable at $PGHOST:$PGPORT and pg_ctlcluster is not available: start your server and re-run."
  local version name
  read -r version name _ < <(pg_lsclusters --no-header | awk -v p="$PGPORT" '$3 == p { print $1, $2; exit }')
  [ -n "${version:-}" ] || die "no local cluster listens on port $PGPORT (pg_lsclusters); start your server and re-run."
  log "starting cluster $version/$name"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
  for _ in $(seq 1 30); do server_up && return 0; sleep 1; done
  die "cluster $version/$name did not accept connections within 30 s"
}

vector_available() {
  [ "$(psql_q -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")" = "1" ]
}

install_pgvector_debian() {
  local major=$1 pg_config=/usr/lib/postgresql/$1/bin/pg_config
  local sources=/etc/apt/sources.list.d/athena-trixie-src.sources
  if [ ! -f "$sources" ]; then
    log "adding Debian trixie deb-src entry ($sources)"
    as_root tee "$sources" >/dev/null <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  log "apt-get update"
  as_root apt-get update -qq
  log "installing build dependencies (postgresql-server-dev-$major, build-essential)"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "postgresql-server-dev-$major" build-essential dpkg-dev >/dev/null
  local work
  work=$(mktemp -d)
  chmod 755 "$work" # apt's _apt user downloads into it
  log "fetching the pgvector source package from trixie"
  (cd "$work" && apt-get source --download-only -qq pgvector/trixie >/dev/null 2>&1) ||
    die "could not download the pgvector source package from Debian trixie (apt-get source pgvector/trixie)"
  local orig
  orig=$(ls "$work"/pgvector_*.orig.tar.* | head -n 1)
  [ -n "$orig" ] || die "apt-get source did not produce a pgvector tarball"
  mkdir "$work/src"
  tar -xf "$orig" -C "$work/src" --strip-components=1
  log "building pgvector against $pg_config"
  make -s -C "$work/src" PG_CONFIG="$pg_config" >/dev/null
  as_root make -s -C "$work/src" PG_CONFIG="$pg_config" install >/dev/null
  rm -rf "$work"
}

install_pgvector() {
  local major
  major=$(psql_q -c "SHOW server_version_num")
  major=$((major / 10000))
  if [ -r /etc/os-release ] && . /etc/os-release && [ "${ID:-}" = "debian" ] && [ "${VERSION_CODENAME:-}" = "bookworm" ]; then
    install_pgvector_debian "$major"
    return
  fi
  cat >&2 <<MSG
[provision-postgres] pgvector is not installed for PostgreSQL $major. Install it, then re-run:
  Debian/Ubuntu (PGDG):  sudo apt-get install postgresql-$major-pgvector
  macOS (Homebrew):      brew install pgvector
  From source:           git clone --branch v0.8.0 https://github.com/pgvector/pgvector.git && cd pgvector && make && sudo make install
  Docker:                docker compose -f docker/docker-compose.yml up -d postgres
MSG
  exit 1
}

create_test_database() {
  psql_q <<SQL
SELECT 'CREATE ROLE $TEST_ROLE LOGIN SUPERUSER'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$TEST_ROLE') \gexec
SELECT 'CREATE DATABASE $TEST_DB OWNER $TEST_ROLE'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$TEST_DB') \gexec
SQL
  psql -X -v ON_ERROR_STOP=1 -qtA -d "$TEST_DB" -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
}

start_cluster
if ! vector_available; then
  log "pgvector is missing: installing it"
  install_pgvector
  vector_available || die "pgvector was installed but PostgreSQL does not list it; check pg_config"
fi
create_test_database
version=$(psql -X -qtA -d "$TEST_DB" -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'")
log "ready: postgres://$TEST_ROLE@$PGHOST:$PGPORT/$TEST_DB (pgvector $version)"
