import { basename, isAbsolute, resolve, sep } from 'node:path';
import { ConflictError, NotFoundError, ValidationError, isAthenaError } from '@athena/core-types';
import type { Project, ProjectRepository } from '@athena/core-types';

/** How {@link resolveProject} creates a project that does not exist yet. */
export interface CreateProjectOptions {
  /** Default: the directory's name. */
  readonly name?: string;
  readonly description?: string | null;
  /**
   * When another project has the name already: `error` (a `ConflictError`,
   * default) or `suffix` (`app-2`, `app-3`, … — for servers that create
   * projects on first use and cannot ask anybody for a name).
   */
  readonly onNameTaken?: 'error' | 'suffix';
  /** Added to the `ConflictError` of a taken name, as `details.hint`. */
  readonly hint?: string;
}

/** Options of {@link resolveProject}. */
export interface ResolveProjectOptions {
  /**
   * The project asked for: an id, a name, or a path (relative to `cwd`).
   * Default: the project at `cwd`.
   */
  readonly project?: string | number;
  /** The directory that stands for the project when none is named; relative paths resolve against it. */
  readonly cwd: string;
  /**
   * Create the project when none is at `cwd` (or at a path asked for — a
   * value with a path separator; ids and plain names must exist). Default: never.
   */
  readonly create?: boolean | CreateProjectOptions;
  /** How errors name the input the project came from; default `project`. */
  readonly argument?: string;
  /** Added to the `NotFoundError` of a directory without a project, as `details.hint`. */
  readonly hint?: string;
}

/** What {@link resolveProject} found. */
export interface ResolvedProject {
  readonly project: Project;
  /** The project did not exist and was created by this call. */
  readonly created: boolean;
}

/** Names tried by `onNameTaken: 'suffix'` before giving up. */
const MAX_SUFFIX = 100;

/**
 * The project an app works in: the one named by `project` (an id, a name,
 * or a path), else the one at the working directory — optionally created on
 * first use. Both the `athena` CLI and the MCP server resolve projects this
 * way, so `--project 3` and `{ "project": "3" }` mean the same.
 *
 * @throws {NotFoundError} when no such project exists (and none is created).
 * @throws {ValidationError} for an empty or malformed `project`.
 * @throws {ConflictError} when a project to create has a taken name (`onNameTaken: 'error'`).
 *
 * @example
 * ```ts
 * const { project, created } = await resolveProject(store.projects, {
 *   cwd: process.cwd(),
 *   create: { onNameTaken: 'suffix' },
 * });
 * ```
 */
export async function resolveProject(
  projects: ProjectRepository,
  options: ResolveProjectOptions,
): Promise<ResolvedProject> {
  const argument = options.argument ?? 'project';
  if (typeof options.cwd !== 'string' || !isAbsolute(options.cwd)) {
    throw new ValidationError('invalid cwd: must be an absolute path', [
      { path: 'cwd', message: 'must be an absolute path' },
    ]);
  }
  const cwd = resolve(options.cwd);
  const create = options.create === true ? {} : options.create === false ? null : options.create;
  const wanted = options.project;

  if (wanted === undefined) {
    const found = await projects.getByPath(cwd);
    if (found !== null) return { project: found, created: false };
    if (create === null || create === undefined) {
      throw new NotFoundError('project at', cwd, {
        ...(options.hint === undefined ? {} : { details: { hint: options.hint } }),
      });
    }
    return createAt(projects, cwd, create);
  }

  if (typeof wanted === 'number') {
    if (!Number.isSafeInteger(wanted) || wanted < 1) {
      throw new ValidationError(`invalid ${argument}: an id must be a positive integer`, [
        { path: argument, message: 'must be a positive integer' },
      ]);
    }
    const byId = await projects.get(wanted);
    if (byId === null) throw new NotFoundError('project', wanted);
    return { project: byId, created: false };
  }
  if (typeof wanted !== 'string' || wanted.trim() === '') {
    throw new ValidationError(`invalid ${argument}: must not be empty`, [
      { path: argument, message: 'must not be empty' },
    ]);
  }
  const byId = /^\d+$/.test(wanted) ? await projects.get(Number(wanted)) : null;
  const path = resolve(cwd, wanted);
  const found = byId ?? (await projects.getByName(wanted)) ?? (await projects.getByPath(path));
  if (found !== null) return { project: found, created: false };
  if (create !== null && create !== undefined && looksLikePath(wanted)) {
    return createAt(projects, path, create);
  }
  throw new NotFoundError('project', wanted);
}

function looksLikePath(value: string): boolean {
  return value.includes('/') || value.includes(sep);
}

async function createAt(
  projects: ProjectRepository,
  path: string,
  options: CreateProjectOptions,
): Promise<ResolvedProject> {
  const base = options.name ?? (basename(path) || 'athena');
  const suffix = options.onNameTaken === 'suffix';
  for (let n = 1; n <= (suffix ? MAX_SUFFIX : 1); n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    const taken = await projects.getByName(name);
    if (taken !== null) {
      if (taken.path === path) return { project: taken, created: false };
      if (suffix) continue;
      throw new ConflictError(`a project named ${name} exists already (at ${taken.path})`, {
        details: {
          name,
          path: taken.path,
          ...(options.hint === undefined ? {} : { hint: options.hint }),
        },
      });
    }
    try {
      const project = await projects.create({
        name,
        path,
        description: options.description ?? null,
      });
      return { project, created: true };
    } catch (error) {
      // Another caller created it meanwhile (two first uses at once): take theirs.
      if (!isAthenaError(error) || error.code !== 'conflict') throw error;
      const raced = await projects.getByPath(path);
      if (raced !== null) return { project: raced, created: false };
      if (!suffix) throw error;
    }
  }
  throw new ConflictError(
    `no free project name for ${path}: ${base} to ${base}-${MAX_SUFFIX} are all taken`,
    { details: { name: base, path } },
  );
}
