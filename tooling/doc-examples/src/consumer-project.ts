import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runProcess } from './programs.js';

/** Every publishable package of the workspace, by directory. */
export const PUBLISHED_PACKAGES = [
  'packages/core-types',
  'packages/store-kit',
  'packages/store-sqlite',
  'packages/store-postgres',
  'packages/store-pglite',
  'packages/factory',
  'packages/search',
  'packages/consolidation',
  'packages/code-graph',
  'packages/transfer',
  'apps/cli',
  'apps/mcp-server',
] as const;

/**
 * This process's environment without the `npm_*` settings pnpm passes to
 * its scripts (npm would read them as its own), and with the Node headers
 * better-sqlite3 compiles against when no prebuilt binary can be fetched.
 */
function npmEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_')) env[key] = value;
  }
  env['npm_config_nodedir'] = process.env['npm_config_nodedir'] ?? '/usr';
  return env;
}

/** A fresh npm project outside the workspace with the packed packages installed. */
export interface ConsumerProject {
  readonly dir: string;
  /** Package name → tarball file name. */
  readonly tarballs: Readonly<Record<string, string>>;
  /** How long packing and installing took. */
  readonly seconds: { readonly pack: number; readonly install: number };
}

async function pack(root: string, directory: string, destination: string): Promise<string> {
  const result = await runProcess('pnpm', ['pack', '--pack-destination', destination], {
    cwd: join(root, directory),
    timeoutMs: 120_000,
  });
  const tarball = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.exitCode !== 0 || !tarball.endsWith('.tgz')) {
    throw new Error(`pnpm pack in ${directory} failed:\n${result.stderr}${result.stdout}`);
  }
  return basename(tarball);
}

/**
 * Packs every publishable package with `pnpm pack` (which turns `workspace:`
 * ranges into versions, as publishing does) and `npm install`s the tarballs,
 * with `extra` registry dependencies, into a new project under the system's
 * temporary directory, where nothing of the workspace can be resolved.
 */
export async function createConsumerProject(
  root: string,
  extra: Readonly<Record<string, string>>,
): Promise<ConsumerProject> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'athena-consumer-'));
  const destination = join(dir, 'tarballs');
  mkdirSync(destination);
  const tarballs: Record<string, string> = {};
  // Two at a time: pnpm pack is mostly I/O, and this machine has two cores.
  for (let index = 0; index < PUBLISHED_PACKAGES.length; index += 2) {
    const pair = PUBLISHED_PACKAGES.slice(index, index + 2);
    const files = await Promise.all(pair.map((directory) => pack(root, directory, destination)));
    pair.forEach((directory, position) => {
      const manifest = readFileSync(join(root, directory, 'package.json'), 'utf8');
      tarballs[(JSON.parse(manifest) as { name: string }).name] = files[position] ?? '';
    });
  }
  const packed = performance.now();
  const dependencies = Object.fromEntries([
    ...Object.entries(tarballs).map(([name, file]) => [name, `file:tarballs/${file}`]),
    ...Object.entries(extra),
  ]);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'athena-consumer', version: '1.0.0', private: true, dependencies }, null, 2)}\n`,
  );
  const install = await runProcess(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error'],
    {
      cwd: dir,
      env: npmEnvironment(),
      timeoutMs: 540_000,
    },
  );
  if (install.exitCode !== 0) {
    throw new Error(
      `npm install of the packed packages failed:\n${install.stderr}${install.stdout}`,
    );
  }
  return {
    dir,
    tarballs,
    seconds: { pack: (packed - started) / 1000, install: (performance.now() - packed) / 1000 },
  };
}
