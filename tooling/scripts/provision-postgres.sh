#!/usr/bin/env bash
# Provision a PostgreSQL with pgvector for Athena's tests.
#
# The target is ATHENA_TEST_DATABASE_URL (default
# postgres://athena@127.0.0.1:5432/athena_test). Idempotent and instant when
# everything is already in place:
#   1. start the local cluster if it is down (Debian's pg_ctlcluster);
#      a local cluster also gets a pg_hba.conf line for replication from
#      127.0.0.1 (the read-replica tests clone it), once, and Debian's
#      pgbouncer is installed when missing (the connection-pooler tests);
#   2. connect as the target role: when the vector extension is there, or the
#      role may create it, that is all — no superuser is needed (a server of
#      its own, such as docker/docker-compose.yml's, lands here);
#   3. otherwise, as the administrator (PGUSER): install pgvector when
#      `CREATE EXTENSION vector` is not possible (Debian bookworm: build
#      trixie's pgvector source package against postgresql-server-dev-N;
#      elsewhere print the instruction and fail), create the role and the
#      database, and the extension in it.
# A connection that fails for another reason (refused, wrong password, TLS) is
# reported as it is, with the password of the URL hidden.
#
# Settings (environment): ATHENA_TEST_DATABASE_URL; without it, PGHOST
# (127.0.0.1), PGPORT (5432), ATHENA_TEST_DB (athena_test) and
# ATHENA_TEST_ROLE (athena) make the URL. PGUSER (postgres) is the
# administrator of step 3, connecting without a password unless PGPASSWORD
# is set.
set -euo pipefail

