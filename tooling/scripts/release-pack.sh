#!/usr/bin/env bash
# Packs every publishable workspace package (every one without "private": true)
# into the directory given, checks each tarball as the registry would receive
# it, and prints name@version per package. Run from the root of a workspace
# whose packages are built. Used by release.sh before publishing and by
# release-dry-run.sh on a versioned copy of the checkout.
#
# A tarball fails the check when it lacks LICENSE or README.md, when a file its
# package.json names (main, module, types, bin, exports) is not in it, or when
# a dependency still says workspace:.
set -euo pipefail
destination=${1:?usage: release-pack.sh <destination directory>}
mkdir -p "$destination"

# name<TAB>directory of every publishable package, from pnpm-workspace.yaml.
mapfile -t packages < <(node --input-type=module <<'EOF'
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
const patterns = [...readFileSync('pnpm-workspace.yaml', 'utf8').matchAll(/^\s+-\s+(\S+)\s*$/gm)]
  .map((match) => match[1])
  .filter((pattern) => !pattern.startsWith('!'));
const directories = patterns.flatMap((pattern) =>
  pattern.endsWith('/*')
    ? readdirSync(pattern.slice(0, -2), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(pattern.slice(0, -2), entry.name))
    : [pattern],
);
for (const directory of directories.sort()) {
  const file = join(directory, 'package.json');
  if (!existsSync(file)) continue;
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  if (manifest.private !== true) console.log(`${manifest.name}\t${directory}`);
}
EOF
)
if [ "${#packages[@]}" -eq 0 ]; then
  echo "release-pack: no publishable package found" >&2
  exit 1
fi

filters=()
for entry in "${packages[@]}"; do filters+=(--filter "${entry%%$'\t'*}"); done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! pnpm pack -r "${filters[@]}" --workspace-concurrency 4 --pack-destination "$destination" >"$log" 2>&1; then
  cat "$log" >&2
  echo "release-pack: pnpm pack failed" >&2
  exit 1
fi

node --input-type=module - "$destination" "${packages[@]}" <<'EOF'
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
const [destination, ...entries] = process.argv.slice(2);
const tarballs = readdirSync(destination).filter((name) => name.endsWith('.tgz'));
const problems = [];
const published = [];
for (const entry of entries) {
  const [name, directory] = entry.split('\t');
  const { version } = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
  const tarball = `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
  if (!tarballs.includes(tarball)) {
    problems.push(`${name}: no tarball ${tarball} was packed`);
    continue;
  }
  const path = join(destination, tarball);
  const files = new Set(
    execFileSync('tar', ['-tzf', path], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((file) => file.replace(/^package\//, '')),
  );
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', path, 'package/package.json'], { encoding: 'utf8' }),
  );
  for (const required of ['LICENSE', 'README.md', 'package.json']) {
    if (!files.has(required)) problems.push(`${name}: ${required} is missing from ${tarball}`);
  }
  const named = [manifest.main, manifest.module, manifest.types];
  const collect = (value) => {
    if (typeof value === 'string') named.push(value);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(manifest.bin);
  collect(manifest.exports);
  for (const file of new Set(named)) {
    if (file === undefined) continue;
    const relative = file.replace(/^\.\//, '');
    if (!files.has(relative)) problems.push(`${name}: ${file} (named in package.json) is missing from ${tarball}`);
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${name}: ${field}.${dependency} is still ${range}`);
    }
  }
  published.push(`${manifest.name}@${manifest.version}`);
}
if (problems.length > 0) {
  console.error(`release-pack: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`${published.length} packages, tarballs in ${destination}:`);
for (const line of published) console.log(`  ${line}`);
EOF
