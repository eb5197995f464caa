import { parseCreateProject, parseProjectKey } from '@athena/core-types';
import type { ProjectRepository } from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, Parsers } from '../front.js';
import { projectIdOf } from './ids.js';

const PROJECT_PARSERS = {
  create: (_, input) => [parseCreateProject(input)] as const,
  get: (_, id) => [projectIdOf(id)] as const,
  getByPath: (_, path) => [parseProjectKey(path, 'path')] as const,
  getByName: (_, name) => [parseProjectKey(name, 'name')] as const,
  list: () => [] as const,
  touch: (_, id) => [projectIdOf(id)] as const,
  delete: (_, id) => [projectIdOf(id)] as const,
} satisfies Parsers<ProjectRepository>;

/** The validating front of a backend's projects. */
export const ProjectFront = front<ProjectRepository>()(PROJECT_PARSERS);

/** What a backend implements for projects: {@link ProjectRepository} with parsed arguments. */
export type ProjectBackend = BackendOf<ProjectRepository, typeof PROJECT_PARSERS>;
