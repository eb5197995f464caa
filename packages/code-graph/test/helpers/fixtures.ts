import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeEntity, DependencyType, Store } from '@athena/core-types';
import { DEPENDENCY_TYPES } from '@athena/core-types';

const HERE = dirname(fileURLToPath(import.meta.url));

/** A fresh copy of a fixture project in a temporary directory, and how to remove it. */
export function copyFixture(name: 'ts-project' | 'py-project'): {
  root: string;
  dispose: () => void;
} {
  const parent = mkdtempSync(join(tmpdir(), 'athena-code-graph-fixture-'));
  const root = join(parent, name);
  cpSync(join(HERE, '..', 'fixtures', name), root, { recursive: true });
  return { root, dispose: () => rmSync(parent, { recursive: true, force: true }) };
}

/** `file:qualifiedName`, how entities are named in assertions. */
export const label = (e: CodeEntity) => `${e.filePath}:${e.qualifiedName}`;

/** Every entity of the project as `file:qualifiedName type exported`, sorted. */
export async function entitySummary(store: Store, projectId: number): Promise<string[]> {
  const entities = await store.code.findEntities(projectId);
  return entities
    .map(
      (e) =>
        `${label(e)} ${e.entityType} ${e.exported === null ? '-' : e.exported ? 'exported' : 'internal'}`,
    )
    .sort();
}

/** Every edge of the project as `from -type-> to`, by labels, sorted. */
export async function edgeSummary(store: Store, projectId: number): Promise<string[]> {
  const entities = await store.code.findEntities(projectId);
  const out: string[] = [];
  for (const entity of entities) {
    for (const type of DEPENDENCY_TYPES) {
      const targets = await store.code.traverse(projectId, entity.id, {
        direction: 'dependencies',
        maxDepth: 1,
        dependencyTypes: [type as DependencyType],
      });
      for (const target of targets) out.push(`${label(entity)} -${type}-> ${label(target.entity)}`);
    }
  }
  return out.sort();
}
