import {
  ConflictError,
  DimensionMismatchError,
  EmbeddingModelMismatchError,
  NotFoundError,
  RECORD_TABLES,
} from '@athena/core-types';
import type { Project, RecordTable, Store } from '@athena/core-types';
import type { TableCounts } from './transfer-options.js';

/** The embedding models of the memories in `projectIds` (all projects when undefined). */
export async function embeddingModels(
  store: Store,
  projectIds: readonly number[] | undefined,
): Promise<(string | null)[]> {
  const scopes = projectIds === undefined ? [undefined] : projectIds;
  const models = new Set<string | null>();
  for (const projectId of scopes) {
    const stats = await store.stats(projectId === undefined ? {} : { projectId });
    for (const entry of stats.embeddingModels) models.add(entry.model);
  }
  return [...models];
}

/** Rows per table in `projectIds` of `store`. */
export async function countTables(
  store: Store,
  projectIds: readonly number[] | undefined,
): Promise<TableCounts> {
  const counts = {} as Record<RecordTable, number>;
  for (const table of RECORD_TABLES) {
    counts[table] = await store.records.count(
      table,
      projectIds === undefined ? {} : { projectIds },
    );
  }
  return counts;
}

/**
 * Refuses a target whose vectors cannot sit beside the source's: another
 * dimension (`DimensionMismatchError`), or memories embedded by a model the
 * source does not use while the source brings a model the target does not
 * hold (`EmbeddingModelMismatchError`): recall would then compare vectors of
 * two models. An empty target takes anything.
 */
export async function checkEmbeddings(
  target: Store,
  source: { readonly dimension: number; readonly models: readonly (string | null)[] },
): Promise<void> {
  if (target.embeddingDimension !== source.dimension) {
    throw new DimensionMismatchError(target.embeddingDimension, source.dimension, {
      details: {
        reason: `the source's vectors have ${source.dimension} dimensions; the target was created for ${target.embeddingDimension}: transfer into a new database created with ATHENA_EMBEDDING_DIM=${source.dimension}`,
      },
    });
  }
  const held = (await target.stats()).embeddingModels
    .map((entry) => entry.model)
    .filter((model): model is string => model !== null);
  const brought = source.models.filter((model): model is string => model !== null);
  const foreign = brought.filter((model) => !held.includes(model));
  if (held.length > 0 && foreign.length > 0) {
    throw new EmbeddingModelMismatchError(
      held.join(', '),
      foreign,
      [],
      `the target's memories were embedded with ${held.join(', ')}, the source's with ${brought.join(', ')}: ` +
        'vectors of different models cannot be searched together. Transfer into an empty database, ' +
        'or re-embed one side first (AthenaMemory.reembed).',
    );
  }
}

/**
 * The source's projects (those asked for), after checking each exists and
 * that the target holds none with the same name or path.
 */
export async function sourceProjects(
  source: Store,
  target: Store,
  projectIds: readonly number[] | undefined,
): Promise<Project[]> {
  const projects: Project[] = [];
  let after = 0;
  for (;;) {
    const page = await source.records.page('projects', {
      after,
      limit: 1000,
      ...(projectIds === undefined ? {} : { projectIds }),
    });
    projects.push(...page);
    const last = page.at(-1);
    if (last === undefined || page.length < 1000) break;
    after = last.id;
  }
  const missing = projectIds?.find((id) => !projects.some((project) => project.id === id));
  if (missing !== undefined) throw new NotFoundError('project', missing);
  const taken: string[] = [];
  for (const project of projects) {
    const byName = await target.projects.getByName(project.name);
    const byPath = await target.projects.getByPath(project.path);
    if (byName !== null || byPath !== null) taken.push(`${project.name} (${project.path})`);
  }
  if (taken.length > 0) {
    throw new ConflictError(
      `the target already has project(s) ${taken.join(', ')}: transfer into another database, or delete them there first`,
      { details: { projects: taken } },
    );
  }
  return projects;
}
