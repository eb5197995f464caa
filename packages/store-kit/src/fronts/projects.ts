import { parseCreateProject, parseProjectKey } from '@athena/core-types';
import type { ProjectRepository } from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, Parsers } from '../front.js';
import { projectIdOf } from './ids.js';

const PROJECT_PARSERS = {
  /** Checks `create()`'s `input`. */
  create: (_, input) => [parseCreateProject(input)] as const,
  /** Checks `get()`'s `id`. */
  get: (_, id) => [projectIdOf(id)] as const,
  /** Checks `getByPath()`'s `path`. */
  getByPath: (_, path) => [parseProjectKey(path, 'path')] as const,
  /** Checks `getByName()`'s `name`. */
  getByName: (_, name) => [parseProjectKey(name, 'name')] as const,
  /** `list()` takes no arguments. */
  list: () => [] as const,
  /** Checks `touch()`'s `id`. */
  touch: (_, id) => [projectIdOf(id)] as const,
  /** Checks `delete()`'s `id`. */
  delete: (_, id) => [projectIdOf(id)] as const,
} satisfies Parsers<ProjectRepository>;

/** The validating front of a backend's projects. */
export const ProjectFront = front<ProjectRepository>()(PROJECT_PARSERS);

/** What a backend implements for projects: {@link ProjectRepository} with parsed arguments. */
export type ProjectBackend = BackendOf<ProjectRepository, typeof PROJECT_PARSERS>;
