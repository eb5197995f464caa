import type { Dirent } from 'node:fs';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { contentHash } from './content-hash.js';
import type { IndexProblem } from './index-problem.js';
import type { SourceFile } from './source-file.js';

/** Directories never scanned: dependencies, build output, caches, version control. */
export const DEFAULT_IGNORED_DIRECTORIES: readonly string[] = Object.freeze([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  'coverage',
  '.turbo',
  '.next',
]);

/** Files larger than this are reported as `too_large` and skipped: 1 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** Options of {@link scanSourceFiles}. */
export interface ScanOptions {
  /** File extensions to collect, with the dot (`.ts`). */
  readonly extensions: ReadonlySet<string>;
  /** File names collected as configuration (`tsconfig.json`), whatever their extension. */
  readonly configFileNames?: ReadonlySet<string>;
  /** Only these files or directories, relative to the root (or absolute inside it); default the whole root. */
  readonly paths?: readonly string[];
  /** Directory names skipped wherever they occur; default {@link DEFAULT_IGNORED_DIRECTORIES}. */
  readonly ignoredDirectories?: readonly string[];
  /** Default {@link DEFAULT_MAX_FILE_BYTES}. */
  readonly maxFileBytes?: number;
}

/** What {@link scanSourceFiles} found. */
export interface ScanResult {
  /** By path. */
  readonly files: SourceFile[];
  /** Absolute paths of configuration files, by path. */
  readonly configFiles: string[];
  readonly problems: IndexProblem[];
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** `path` relative to `root` with `/` separators. */
function relativePath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Collects the text files to index under `root`, reporting instead of
 * failing: unreadable files, binary files (a NUL byte, or not UTF-8), files
 * over the size limit, symbolic links that loop or lead outside the root, and
 * given paths outside it. A symbolic link to a file or directory inside the
 * root is left to the target's own path, so nothing is indexed twice.
 *
 * @example
 * ```ts
 * const { files, problems } = scanSourceFiles('/src/app', { extensions: new Set(['.ts']) });
 * ```
 */
export function scanSourceFiles(rootDir: string, options: ScanOptions): ScanResult {
  const root = realpathSync(resolve(rootDir));
  const ignored = new Set(options.ignoredDirectories ?? DEFAULT_IGNORED_DIRECTORIES);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const configNames = options.configFileNames ?? new Set<string>();
  const files = new Map<string, SourceFile>();
  const configFiles = new Set<string>();
  const problems: IndexProblem[] = [];

  const readFile = (absolutePath: string): void => {
    const path = relativePath(root, absolutePath);
    if (files.has(path)) return;
    let bytes: Buffer;
    try {
      const size = statSync(absolutePath).size;
      if (size > maxBytes) {
        problems.push({
          kind: 'too_large',
          path,
          message: `${size} bytes, over the limit of ${maxBytes}`,
        });
        return;
      }
      bytes = readFileSync(absolutePath);
    } catch (error) {
      problems.push({ kind: 'unreadable', path, message: reason(error) });
      return;
    }
    let text: string;
    try {
      if (bytes.subarray(0, 8192).includes(0)) throw new Error('NUL byte');
      text = decoder.decode(bytes);
    } catch {
      problems.push({ kind: 'binary', path, message: 'not a UTF-8 text file' });
      return;
    }
    files.set(path, { path, absolutePath, text, hash: contentHash(text) });
  };

  const consider = (absolutePath: string, name: string): void => {
    if (configNames.has(name)) configFiles.add(absolutePath);
    else if (options.extensions.has(extname(name))) readFile(absolutePath);
  };

  // `active` holds the real paths of the directories being walked, so a link
  // back to one of them is a loop rather than an endless descent.
  const walk = (directory: string, active: Set<string>): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      problems.push({
        kind: 'unreadable',
        path: relativePath(root, directory) || '.',
        message: reason(error),
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!ignored.has(entry.name)) descend(path, active);
      } else if (entry.isFile()) {
        consider(path, entry.name);
      } else if (entry.isSymbolicLink()) {
        followLink(path, active);
      }
    }
  };

  const descend = (directory: string, active: Set<string>): void => {
    const real = realpathSync(directory);
    active.add(real);
    walk(directory, active);
    active.delete(real);
  };

  const followLink = (path: string, active: Set<string>): void => {
    const rel = relativePath(root, path);
    let target: string;
    try {
      target = realpathSync(path);
    } catch (error) {
      // A link to itself or in a circle of links cannot be resolved at all.
      const loop = (error as NodeJS.ErrnoException).code === 'ELOOP';
      problems.push({
        kind: loop ? 'symlink_loop' : 'unreadable',
        path: rel,
        message: loop ? 'a circle of symbolic links' : reason(error),
      });
      return;
    }
    if (!inside(root, target)) {
      problems.push({
        kind: 'outside_root',
        path: rel,
        message: `a symbolic link to ${target}, outside the root`,
      });
      return;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(target).isDirectory();
    } catch (error) {
      problems.push({ kind: 'unreadable', path: rel, message: reason(error) });
      return;
    }
    // A link to a file or directory inside the root is indexed at the target's own path.
    if (isDirectory && active.has(target)) {
      problems.push({
        kind: 'symlink_loop',
        path: rel,
        message: `a symbolic link back to ${relativePath(root, target) || '.'}`,
      });
    }
  };

  for (const given of options.paths ?? ['.']) {
    const absolute = resolve(root, given);
    let real: string;
    try {
      real = realpathSync(absolute);
    } catch (error) {
      problems.push({ kind: 'unreadable', path: given, message: reason(error) });
      continue;
    }
    if (!inside(root, real)) {
      problems.push({ kind: 'outside_root', path: given, message: `outside the root ${root}` });
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(real).isDirectory();
    } catch (error) {
      problems.push({ kind: 'unreadable', path: given, message: reason(error) });
      continue;
    }
    if (isDirectory) descend(real, new Set());
    else consider(real, real.split(sep).pop() ?? real);
  }

  return {
    files: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    configFiles: [...configFiles].sort(),
    problems,
  };
}
