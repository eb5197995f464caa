#!/usr/bin/env bash
# The one command that runs every test: provisions PostgreSQL + pgvector,
# then builds, lints, typechecks and tests every package on both backends.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
cd "$(dirname "$0")/../.."

bash tooling/scripts/provision-postgres.sh
export ATHENA_TEST_DATABASE_URL=${ATHENA_TEST_DATABASE_URL:-postgres://athena@127.0.0.1:5432/athena_test}

pnpm exec turbo run build
pnpm exec turbo run lint typecheck
pnpm exec prettier --check .

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
pnpm exec turbo run test --concurrency=1 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over every package's vitest summary.
sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /Tests +[0-9]/ {
    for (i = 1; i <= NF; i++) {
      if ($(i) ~ /^[0-9]+$/ && $(i + 1) ~ /^passed/) passed += $(i)
      if ($(i) ~ /^[0-9]+$/ && $(i + 1) ~ /^failed/) failed += $(i)
      if ($(i) ~ /^[0-9]+$/ && $(i + 1) ~ /^skipped/) skipped += $(i)
    }
  }
  END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }'
exit "$status"
