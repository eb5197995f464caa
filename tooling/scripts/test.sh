#!/usr/bin/env bash
# The one command that runs every test: provisions PostgreSQL + pgvector,
# then builds, lints, typechecks and tests every package on both backends.
# Prints the time of every phase and of every package's tests, so growth is
# seen before it bites.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
cd "$(dirname "$0")/../.."

timings=()
phase() {
  local name=$1 started=$SECONDS
  shift
  "$@"
  timings+=("$(printf '%-22s %5d s' "$name" $((SECONDS - started)))")
}

phase provision bash tooling/scripts/provision-postgres.sh
export ATHENA_TEST_DATABASE_URL=${ATHENA_TEST_DATABASE_URL:-postgres://athena@127.0.0.1:5432/athena_test}

phase build pnpm exec turbo run build
phase 'lint + typecheck' pnpm exec turbo run lint typecheck
phase prettier pnpm exec prettier --check .
# TypeDoc's validation, the committed API reports and the Markdown links (tooling/docs-check).
phase 'docs check' pnpm --filter @athena/docs-check docs:check --ci
# What `pnpm release` would publish (version and pack in a copy, no publish).
phase 'release dry run' bash tooling/scripts/release-dry-run.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
started=$SECONDS
pnpm exec turbo run test --concurrency=1 2>&1 | tee "$log" || status=$?
timings+=("$(printf '%-22s %5d s' 'tests' $((SECONDS - started)))")
# The reliability suite (bad input, faults, secrets): its own report, printed at its end.
if [ "$status" -eq 0 ]; then
  started=$SECONDS
  pnpm --filter @athena/reliability test:reliability || status=$?
  timings+=("$(printf '%-22s %5d s' 'reliability' $((SECONDS - started)))")
fi

echo
echo 'Time per phase:'
printf '  %s\n' "${timings[@]}"
# Per package: its vitest summary (tests) and duration, then one closing line for the whole run.
sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  function count(line, word,   i, n, f) {
    n = split(line, f, /[ |()]+/)
    for (i = 1; i < n; i++) if (f[i] ~ /^[0-9]+$/ && f[i + 1] == word) return f[i]
    return 0
  }
  /:test: +Tests +[0-9]/ {
    pkg = $1; sub(/:test:$/, "", pkg)
    p = count($0, "passed"); f = count($0, "failed"); s = count($0, "skipped")
    tests[pkg] = sprintf("%4d passed %2d failed %2d skipped", p, f, s)
    passed += p; failed += f; skipped += s
    order[++n] = pkg
  }
  /:test: +Duration/ {
    pkg = $1; sub(/:test:$/, "", pkg)
    for (i = 1; i <= NF; i++) if ($(i) ~ /^[0-9.]+(ms|s)$/) { duration[pkg] = $(i); break }
  }
  END {
    print "Tests per package:"
    for (i = 1; i <= n; i++) printf "  %-26s %s  %8s\n", order[i], tests[order[i]], duration[order[i]]
    printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
  }'
exit "$status"
