#!/usr/bin/env bash
# `pnpm release:dry-run`: what `pnpm release` would publish, without publishing
# and without touching the checkout. Copies the checkout (the files git sees,
# committed or not, and each publishable package's built dist) to a temporary
# directory, runs `changeset version` there, packs and checks every publishable
# package (release-pack.sh) and prints name@version per package. Fails on a
# malformed changeset, a package that cannot pack, or a tarball without its
# LICENSE, README.md or an entry point. The packages must be built first
# (`pnpm build`): the copy packs the dist it is given.
#
# Usage: release-dry-run.sh [checkout]   (default: this repository)
set -euo pipefail
scripts=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$scripts/../.." && pwd)
cd "${1:-$root}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' file; do [ -e "$file" ] && printf '%s\0' "$file"; done |
  tar --null -T - -cf - | tar -xf - -C "$work"
for manifest in packages/*/package.json apps/*/package.json tooling/*/package.json; do
  directory=$(dirname "$manifest")
  if [ -d "$directory/dist" ] && ! grep -q '"private": true' "$manifest"; then
    cp -R "$directory/dist" "$work/$directory/dist"
  fi
done
# changeset and its changelog generator resolve from the copy's root.
ln -s "$root/node_modules" "$work/node_modules"

cd "$work"
echo "release dry run: changeset version in a copy of the checkout ($work)"
node_modules/.bin/changeset version

# pnpm pack resolves workspace: ranges through each package's node_modules:
# link every workspace dependency to its (now versioned) copy.
node --input-type=module <<'NODE'
import { mkdirSync, readFileSync, readdirSync, existsSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
const directories = ['packages', 'apps', 'tooling']
  .flatMap((parent) => readdirSync(parent).map((name) => join(parent, name)))
  .concat('bench')
  .filter((directory) => existsSync(join(directory, 'package.json')));
const manifests = directories.map((directory) => ({
  directory,
  manifest: JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')),
}));
const byName = new Map(manifests.map(({ directory, manifest }) => [manifest.name, directory]));
for (const { directory, manifest } of manifests) {
  const fields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
  for (const field of fields) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      const target = byName.get(name);
      if (!String(range).startsWith('workspace:') || target === undefined) continue;
      const link = join(directory, 'node_modules', name);
      if (existsSync(link)) continue;
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(relative(dirname(link), target), link);
    }
  }
}
NODE

echo 'Would publish (changeset publish skips a version the registry already has):'
bash "$scripts/release-pack.sh" "$work/tarballs"
