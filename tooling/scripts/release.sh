#!/usr/bin/env bash
# `pnpm release`: versions, builds, packs and publishes every publishable
# package. Meant for CI on main (npm provenance needs the CI's OIDC identity;
# see RELEASING.md), from a clean checkout:
#   1. `changeset version` turns the pending changesets into versions and
#      CHANGELOG.md entries, committed as "release: version packages";
#   2. every package is built and packed, each tarball checked (release-pack.sh);
#   3. `changeset publish` publishes each version the registry does not have
#      yet, with provenance, and tags it; private packages are never published.
set -euo pipefail
scripts=$(cd "$(dirname "$0")" && pwd)
cd "$scripts/../.."
export TURBO_TELEMETRY_DISABLED=1

if [ -n "$(git status --porcelain)" ]; then
  echo 'release: the checkout has uncommitted changes; release from a clean checkout of main' >&2
  exit 1
fi

pnpm exec changeset version
if [ -n "$(git status --porcelain)" ]; then
  git add --all -- .changeset '*package.json' '*CHANGELOG.md'
  git commit -m 'release: version packages'
fi

pnpm exec turbo run build
tarballs=$(mktemp -d)
trap 'rm -rf "$tarballs"' EXIT
bash "$scripts/release-pack.sh" "$tarballs"

NPM_CONFIG_PROVENANCE=true pnpm exec changeset publish
echo 'release: published; push the version commit and its tags: git push --follow-tags'
