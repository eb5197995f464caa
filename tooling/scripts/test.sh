#!/usr/bin/env bash
# The one command that runs every test: provisions PostgreSQL + pgvector,
# then builds, lints, typechecks and tests every package on both backends.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash tooling/scripts/provision-postgres.sh
export ATHENA_TEST_DATABASE_URL=${ATHENA_TEST_DATABASE_URL:-postgres://athena@127.0.0.1:5432/athena_test}

pnpm exec turbo run build
pnpm exec turbo run lint typecheck
pnpm exec prettier --check .
pnpm exec turbo run test --concurrency=1