TEST_DB=${ATHENA_TEST_DB:-athena_test}
TEST_ROLE=${ATHENA_TEST_ROLE:-athena}
TARGET=${ATHENA_TEST_DATABASE_URL:-postgres://$TEST_ROLE@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/$TEST_DB}
ADMIN=${PGUSER:-postgres}
PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
export PGOPTIONS
unset PGHOST PGPORT PGUSER PGDATABASE # the URL says where; the administrator is named below

log() { printf '[provision-postgres] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# Percent-decoding of a URL part: %40 -> @.
decode() { printf '%b' "${1//%/\\x}"; }

# postgres://user:password@host:port/database?options — the parts this script needs.
url='^postgres(ql)?://(([^:@/]*)(:[^@/]*)?@)?(\[[^]]*\]|[^:/?]*)(:([0-9]+))?(/([^?]*))?'
[[ $TARGET =~ $url ]] || die "ATHENA_TEST_DATABASE_URL is not a postgres:// URL"
ROLE=$(decode "${BASH_REMATCH[3]}")
HOST=${BASH_REMATCH[5]:-127.0.0.1}
HOST=${HOST#[}
HOST=${HOST%]}
PORT=${BASH_REMATCH[7]:-5432}
DB=$(decode "${BASH_REMATCH[9]}")
ROLE=${ROLE:-$ADMIN}
DB=${DB:-$ROLE}
SHOWN=$(printf '%s' "$TARGET" | sed -E 's#^(postgres(ql)?://[^:@/]*):[^@/]*@#\1:***@#')

# Every psql of this script: no ~/.psqlrc, never a password prompt (a missing
# password is an error to report), stop at the first error, bare output.
target_q() { psql -X -w -v ON_ERROR_STOP=1 -qtA -d "$TARGET" "$@"; }
admin_q() { local db=$1; shift; psql -X -w -v ON_ERROR_STOP=1 -qtA -h "$HOST" -p "$PORT" -U "$ADMIN" -d "$db" "$@"; }
# psql's error without its "psql: error: " prefix and hint lines, on one line.
reason() { sed -E -e 's/^psql: error: //' -e '/^\s/d' "$1" | tr '\n' ' ' | sed -E 's/ +$//'; }

server_up() { pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; }

start_cluster() {
  server_up && return 0
  local hint="start your server or correct the host and port of ATHENA_TEST_DATABASE_URL ($SHOWN), then re-run"
  command -v pg_lsclusters >/dev/null 2>&1 ||
    die "cannot connect to PostgreSQL at $HOST:$PORT: no server answers there; $hint."
  local version name
  read -r version name _ < <(pg_lsclusters --no-header | awk -v p="$PORT" '$3 == p { print $1, $2; exit }') || true
  [ -n "${version:-}" ] ||
    die "cannot connect to PostgreSQL at $HOST:$PORT: no server answers there and no local cluster listens on port $PORT (pg_lsclusters); $hint."
  log "starting cluster $version/$name"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
  for _ in $(seq 1 30); do server_up && return 0; sleep 1; done
  die "cluster $version/$name did not accept connections at $HOST:$PORT within 30 s"
}

# The vector extension's version in the target database ("" when it is not
# created); fails, with psql's message in $errors, when the target cannot connect.
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
target_vector() { target_q -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'" 2>"$errors"; }

# As the target role, without any administrator: the fast path.
ready_as_target() {
  local version
  version=$(target_vector) || return 1
  if [ -z "$version" ]; then
    # pgvector is not a trusted extension: this works for a superuser or the
    # owner of a server of its own (the pgvector/pgvector image's POSTGRES_USER).
    target_q -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null 2>"$errors" || return 1
    version=$(target_vector) || return 1
  fi
  log "ready: $SHOWN (pgvector $version)"
}

vector_available() {
  [ "$(admin_q postgres -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")" = "1" ]
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
  major=$(admin_q postgres -c "SHOW server_version_num")
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

# As the administrator: the role when it is missing (a superuser, as the
# tests' fixtures need, with the URL's password), its database and the
# extension. Names and password are bound as psql
# variables, quoted by format().
create_test_database() {
  local password
  password=$(printf '%s' "$TARGET" | sed -nE 's#^postgres(ql)?://[^:@/]*:([^@/]*)@.*#\2#p')
  password=$(decode "$password")
  admin_q postgres -v role="$ROLE" -v db="$DB" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN SUPERUSER PASSWORD %L', :'role', nullif(:'password', ''))
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
  admin_q "$DB" -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
}

# Streaming replication from this machine, for the read-replica tests
# (replica-cluster.sh clones the cluster with pg_basebackup): a
# `host replication all 127.0.0.1/32` line in the local cluster's
# pg_hba.conf, with the method of its `host all all 127.0.0.1/32` line, added
# once, then a reload. Only for a local cluster whose administrator connects;
# a server elsewhere is left as it is.
allow_local_replication() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  case $HOST in 127.0.0.1 | localhost) ;; *) return 0 ;; esac
  local hba method
  hba=$(admin_q postgres -c 'SHOW hba_file' 2>/dev/null) || return 0
  [ -r "$hba" ] || return 0
  grep -Eq '^[[:space:]]*host(ssl|nossl)?[[:space:]]+replication[[:space:]]' "$hba" && return 0
  method=$(awk '$1 == "host" && $2 == "all" && $4 ~ /^127\.0\.0\.1/ { print $5; exit }' "$hba")
  log "allowing replication connections from 127.0.0.1 (${method:-scram-sha-256}) in $hba"
  printf 'host replication all 127.0.0.1/32 %s\n' "${method:-scram-sha-256}" | as_root tee -a "$hba" >/dev/null
  admin_q postgres -c 'SELECT pg_reload_conf()' >/dev/null
}

# PgBouncer, for the tests of the store behind a connection pooler
# (pgbouncer.sh starts its own instances): Debian's package, installed once.
install_pgbouncer() {
  command -v pgbouncer >/dev/null 2>&1 && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    log "pgbouncer is not installed and apt-get is not available: install PgBouncer for the connection-pooler tests"
    return 0
  fi
  log "installing pgbouncer (Debian's package)"
  local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends pgbouncer)
  as_root "${install[@]}" >/dev/null 2>&1 || { as_root apt-get update -q >/dev/null && as_root "${install[@]}" >/dev/null; }
}

start_cluster
allow_local_replication
install_pgbouncer
ready_as_target && exit 0
problem=$(reason "$errors")
# Only a missing role, database or extension is the administrator's to fix;
# anything else (a wrong password, TLS, a full server) is reported as it is.
case $problem in
  *"role \"$ROLE\" does not exist"* | *"database \"$DB\" does not exist"* | *"permission denied to create extension"* | *"extension control file"* | *"extension \"vector\" is not available"*) ;;
  *) die "cannot connect to $SHOWN: $problem" ;;
esac
if ! admin_q postgres -c 'SELECT 1' >/dev/null 2>"$errors"; then
  die "$SHOWN is not ready ($problem), and the administrator $ADMIN cannot connect to create what is missing: $(reason "$errors"). Run this as a role that can (PGUSER, PGPASSWORD), or create it yourself."
fi
if ! vector_available; then
  log "pgvector is not installed on the server: installing it"
  install_pgvector
  vector_available || die "pgvector was installed but PostgreSQL does not list it; check pg_config"
fi
create_test_database
ready_as_target || die "cannot use $SHOWN after provisioning it: $(reason "$errors")"
